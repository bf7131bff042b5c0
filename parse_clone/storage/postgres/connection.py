"""The asyncpg pool, and the one connection a `transaction()` pins for the calls inside it."""

from __future__ import annotations

import asyncio
import contextvars
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any, AsyncIterator
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg

from ...errors import ParseError
from ..base import QueryTimeoutError
from .insert_group import InsertGroup, RowsWriter, RowWriter
from .values import decode_json, encode_json

DEFAULT_POOL_SIZE = 10
# Parse Server's PostgreSQL URI options that asyncpg does not take as they are.
_PARSE_ONLY_PARAMS = {"ssl", "poolSize", "max", "query_timeout", "idleTimeoutMillis", "keepAlive", "binary",
                      "client_encoding", "fallback_application_name", "ca", "pfx", "cert", "key",
                      "passphrase", "rejectUnauthorized", "secureOptions"}


def dsn_and_options(uri: str) -> tuple[str, dict[str, Any]]:
    """asyncpg's DSN and pool options from a Parse Server `databaseURI` (postgres:// or postgresql://)."""
    parts = urlsplit(uri)
    params = dict(parse_qsl(parts.query))
    options: dict[str, Any] = {}
    if params.get("ssl", "").lower() == "true":
        options["ssl"] = "require"
    size = params.get("max") or params.get("poolSize")
    if size and size.isdigit():
        options["max_size"] = int(size)
    kept = {k: v for k, v in params.items() if k not in _PARSE_ONLY_PARAMS}
    return urlunsplit(parts._replace(query=urlencode(kept))), options


async def _keep_session(conn: asyncpg.Connection) -> None:
    """A connection goes back to the pool as it is, without asyncpg's reset query (a round trip that
    doubles the client's cost of a one-statement request). Nothing here leaves session state behind:
    no SET, LISTEN (the schema hooks have their own connection), advisory locks or held cursors;
    a transaction left open is still rolled back by asyncpg before this runs."""


async def _init_connection(conn: asyncpg.Connection) -> None:
    for name in ("jsonb", "json"):
        await conn.set_type_codec(name, schema="pg_catalog", encoder=encode_json, decoder=decode_json)


class _Lease:
    """One pooled connection behind the fair semaphore (`Connections._acquire`); a plain context
    manager, as reads run through it by the thousand (a generator-based one costs microseconds)."""

    __slots__ = ("_turns", "_pool", "_conn")

    def __init__(self, turns: asyncio.Semaphore, pool: asyncpg.Pool) -> None:
        self._turns = turns
        self._pool = pool
        self._conn: asyncpg.Connection | None = None

    async def __aenter__(self) -> asyncpg.Connection:
        await self._turns.acquire()
        try:
            self._conn = await self._pool.acquire()
        except BaseException:
            self._turns.release()
            raise
        return self._conn

    async def __aexit__(self, *exc: Any) -> None:
        try:
            await self._pool.release(self._conn)
        finally:
            self._turns.release()


@dataclass
class _Pinned:
    conn: asyncpg.Connection
    lock: asyncio.Lock
    group: InsertGroup | None = None

    async def flush(self) -> None:
        """Write a session's parked inserts before another statement (the caller holds the lock)."""
        if self.group is not None and self.group.has_pending:
            await self.group.flush(self.conn)


