"""PostgreSQL adapter shortcuts: the reused get-by-id SELECT and UPDATE ... RETURNING (behind an
ACL test, kept by shape), a /batch's pinned connection, and a pool that serves waiting requests in arrival order."""

from __future__ import annotations

import asyncio

import pytest

from parse_clone.storage.base import DuplicateValueError, FindOptions
from parse_clone.storage.postgres import PostgresAdapter

from ..support.postgres import isolated_adapter
from .conftest import make_doc, make_schema

SCHEMA = make_schema("Job", status=("String"), visits="Number")
ONE = FindOptions(limit=1)


@pytest.fixture
async def pg():
    adapter = isolated_adapter()
    await adapter.connect()
    await adapter.create_class("Job", SCHEMA)
    yield adapter
    await adapter.close()


def _acl_get(object_id: str, *readers: str | None) -> dict:
    return {"$and": [{"objectId": object_id}, {"_rperm": {"$in": list(readers)}}]}


async def test_each_get_by_id_finds_its_own_object(pg: PostgresAdapter) -> None:
    await pg.create_object("Job", SCHEMA, make_doc("a1", status="open", _rperm=["*"]))
    await pg.create_object("Job", SCHEMA, make_doc("b2", status="done", _rperm=["u1"]))
    for _ in range(2):  # the second round runs on the cached statements
        assert [d["status"] for d in await pg.find("Job", SCHEMA, {"objectId": "a1"}, ONE)] == ["open"]
        assert [d["status"] for d in await pg.find("Job", SCHEMA, {"objectId": "b2"}, ONE)] == ["done"]
        assert await pg.find("Job", SCHEMA, {"objectId": "zz"}, ONE) == []
        assert [d["objectId"] for d in await pg.find("Job", SCHEMA, _acl_get("a1", None, "*"), ONE)] == ["a1"]
        assert await pg.find("Job", SCHEMA, _acl_get("b2", None, "*"), ONE) == []
        assert [d["objectId"] for d in await pg.find("Job", SCHEMA, _acl_get("b2", None, "*", "u1"), ONE)] == ["b2"]


async def test_a_new_column_shows_in_the_next_get(pg: PostgresAdapter) -> None:
    await pg.create_object("Job", SCHEMA, make_doc("a1", status="open"))
    assert "room" not in (await pg.find("Job", SCHEMA, {"objectId": "a1"}, ONE))[0]
    wider = make_schema("Job", status="String", visits="Number", room="String")
    await pg.add_field_if_not_exists("Job", "room", {"type": "String"})
    await pg.create_object("Job", wider, make_doc("c3", room="12B"))
    assert (await pg.find("Job", wider, {"objectId": "c3"}, ONE))[0]["room"] == "12B"


async def test_an_update_behind_an_acl_test_is_one_statement(pg: PostgresAdapter, monkeypatch) -> None:
    await pg.create_object("Job", SCHEMA, make_doc("a1", visits=1, _wperm=["*"]))
    await pg.create_object("Job", SCHEMA, make_doc("b2", visits=1, _wperm=["u1"]))
    slow = []
    monkeypatch.setattr(pg, "_update_docs", lambda *a: slow.append(a))  # the read-modify-write path
    bump = {"visits": {"__op": "Increment", "amount": 1}}
    writable = {"$and": [{"objectId": "a1"}, {"_wperm": {"$in": [None, "*"]}}]}
    assert (await pg.find_one_and_update("Job", SCHEMA, writable, bump))["visits"] == 2
    locked = {"$and": [{"objectId": "b2"}, {"_wperm": {"$in": [None, "*"]}}]}
    assert await pg.find_one_and_update("Job", SCHEMA, locked, bump) is None
    assert slow == []
    assert (await pg.find("Job", SCHEMA, {"objectId": "b2"}, ONE))[0]["visits"] == 1


