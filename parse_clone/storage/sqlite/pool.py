"""ReaderPool: threads that each own a read-only connection to the database file, for reads that scan.

A read that walks a whole table (an unindexed `$regex`, a large skip, a count) would hold the event
loop for as long as it runs; in a pool thread it runs beside the loop instead, and the loop keeps
answering cheap calls (a get by objectId) on its own connection. SQLite releases the GIL while it
steps a statement; the Python work around it (decoding rows, the matcher's residual) still holds
it, so the readers run at the lowest scheduling priority (nice 19: on a busy core the loop gets
about 15 times a reader's share) and the interpreter switches threads more often than its default
(see `GIL_SWITCH_INTERVAL_S`): the loop thread, when runnable, wins the core. A `$regex` on a String
field runs inside SQLite (regex_sql.py), so a scan for it holds the GIL only per value, briefly.

Each job runs in autocommit mode and finishes its statements before it returns, so it opens a
fresh read transaction: in WAL mode that sees every write committed before the job started, in
this process or another (read-your-writes across a request sequence).
"""

from __future__ import annotations

import asyncio
import os
import queue
import sqlite3
import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from .regex_sql import register_functions

T = TypeVar("T")

DEFAULT_POOL_SIZE = 4
READER_NICE = 19  # added to each reader thread's niceness (Linux: per thread; capped at 19); the loop keeps 0
GIL_SWITCH_INTERVAL_S = 0.001  # CPython's default is 0.005: a reader holding the GIL gives it up sooner

_Job = tuple[Callable[[sqlite3.Connection], Any], "asyncio.Future[Any]", asyncio.AbstractEventLoop]


class ReaderPool:
    """`size` threads, each with its own `query_only` connection to `path`; `run` hands one a job."""

    def __init__(self, path: str, size: int = DEFAULT_POOL_SIZE, busy_timeout_ms: int = 5000) -> None:
        if size < 1:
            raise ValueError(f"a reader pool needs at least one thread, not {size}")
        self.path = path
        self.size = size
        self.busy_timeout_ms = busy_timeout_ms
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []

    @property
    def threads(self) -> list[threading.Thread]:
        """The running reader threads (empty before `start` and after `close`)."""
        return list(self._threads)

    def start(self) -> None:
        """Open the connections (here, so that a bad path fails the caller) and start one thread each."""
        if self._threads:
            return
        connections = [self._open() for _ in range(self.size)]
        if sys.getswitchinterval() > GIL_SWITCH_INTERVAL_S:
            sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
        for number, conn in enumerate(connections):
            thread = threading.Thread(target=self._serve, args=(conn,), name=f"sqlite-reader-{number}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                               timeout=self.busy_timeout_ms / 1000, cached_statements=512)
        conn.execute(f"PRAGMA busy_timeout={int(self.busy_timeout_ms)}")
        conn.execute("PRAGMA query_only=1")  # a job that tried to write would fail, not write
        conn.execute("PRAGMA temp_store=MEMORY")
        register_functions(conn)
        return conn

    async def run(self, job: Callable[[sqlite3.Connection], T]) -> T:
        """`job(connection)` in a reader thread; its result or its exception, back on the calling loop."""
        if not self._threads:
            raise RuntimeError("the SQLite reader pool is not running")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._jobs.put((job, future, loop))
        return await future

    def close(self) -> None:
        """Let the threads finish the jobs already queued, stop them, join them, close their connections."""
        for _ in self._threads:
            self._jobs.put(None)
        for thread in self._threads:
            thread.join()
        self._threads.clear()

    def _serve(self, conn: sqlite3.Connection) -> None:
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), os.getpriority(os.PRIO_PROCESS, 0) + READER_NICE)
        except (AttributeError, OSError):  # not Linux, or not allowed: same priority as the loop
            pass
        try:
            while (item := self._jobs.get()) is not None:
                job, future, loop = item
                if future.cancelled():
                    continue
                try:
                    outcome: tuple[Any, BaseException | None] = (job(conn), None)
                except BaseException as e:  # handed to the awaiting task, raised there
                    outcome = (None, e)
                try:
                    loop.call_soon_threadsafe(_settle, future, *outcome)
                except RuntimeError:  # the loop is closed: nobody waits for the answer
                    pass
        finally:
            conn.close()


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.done():  # the awaiting task was cancelled meanwhile
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)
