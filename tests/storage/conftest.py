"""The `adapter` fixture: every storage contract test runs on each backend.

Backends: SQLite (a temp file), MongoDB on mongomock-motor, PostgreSQL (the session's
throwaway database, tests/support/postgres.py; skipped with the reason when unreachable),
and a real MongoDB when MONGODB_URI is set (skipped otherwise, with that reason).

A test marked ``@pytest.mark.not_on_mongomock("reason")`` is skipped on the
mongomock backend only (geo, $text and transactions, which the mock does not
implement); it still runs on SQLite and on a real MongoDB.
"""

from __future__ import annotations

import os
import uuid
from typing import Any

import pytest

BACKENDS = ["sqlite", "mongomock", "postgres", "mongodb"]

T0 = "2024-05-01T12:00:00.000Z"


def pytest_configure(config):
    config.addinivalue_line("markers", "not_on_mongomock(reason): skip on the mongomock backend, with the reason")


@pytest.fixture(params=BACKENDS)
async def adapter(request, tmp_path):
    kind = request.param
    marker = request.node.get_closest_marker("not_on_mongomock")
    if kind == "mongomock" and marker is not None:
        pytest.skip(f"mongomock cannot: {marker.args[0] if marker.args else 'unsupported'}")
    if kind == "sqlite":
        from parse_clone.storage.sqlite import SQLiteAdapter

        # No fsyncs: the contract is about results (test_sqlite_durability.py covers the default).
        a = SQLiteAdapter(str(tmp_path / "contract.sqlite3"), synchronous="OFF")
    elif kind == "mongomock":
        from mongomock_motor import AsyncMongoMockClient

        from parse_clone.storage.mongo import MongoAdapter

        a = MongoAdapter("mongodb://mock/contract", client=AsyncMongoMockClient())
    elif kind == "postgres":
        from parse_clone.storage.postgres import PostgresAdapter

        from ..support.postgres import database_uri

        a = PostgresAdapter(database_uri())
    else:
        uri = os.environ.get("MONGODB_URI")
        if not uri:
            pytest.skip("MONGODB_URI is not set: no real MongoDB server to run against")
        from parse_clone.storage.mongo import MongoAdapter

        a = MongoAdapter(uri, database=f"parse_clone_test_{uuid.uuid4().hex[:8]}")
    await a.connect()
    if kind == "postgres":
        await a.delete_all_classes()  # the session database is shared: start from empty tables
    try:
        yield a
    finally:
        await a.delete_all_classes()
        await a.close()


# ----- small builders shared by the contract tests -----

def make_schema(class_name: str, **types: str) -> dict[str, Any]:
    """A stored class schema; a type "Pointer:_User" or "Relation:_User" sets targetClass."""
    fields: dict[str, Any] = {}
    for name, t in types.items():
        kind, _, target = t.partition(":")
        fields[name] = {"type": kind, "targetClass": target} if target else {"type": kind}
    return {"className": class_name, "fields": fields, "classLevelPermissions": None, "indexes": None}


def make_doc(object_id: str, **fields: Any) -> dict[str, Any]:
    """A stored document with fixed createdAt/updatedAt."""
    return {"objectId": object_id, "createdAt": T0, "updatedAt": T0, **fields}


def pointer(class_name: str, object_id: str) -> dict[str, str]:
    return {"__type": "Pointer", "className": class_name, "objectId": object_id}


def date(iso: str) -> dict[str, str]:
    return {"__type": "Date", "iso": iso}


def geo(latitude: float, longitude: float) -> dict[str, Any]:
    return {"__type": "GeoPoint", "latitude": latitude, "longitude": longitude}


async def seed(adapter, schema: dict[str, Any], docs: list[dict[str, Any]]) -> None:
    """Create the class and insert the documents."""
    await adapter.create_class(schema["className"], schema)
    for d in docs:
        await adapter.create_object(schema["className"], schema, d)


def ids(docs: list[dict[str, Any]]) -> list[str]:
    """The objectIds of a result, in result order."""
    return [d["objectId"] for d in docs]
