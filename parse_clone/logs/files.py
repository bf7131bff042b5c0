"""Daily log files as Parse Server's (winston-daily-rotate-file): `<folder>/parse-server.info.<YYYY-MM-DD>`.

A new file starts with the first line of each (local) day. maxLogFiles keeps the newest N files of
each kind, or with a "d" suffix ("14d") the files of the last N days; unset, nothing is removed.
The folder and a file are created on the first line written, so a server that logs nothing
leaves no trace on disk.

Lines reach the file within FLUSH_SECONDS (a timer writes them out together) rather than with one
write each: a write per access line cost more than the rest of a simple GET. Error lines are
written at once, and so is everything at exit and before /scriptlog reads the files.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from .records import JsonFormatter

FLUSH_SECONDS = 0.5
MAX_PENDING = 64 * 1024
INFO_FILE = "parse-server.info"
ERROR_FILE = "parse-server.err"
_DATED = re.compile(r"^(?P<base>.+)\.(?P<date>\d{4}-\d{2}-\d{2})$")


@dataclass(frozen=True)
class Retention:
    """maxLogFiles: keep `count` files, or the files of the last `days` days (both None: keep all)."""

    count: int | None = None
    days: int | None = None


def parse_max_log_files(value: Any) -> Retention:
    """maxLogFiles (a number, a numeric string or "14d") as a Retention; ValueError for anything else."""
    if value is None or value == "":
        return Retention()
    if isinstance(value, bool):
        raise ValueError(f"maxLogFiles must be a number of files or a number of days (\"14d\"), got {value!r}")
    if isinstance(value, (int, float)) and value >= 1 and float(value).is_integer():
        return Retention(count=int(value))
    match = re.fullmatch(r"\s*(\d+)\s*(d?)\s*", value) if isinstance(value, str) else None
    if match and int(match.group(1)) >= 1:
        n = int(match.group(1))
        return Retention(days=n) if match.group(2) else Retention(count=n)
    raise ValueError(f"maxLogFiles must be a number of files or a number of days (\"14d\"), got {value!r}")


def file_date(created: float) -> str:
    """The date part of the file a record goes to (local time, as winston-daily-rotate-file)."""
    return time.strftime("%Y-%m-%d", time.localtime(created))


def day_bounds(created: float) -> tuple[float, float]:
    """The epoch times of the local midnights before and after `created`."""
    t = time.localtime(created)
    start = time.mktime((t.tm_year, t.tm_mon, t.tm_mday, 0, 0, 0, 0, 0, -1))
    end = time.mktime((t.tm_year, t.tm_mon, t.tm_mday + 1, 0, 0, 0, 0, 0, -1))
    return start, end


def dated_files(folder: str, base: str) -> list[tuple[str, str]]:
    """(date, path) of the files of one kind in `folder`, oldest first."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    found = []
    for name in names:
        match = _DATED.match(name)
        if match and match.group("base") == base:
            found.append((match.group("date"), os.path.join(folder, name)))
    return sorted(found)


def prune(folder: str, base: str, retention: Retention, today: str) -> list[str]:
    """Remove the files maxLogFiles no longer keeps; the paths removed."""
    files = dated_files(folder, base)
    if retention.count is not None:
        doomed = files[:-retention.count] if len(files) > retention.count else []
    elif retention.days is not None:
        oldest = (date.fromisoformat(today) - timedelta(days=retention.days - 1)).isoformat()
        doomed = [f for f in files if f[0] < oldest]
    else:
        doomed = []
    removed = []
    for _, path in doomed:
        try:
            os.remove(path)
            removed.append(path)
        except OSError:
            pass  # another process (a cluster worker) removed it first
    return removed


def flush_timer(flush: Any) -> threading.Timer:
    """A started daemon timer calling `flush` in FLUSH_SECONDS (lines wait for it, not one write each)."""
    timer = threading.Timer(FLUSH_SECONDS, flush)
    timer.daemon = True
    timer.start()
    return timer


class DailyFileHandler(logging.Handler):
    """Writes records as JSON lines to `<folder>/<base>.<date>`, starting a new file each day.

    Lines wait in memory (at most FLUSH_SECONDS, or MAX_PENDING bytes) and go out in one write of
    whole lines to a file opened for appending, so the workers of a cluster sharing a file never
    cut into each other's lines."""

    def __init__(self, folder: str, base: str, level: int, retention: Retention = Retention()) -> None:
        super().__init__(level)
        self.folder = folder
        self.base = base
        self.retention = retention
        self.setFormatter(JsonFormatter())
        self._date: str | None = None
        self._file: Any = None  # an unbuffered binary file opened for appending
        self._pending: list[bytes] = []
        self._pending_size = 0
        self._timer: threading.Timer | None = None
        self._day_starts = self._day_ends = 0.0  # the local day of the current file, as epoch times

    @property
    def path(self) -> str | None:
        """The file being written (None before the first line)."""
        return os.path.join(self.folder, f"{self.base}.{self._date}") if self._date else None

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = (self.format(record) + "\n").encode("utf-8")
            if self._file is None or not self._day_starts <= record.created < self._day_ends:
                self._write_pending()  # yesterday's lines go to yesterday's file
                self._open(file_date(record.created), record.created)
            self._pending.append(line)
            self._pending_size += len(line)
            if record.levelno >= logging.ERROR or self._pending_size >= MAX_PENDING:
                self._write_pending()
            elif self._timer is None:
                self._timer = flush_timer(self.flush)
        except Exception:  # noqa: BLE001 - logging must never break the request that logged
            self.handleError(record)

    def _write_pending(self) -> None:
        if not self._pending or self._file is None:
            return
        data = memoryview(b"".join(self._pending))
        self._pending.clear()
        self._pending_size = 0
        while data:
            written = self._file.write(data)
            data = data[written or len(data):]

    def flush(self) -> None:
        """Write the waiting lines to the file."""
        self.acquire()
        try:
            self._timer = None
            self._write_pending()
        finally:
            self.release()

    def _open(self, day: str, created: float) -> None:
        if self._file is not None:
            self._file.close()
        os.makedirs(self.folder, exist_ok=True)
        self._date = day
        self._day_starts, self._day_ends = day_bounds(created)
        self._file = open(os.path.join(self.folder, f"{self.base}.{day}"), "ab", buffering=0)
        prune(self.folder, self.base, self.retention, day)

    def close(self) -> None:
        self.acquire()
        try:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if self._file is not None:
                self._write_pending()
                self._file.close()
                self._file = None
        finally:
            self.release()
        super().close()