async def test_updates_by_id_of_one_shape_are_translated_once(pg: PostgresAdapter, monkeypatch) -> None:
    await pg.create_object("Job", SCHEMA, make_doc("a1", visits=1, _wperm=["u1"]))
    await pg.create_object("Job", SCHEMA, make_doc("b2", visits=5, _wperm=["u2"]))
    translate = pg._update_once
    calls = []
    monkeypatch.setattr(pg, "_update_once", lambda *a: calls.append(a) or translate(*a))

    def by(object_id: str, user: str) -> dict:
        return {"$and": [{"objectId": object_id}, {"_wperm": {"$in": [None, "*", user]}}]}

    bump = {"visits": {"__op": "Increment", "amount": 1}}
    assert (await pg.find_one_and_update("Job", SCHEMA, by("a1", "u1"), bump))["visits"] == 2
    first = len(calls)
    assert (await pg.find_one_and_update("Job", SCHEMA, by("b2", "u2"), bump))["visits"] == 6
    assert await pg.find_one_and_update("Job", SCHEMA, by("a1", "u2"), bump) is None
    assert (await pg.find_one_and_update("Job", SCHEMA, by("a1", "u1"), {"visits": {"__op": "Increment",
                                                                            "amount": 10}}))["visits"] == 12
    assert len(calls) == first
    assert [d["visits"] for d in await pg.find("Job", SCHEMA, {}, FindOptions(sort=[("objectId", 1)]))] == [12, 6]


async def test_a_write_group_keeps_each_write_on_its_own(pg: PostgresAdapter) -> None:
    await pg.ensure_unique("Job", SCHEMA, ["status"])
    async with pg.write_group():
        await pg.create_object("Job", SCHEMA, make_doc("a1", status="open"))
        with pytest.raises(DuplicateValueError):
            await pg.create_object("Job", SCHEMA, make_doc("b2", status="open"))
        await pg.create_object("Job", SCHEMA, make_doc("c3", status="done"))
    found = await pg.find("Job", SCHEMA, {}, FindOptions(sort=[("objectId", 1)]))
    assert [d["objectId"] for d in found] == ["a1", "c3"]


async def test_a_write_group_takes_one_connection(pg: PostgresAdapter) -> None:
    taken = []
    real = pg._db._acquire

    def counting_acquire():
        taken.append(1)
        return real()

    pg._db._acquire = counting_acquire  # type: ignore[method-assign]
    async with pg.write_group():
        for n in range(5):
            await pg.create_object("Job", SCHEMA, make_doc(f"j{n}", status=f"s{n}"))
    assert len(taken) == 1
    assert len(await pg.find("Job", SCHEMA, {}, FindOptions())) == 5


async def test_waiting_requests_get_a_connection_in_arrival_order() -> None:
    """Requests keep arriving while earlier ones wait for the one connection: served in arrival
    order (asyncpg's queue alone hands a just-released connection to a newcomer ahead of them)."""
    adapter = isolated_adapter()
    adapter._db.options["max_size"] = 1
    await adapter.connect()
    try:
        served: list[int] = []

        async def request(n: int) -> None:
            async with adapter._db.use() as conn:
                await conn.execute("SELECT pg_sleep(0.002)")
                served.append(n)

        tasks = []
        for n in range(30):
            tasks.append(asyncio.create_task(request(n)))
            await asyncio.sleep(0.001)
        await asyncio.gather(*tasks)
        assert served == list(range(30))
    finally:
        await adapter.close()


def _node_types(plan: dict) -> list[str]:
    return [plan["Node Type"]] + [t for child in plan.get("Plans", []) for t in _node_types(child)]


