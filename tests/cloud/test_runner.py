"""Calling a hook: async awaited, sync in a thread, both under a timeout."""

from __future__ import annotations

import threading

import pytest

from parse_clone.cloud.errors import HookTimeout, as_parse_error
from parse_clone.cloud.runner import call_hook
from parse_clone.errors import ParseError


async def test_async_hooks_are_awaited():
    async def hook(req):
        return req * 2

    assert await call_hook(hook, 21, 1, "h") == 42


async def test_sync_hooks_run_in_a_worker_thread():
    main = threading.get_ident()
    assert await call_hook(lambda req: threading.get_ident() != main, None, 1, "h") is True


async def test_a_sync_hook_returning_a_coroutine_is_awaited():
    async def inner():
        return "done"

    assert await call_hook(lambda req: inner(), None, 1, "h") == "done"


async def test_a_hanging_async_hook_times_out():
    import asyncio

    async def hang(req):
        await asyncio.sleep(10)

    with pytest.raises(HookTimeout, match="beforeSave Job timed out after 0.05 s"):
        await call_hook(hang, None, 0.05, "beforeSave Job")


async def test_a_blocking_sync_hook_times_out_without_blocking_the_loop():
    """The timeout is raised while the hook's thread is still blocked (no clock involved)."""
    release, finished = threading.Event(), threading.Event()

    def block(req):
        release.wait(10)
        finished.set()

    try:
        with pytest.raises(HookTimeout):
            await call_hook(block, None, 0.05, "h")
        assert not finished.is_set()
    finally:
        release.set()


async def test_a_hook_raising_timeout_error_itself_is_not_a_timeout():
    def raises(req):
        raise TimeoutError("upstream")

    with pytest.raises(TimeoutError, match="upstream"):
        await call_hook(raises, None, 5, "h")


def test_error_mapping():
    assert as_parse_error(ParseError(101, "x")).code == 101
    err = as_parse_error(ValueError("bad"))
    assert (err.code, err.message) == (141, "bad")
    assert as_parse_error(ValueError()).message == "Script failed. Unknown error."
