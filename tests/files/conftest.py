"""The `files` fixture: every files-adapter contract test runs on each adapter.

Adapters: the local directory (a temp dir), GridFS on mongomock-motor, and GridFS on a real
MongoDB when MONGODB_URI is set (skipped otherwise, with that reason).
"""

from __future__ import annotations

import os
import uuid

import pytest

ADAPTERS = ["local", "gridfs-mongomock", "gridfs-mongodb"]


@pytest.fixture(params=ADAPTERS)
async def files(request, tmp_path):
    kind = request.param
    if kind == "local":
        from parse_clone.files.local import LocalFilesAdapter

        yield LocalFilesAdapter(str(tmp_path / "files"))
        return
    from parse_clone.files.gridfs import GridFSAdapter

    if kind == "gridfs-mongomock":
        from mongomock_motor import AsyncMongoMockClient

        db = AsyncMongoMockClient()["files_contract"]
        yield GridFSAdapter(lambda: db)
        return
    uri = os.environ.get("MONGODB_URI")
    if not uri:
        pytest.skip("MONGODB_URI is not set: no real MongoDB server to run against")
    from pymongo import AsyncMongoClient

    client = AsyncMongoClient(uri)
    name = f"parse_clone_files_{uuid.uuid4().hex[:8]}"
    try:
        yield GridFSAdapter(lambda: client[name])
    finally:
        await client.drop_database(name)
        await client.close()
