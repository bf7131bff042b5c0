"""Reading the log files back for GET /scriptlog, with the options of Parse Server's LoggerController.

    level   "error": the parse-server.err files; anything else: parse-server.info
    from    oldest line returned (a date; default: 7 days ago; an unreadable date means the default)
    until   newest line returned (default: now)
    size    lines returned (default 10; `n` overrides it); Parse Server sets no maximum
    order   "asc" oldest first, otherwise newest first

Without log files (logsFolder null, or nothing written yet) the answer is an empty list.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Mapping

import orjson

from .files import ERROR_FILE, INFO_FILE, DailyFileHandler, dated_files

DEFAULT_SIZE = 10
DEFAULT_SPAN = timedelta(days=7)


@dataclass(frozen=True)
class LogQuery:
    """What /scriptlog asks for, defaults applied."""

    level: str
    since: datetime
    until: datetime
    size: int
    order: str


def parse_date(text: Any) -> datetime | None:
    """An ISO 8601 date or date-time (a date alone is UTC midnight); None when it is not one."""
    if not isinstance(text, str) or not text.strip():
        return None
    value = text.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _size(value: Any) -> int:
    """Number(size) || 10, as Parse Server reads it (non-numbers and 0 mean the default)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return DEFAULT_SIZE
    if number != number or number <= 0:  # NaN, 0, negatives: the default
        return DEFAULT_SIZE
    return int(number) if number != float("inf") else 1 << 62


def log_query(params: Mapping[str, Any], now: datetime | None = None) -> LogQuery:
    """The query of GET /scriptlog's parameters."""
    now = now or datetime.now(timezone.utc)
    size = params.get("n") or params.get("size")
    return LogQuery(level="error" if params.get("level") == "error" else "info",
                    since=parse_date(params.get("from")) or now - DEFAULT_SPAN,
                    until=parse_date(params.get("until")) or now,
                    size=_size(size),
                    order="asc" if params.get("order") == "asc" else "desc")


def _lines(path: str) -> list[dict[str, Any]]:
    out = []
    try:
        with open(path, "rb") as fh:
            for raw in fh:
                try:
                    entry = orjson.loads(raw)
                except orjson.JSONDecodeError:
                    continue  # a line cut short by a crash, or written by something else
                if isinstance(entry, dict):
                    out.append(entry)
    except OSError:
        return []
    return out


def flush_log_files() -> None:
    """Write out this process's buffered log lines, so that a read sees them."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, DailyFileHandler):
            handler.flush()


def read_logs(folder: str | None, query: LogQuery) -> list[dict[str, Any]]:
    """The log lines matching `query`, each the JSON object written ({level, message, timestamp, ...})."""
    if not folder or not os.path.isdir(folder):
        return []
    flush_log_files()
    base = ERROR_FILE if query.level == "error" else INFO_FILE
    first_day = (query.since - timedelta(days=1)).date().isoformat()  # local dates may lag UTC by a day
    last_day = (query.until + timedelta(days=1)).date().isoformat()
    found: list[tuple[datetime, int, dict[str, Any]]] = []
    for day, path in dated_files(folder, base):
        if not first_day <= day <= last_day:
            continue
        for entry in _lines(path):
            moment = parse_date(entry.get("timestamp"))
            if moment is not None and query.since <= moment <= query.until:
                found.append((moment, len(found), entry))
    found.sort(key=lambda item: (item[0], item[1]), reverse=query.order == "desc")
    return [entry for _, _, entry in found[:query.size]]
