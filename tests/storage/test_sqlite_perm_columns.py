"""The SQLite adapter keeps ACL lists in their own columns; old tables get them on first use."""

from __future__ import annotations

import sqlite3

import orjson

from parse_clone.storage.base import FindOptions
from parse_clone.storage.sqlite import SQLiteAdapter

SCHEMA = {"className": "Doc", "fields": {}}


def _old_table(path: str) -> None:
    db = sqlite3.connect(path)
    db.execute('CREATE TABLE "Doc" (objectId TEXT PRIMARY KEY, createdAt TEXT, updatedAt TEXT, doc TEXT NOT NULL)')
    rows = [("pub", {"n": 1}), ("mine", {"n": 2, "_rperm": ["u1"], "_wperm": ["u1"]}), ("none", {"n": 3, "_rperm": []})]
    for oid, doc in rows:
        db.execute('INSERT INTO "Doc" VALUES (?, ?, ?, ?)', (oid, "2024-01-01T00:00:00.000Z",
                                                             "2024-01-01T00:00:00.000Z", orjson.dumps(doc).decode()))
    db.commit()
    db.close()


async def _ids(adapter: SQLiteAdapter, where: dict) -> list[str]:
    docs = await adapter.find("Doc", SCHEMA, where, FindOptions(sort=[("objectId", 1)]))
    return [d["objectId"] for d in docs]


async def test_tables_made_without_perm_columns_are_migrated_on_first_use(tmp_path):
    path = str(tmp_path / "old.sqlite3")
    _old_table(path)
    adapter = SQLiteAdapter(path)
    await adapter.connect()
    assert await _ids(adapter, {"_rperm": {"$in": [None, "*", "u1"]}}) == ["mine", "pub"]
    assert await _ids(adapter, {"_rperm": {"$in": [None, "*"]}}) == ["pub"]
    assert await _ids(adapter, {"_wperm": {"$in": ["u1"]}}) == ["mine"]
    await adapter.close()


async def test_updating_an_acl_moves_the_row_between_readers(tmp_path):
    adapter = SQLiteAdapter(str(tmp_path / "new.sqlite3"))
    await adapter.connect()
    await adapter.create_class("Doc", SCHEMA)
    await adapter.create_object("Doc", SCHEMA, {"objectId": "a", "_rperm": ["u1"], "_wperm": ["u1"]})
    assert await _ids(adapter, {"_rperm": {"$in": [None, "*", "u2"]}}) == []
    await adapter.find_one_and_update("Doc", SCHEMA, {"objectId": "a"}, {"_rperm": ["u2"]})
    assert await _ids(adapter, {"_rperm": {"$in": [None, "*", "u2"]}}) == ["a"]
    await adapter.find_one_and_update("Doc", SCHEMA, {"objectId": "a"}, {"_rperm": {"__op": "Delete"}})
    assert await _ids(adapter, {"_rperm": {"$in": [None, "*"]}}) == ["a"]
    await adapter.close()


async def test_an_empty_acl_is_readable_by_nobody(tmp_path):
    adapter = SQLiteAdapter(str(tmp_path / "e.sqlite3"))
    await adapter.connect()
    await adapter.create_class("Doc", SCHEMA)
    await adapter.create_object("Doc", SCHEMA, {"objectId": "m", "_rperm": [], "_wperm": []})
    assert await _ids(adapter, {"_rperm": {"$in": [None, "*", "u1", "role:Admin"]}}) == []
    assert await _ids(adapter, {}) == ["m"]
    await adapter.close()