class Connections:
    """Pool access for the adapter: `use()` yields the transaction's connection when inside one."""

    def __init__(self, uri: str, max_pool_size: int | None = None) -> None:
        self.dsn, self.options = dsn_and_options(uri)
        if max_pool_size:
            self.options["max_size"] = int(max_pool_size)
        self.options.setdefault("max_size", DEFAULT_POOL_SIZE)
        self._pool: asyncpg.Pool | None = None
        self._turns = asyncio.Semaphore(self.options["max_size"])
        self._pinned: contextvars.ContextVar[_Pinned | None] = contextvars.ContextVar(
            f"pg_tx_{id(self)}", default=None)

    def connect_options(self) -> dict[str, Any]:
        """What a single connection outside the pool takes of the pool's options (ssl)."""
        return {k: v for k, v in self.options.items() if k == "ssl"}

    def _acquire(self) -> _Lease:
        """A pooled connection, handed out first come, first served. asyncpg's own queue lets a newly
        arrived request take a just-released connection ahead of those already waiting, which
        under load starves some requests for hundreds of milliseconds; a fair semaphore in front
        of it keeps the wait in arrival order."""
        return _Lease(self._turns, self.pool)

    async def open(self) -> None:
        """Create the pool (one connection up front, more on demand)."""
        if self._pool is None:
            self._pool = await asyncpg.create_pool(self.dsn, min_size=1, init=_init_connection,
                                                    reset=_keep_session, **self.options)

    async def close(self) -> None:
        """Close the pool."""
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close()

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise ParseError(ParseError.INTERNAL_SERVER_ERROR, "PostgreSQL storage is not connected")
        return self._pool

    @property
    def in_transaction(self) -> bool:
        """True inside `transaction()` (in its task and the tasks it starts)."""
        pinned = self._pinned.get()
        return pinned is not None and pinned.conn.is_in_transaction()

    @asynccontextmanager
    async def use(self, atomic: bool = False) -> AsyncIterator[asyncpg.Connection]:
        """A connection for one storage call; inside `transaction()` the pinned one, behind a savepoint
        so that a failed call leaves the transaction usable. `atomic` wraps a pooled one in a transaction."""
        pinned = self._pinned.get()
        if pinned is not None:
            async with pinned.lock:
                await pinned.flush()
                if pinned.conn.is_in_transaction() or atomic:
                    async with pinned.conn.transaction():
                        yield pinned.conn
                else:  # a session() pin outside any transaction: each statement commits itself
                    yield pinned.conn
            return
        async with self._acquire() as conn:
            if atomic:
                async with conn.transaction():
                    yield conn
            else:
                yield conn

    def open_group(self) -> InsertGroup | None:
        """The session's insert group while it still takes parked inserts (None outside a session)."""
        pinned = self._pinned.get()
        if pinned is None or pinned.group is None or pinned.conn.is_in_transaction():
            return None
        return pinned.group

    def read(self, max_time_ms: float | None) -> AbstractAsyncContextManager[asyncpg.Connection]:
        """A connection for one read under databaseOptions.maxTimeMS: its statements run with
        statement_timeout (SET LOCAL, in a transaction of their own), a cancelled one raises
        QueryTimeoutError. Without a limit, `use()`."""
        if max_time_ms:
            return self._timed_read(max_time_ms)
        if self._pinned.get() is None:  # the common read: a pooled connection, no wrapper around it
            return self._acquire()
        return self.use()

    @asynccontextmanager
    async def _timed_read(self, max_time_ms: float) -> AsyncIterator[asyncpg.Connection]:
        async with self.use(atomic=True) as conn:
            await conn.execute(f"SET LOCAL statement_timeout = {max(1, int(max_time_ms))}")
            try:
                yield conn
            except asyncpg.exceptions.QueryCanceledError:
                raise QueryTimeoutError(max_time_ms) from None
            if self._pinned.get() is not None:  # a savepoint: the setting would outlive this read
                await conn.execute("SET LOCAL statement_timeout = DEFAULT")

    @asynccontextmanager
    async def session(self, write_rows: RowsWriter, write_row: RowWriter) -> AsyncIterator[InsertGroup | None]:
        """Pin one pooled connection, outside any transaction, for a run of independent calls (a
        /batch): each statement still commits on its own, but the run takes one connection from
        the pool instead of one per call, and creates may be written together (insert_group.py).
        Inside transaction() or another session(), nothing changes (and no group is yielded)."""
        if self._pinned.get() is not None:
            yield None
            return
        async with self._acquire() as conn:
            lock = asyncio.Lock()
            group = InsertGroup(conn, lock, write_rows, write_row)
            token = self._pinned.set(_Pinned(conn, lock, group))
            try:
                yield group
            finally:
                try:
                    await group.close()
                finally:
                    self._pinned.reset(token)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Pin one connection in a transaction for the enclosed calls; nested use is a savepoint."""
        pinned = self._pinned.get()
        if pinned is not None:
            async with pinned.lock:
                await pinned.flush()
                sp = pinned.conn.transaction()
                await sp.start()
            try:
                yield
            except BaseException:
                async with pinned.lock:
                    await sp.rollback()
                raise
            async with pinned.lock:
                await sp.commit()
            return
        async with self._acquire() as conn:
            token = self._pinned.set(_Pinned(conn, asyncio.Lock()))
            try:
                async with conn.transaction():
                    yield
            finally:
                self._pinned.reset(token)
