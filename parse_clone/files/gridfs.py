"""Files in GridFS, laid out as Parse Server's GridFSBucketAdapter (and every MongoDB driver) does.

Bucket `fs` in the database the objects live in: `fs.files` rows `{_id: ObjectId, length,
chunkSize, uploadDate, filename, metadata}` and `fs.chunks` rows `{_id, files_id, n, data}`,
with the two indexes drivers create. A name may have several revisions; the newest is read and
all are deleted (as Parse Server does). Files are written and read chunk by chunk through plain
collection calls, the subset PyMongo async and mongomock-motor share, so no file is ever held
in memory whole. Parse Server's optional encryption (`encryptionKey`) is not supported.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

from bson import ObjectId

from .base import CHUNK_SIZE, FileOptions, FilesAdapter, StoredFile

INSERT_BATCH = 16  # chunks per insert_many (about 4 MiB)


class CorruptFile(IOError):
    """A file whose chunks do not add up to its recorded length."""


class GridFSAdapter(FilesAdapter):
    """GridFS on the database handle `database()` returns (the storage adapter's, once connected)."""

    def __init__(self, database: Callable[[], Any], bucket: str = "fs", chunk_size: int = CHUNK_SIZE) -> None:
        self._database = database
        self.bucket = bucket
        self.chunk_size = chunk_size
        self._indexed = False

    def _files(self) -> Any:
        return self._database()[f"{self.bucket}.files"]

    def _chunks(self) -> Any:
        return self._database()[f"{self.bucket}.chunks"]

    async def _ensure_indexes(self) -> None:
        if self._indexed:
            return
        await self._files().create_index([("filename", 1), ("uploadDate", 1)])
        await self._chunks().create_index([("files_id", 1), ("n", 1)], unique=True)
        self._indexed = True

    async def create(self, name: str, chunks: AsyncIterable[bytes], options: FileOptions) -> StoredFile:
        """Chunks first, the files row last (a reader never sees a partial file); undone on failure."""
        await self._ensure_indexes()
        file_id = ObjectId()
        size = self.chunk_size
        length = n = 0
        pending = bytearray()
        batch: list[dict[str, Any]] = []
        try:
            async for data in chunks:
                pending += data
                length += len(data)
                while len(pending) >= size:
                    batch.append({"files_id": file_id, "n": n, "data": bytes(pending[:size])})
                    del pending[:size]
                    n += 1
                    if len(batch) >= INSERT_BATCH:
                        await self._chunks().insert_many(batch)
                        batch = []
            if pending:
                batch.append({"files_id": file_id, "n": n, "data": bytes(pending)})
            if batch:
                await self._chunks().insert_many(batch)
            row = {"_id": file_id, "length": length, "chunkSize": size,
                   "uploadDate": datetime.now(UTC).replace(tzinfo=None), "filename": name,
                   "metadata": dict(options.metadata)}
            await self._files().insert_one(row)
        except BaseException:
            await self._chunks().delete_many({"files_id": file_id})
            raise
        return StoredFile(name, length, dict(options.metadata), options.content_type, (file_id, size))

    async def stat(self, name: str) -> StoredFile | None:
        """The newest revision of `name`."""
        row = await self._files().find_one({"filename": name}, sort=[("uploadDate", -1), ("_id", -1)])
        if row is None:
            return None
        metadata = row.get("metadata")
        return StoredFile(name, int(row.get("length", 0)), metadata if isinstance(metadata, dict) else {},
                          row.get("contentType"), (row["_id"], int(row.get("chunkSize") or self.chunk_size)))

    async def read(self, file: StoredFile, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        """Only the chunks covering [start, end), in order, a few at a time."""
        end = file.length if end is None else min(end, file.length)
        if start >= end:
            return
        file_id, size = file.ref
        first, last = start // size, (end - 1) // size
        cursor = self._chunks().find({"files_id": file_id, "n": {"$gte": first, "$lte": last}},
                                     {"n": 1, "data": 1}).sort("n", 1).batch_size(4)
        expected = first
        async for row in cursor:
            if row.get("n") != expected:
                raise CorruptFile(f"{file.name}: chunk {expected} is missing")
            data = bytes(row["data"])
            offset = expected * size
            lo = start - offset if expected == first else 0
            hi = end - offset if expected == last else len(data)
            if hi > len(data):
                raise CorruptFile(f"{file.name}: chunk {expected} is short")
            expected += 1
            yield data[lo:hi]
        if expected != last + 1:
            raise CorruptFile(f"{file.name}: chunk {expected} is missing")

    async def delete(self, name: str) -> bool:
        """Every revision: files rows first, then their chunks."""
        ids = [row["_id"] async for row in self._files().find({"filename": name}, {"_id": 1})]
        if not ids:
            return False
        await self._files().delete_many({"_id": {"$in": ids}})
        await self._chunks().delete_many({"files_id": {"$in": ids}})
        return True