async def test_a_sort_on_a_range_tested_field_reads_the_index_in_order(pg: PostgresAdapter) -> None:
    schema = make_schema("Job", status="String", priority="Number")
    await pg.add_field_if_not_exists("Job", "priority", {"type": "Number"})
    async with pg._db.use() as conn:
        await conn.execute('INSERT INTO "Job" ("objectId", status, priority) SELECT md5(g::text), '
                           "(ARRAY['open','done','held'])[1 + g % 3], g % 10 FROM generate_series(1, 3000) g")
        await conn.execute('INSERT INTO "Job" ("objectId", status) VALUES (\'nopriority\', \'open\')')
    await pg.create_index("Job", schema, "status_priority", {"status": 1, "priority": -1})
    async with pg._db.use() as conn:
        await conn.execute('ANALYZE "Job"')
    where = {"status": "open", "priority": {"$gte": 5}}
    top = FindOptions(limit=5, sort=[("priority", -1)])
    plan = (await pg.explain("Job", schema, where, top))[0]["QUERY PLAN"][0]["Plan"]
    assert "Sort" not in _node_types(plan) and "Index Scan" in _node_types(plan)
    assert [d["priority"] for d in await pg.find("Job", schema, where, top)] == [9, 9, 9, 9, 9]
    # without the range test, a missing priority still sorts last when descending (MongoDB's order)
    everything = await pg.find("Job", schema, {"status": "open"}, FindOptions(sort=[("priority", -1)]))
    assert everything[-1]["objectId"] == "nopriority"


async def test_a_class_made_again_with_other_types_takes_writes(pg: PostgresAdapter) -> None:
    """Same statement text, other column types: no prepared statement of the old shape is reused."""
    numbers = make_schema("Redo", foo="Number")
    for _ in range(2):
        await pg.create_class("Redo", numbers)
        await pg.create_object("Redo", numbers, make_doc("n1", foo=1))
        await pg.find_one_and_update("Redo", numbers, {"objectId": "n1"}, {"foo": {"__op": "Delete"}, "x.y": 1})
        await pg.delete_class("Redo")
        strings = make_schema("Redo", foo="String")
        await pg.create_class("Redo", strings)
        await pg.create_object("Redo", strings, make_doc("s1", foo="one"))
        await pg.create_object("Redo", strings, make_doc("s2", foo=None))
        assert (await pg.find("Redo", strings, {"objectId": "s1"}, ONE))[0]["foo"] == "one"
        await pg.delete_class("Redo")


async def test_distinct_answers_in_ascending_order(pg: PostgresAdapter) -> None:
    for n, visits in enumerate([20, 10, 30, 10, 20]):
        await pg.create_object("Job", SCHEMA, make_doc(f"d{n}", visits=visits))
    assert await pg.distinct("Job", SCHEMA, {}, "visits") == [10, 20, 30]


async def test_a_pointer_with_a_number_for_its_id_is_stored_as_text(pg: PostgresAdapter) -> None:
    """Parse's spec saves {"__type": "Pointer", "className": "_GlobalConfig", "objectId": 1}."""
    schema = make_schema("Job", config="Pointer:_GlobalConfig")
    await pg.add_field_if_not_exists("Job", "config", {"type": "Pointer", "targetClass": "_GlobalConfig"})
    await pg.create_object("Job", schema, make_doc("p1", config={"__type": "Pointer", "className": "_GlobalConfig",
                                                                "objectId": 1}))
    assert (await pg.find("Job", schema, {"objectId": "p1"}, ONE))[0]["config"] == {
        "__type": "Pointer", "className": "_GlobalConfig", "objectId": "1"}


async def test_a_number_in_a_dotted_key_indexes_the_array(pg: PostgresAdapter) -> None:
    schema = make_schema("Job", items="Array")
    await pg.add_field_if_not_exists("Job", "items", {"type": "Array"})
    for i in range(10):
        await pg.create_object("Job", schema, make_doc(f"i{i}", items=[i, {"value": i}]))
    everything = FindOptions()
    assert len(await pg.find("Job", schema, {"items.1.value": {"$gt": 5}}, everything)) == 4
    assert len(await pg.find("Job", schema, {"items.0": {"$lt": 3}}, everything)) == 3
    assert len(await pg.find("Job", schema, {"items.0": 5}, everything)) == 1
    assert len(await pg.find("Job", schema, {"items.0": {"$ne": 5}}, everything)) == 9


