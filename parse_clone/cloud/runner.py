"""Calling one hook: async hooks are awaited, sync hooks run in a worker thread, both under a timeout.

Sync hooks run in a thread so that a blocking call (or an endless loop) does not stall the
server and can be timed out; the thread itself cannot be stopped and finishes on its own.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any, Callable

from .errors import HookTimeout


def is_async(handler: Callable[..., Any]) -> bool:
    """Is the handler an `async def` (or a partial/callable object wrapping one)?"""
    return inspect.iscoroutinefunction(handler) or inspect.iscoroutinefunction(
        getattr(handler, "__call__", None))


async def call_hook(handler: Callable[[Any], Any], req: Any, timeout: float | None, what: str) -> Any:
    """The hook's return value; HookTimeout when it runs longer than `timeout` seconds."""
    if timeout is None or timeout <= 0:
        return await _call(handler, req)
    try:
        async with asyncio.timeout(timeout) as scope:
            return await _call(handler, req)
    except TimeoutError:
        if scope.expired():
            raise HookTimeout(f"{what} timed out after {timeout:g} s") from None
        raise


async def _call(handler: Callable[[Any], Any], req: Any) -> Any:
    if is_async(handler):
        return await handler(req)
    result = await asyncio.to_thread(handler, req)
    if inspect.isawaitable(result):  # a plain function that returned a coroutine
        result = await result
    return result
