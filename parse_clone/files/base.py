"""The files-adapter contract: store, stat, read (by byte range), delete; data always moves in chunks.

Names reaching an adapter have passed `core.file_names.check_stored_name`: one path segment of
`[_a-zA-Z0-9][a-zA-Z0-9@. ~_-]*`. Adapters check again where a name becomes a path, so that a
caller's slip cannot reach outside their storage.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass, field
from typing import Any

CHUNK_SIZE = 255 * 1024  # GridFS's default chunk size; also the local adapter's read size


@dataclass
class FileOptions:
    """What is stored beside the bytes: the declared content type, metadata and tags."""

    content_type: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    tags: dict[str, Any] = field(default_factory=dict)


@dataclass
class StoredFile:
    """A stored file as an adapter found it; `ref` is adapter-private (GridFS id, local path)."""

    name: str
    length: int
    metadata: dict[str, Any] = field(default_factory=dict)
    content_type: str | None = None
    ref: Any = None


class FilesAdapter(ABC):
    """Where uploaded files live (GridFS, a local directory, ...)."""

    @abstractmethod
    async def create(self, name: str, chunks: AsyncIterable[bytes], options: FileOptions) -> StoredFile:
        """Store `chunks` under `name`; on any failure nothing of the file is left behind."""

    @abstractmethod
    async def stat(self, name: str) -> StoredFile | None:
        """The stored file called `name`, or None."""

    @abstractmethod
    def read(self, file: StoredFile, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        """Bytes [start, end) of a file `stat` returned, in chunks (end None: to the end)."""

    @abstractmethod
    async def delete(self, name: str) -> bool:
        """Remove the file; False if there was none."""

    async def close(self) -> None:
        """Release resources (most adapters hold none of their own)."""
