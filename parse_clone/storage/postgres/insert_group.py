"""A /batch's creates that reach storage together, written as one multi-row INSERT.

Inside `write_group()` the batch admits its sub-requests one at a time. A create that may wait
parks its row here and the next sub-request starts; the parked rows are written when anything
else is about to use the batch's connection (so later sub-requests read earlier ones' rows) and
once every sub-request has been admitted. Runs of rows into the same table with the same columns
go out as one statement; when that statement fails (a duplicate value, a bad value), nothing of
it was written and each row is written again on its own, so each create gets its own answer.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Coroutine, Iterator, TypeVar

import asyncpg

from ..write_group import WriteGroup

T = TypeVar("T")
# PostgreSQL takes at most 32767 parameters in one statement.
MAX_PARAMS = 32000


@dataclass
class ParkedInsert:
    """One create waiting for the group's next write."""

    class_name: str
    columns: dict[str, str]
    fields: dict[str, Any]
    doc: dict[str, Any]
    names: tuple[str, ...]
    values: list[Any]
    future: asyncio.Future[None] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


RowsWriter = Callable[[asyncpg.Connection, list[ParkedInsert]], Awaitable[None]]
RowWriter = Callable[[asyncpg.Connection, ParkedInsert], Awaitable[None]]


class InsertGroup(WriteGroup):
    """Admits steps until each is done or has parked an insert; writes parked inserts together."""

    def __init__(self, conn: asyncpg.Connection, lock: asyncio.Lock,
                 write_rows: RowsWriter, write_row: RowWriter) -> None:
        self._conn = conn
        self._lock = lock
        self._write_rows = write_rows
        self._write_row = write_row
        self._pending: list[ParkedInsert] = []
        self._open = True
        self._tasks: list[asyncio.Task[Any]] = []
        self._wake: asyncio.Future[None] | None = None

    async def admit(self, step: Coroutine[Any, Any, T]) -> asyncio.Future[T]:
        """Start `step` in its own task; return once it is done or has parked its insert."""
        loop = asyncio.get_running_loop()
        wake: asyncio.Future[None] = loop.create_future()
        task = loop.create_task(step)
        self._wake = wake
        self._tasks.append(task)
        task.add_done_callback(lambda _t: wake.done() or wake.set_result(None))
        await wake
        return task

    def park(self, item: ParkedInsert) -> bool:
        """Queue an insert (False once every step has been admitted: then write it at once)."""
        if not self._open:
            return False
        self._pending.append(item)
        current = self._tasks[-1] if self._tasks else None
        wake = self._wake
        if asyncio.current_task() is current and wake is not None and not wake.done():
            wake.set_result(None)  # only the step being admitted moves the batch on
        return True

    @property
    def has_pending(self) -> bool:
        """Are inserts waiting? (then flush before any other statement on the connection)"""
        return bool(self._pending)

    async def flush(self, conn: asyncpg.Connection) -> None:
        """Write the parked inserts, in order; the caller holds the connection's lock."""
        while self._pending:
            items, self._pending = self._pending, []
            for run in _runs([i for i in items if not i.future.done()]):
                await self._write(conn, run)

    async def _write(self, conn: asyncpg.Connection, run: list[ParkedInsert]) -> None:
        if len(run) > 1:
            try:
                await self._write_rows(conn, run)
            except Exception:  # noqa: BLE001 - one statement: nothing written; each row alone below
                pass
            else:
                for item in run:
                    if not item.future.done():
                        item.future.set_result(None)
                return
        for item in run:
            try:
                await self._write_row(conn, item)
            except Exception as error:  # noqa: BLE001 - the create's own answer
                if not item.future.done():
                    item.future.set_exception(error)
            else:
                if not item.future.done():
                    item.future.set_result(None)

    async def finish(self) -> None:
        """Every step is admitted: write what is parked; later creates write at once."""
        self._open = False
        async with self._lock:
            await self.flush(self._conn)

    async def close(self) -> None:
        """Leaving the batch: no step may outlive the connection (they are cancelled if still running)."""
        self._open = False
        for task in self._tasks:
            if not task.done():
                task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for item in self._pending:
            if not item.future.done():
                item.future.cancel()
        self._pending.clear()


def _runs(items: list[ParkedInsert]) -> Iterator[list[ParkedInsert]]:
    """Consecutive inserts into one table with the same columns, at most MAX_PARAMS values each."""
    run: list[ParkedInsert] = []
    for item in items:
        if run and ((item.class_name, item.names) != (run[0].class_name, run[0].names)
                    or item.columns is not run[0].columns or (len(run) + 1) * max(len(item.names), 1) > MAX_PARAMS):
            yield run
            run = []
        run.append(item)
    if run:
        yield run
