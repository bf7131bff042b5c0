"""Files in a local directory (the SQLite default): `<root>/<name>`, metadata in `<root>/.meta/<name>.json`.

An upload streams into `<root>/.tmp/` and is renamed into place only once complete, so a failed
or oversize upload leaves nothing a reader can see, and its partial file is removed at once.
Blocking file calls run in worker threads; writes are batched to about 1 MiB per call.
"""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections.abc import AsyncIterable, AsyncIterator
from typing import Any, BinaryIO

from .base import CHUNK_SIZE, FileOptions, FilesAdapter, StoredFile

WRITE_SIZE = 1024 * 1024
_META_DIR = ".meta"
_TMP_DIR = ".tmp"


class UnsafeFileName(ValueError):
    """A name that is not a single, ordinary path segment."""


class LocalFilesAdapter(FilesAdapter):
    """Files as plain files in one directory (created on the first upload)."""

    def __init__(self, root: str) -> None:
        self.root = os.path.abspath(root)

    # ----- paths -----
    def _path(self, name: str) -> str:
        # Stored names never start with "." (so they cannot hit .meta/.tmp) and hold no separator.
        if (not name or name.startswith(".") or "/" in name or "\\" in name or "\x00" in name
                or len(name.encode("utf-8")) > 255):
            raise UnsafeFileName(name)
        path = os.path.join(self.root, name)
        if os.path.dirname(path) != self.root:
            raise UnsafeFileName(name)
        return path

    def _meta_path(self, name: str) -> str:
        return os.path.join(self.root, _META_DIR, name + ".json")

    def _make_dirs(self) -> None:
        for sub in (_META_DIR, _TMP_DIR):
            os.makedirs(os.path.join(self.root, sub), exist_ok=True)

    # ----- contract -----
    async def create(self, name: str, chunks: AsyncIterable[bytes], options: FileOptions) -> StoredFile:
        """Stream into a temporary file, then move it (and its metadata) into place."""
        path = self._path(name)
        await asyncio.to_thread(self._make_dirs)
        tmp = os.path.join(self.root, _TMP_DIR, uuid.uuid4().hex + ".part")
        handle: BinaryIO = await asyncio.to_thread(open, tmp, "xb")
        length = 0
        try:
            pending = bytearray()
            async for chunk in chunks:
                pending += chunk
                length += len(chunk)
                if len(pending) >= WRITE_SIZE:
                    await asyncio.to_thread(handle.write, pending)
                    pending = bytearray()
            meta = {"contentType": options.content_type, "metadata": options.metadata, "tags": options.tags}
            await asyncio.to_thread(self._finish, handle, pending, tmp, path, name, meta)
        except BaseException:
            await asyncio.to_thread(_discard, handle, tmp)
            raise
        return StoredFile(name, length, dict(options.metadata), options.content_type, path)

    def _finish(self, handle: BinaryIO, pending: bytearray, tmp: str, path: str, name: str,
                meta: dict[str, Any]) -> None:
        handle.write(pending)
        handle.flush()
        os.fsync(handle.fileno())
        handle.close()
        meta_tmp = tmp + ".json"
        with open(meta_tmp, "w", encoding="utf-8") as fh:
            json.dump(meta, fh)
        os.replace(meta_tmp, self._meta_path(name))
        os.replace(tmp, path)

    async def stat(self, name: str) -> StoredFile | None:
        """The file and its sidecar metadata, or None."""
        try:
            path = self._path(name)
        except UnsafeFileName:
            return None
        return await asyncio.to_thread(self._stat, name, path)

    def _stat(self, name: str, path: str) -> StoredFile | None:
        try:
            st = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            return None
        if not os.path.isfile(path):
            return None
        meta: dict[str, Any] = {}
        try:
            with open(self._meta_path(name), encoding="utf-8") as fh:
                meta = json.load(fh)
        except (FileNotFoundError, ValueError):
            pass  # files copied in by hand have no sidecar
        metadata = meta.get("metadata")
        return StoredFile(name, st.st_size, metadata if isinstance(metadata, dict) else {},
                          meta.get("contentType"), path)

    async def read(self, file: StoredFile, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        """Read [start, end) in CHUNK_SIZE pieces."""
        end = file.length if end is None else min(end, file.length)
        if start >= end:
            return
        handle: BinaryIO = await asyncio.to_thread(open, file.ref or self._path(file.name), "rb")
        try:
            await asyncio.to_thread(handle.seek, start)
            remaining = end - start
            while remaining > 0:
                data = await asyncio.to_thread(handle.read, min(CHUNK_SIZE, remaining))
                if not data:
                    raise OSError(f"{file.name} is shorter than its recorded length")
                remaining -= len(data)
                yield data
        finally:
            await asyncio.to_thread(handle.close)

    async def delete(self, name: str) -> bool:
        """Remove the file and its sidecar."""
        try:
            path = self._path(name)
        except UnsafeFileName:
            return False
        return await asyncio.to_thread(self._delete, name, path)

    def _delete(self, name: str, path: str) -> bool:
        try:
            os.unlink(path)
        except FileNotFoundError:
            return False
        try:
            os.unlink(self._meta_path(name))
        except FileNotFoundError:
            pass
        return True


def _discard(handle: BinaryIO, tmp: str) -> None:
    handle.close()
    for leftover in (tmp, tmp + ".json"):
        try:
            os.unlink(leftover)
        except FileNotFoundError:
            pass
