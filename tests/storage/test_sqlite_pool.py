"""SQLite only: scanning reads run in the reader pool, beside the loop's connection.

No timing here: pool threads are held on events, so "still waiting" and "already answered"
are facts of the order of events, not of how fast the machine is.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
from pathlib import Path

import pytest

from parse_clone.config import load_config
from parse_clone.storage import open_adapter
from parse_clone.storage.base import FindOptions
from parse_clone.storage.sqlite import SQLiteAdapter
from parse_clone.storage.sqlite.pool import READER_NICE, ReaderPool

from .conftest import make_doc, make_schema, seed

POST = make_schema("Post", title="String", n="Number")
PUBLIC = ["*"]


async def _open(path: Path, **kwargs) -> SQLiteAdapter:
    a = SQLiteAdapter(str(path), synchronous="OFF", **kwargs)
    await a.connect()
    return a


def _get_by_id(object_id: str) -> dict:
    """The where a REST get-by-id hands storage."""
    return {"$and": [{"objectId": object_id}, {"_rperm": {"$in": [None, "*"]}}]}


class Gate:
    """Occupies every thread of a pool with a SELECT that blocks inside SQLite until `release()`."""

    def __init__(self, pool: ReaderPool) -> None:
        self.pool = pool
        self.opened = threading.Event()
        self.started: asyncio.Queue[int] = asyncio.Queue()
        self.loop = asyncio.get_running_loop()
        self.tasks: list[asyncio.Task] = []

    def _job(self, db: sqlite3.Connection) -> list[tuple]:
        def block() -> int:
            self.loop.call_soon_threadsafe(self.started.put_nowait, 1)
            self.opened.wait()
            return 1

        db.create_function("block_until_released", 0, block)
        return db.execute("SELECT block_until_released()").fetchall()

    async def hold(self) -> None:
        """Returns once every reader thread is blocked."""
        self.tasks = [asyncio.create_task(self.pool.run(self._job)) for _ in range(self.pool.size)]
        for _ in range(self.pool.size):
            await self.started.get()  # every reader thread is now inside its SELECT

    def open(self) -> None:
        """Let the blocked SELECTs end (a failed test must not leave close() joining blocked threads)."""
        self.opened.set()

    async def release(self) -> None:
        """Let the blocked SELECTs end and check their answers."""
        self.opened.set()
        assert [await t for t in self.tasks] == [[(1,)]] * self.pool.size


async def test_a_get_by_id_is_answered_while_every_reader_is_blocked(tmp_path):
    a = await _open(tmp_path / "p.sqlite3", max_pool_size=2)
    opened: list[Gate] = []
    try:
        await seed(a, POST, [make_doc(f"p{i}", title=f"t{i}", n=i, _rperm=PUBLIC) for i in range(5)])
        gate = Gate(a._pool)
        opened.append(gate)
        await gate.hold()
        scan = asyncio.create_task(a.find("Post", POST, {"n": {"$gte": 3}}, FindOptions(sort=[("n", 1)])))
        counting = asyncio.create_task(a.count("Post", POST, {"title": {"$regex": "^t"}}))
        # were the get sent to the pool, it would wait behind the gate: fail instead of hanging
        got = await asyncio.wait_for(a.find("Post", POST, _get_by_id("p2"), FindOptions(limit=1)), 60)
        assert [d["objectId"] for d in got] == ["p2"]
        assert await asyncio.wait_for(a.count("Post", POST, {"objectId": "p4"}), 60) == 1  # pinned: on the loop
        assert not scan.done() and not counting.done()  # queued behind the blocked readers
        await gate.release()
        assert [d["objectId"] for d in await scan] == ["p3", "p4"]
        assert await counting == 5
    finally:
        for gate in opened:
            gate.open()
        await a.close()


async def test_index_served_reads_stay_on_the_loop(tmp_path):
    a = await _open(tmp_path / "p.sqlite3", max_pool_size=1)
    opened: list[Gate] = []
    try:
        await seed(a, POST, [make_doc(f"p{i}", title=f"t{i % 3}", n=i) for i in range(9)])
        top = FindOptions(limit=2, sort=[("n", -1)])
        gate = Gate(a._pool)
        opened.append(gate)
        await gate.hold()
        unindexed = asyncio.create_task(a.find("Post", POST, {"title": "t1"}, top))
        await asyncio.sleep(0)  # it starts, finds no index, and queues for the pool
        await a.create_index("Post", POST, "title_n", {"title": 1, "n": -1})
        indexed = await asyncio.wait_for(a.find("Post", POST, {"title": "t1"}, top), 60)
        assert [d["objectId"] for d in indexed] == ["p7", "p4"]
        assert await asyncio.wait_for(a.count("Post", POST, {"title": "t2"}), 60) == 3
        # still to the pool: no limit, a skip past the bound, a sort the index does not give, a residual
        waiting = [asyncio.create_task(a.find("Post", POST, {"title": "t1"}, FindOptions(sort=[("n", -1)]))),
                   asyncio.create_task(a.find("Post", POST, {"title": "t1"}, FindOptions(limit=1, skip=1000))),
                   asyncio.create_task(a.find("Post", POST, {"title": "t1"}, FindOptions(limit=2,
                                                                                        sort=[("createdAt", 1)]))),
                   asyncio.create_task(a.count("Post", POST, {"title": {"$regex": "1$"}}))]
        await asyncio.sleep(0)
        assert not unindexed.done() and not any(t.done() for t in waiting)
        await gate.release()
        assert [d["objectId"] for d in await unindexed] == ["p7", "p4"]
        assert [len(r) if isinstance(r, list) else r for r in [await t for t in waiting]] == [3, 0, 2, 3]
    finally:
        for gate in opened:
            gate.open()
        await a.close()


async def test_distinct_and_aggregate_go_to_the_pool(tmp_path):
    a = await _open(tmp_path / "p.sqlite3", max_pool_size=1)
    opened: list[Gate] = []
    try:
        await seed(a, POST, [make_doc(f"p{i}", title=f"t{i % 2}", n=i) for i in range(4)])
        gate = Gate(a._pool)
        opened.append(gate)
        await gate.hold()
        distinct = asyncio.create_task(a.distinct("Post", POST, {}, "title"))
        total = asyncio.create_task(a.aggregate("Post", POST, [{"$group": {"_id": None, "s": {"$sum": "$n"}}}]))
        assert (await asyncio.wait_for(a.get_class("Post"), 60))["className"] == "Post"  # schema: on the loop
        assert not distinct.done() and not total.done()
        await gate.release()
        assert await distinct == ["t0", "t1"]
        assert [r["s"] for r in await total] == [6]
    finally:
        for gate in opened:
            gate.open()
        await a.close()


async def test_pooled_reads_see_each_write_that_came_before_them(tmp_path):
    a = await _open(tmp_path / "p.sqlite3")
    try:
        await a.create_class("Post", POST)
        for i in range(30):
            await a.create_object("Post", POST, make_doc(f"p{i:02d}", title="same", n=i))
            # a residual ($regex) find that stops at its first match leaves no stale snapshot behind
            first = await a.find("Post", POST, {"title": {"$regex": "^sa"}}, FindOptions(limit=1))
            assert len(first) == 1
            assert await a.count("Post", POST, {"n": {"$gte": 0}}) == i + 1
            newest = await a.find("Post", POST, {"n": {"$gte": i}}, FindOptions())
            assert [d["objectId"] for d in newest] == [f"p{i:02d}"]
        assert await a.update_many("Post", POST, {"n": {"$lt": 10}}, {"title": "changed"}) == 10
        assert await a.count("Post", POST, {"title": "changed"}) == 10
        assert await a.delete_many("Post", POST, {"title": "changed"}) == 10
        assert await a.count("Post", POST, {}) == 20
    finally:
        await a.close()


async def test_reads_inside_a_transaction_see_its_own_writes(tmp_path):
    a = await _open(tmp_path / "p.sqlite3")
    try:
        await a.create_class("Post", POST)
        async with a.transaction():
            await a.create_object("Post", POST, make_doc("p1", title="draft", n=1))
            assert [d["objectId"] for d in await a.find("Post", POST, {"title": "draft"}, FindOptions())] == ["p1"]
            assert await a.count("Post", POST, {"n": 1}) == 1
            assert await a.distinct("Post", POST, {}, "title") == ["draft"]
        assert await a.count("Post", POST, {"n": 1}) == 1
    finally:
        await a.close()


async def test_a_class_dropped_by_another_connection_reads_as_empty(tmp_path):
    path = tmp_path / "p.sqlite3"
    a = await _open(path)
    other = await _open(path)
    try:
        await seed(a, POST, [make_doc("p1", title="x", n=1)])
        assert await a.count("Post", POST, {"n": 1}) == 1  # `a` now knows the table
        await other.delete_class("Post")
        assert await a.find("Post", POST, {"n": 1}, FindOptions()) == []
        assert await a.count("Post", POST, {"n": 1}) == 0
    finally:
        await other.close()
        await a.close()


async def test_reader_connections_cannot_write(tmp_path):
    a = await _open(tmp_path / "p.sqlite3", max_pool_size=1)
    try:
        await a.create_class("Post", POST)
        with pytest.raises(sqlite3.OperationalError, match="attempt to write a readonly database"):
            await a._pool.run(lambda db: db.execute("DELETE FROM Post"))
        assert await a._pool.run(lambda db: db.execute("SELECT 41 + 1").fetchone()) == (42,)
    finally:
        await a.close()


async def test_close_stops_and_joins_the_reader_threads(tmp_path):
    a = await _open(tmp_path / "p.sqlite3", max_pool_size=3)
    threads = a._pool.threads
    assert len(threads) == 3 and all(t.is_alive() for t in threads)
    if hasattr(os, "getpriority"):
        base = os.getpriority(os.PRIO_PROCESS, 0)
        assert {os.getpriority(os.PRIO_PROCESS, t.native_id) for t in threads} == {min(19, base + READER_NICE)}
    await a.close()
    assert not any(t.is_alive() for t in threads)
    assert a._pool is None
    assert not set(threads) & set(threading.enumerate())


async def test_close_lets_queued_reads_finish(tmp_path):
    a = await _open(tmp_path / "p.sqlite3", max_pool_size=1)
    await seed(a, POST, [make_doc("p1", title="x", n=1)])
    pending = asyncio.create_task(a.count("Post", POST, {"n": 1}))
    await asyncio.sleep(0)  # the count is queued
    await a.close()
    assert await pending == 1


async def test_memory_databases_keep_a_single_connection():
    readers = lambda: {t.ident for t in threading.enumerate() if t.name.startswith("sqlite-reader")}  # noqa: E731
    before = readers()  # other tests' adapters may still be winding down
    a = SQLiteAdapter(":memory:")
    await a.connect()
    try:
        assert a._pool is None
        await seed(a, POST, [make_doc("p1", title="x", n=1), make_doc("p2", title="y", n=2)])
        assert [d["objectId"] for d in await a.find("Post", POST, {"n": {"$gt": 1}}, FindOptions())] == ["p2"]
        assert await a.count("Post", POST, {"title": {"$regex": "x"}}) == 1
        assert readers() <= before  # this adapter started no reader thread
    finally:
        await a.close()


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "4"])
def test_max_pool_size_must_be_a_positive_integer(bad):
    with pytest.raises(ValueError, match=r"databaseOptions.maxPoolSize must be a positive integer, not "):
        open_adapter("sqlite:///x.sqlite3", database_options={"maxPoolSize": bad})
    with pytest.raises(ValueError, match="maxPoolSize must be a positive whole number"):
        SQLiteAdapter("x.sqlite3", max_pool_size=bad)


def test_database_options_max_pool_size_reaches_the_adapters():
    config = load_config(environ={"PARSE_SERVER_DATABASE_MAX_POOL_SIZE": "3"}, warnings=[])
    assert config.databaseOptions == {"maxPoolSize": 3}
    assert open_adapter("sqlite:///x.sqlite3", database_options=config.databaseOptions).max_pool_size == 3
    assert open_adapter("sqlite:///x.sqlite3").max_pool_size == 4
    assert open_adapter("mongodb://localhost/x", database_options={"maxPoolSize": 7.0}).max_pool_size == 7
    assert open_adapter("mongodb://localhost/x").max_pool_size is None


def test_other_database_options_are_warned_about():
    warnings: list[str] = []
    config = load_config(environ={"PARSE_SERVER_DATABASE_OPTIONS": '{"maxPoolSize": 2, "forceServerObjectId": true}'},
                         warnings=warnings)
    assert config.databaseOptions == {"maxPoolSize": 2, "forceServerObjectId": True}
    assert warnings == ["option databaseOptions.forceServerObjectId (env PARSE_SERVER_DATABASE_FORCE_SERVER_OBJECT_ID) "
                        "is a Parse Server option this server does not implement; it has no effect "
                        "(databaseOptions: force server object id)"]
