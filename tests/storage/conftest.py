"""The `adapter` fixture: every storage contract test runs on each backend.

Backends: SQLite (a temp file), MongoDB on mongomock-motor, and a real MongoDB when
MONGODB_URI is set (skipped otherwise, with that reason).
"""

from __future__ import annotations

import os
import uuid

import pytest

BACKENDS = ["sqlite", "mongomock", "mongodb"]


@pytest.fixture(params=BACKENDS)
async def adapter(request, tmp_path):
    kind = request.param
    if kind == "sqlite":
        from parse_clone.storage.sqlite import SQLiteAdapter

        a = SQLiteAdapter(str(tmp_path / "contract.sqlite3"))
    elif kind == "mongomock":
        from mongomock_motor import AsyncMongoMockClient

        from parse_clone.storage.mongo import MongoAdapter

        a = MongoAdapter("mongodb://mock/contract", client=AsyncMongoMockClient())
    else:
        uri = os.environ.get("MONGODB_URI")
        if not uri:
            pytest.skip("MONGODB_URI is not set: no real MongoDB server to run against")
        from parse_clone.storage.mongo import MongoAdapter

        a = MongoAdapter(uri, database=f"parse_clone_test_{uuid.uuid4().hex[:8]}")
    await a.connect()
    try:
        yield a
    finally:
        await a.delete_all_classes()
        await a.close()
