"""A small pool of asyncpg connections, handed out first come, first served.

asyncpg's own pool costs about as much client CPU per checkout as the statement a request then
runs (a proxy object, futures, an inactivity timer re-armed on every release, a timeout wrapper),
and its queue lets a newly arrived request take a just-released connection ahead of those
already waiting, which under load starves some requests for hundreds of milliseconds. This one
keeps idle connections in a list and waiting requests in a queue, and a released connection goes
straight to the longest-waiting request.

A connection comes back as it is: no reset query (a round trip that doubles the client's cost
of a one-statement request). Nothing the adapter does leaves session state behind: no SET
outside a transaction, no LISTEN (the schema hooks have their own connection), advisory locks
or held cursors. One that comes back closed, inside a transaction, or with a cancelled query
still being cancelled is not reused: it is closed and a new one is made when needed.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any, Awaitable, Callable

import asyncpg

from ...errors import ParseError

Init = Callable[[asyncpg.Connection], Awaitable[None]]


class Pool:
    """At most `max_size` connections to `dsn`; `acquire` waits in arrival order when all are out."""

    def __init__(self, dsn: str, max_size: int, init: Init, connect_options: dict[str, Any]) -> None:
        self._dsn = dsn
        self._max_size = max_size
        self._init = init
        self._options = connect_options
        self._idle: list[asyncpg.Connection] = []
        self._waiters: deque[asyncio.Future[asyncpg.Connection | None]] = deque()
        self._size = 0  # connections open or being opened
        self._closed = False
        self._loop: asyncio.AbstractEventLoop | None = None  # the connections' loop (asyncpg binds them to it)

    async def open(self) -> None:
        """Make the first connection (so that a wrong URI fails at start-up)."""
        self._loop = asyncio.get_running_loop()
        self.release(await self.acquire())

    def take_idle(self) -> asyncpg.Connection | None:
        """An idle connection without waiting, or None (`acquire` then waits or connects)."""
        while self._idle and not self._closed:  # (never while requests wait: a released one goes to them)
            conn = self._idle.pop()
            if not conn.is_closed():
                return conn
            self._size -= 1  # lost while idle (the server went away): make another
        return None

    async def acquire(self) -> asyncpg.Connection:
        """An idle connection, a new one while under max_size, else the next one released."""
        if self._closed:
            raise ParseError(ParseError.INTERNAL_SERVER_ERROR, "PostgreSQL storage is not connected")
        conn = self.take_idle()
        if conn is not None:
            return conn
        if self._size < self._max_size and not self._waiters:
            return await self._connect()
        # (get_running_loop() costs a getpid() system call each time)
        loop = self._loop or asyncio.get_running_loop()
        waiter: asyncio.Future[asyncpg.Connection | None] = loop.create_future()
        self._waiters.append(waiter)
        try:
            conn = await waiter
        except asyncio.CancelledError:
            if not waiter.done() or waiter.cancelled():
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
            elif waiter.exception() is None:  # served just as the request was cancelled: pass it on
                handed = waiter.result()
                if handed is not None:
                    self.release(handed)
                else:  # the right to open a connection goes to the next waiter
                    self._size -= 1
                    self._hand_on()
            raise
        if conn is None:  # a connection was dropped: this request makes the replacement
            return await self._connect(counted=True)
        return conn

    def release(self, conn: asyncpg.Connection) -> None:
        """Give a connection back: to the longest-waiting request, else to the idle list."""
        if self._closed or not _reusable(conn):
            self._size -= 1
            if not conn.is_closed():
                conn.terminate()
            self._hand_on()
            return
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(conn)
                return
        self._idle.append(conn)

    async def close(self) -> None:
        """Close the idle connections; those in use are closed as they come back."""
        self._closed = True
        idle, self._idle = self._idle, []
        self._size -= len(idle)
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_exception(ParseError(ParseError.INTERNAL_SERVER_ERROR, "PostgreSQL storage is closing"))
        self._waiters.clear()
        for conn in idle:
            try:
                await conn.close(timeout=5)
            except (OSError, asyncio.TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
                conn.terminate()

    async def _connect(self, counted: bool = False) -> asyncpg.Connection:
        if not counted:
            self._size += 1
        try:
            conn = await asyncpg.connect(self._dsn, **self._options)
            try:
                await self._init(conn)
            except BaseException:
                conn.terminate()
                raise
        except BaseException:
            self._size -= 1
            self._hand_on()
            raise
        return conn

    def _hand_on(self) -> None:
        """A slot is free: the longest-waiting request may open a connection in it."""
        if self._closed or self._size >= self._max_size:
            return
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                self._size += 1
                waiter.set_result(None)
                return


def _reusable(conn: asyncpg.Connection) -> bool:
    """Open, outside any transaction, and not still cancelling a query (asyncpg's pool checks the same)."""
    if conn.is_closed() or conn.is_in_transaction():
        return False
    cancelling = getattr(conn._protocol, "_is_cancelling", None)  # noqa: SLF001 - no public form
    return not (cancelling is not None and cancelling())
