"""The files-adapter contract (parse_clone/files/base.py), on every adapter."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from parse_clone.files.base import CHUNK_SIZE, FileOptions
from parse_clone.files.local import LocalFilesAdapter

DATA = bytes(range(256)) * 3500  # 896,000 bytes: three full GridFS chunks and a partial one


async def chunks_of(data: bytes, size: int = 100_000) -> AsyncIterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i:i + size]


async def read_all(files, name: str, start: int = 0, end: int | None = None) -> bytes:
    found = await files.stat(name)
    assert found is not None
    return b"".join([chunk async for chunk in files.read(found, start, end)])


async def held(files) -> list[Any]:
    """Everything the adapter stores (to prove a failed upload left nothing behind)."""
    if isinstance(files, LocalFilesAdapter):
        root = Path(files.root)
        return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []
    db = files._database()
    return [r async for r in db["fs.files"].find({})] + [r async for r in db["fs.chunks"].find({}, {"n": 1})]


async def test_create_then_stat_reports_length_and_metadata(files):
    stored = await files.create("a_photo.jpg", chunks_of(DATA), FileOptions("image/jpeg", {"job": "J1"}))
    assert (stored.name, stored.length) == ("a_photo.jpg", len(DATA))
    found = await files.stat("a_photo.jpg")
    assert (found.name, found.length, found.metadata) == ("a_photo.jpg", len(DATA), {"job": "J1"})


async def test_read_returns_the_bytes_in_bounded_chunks(files):
    await files.create("a.bin", chunks_of(DATA), FileOptions())
    found = await files.stat("a.bin")
    pieces = [chunk async for chunk in files.read(found)]
    assert b"".join(pieces) == DATA
    assert max(len(p) for p in pieces) <= CHUNK_SIZE


@pytest.mark.parametrize("start,end", [(0, 1), (0, CHUNK_SIZE), (CHUNK_SIZE - 1, CHUNK_SIZE + 1),
                                       (100, 3 * CHUNK_SIZE + 17), (len(DATA) - 1, len(DATA)),
                                       (500_000, None), (0, len(DATA) + 999)])
async def test_read_ranges_across_chunk_boundaries(files, start, end):
    await files.create("a.bin", chunks_of(DATA, 77_777), FileOptions())
    assert await read_all(files, "a.bin", start, end) == DATA[start:end]


async def test_read_of_an_empty_range_yields_nothing(files):
    await files.create("a.bin", chunks_of(DATA), FileOptions())
    assert await read_all(files, "a.bin", 10, 10) == b""


async def test_stat_of_a_missing_file_is_none(files):
    assert await files.stat("nothing_here.txt") is None


async def test_delete_removes_the_file_once(files):
    await files.create("a.txt", chunks_of(b"hello"), FileOptions(metadata={"k": 1}))
    assert await files.delete("a.txt") is True
    assert await files.stat("a.txt") is None
    assert await files.delete("a.txt") is False
    assert await held(files) == []


async def test_a_failed_upload_leaves_nothing_behind(files):
    async def broken() -> AsyncIterator[bytes]:
        yield DATA[:CHUNK_SIZE * 2 + 5]  # enough for chunks to be written already
        raise ConnectionResetError("client went away")

    with pytest.raises(ConnectionResetError):
        await files.create("a.bin", broken(), FileOptions())
    assert await files.stat("a.bin") is None
    assert await held(files) == []


async def test_an_empty_file_can_be_stored(files):
    stored = await files.create("empty.txt", chunks_of(b""), FileOptions())
    assert stored.length == 0
    assert await read_all(files, "empty.txt") == b""


async def test_files_are_independent(files):
    await files.create("one.txt", chunks_of(b"one"), FileOptions())
    await files.create("two.txt", chunks_of(b"two"), FileOptions())
    await files.delete("one.txt")
    assert await read_all(files, "two.txt") == b"two"
