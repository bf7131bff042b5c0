"""databaseOptions.enableSchemaHooks on PostgreSQL: schema changes heard by every process.

As Parse Server's PostgreSQL adapter does: after each change to `_SCHEMA` the writer sends
`NOTIFY "schema.change"` with `{"senderId": <its id>}`, and each process LISTENing on that channel
drops its schema cache when the sender is someone else. Parse Server instances started with the
same option on the same database hear this server's changes, and this server hears theirs.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any, Callable

import asyncpg
import orjson

log = logging.getLogger("parse_clone")

CHANNEL = "schema.change"


class SchemaHooks:
    """One LISTEN connection per adapter, and the NOTIFY that follows each schema change."""

    def __init__(self, dsn: str, connect_options: dict[str, Any]) -> None:
        self.sender_id = str(uuid.uuid4())
        self._dsn = dsn
        self._connect_options = connect_options
        self._conn: asyncpg.Connection | None = None
        self._on_change: Callable[[], None] | None = None

    async def listen(self, on_change: Callable[[], None]) -> None:
        """Open the listening connection; `on_change` runs for each change another process made."""
        self._on_change = on_change
        if self._conn is None:
            self._conn = await asyncpg.connect(self._dsn, **self._connect_options)
            self._conn.add_termination_listener(self._lost)
            await self._conn.add_listener(CHANNEL, self._heard)

    async def notify(self, conn: asyncpg.Connection) -> None:
        """Tell the other processes (sent when `conn`'s transaction commits)."""
        if self._conn is not None:
            await conn.execute("SELECT pg_notify($1, $2)", CHANNEL,
                               orjson.dumps({"senderId": self.sender_id}).decode())

    async def close(self) -> None:
        """Stop listening."""
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.remove_termination_listener(self._lost)
            await conn.close()

    def _heard(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        try:
            sender = orjson.loads(payload).get("senderId")
        except (orjson.JSONDecodeError, AttributeError):
            sender = None  # a change all the same: reload
        if sender != self.sender_id and self._on_change is not None:
            self._on_change()

    def _lost(self, _conn: Any) -> None:
        self._conn = None
        log.warning("databaseOptions.enableSchemaHooks: the PostgreSQL LISTEN connection was lost; "
                    "schema changes made by other processes are no longer heard until restart")
