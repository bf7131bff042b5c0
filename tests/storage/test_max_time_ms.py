"""databaseOptions.maxTimeMS: a find, count or aggregate past the limit raises QueryTimeoutError.

Every backend answers as usual within the limit; where a query past it can be provoked without a
timer (SQLite: a clock that jumps; PostgreSQL: a scan far longer than 1 ms), it is; MongoDB's
passing of the limit to the driver and the mapping of its error code 50 are checked on a fake
collection (mongomock ignores the limit).
"""

from __future__ import annotations

from typing import Any

import pytest
from pymongo.errors import ExecutionTimeout

from parse_clone.storage import open_adapter
from parse_clone.storage.base import FindOptions, QueryTimeoutError

from ..support.clocks import JumpingClock
from .conftest import ids, make_doc, make_schema, seed

SCHEMA = make_schema("Slow", name="String", n="Number")
DOCS = [make_doc(f"o{i:03d}", name=f"name{i}", n=i) for i in range(200)]
MATCH_ALL = {"name": {"$regex": "^name"}}  # a scan on every backend


async def test_queries_within_the_limit_answer_as_usual(adapter):
    await seed(adapter, SCHEMA, DOCS[:3])
    adapter.max_time_ms = 60_000
    found = await adapter.find("Slow", SCHEMA, MATCH_ALL, FindOptions(sort=[("n", 1)]))
    assert ids(found) == ["o000", "o001", "o002"]
    assert await adapter.count("Slow", SCHEMA, {"n": {"$gte": 1}}) == 2
    grouped = await adapter.aggregate("Slow", SCHEMA, [{"$match": {"n": {"$lt": 2}}},
                                                       {"$group": {"_id": None, "total": {"$sum": "$n"}}}])
    assert [g["total"] for g in grouped] == [1]


async def _sqlite(tmp_path, pool: bool):
    from parse_clone.storage.sqlite import SQLiteAdapter

    a = SQLiteAdapter(str(tmp_path / "limit.sqlite3"), synchronous="OFF", max_pool_size=1)
    await a.connect()
    if not pool:
        a._pool = None  # every read on the loop's connection
    await seed(a, SCHEMA, DOCS)
    a.clock = JumpingClock()
    return a


@pytest.mark.parametrize("pool", [True, False], ids=["reader-pool", "loop-connection"])
async def test_sqlite_interrupts_a_find_count_and_aggregate_past_the_limit(tmp_path, pool):
    a = await _sqlite(tmp_path, pool)
    try:
        a.max_time_ms = 1000
        with pytest.raises(QueryTimeoutError, match=r"^operation exceeded time limit \(1000 ms"):
            await a.find("Slow", SCHEMA, MATCH_ALL, FindOptions())
        with pytest.raises(QueryTimeoutError):
            await a.count("Slow", SCHEMA, MATCH_ALL)
        with pytest.raises(QueryTimeoutError):
            await a.aggregate("Slow", SCHEMA, [{"$match": MATCH_ALL}])
    finally:
        await a.close()


@pytest.mark.parametrize("pool", [True, False], ids=["reader-pool", "loop-connection"])
async def test_sqlite_connection_is_unlimited_again_after_a_timeout(tmp_path, pool):
    a = await _sqlite(tmp_path, pool)
    try:
        a.max_time_ms = 1000
        with pytest.raises(QueryTimeoutError):
            await a.find("Slow", SCHEMA, MATCH_ALL, FindOptions())
        a.max_time_ms = None
        assert len(await a.find("Slow", SCHEMA, MATCH_ALL, FindOptions())) == 200
        await a.create_object("Slow", SCHEMA, make_doc("new", name="x", n=1))  # writes are never limited
        assert await a.count("Slow", SCHEMA, {}) == 201
    finally:
        await a.close()


async def test_sqlite_without_a_limit_never_interrupts(tmp_path):
    a = await _sqlite(tmp_path, pool=False)
    try:
        assert await a.count("Slow", SCHEMA, MATCH_ALL) == 200
    finally:
        await a.close()


async def _postgres_big_table(adapter, rows: int) -> None:
    await adapter.create_class("Slow", SCHEMA)
    async with adapter._db.use() as conn:
        await conn.execute('INSERT INTO "Slow" ("objectId", "name", "n") '
                           "SELECT 'o' || g, md5(g::text), g FROM generate_series(1, $1) g", rows)


@pytest.fixture
async def postgres(tmp_path):
    from parse_clone.storage.postgres import PostgresAdapter

    from ..support.postgres import database_uri

    a = PostgresAdapter(database_uri())
    await a.connect()
    await a.delete_all_classes()
    try:
        yield a
    finally:
        await a.delete_all_classes()
        await a.close()


