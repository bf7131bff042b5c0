"""/files: upload (streamed), download (streamed, with Range), metadata and delete."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import AsyncIterator
from typing import Any

import orjson

from ...core.auth.sessions import auth_for_session_token
from ...core.files import service as files
from ...core.runtime.auth import Auth
from ...errors import ParseError
from ...files.names import serving_policy
from ...core.runtime.server import Server
from ..request import ParseRequest
from ..router import Reply, Router

_RANGE = re.compile(r"\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*", re.IGNORECASE)


def _header(req: ParseRequest, name: str) -> str | None:
    lowered = name.lower()
    for key, value in req.headers.items():
        if key.lower() == lowered:
            return value
    return None


async def upload(server: Server, req: ParseRequest) -> Reply:
    """POST /files/:filename: 201 {url, name} with Location."""
    if req.body_stream is not None:
        source = _streamed_upload(req)
    else:
        source = _json_upload(req)
    saved = await files.save_file(server, req.auth, source)
    return Reply({"url": saved.url, "name": saved.name}, 201, {"Location": saved.url})


def _streamed_upload(req: ParseRequest) -> files.FileUpload:
    """Raw bytes; metadata and tags may come as JSON headers (Parse 9's streaming upload headers)."""
    assert req.body_stream is not None
    length = _header(req, "Content-Length")
    return files.FileUpload(
        req.params["filename"], _header(req, "Content-Type"), req.body_stream,
        metadata=_json_header(req, "X-Parse-File-Metadata"), tags=_json_header(req, "X-Parse-File-Tags"),
        size=int(length) if length and length.isdigit() else None)


def _json_header(req: ParseRequest, name: str) -> dict[str, Any]:
    value = _header(req, name)
    if not value:
        return {}
    try:
        parsed = orjson.loads(value)
    except orjson.JSONDecodeError:
        parsed = None
    if not isinstance(parsed, dict):
        raise ParseError(ParseError.INVALID_JSON, f"Invalid JSON in {name} header.")
    return parsed


def _json_upload(req: ParseRequest) -> files.FileUpload:
    """The JS SDK's form: {"base64", "fileData": {"metadata", "tags"}} with `_ContentType` & co."""
    body = req.body if isinstance(req.body, dict) else {}
    encoded = body.get("base64")
    data = b""
    if isinstance(encoded, str):
        try:
            data = base64.b64decode(encoded + "=" * (-len(encoded) % 4))
        except (binascii.Error, ValueError):
            raise ParseError(ParseError.FILE_SAVE_ERROR, "Invalid file upload.") from None
    file_data = body.get("fileData") if isinstance(body.get("fileData"), dict) else {}
    metadata, tags = file_data.get("metadata"), file_data.get("tags")
    return files.FileUpload(
        req.params["filename"], req.info.content_type or _header(req, "Content-Type"), _one_chunk(data),
        metadata=metadata if isinstance(metadata, dict) else {}, tags=tags if isinstance(tags, dict) else {},
        size=len(data))


async def _one_chunk(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def no_filename(server: Server, req: ParseRequest) -> Reply:
    """POST /files without a name."""
    raise ParseError(ParseError.INVALID_FILE_NAME, "Filename not provided.")


async def download(server: Server, req: ParseRequest) -> Reply:
    """GET (or HEAD) /files/:appId/:filename: the bytes, or one byte range of them."""
    if files.downloads_restricted(server.config):
        files.check_download_allowed(server.config, await _download_auth(server, req))
    found = await files.find_file(server, req.params["appId"], req.params["filename"])
    if found is None:
        return Reply(raw=b"File not found.", status=404, content_type="text/plain")
    policy = serving_policy(found.name)
    headers = {"Accept-Ranges": "bytes", "X-Content-Type-Options": "nosniff"}
    if policy.attachment:
        # Active content (HTML, SVG, scripts) must never run on the API's origin.
        headers["Content-Disposition"] = f'attachment; filename="{found.name}"'
        headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    byte_range = parse_range(_header(req, "Range"), found.length)
    if byte_range == "unsatisfiable":
        headers["Content-Range"] = f"bytes */{found.length}"
        return Reply(raw=b"", status=416, headers=headers, content_type=policy.content_type)
    status, start, end = 200, 0, found.length
    if byte_range is not None:
        status, (start, end) = 206, byte_range
        headers["Content-Range"] = f"bytes {start}-{end - 1}/{found.length}"
    headers["Content-Length"] = str(end - start)
    return Reply(status=status, headers=headers, content_type=policy.content_type,
                 stream=files.read_file(server, found, start, end))


async def _download_auth(server: Server, req: ParseRequest) -> Auth | None:
    """Who downloads: as Parse Server, only the session token is read on this keyless route."""
    token = _header(req, "X-Parse-Session-Token")
    if not token:
        return None
    return await auth_for_session_token(server, Auth(), token)


def parse_range(header: str | None, size: int) -> tuple[int, int] | str | None:
    """One `bytes=` range as [start, end), "unsatisfiable", or None to send the whole file (RFC 9110 14.2)."""
    if not header or "," in header:
        return None  # absent, or several ranges: the whole file is a valid answer
    m = _RANGE.fullmatch(header)
    if m is None or (not m.group(1) and not m.group(2)):
        return None
    first, last = m.group(1), m.group(2)
    if not first:  # suffix: the last N bytes
        n = int(last)
        return (max(size - n, 0), size) if n > 0 and size > 0 else "unsatisfiable"
    start = int(first)
    end = size if not last else int(last) + 1
    if last and end <= start:
        return None  # an invalid range is ignored
    if start >= size:
        return "unsatisfiable"
    return start, min(end, size)


async def metadata(server: Server, req: ParseRequest) -> Reply:
    """GET /files/:appId/metadata/:filename: {"metadata": ...} or {}."""
    return Reply(await files.file_metadata(server, req.params["appId"], req.params["filename"]))


async def delete(server: Server, req: ParseRequest) -> Reply:
    """DELETE /files/:filename (master key): 200 with an empty body."""
    await files.delete_file(server, req.auth, req.params["filename"])
    return Reply(raw=b"", status=200)


async def unknown(server: Server, req: ParseRequest) -> Reply:
    """Any other /files/... path (reached only with valid keys)."""
    return Reply({"error": f"Cannot {req.method} {req.mount_prefix}{req.path}"}, 404)


def register(router: Router) -> None:
    """Mount the file routes."""
    router.add("POST", "/files", no_filename, public=True, raw=True, stream=True)
    router.add("POST", "/files/:filename", upload, raw=True, stream=True)
    router.add("GET", "/files/:appId/metadata/:filename", metadata, public=True)
    router.add("GET", "/files/:appId/:filename", download, public=True)
    router.add("HEAD", "/files/:appId/:filename", download, public=True)
    router.add("DELETE", "/files/:filename", delete, master=True)
    router.add("GET", "/files/.+", unknown)  # a malformed file path: keys first (403), like Parse
