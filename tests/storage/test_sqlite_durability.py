"""SQLite only: the file, its settings, several connections and processes on one database."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from parse_clone.errors import ParseError
from parse_clone.storage.base import FindOptions
from parse_clone.storage.sqlite import SQLiteAdapter

from .conftest import make_doc, make_schema, seed

POST = make_schema("Post", title="String", n="Number")
ROOT = Path(__file__).resolve().parents[2]


async def _open(path: Path, **kwargs) -> SQLiteAdapter:
    a = SQLiteAdapter(str(path), **kwargs)
    await a.connect()
    return a


def _run_child(path: Path, body: str) -> subprocess.Popen:
    """A separate Python process running `body` against the database (it never closes the adapter)."""
    script = textwrap.dedent("""
        import asyncio, os, sys
        from parse_clone.storage.sqlite import SQLiteAdapter
        POST = {"className": "Post", "fields": {"n": {"type": "Number"}}}
        async def main():
            a = SQLiteAdapter(sys.argv[1])
            await a.connect()
        """) + textwrap.indent(textwrap.dedent(body), "    ") + textwrap.dedent("""
        asyncio.run(main())
        os._exit(0)  # no close(), no checkpoint: like a crash
        """)
    return subprocess.Popen([sys.executable, "-c", script, str(path)], cwd=ROOT)


async def test_data_survives_close_and_reopen(tmp_path):
    a = await _open(tmp_path / "db.sqlite3")
    await seed(a, POST, [make_doc("a", title="kept")])
    await a.close()
    b = await _open(tmp_path / "db.sqlite3")
    assert await b.find("Post", POST, {}, FindOptions()) == [make_doc("a", title="kept")]
    assert (await b.get_class("Post"))["fields"] == POST["fields"]
    await b.close()


async def test_committed_writes_survive_a_process_that_dies_without_closing(tmp_path):
    path = tmp_path / "db.sqlite3"
    child = _run_child(path, """
        await a.create_class("Post", POST)
        await a.create_object("Post", POST, {"objectId": "x", "n": 1})
    """)
    assert child.wait(timeout=30) == 0
    a = await _open(path)
    assert await a.count("Post", POST, {"n": 1}) == 1
    await a.close()


async def test_find_one_and_update_is_atomic_across_processes(tmp_path):
    path = tmp_path / "db.sqlite3"
    a = await _open(path)
    await seed(a, POST, [make_doc("c", n=0)])
    body = """
        for _ in range(100):
            await a.find_one_and_update("Post", POST, {"objectId": "c"}, {"n": {"__op": "Increment", "amount": 1}})
    """
    children = [_run_child(path, body) for _ in range(2)]
    assert [c.wait(timeout=60) for c in children] == [0, 0]
    assert (await a.find("Post", POST, {}, FindOptions()))[0]["n"] == 200
    await a.close()


async def test_the_database_runs_in_wal_mode_with_normal_sync_by_default(tmp_path):
    a = await _open(tmp_path / "db.sqlite3")
    assert a._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert a._db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    await a.close()


async def test_synchronous_is_a_constructor_option(tmp_path):
    a = await _open(tmp_path / "db.sqlite3", synchronous="full")
    assert a._db.execute("PRAGMA synchronous").fetchone()[0] == 2
    await a.close()


def test_an_unknown_synchronous_setting_is_refused():
    with pytest.raises(ValueError):
        SQLiteAdapter(":memory:", synchronous="SOMETIMES")


async def test_connect_creates_the_parent_folders(tmp_path):
    path = tmp_path / "data" / "nested" / "db.sqlite3"
    a = await _open(path)
    await seed(a, POST, [make_doc("a")])
    assert path.exists()
    await a.close()


async def test_an_in_memory_database_works():
    a = await _open(Path(":memory:"))
    await seed(a, POST, [make_doc("a", title="m")])
    assert await a.count("Post", POST, {"title": "m"}) == 1
    await a.close()


async def test_a_second_connection_sees_classes_and_objects_created_by_the_first(tmp_path):
    a, b = await _open(tmp_path / "db.sqlite3"), await _open(tmp_path / "db.sqlite3")
    assert await b.find("Post", POST, {}, FindOptions()) == []
    await seed(a, POST, [make_doc("a")])
    assert [c["className"] for c in await b.get_all_classes()] == ["Post"]
    assert await b.count("Post", POST, {}) == 1
    await a.close()
    await b.close()


async def test_a_class_dropped_by_another_connection_reads_as_empty(tmp_path):
    a, b = await _open(tmp_path / "db.sqlite3"), await _open(tmp_path / "db.sqlite3")
    await seed(a, POST, [make_doc("a")])
    assert await b.count("Post", POST, {"title": {"$regex": "x"}}) == 0  # b now knows the table
    await a.delete_class("Post")
    assert await b.find("Post", POST, {}, FindOptions()) == []
    await b.create_object("Post", POST, make_doc("z"))
    assert await a.count("Post", POST, {}) == 1
    await a.close()
    await b.close()


async def test_concurrent_calls_on_one_adapter_do_not_interleave(tmp_path):
    a = await _open(tmp_path / "db.sqlite3")
    await seed(a, POST, [make_doc("c", n=0)])
    inc = {"n": {"__op": "Increment", "amount": 1}}
    await asyncio.gather(*(a.find_one_and_update("Post", POST, {"objectId": "c"}, inc) for _ in range(50)))
    assert (await a.find("Post", POST, {}, FindOptions()))[0]["n"] == 50
    await a.close()


async def test_class_names_differing_only_by_case_are_refused(tmp_path):
    a = await _open(tmp_path / "db.sqlite3")
    await a.create_class("Post", POST)
    with pytest.raises(ParseError) as err:
        await a.create_class("post", make_schema("post"))
    assert err.value.code == ParseError.INVALID_CLASS_NAME
    await a.close()


async def test_class_names_with_colons_and_underscores_get_their_own_table(tmp_path):
    a = await _open(tmp_path / "db.sqlite3")
    for name in ("_Join:users:_Role", "_User", 'Odd"Name'):
        await seed(a, make_schema(name), [make_doc("x", title=name)])
    for name in ("_Join:users:_Role", "_User", 'Odd"Name'):
        assert [d["title"] for d in await a.find(name, make_schema(name), {}, FindOptions())] == [name]
    await a.close()


async def test_delete_fields_also_drops_relation_rows_of_those_fields(tmp_path):
    a = await _open(tmp_path / "db.sqlite3")
    schema = make_schema("Post", likes="Relation:_User")
    await seed(a, schema, [make_doc("p")])
    await a.add_relation("Post", "likes", "p", "u1")
    await a.delete_fields("Post", schema, ["likes"])
    assert await a.related_ids("Post", "likes", ["p"]) == []
    await a.close()


async def test_the_adapter_is_unusable_after_close(tmp_path):
    a = await _open(tmp_path / "db.sqlite3")
    await a.close()
    with pytest.raises(ParseError):
        await a.get_all_classes()