async def test_updates_of_one_shape_each_write_their_own_values(pg: PostgresAdapter) -> None:
    await pg.create_object("Job", SCHEMA, make_doc("a1", status="open", visits=1, _wperm=["*"]))
    await pg.create_object("Job", SCHEMA, make_doc("b2", status="open", visits=5, _wperm=["u1"]))
    for object_id, status, amount in [("a1", "done", 2), ("b2", "held", 3), ("a1", "open", 4)]:
        where = {"$and": [{"objectId": object_id}, {"_wperm": {"$in": [None, "*", "u1"]}}]}
        change = {"status": status, "visits": {"__op": "Increment", "amount": amount}}
        updated = await pg.find_one_and_update("Job", SCHEMA, where, change)
        assert (updated["objectId"], updated["status"]) == (object_id, status)
    found = await pg.find("Job", SCHEMA, {}, FindOptions(sort=[("objectId", 1)]))
    assert [(d["objectId"], d["status"], d["visits"]) for d in found] == [("a1", "open", 7), ("b2", "held", 8)]


async def test_a_cached_update_still_applies_each_acl_test(pg: PostgresAdapter) -> None:
    await pg.create_object("Job", SCHEMA, make_doc("b2", visits=1, _wperm=["u1"]))
    bump = {"visits": {"__op": "Increment", "amount": 1}}
    as_u1 = {"$and": [{"objectId": "b2"}, {"_wperm": {"$in": [None, "*", "u1"]}}]}
    as_u2 = {"$and": [{"objectId": "b2"}, {"_wperm": {"$in": [None, "*", "u2"]}}]}
    assert (await pg.find_one_and_update("Job", SCHEMA, as_u1, bump))["visits"] == 2
    assert await pg.find_one_and_update("Job", SCHEMA, as_u2, bump) is None
    assert (await pg.find_one_and_update("Job", SCHEMA, as_u1, bump))["visits"] == 3


async def test_updates_of_other_shapes_get_their_own_statements(pg: PostgresAdapter) -> None:
    await pg.create_object("Job", SCHEMA, make_doc("a1", status="open", visits=1))
    assert "status" not in await pg.find_one_and_update("Job", SCHEMA, {"objectId": "a1"},
                                                         {"status": {"__op": "Delete"}})
    updated = await pg.find_one_and_update("Job", SCHEMA, {"objectId": "a1"}, {"status": "back", "visits": 9})
    assert (updated["status"], updated["visits"]) == ("back", 9)
    assert (await pg.find_one_and_update("Job", SCHEMA, {"objectId": "a1"}, {"visits": 10}))["status"] == "back"


async def test_an_update_after_a_new_column_returns_it(pg: PostgresAdapter) -> None:
    await pg.create_object("Job", SCHEMA, make_doc("a1", status="open"))
    await pg.find_one_and_update("Job", SCHEMA, {"objectId": "a1"}, {"status": "done"})
    wider = make_schema("Job", status="String", visits="Number", room="String")
    await pg.add_field_if_not_exists("Job", "room", {"type": "String"})
    await pg.find_one_and_update("Job", wider, {"objectId": "a1"}, {"room": "12B"})
    updated = await pg.find_one_and_update("Job", wider, {"objectId": "a1"}, {"status": "held"})
    assert (updated["status"], updated["room"]) == ("held", "12B")


async def test_the_acl_filter_tests_for_a_missing_acl_first(pg: PostgresAdapter) -> None:
    """As Parse Server writes it: a public object (no _rperm stored) is settled by the null test."""
    from parse_clone.storage.postgres.where import Params, translate

    params = Params()
    tr = translate({"_rperm": {"$in": [None, "*", "u1"]}}, {"_rperm": "text[]"}, {}, params)
    assert (tr.sql, params.values) == ('(("_rperm" IS NULL OR "_rperm" && $1::text[]))', [["*", "u1"]])
    for oid, readers in (("a1", None), ("b2", ["*"]), ("c3", ["u1"]), ("d4", ["u2"]), ("e5", [])):
        await pg.create_object("Job", SCHEMA, make_doc(oid, status="open", _rperm=readers))
    counts = [await pg.count("Job", SCHEMA, {"$and": [{"status": "open"}, {"_rperm": {"$in": group}}]})
              for group in ([None, "*"], [None, "*", "u1"], ["*"], [None])]
    assert counts == [2, 3, 1, 1]
