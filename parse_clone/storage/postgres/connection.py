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
from .pool import Pool
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


async def _init_connection(conn: asyncpg.Connection) -> None:
    for name in ("jsonb", "json"):
        await conn.set_type_codec(name, schema="pg_catalog", encoder=encode_json, decoder=decode_json)


class _Checkout:
    """`async with`: one connection from the pool, given back on the way out."""

    __slots__ = ("_pool", "_conn")

    def __init__(self, pool: Pool) -> None:
        self._pool = pool
        self._conn: asyncpg.Connection | None = None

    async def __aenter__(self) -> asyncpg.Connection:
        self._conn = self._pool.take_idle() or await self._pool.acquire()  # (no coroutine for an idle one)
        return self._conn

    async def __aexit__(self, *exc: object) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            self._pool.release(conn)


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
        self._pool: Pool | None = None
        self._pinned: contextvars.ContextVar[_Pinned | None] = contextvars.ContextVar(
            f"pg_tx_{id(self)}", default=None)

    def connect_options(self) -> dict[str, Any]:
        """What a single connection outside the pool takes of the pool's options (ssl)."""
        return {k: v for k, v in self.options.items() if k == "ssl"}

    def _acquire(self) -> AbstractAsyncContextManager[asyncpg.Connection]:
        """A pooled connection for the enclosed block (pool.py: first come, first served)."""
        return _Checkout(self.pool)

    async def open(self) -> None:
        """Create the pool (one connection up front, more on demand)."""
        if self._pool is None:
            connect = {k: v for k, v in self.options.items() if k != "max_size"}
            pool = Pool(self.dsn, self.options["max_size"], _init_connection, connect)
            await pool.open()
            self._pool = pool

    async def close(self) -> None:
        """Close the pool."""
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close()

    @property
    def pool(self) -> Pool:
        if self._pool is None:
            raise ParseError(ParseError.INTERNAL_SERVER_ERROR, "PostgreSQL storage is not connected")
        return self._pool

    @property
    def in_transaction(self) -> bool:
        """True inside `transaction()` (in its task and the tasks it starts)."""
        pinned = self._pinned.get()
        return pinned is not None and pinned.conn.is_in_transaction()

    def use(self, atomic: bool = False) -> AbstractAsyncContextManager[asyncpg.Connection]:
        """A connection for one storage call; inside `transaction()` the pinned one, behind a savepoint
        so that a failed call leaves the transaction usable. `atomic` wraps a pooled one in a transaction."""
        if not atomic and self._pinned.get() is None:
            return self._acquire()  # the common case, without a generator-based context manager
        return self._use_pinned_or_atomic(atomic)

    @asynccontextmanager
    async def _use_pinned_or_atomic(self, atomic: bool) -> AsyncIterator[asyncpg.Connection]:
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
            async with conn.transaction():
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
        return self._timed_read(max_time_ms) if max_time_ms else self.use()

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
