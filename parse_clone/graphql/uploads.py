"""Files sent with a GraphQL multipart request (the `Upload` scalar) and storing them as Parse files."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, AsyncIterator

from ..core.files import service as files
from ..errors import ParseError

if TYPE_CHECKING:
    from .context import GraphQLContext


@dataclass
class UploadedFile:
    """One file part of a multipart request."""

    filename: str
    content_type: str | None
    data: bytes


async def _one_chunk(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def save_upload(ctx: "GraphQLContext", upload: Any) -> dict[str, Any]:
    """Store an upload through the same checks and file hooks as POST /files: {"name", "url"}."""
    if not isinstance(upload, UploadedFile):
        raise ParseError(ParseError.FILE_SAVE_ERROR, "Invalid file upload.")
    saved = await files.save_file(ctx.server, ctx.auth, files.FileUpload(
        filename=upload.filename, content_type=upload.content_type, chunks=_one_chunk(upload.data),
        size=len(upload.data)))
    return {"name": saved.name, "url": saved.url}
