"""databaseOptions.maxTimeMS on SQLite: a read statement interrupted once its time is up.

SQLite has no per-statement time limit; a progress handler, called every PROGRESS_STEPS virtual
machine instructions while a statement runs, asks SQLite to interrupt it once the deadline has
passed ("interrupted"), which is answered as MongoDB's time limit is (QueryTimeoutError).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from ..base import QueryTimeoutError

PROGRESS_STEPS = 100  # instructions between two looks at the clock (a Python call each)


@contextmanager
def time_limit(conn: sqlite3.Connection, max_time_ms: float | None,
               clock: Callable[[], float] = time.monotonic) -> Iterator[None]:
    """Statements run on `conn` inside the block stop with QueryTimeoutError after `max_time_ms`."""
    if not max_time_ms:
        yield
        return
    deadline = clock() + max_time_ms / 1000
    conn.set_progress_handler(lambda: 1 if clock() > deadline else 0, PROGRESS_STEPS)
    try:
        yield
    except sqlite3.OperationalError as e:
        if str(e) != "interrupted":
            raise
        raise QueryTimeoutError(max_time_ms) from None
    finally:
        conn.set_progress_handler(None, 0)