async def test_postgres_cancels_a_statement_past_the_limit(postgres):
    await _postgres_big_table(postgres, 300_000)  # a regex over 300,000 rows takes far more than 1 ms
    postgres.max_time_ms = 1
    slow = {"name": {"$regex": "(a|b)+9f$"}}
    with pytest.raises(QueryTimeoutError):
        await postgres.find("Slow", SCHEMA, slow, FindOptions())
    with pytest.raises(QueryTimeoutError):
        await postgres.count("Slow", SCHEMA, slow)
    postgres.max_time_ms = None  # the limit was the statement's own: the pool's connections are unlimited
    assert await postgres.count("Slow", SCHEMA, {"n": {"$lte": 10}}) == 10


async def test_postgres_limit_inside_a_transaction_ends_with_the_read(postgres):
    await _postgres_big_table(postgres, 10)
    postgres.max_time_ms = 60_000
    async with postgres.transaction():
        assert await postgres.count("Slow", SCHEMA, {}) == 10
        async with postgres._db.use() as conn:
            assert await conn.fetchval("SHOW statement_timeout") == "0"


class _FakeCursor:
    def __init__(self, calls: list[Any], error: Exception | None) -> None:
        self.calls, self.error = calls, error

    def __getattr__(self, name: str):
        def record(*args: Any) -> "_FakeCursor":
            self.calls.append((name, args))
            return self
        return record

    async def to_list(self, length: Any) -> list[Any]:
        if self.error is not None:
            raise self.error
        return []


class _FakeCollection:
    """Records what the adapter asks of a collection; raises `error` when a query runs."""

    def __init__(self, error: Exception | None = None) -> None:
        self.calls: list[Any] = []
        self.error = error

    def find(self, *args: Any, **kwargs: Any) -> _FakeCursor:
        return _FakeCursor(self.calls, self.error)

    async def count_documents(self, filter_: Any, **kwargs: Any) -> int:
        self.calls.append(("count_documents", kwargs.get("maxTimeMS")))
        if self.error is not None:
            raise self.error
        return 0

    def aggregate(self, pipeline: Any, **kwargs: Any) -> _FakeCursor:
        self.calls.append(("aggregate", kwargs.get("maxTimeMS")))
        return _FakeCursor(self.calls, self.error)


def _mongo_with(collection: _FakeCollection):
    from parse_clone.storage.mongo import MongoAdapter

    a = MongoAdapter("mongodb://mock/limit", client=object())
    a._collection = lambda class_name: collection  # type: ignore[method-assign]
    a.max_time_ms = 250
    return a


async def test_mongo_passes_the_limit_to_find_count_and_aggregate():
    collection = _FakeCollection()
    a = _mongo_with(collection)
    await a.find("Slow", SCHEMA, {"n": 1}, FindOptions())
    await a.count("Slow", SCHEMA, {"n": 1})
    await a.aggregate("Slow", SCHEMA, [{"$match": {"n": 1}}])
    assert ("max_time_ms", (250,)) in collection.calls
    assert ("count_documents", 250) in collection.calls and ("aggregate", 250) in collection.calls


@pytest.mark.parametrize("operation", ["find", "count", "aggregate"])
async def test_mongo_error_code_50_is_a_query_timeout(operation):
    error = ExecutionTimeout("operation exceeded time limit", 50)
    a = _mongo_with(_FakeCollection(error))
    call = {"find": lambda: a.find("Slow", SCHEMA, {"n": 1}, FindOptions()),
            "count": lambda: a.count("Slow", SCHEMA, {"n": 1}),
            "aggregate": lambda: a.aggregate("Slow", SCHEMA, [{"$match": {"n": 1}}])}[operation]
    with pytest.raises(QueryTimeoutError):
        await call()


def test_open_adapter_reads_the_option(tmp_path):
    adapter = open_adapter(f"sqlite:///{tmp_path}/x.sqlite3", database_options={"maxTimeMS": 250})
    assert adapter.max_time_ms == 250
    assert open_adapter(f"sqlite:///{tmp_path}/y.sqlite3", database_options={"maxTimeMS": 0}).max_time_ms is None


@pytest.mark.parametrize("bad", [-1, "250", True])
def test_open_adapter_refuses_a_malformed_limit(tmp_path, bad):
    with pytest.raises(ValueError, match=r"^databaseOptions.maxTimeMS must be a number of milliseconds"):
        open_adapter(f"sqlite:///{tmp_path}/x.sqlite3", database_options={"maxTimeMS": bad})
