"""The PostgreSQL adapter's connection pool (storage/postgres/pool.py): arrival order, a bounded
size, and connections that must not be reused (closed, left in a transaction, cancelled)."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import pytest

from parse_clone.errors import ParseError
from parse_clone.storage.postgres.pool import Pool

from ..support.postgres import database_uri


async def _no_init(conn: asyncpg.Connection) -> None:
    pass


@pytest.fixture
async def pool():
    made = Pool(database_uri(), 2, _no_init, {})
    await made.open()
    yield made
    await made.close()


async def _backend_pid(conn: asyncpg.Connection) -> int:
    return await conn.fetchval("SELECT pg_backend_pid()")


async def test_a_released_connection_is_handed_out_again(pool: Pool) -> None:
    conn = await pool.acquire()
    pid = await _backend_pid(conn)
    pool.release(conn)
    again = await pool.acquire()
    assert await _backend_pid(again) == pid
    pool.release(again)


async def test_no_more_than_max_size_connections_are_open(pool: Pool) -> None:
    first, second = await pool.acquire(), await pool.acquire()
    third = asyncio.create_task(pool.acquire())
    await asyncio.sleep(0.05)
    assert not third.done()
    pool.release(first)
    assert await asyncio.wait_for(third, 5) is first
    pool.release(second)
    pool.release(first)


async def test_waiters_are_served_in_arrival_order(pool: Pool) -> None:
    held = [await pool.acquire(), await pool.acquire()]
    served: list[int] = []

    async def request(n: int) -> None:
        conn = await pool.acquire()
        served.append(n)
        pool.release(conn)

    tasks = [asyncio.create_task(request(n)) for n in range(6)]
    await asyncio.sleep(0.01)
    for conn in held:
        pool.release(conn)
    await asyncio.gather(*tasks)
    assert served == list(range(6))


async def test_a_closed_connection_is_replaced(pool: Pool) -> None:
    conn = await pool.acquire()
    pid = await _backend_pid(conn)
    await conn.close()
    pool.release(conn)
    fresh = await pool.acquire()
    assert await _backend_pid(fresh) != pid
    pool.release(fresh)


async def test_a_connection_left_in_a_transaction_is_not_reused(pool: Pool) -> None:
    conn = await pool.acquire()
    pid = await _backend_pid(conn)
    await conn.execute("BEGIN")
    pool.release(conn)
    assert conn.is_closed()
    fresh = await pool.acquire()
    assert not fresh.is_in_transaction() and await _backend_pid(fresh) != pid
    pool.release(fresh)


async def test_a_waiter_gets_a_new_connection_when_one_is_dropped(pool: Pool) -> None:
    first, second = await pool.acquire(), await pool.acquire()
    waiting = asyncio.create_task(pool.acquire())
    await asyncio.sleep(0.01)
    await first.close()
    pool.release(first)
    fresh = await asyncio.wait_for(waiting, 5)
    assert await fresh.fetchval("SELECT 1") == 1
    pool.release(fresh)
    pool.release(second)


async def _both_held_and_two_waiting(pool: Pool) -> tuple[Any, Any, asyncio.Task[Any], asyncio.Task[Any]]:
    """A pool of two with both connections out and two acquires queued behind them (`gone`, `kept`)."""
    first, second = await pool.acquire(), await pool.acquire()
    gone = asyncio.create_task(pool.acquire())
    kept = asyncio.create_task(pool.acquire())
    await asyncio.sleep(0.01)
    return first, second, gone, kept


async def _kept_got_first(pool: Pool, first: Any, second: Any, gone: asyncio.Task[Any],
                          kept: asyncio.Task[Any]) -> None:
    assert await asyncio.wait_for(kept, 5) is first
    assert gone.cancelled()
    pool.release(first)
    pool.release(second)


async def test_a_cancelled_waiter_leaves_the_queue(pool: Pool) -> None:
    first, second, gone, kept = await _both_held_and_two_waiting(pool)
    gone.cancel()
    await asyncio.sleep(0)
    pool.release(first)
    await _kept_got_first(pool, first, second, gone, kept)


async def test_a_cancelled_query_does_not_poison_the_next_request(pool: Pool) -> None:
    conn = await pool.acquire()
    query = asyncio.create_task(conn.execute("SELECT pg_sleep(5)"))
    await asyncio.sleep(0.05)
    query.cancel()
    with pytest.raises(asyncio.CancelledError):
        await query
    pool.release(conn)
    other = await pool.acquire()
    assert await asyncio.wait_for(other.fetchval("SELECT 2"), 5) == 2
    pool.release(other)


async def test_a_closed_pool_refuses_and_answers_its_waiters() -> None:
    pool = Pool(database_uri(), 1, _no_init, {})
    await pool.open()
    held = await pool.acquire()
    waiting = asyncio.create_task(pool.acquire())
    await asyncio.sleep(0.01)
    await pool.close()
    with pytest.raises(ParseError):
        await waiting
    with pytest.raises(ParseError):
        await pool.acquire()
    pool.release(held)
    assert held.is_closed()


async def test_a_failed_connect_frees_its_slot() -> None:
    pool = Pool("postgres://postgres@127.0.0.1:1/none", 1, _no_init, {"timeout": 2})
    for _ in range(2):  # the second attempt connects again instead of waiting for a slot
        with pytest.raises(OSError):
            await pool.acquire()


async def test_a_connection_lost_while_idle_is_replaced(pool: Pool) -> None:
    conn = await pool.acquire()
    pid = await _backend_pid(conn)
    pool.release(conn)
    admin = await asyncpg.connect(database_uri())
    try:
        await admin.execute("SELECT pg_terminate_backend($1)", pid)
    finally:
        await admin.close()
    for _ in range(100):  # until the client has seen the server close the socket
        if conn.is_closed():
            break
        await asyncio.sleep(0.01)
    fresh = await pool.acquire()
    assert await _backend_pid(fresh) != pid
    pool.release(fresh)


async def test_a_connection_handed_to_a_cancelled_waiter_goes_to_the_next(pool: Pool) -> None:
    first, second, gone, kept = await _both_held_and_two_waiting(pool)
    pool.release(first)  # handed to `gone`, which is cancelled before it runs
    gone.cancel()
    await _kept_got_first(pool, first, second, gone, kept)
