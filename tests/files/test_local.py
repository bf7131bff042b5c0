"""The local-directory adapter: layout, and names that must never become paths outside its root."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from parse_clone.files.base import FileOptions
from parse_clone.files.local import LocalFilesAdapter, UnsafeFileName


async def one(data: bytes) -> AsyncIterator[bytes]:
    yield data


@pytest.fixture
def local(tmp_path) -> LocalFilesAdapter:
    return LocalFilesAdapter(str(tmp_path / "files"))


async def test_layout_is_the_file_plus_a_metadata_sidecar(local, tmp_path):
    await local.create("a_b.txt", one(b"hi"), FileOptions("text/plain", {"m": 1}, {"t": 2}))
    root = tmp_path / "files"
    assert (root / "a_b.txt").read_bytes() == b"hi"
    assert json.loads((root / ".meta" / "a_b.txt.json").read_text()) == {
        "contentType": "text/plain", "metadata": {"m": 1}, "tags": {"t": 2}}
    assert list((root / ".tmp").iterdir()) == []


async def test_nothing_is_created_before_the_first_upload(local, tmp_path):
    assert await local.stat("x.txt") is None
    assert not (tmp_path / "files").exists()


@pytest.mark.parametrize("name", ["../evil.txt", "../../evil.txt", "a/b.txt", "..\\evil.txt", "evil\x00.txt",
                                  ".meta", ".tmp", "..", ".", "", "/etc/passwd", "x" * 300])
async def test_unsafe_names_are_refused_before_anything_is_written(local, tmp_path, name):
    with pytest.raises(UnsafeFileName):
        await local.create(name, one(b"evil"), FileOptions())
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


@pytest.mark.parametrize("name", ["../secret.txt", "../files/../secret.txt", "/etc/passwd", "secret.txt\x00"])
async def test_unsafe_names_are_never_found_or_deleted(local, tmp_path, name):
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    assert await local.stat(name) is None
    assert await local.delete(name) is False
    assert secret.read_text() == "top secret"


async def test_a_file_without_sidecar_is_served_with_empty_metadata(local, tmp_path):
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "copied_in.txt").write_bytes(b"by hand")
    found = await local.stat("copied_in.txt")
    assert (found.length, found.metadata) == (7, {})


async def test_a_directory_is_not_a_file(local, tmp_path):
    (tmp_path / "files" / "adir").mkdir(parents=True)
    assert await local.stat("adir") is None
