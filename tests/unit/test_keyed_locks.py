"""KeyedLocks: one queue per key, none across keys, no leftovers."""

from __future__ import annotations

import asyncio

from parse_clone.core.runtime.keyed_locks import KeyedLocks


async def test_holders_of_one_key_take_turns():
    locks, order = KeyedLocks(), []

    async def writer(name: str) -> None:
        async with locks.hold(["username:ann"]):
            order.append(f"{name} in")
            await asyncio.sleep(0.01)
            order.append(f"{name} out")

    await asyncio.gather(writer("a"), writer("b"))
    assert order == ["a in", "a out", "b in", "b out"]
    assert len(locks) == 0


async def test_other_keys_do_not_wait_even_when_nested():
    locks = KeyedLocks()
    async with locks.hold(["username:ann"]):
        async with locks.hold(["username:bob", "email:bob@x.io"]):
            assert len(locks) == 3
    assert len(locks) == 0


async def test_a_cancelled_waiter_leaves_no_entry():
    locks = KeyedLocks()
    async with locks.hold(["k"]):
        waiter = asyncio.create_task(locks.hold(["k"]).__aenter__())
        await asyncio.sleep(0)
        waiter.cancel()
        await asyncio.gather(waiter, return_exceptions=True)
    assert len(locks) == 0
