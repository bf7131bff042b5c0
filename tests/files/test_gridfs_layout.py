"""GridFS adapter: Parse Server's (and every driver's) bucket layout, read and written.

Runs on mongomock-motor (the same collection calls PyMongo async makes).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from bson import Binary, ObjectId
from mongomock_motor import AsyncMongoMockClient

from parse_clone.files.base import CHUNK_SIZE, FileOptions
from parse_clone.files.gridfs import CorruptFile, GridFSAdapter


async def one(data: bytes) -> AsyncIterator[bytes]:
    yield data


@pytest.fixture
def db():
    return AsyncMongoMockClient()["parse"]


@pytest.fixture
def gridfs(db) -> GridFSAdapter:
    return GridFSAdapter(lambda: db)


async def test_files_row_has_the_driver_fields(gridfs, db):
    await gridfs.create("abc_photo.jpg", one(b"x" * (CHUNK_SIZE + 10)), FileOptions("image/jpeg", {"job": "J1"}))
    row = await db["fs.files"].find_one({})
    assert set(row) == {"_id", "length", "chunkSize", "uploadDate", "filename", "metadata"}
    assert isinstance(row["_id"], ObjectId)
    assert (row["length"], row["chunkSize"], row["filename"], row["metadata"]) == (
        CHUNK_SIZE + 10, 261120, "abc_photo.jpg", {"job": "J1"})
    assert isinstance(row["uploadDate"], datetime)


async def test_chunks_are_numbered_and_sized(gridfs, db):
    await gridfs.create("a.bin", one(b"y" * (2 * CHUNK_SIZE + 3)), FileOptions())
    file_id = (await db["fs.files"].find_one({}))["_id"]
    chunks = [c async for c in db["fs.chunks"].find({}).sort("n", 1)]
    assert [(c["files_id"], c["n"], len(c["data"])) for c in chunks] == [
        (file_id, 0, CHUNK_SIZE), (file_id, 1, CHUNK_SIZE), (file_id, 2, 3)]


async def test_the_driver_indexes_are_created(gridfs, db):
    await gridfs.create("a.bin", one(b"z"), FileOptions())
    files_indexes = await db["fs.files"].index_information()
    chunk_indexes = await db["fs.chunks"].index_information()
    assert any(i["key"] == [("filename", 1), ("uploadDate", 1)] for i in files_indexes.values())
    assert any(i["key"] == [("files_id", 1), ("n", 1)] and i.get("unique") for i in chunk_indexes.values())


async def insert_parse_server_file(db, name: str, data: bytes, chunk_size: int, uploaded: datetime) -> ObjectId:
    """A file as Parse Server's GridFSBucketAdapter (Node driver) leaves it."""
    file_id = ObjectId()
    for n, i in enumerate(range(0, len(data), chunk_size)):
        await db["fs.chunks"].insert_one({"_id": ObjectId(), "files_id": file_id, "n": n,
                                          "data": Binary(data[i:i + chunk_size])})
    await db["fs.files"].insert_one({"_id": file_id, "length": len(data), "chunkSize": chunk_size,
                                     "uploadDate": uploaded, "filename": name, "metadata": {}})
    return file_id


async def test_reads_files_parse_server_wrote(gridfs, db):
    data = bytes(range(256)) * 10
    await insert_parse_server_file(db, "f_old.txt", data, 1000, datetime(2020, 1, 1))
    found = await gridfs.stat("f_old.txt")
    assert found.length == len(data)
    assert b"".join([c async for c in gridfs.read(found, 999, 2001)]) == data[999:2001]


async def test_the_newest_revision_is_read_and_every_revision_deleted(gridfs, db):
    now = datetime(2024, 5, 1)
    await insert_parse_server_file(db, "same.txt", b"old", 255, now)
    await insert_parse_server_file(db, "same.txt", b"newer", 255, now + timedelta(seconds=1))
    found = await gridfs.stat("same.txt")
    assert b"".join([c async for c in gridfs.read(found)]) == b"newer"
    assert await gridfs.delete("same.txt") is True
    assert await db["fs.files"].count_documents({}) == 0
    assert await db["fs.chunks"].count_documents({}) == 0


async def test_a_missing_chunk_is_reported_not_papered_over(gridfs, db):
    file_id = await insert_parse_server_file(db, "holey.bin", b"a" * 3000, 1000, datetime(2024, 1, 1))
    await db["fs.chunks"].delete_one({"files_id": file_id, "n": 1})
    found = await gridfs.stat("holey.bin")
    with pytest.raises(CorruptFile):
        _ = [c async for c in gridfs.read(found)]


async def test_only_the_chunks_of_the_range_are_fetched(gridfs, db):
    await gridfs.create("big.bin", one(b"q" * (10 * CHUNK_SIZE)), FileOptions())
    found = await gridfs.stat("big.bin")
    seen: list[int] = []
    real_find = db["fs.chunks"].find

    def spy(query, *args, **kwargs):
        seen.append((query["n"]["$gte"], query["n"]["$lte"]))
        return real_find(query, *args, **kwargs)

    chunks = gridfs._chunks()
    chunks.find = spy
    gridfs._chunks = lambda: chunks
    data = b"".join([c async for c in gridfs.read(found, 3 * CHUNK_SIZE + 5, 4 * CHUNK_SIZE + 10)])
    assert len(data) == CHUNK_SIZE + 5
    assert seen == [(3, 4)]
