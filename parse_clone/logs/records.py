"""How one record is written: Parse Server's JSON object (files, jsonLogs) or a readable text line.

The JSON object is winston's: `level` (Parse's name), `message`, `timestamp` (ISO 8601, UTC, ms),
then the record's `meta` fields (e.g. the access line's method, url, status, durationMs).
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

import orjson

from .levels import parse_level_name

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def iso_timestamp(created: float) -> str:
    """'2026-12-06T12:00:00.123Z' for a record's creation time."""
    moment = datetime.fromtimestamp(created, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def record_object(record: logging.LogRecord) -> dict[str, Any]:
    """The JSON object of one record, as Parse Server writes it to its log files."""
    message = record.getMessage()
    if record.exc_text or record.exc_info:
        trace = record.exc_text or logging.Formatter().formatException(record.exc_info)  # type: ignore[arg-type]
        message = f"{message}\n{trace}"
    out: dict[str, Any] = {"level": parse_level_name(record.levelno), "message": message,
                           "timestamp": iso_timestamp(record.created)}
    meta = getattr(record, "meta", None)
    if isinstance(meta, dict):
        for key, value in meta.items():
            out.setdefault(key, value)
    return out


class JsonFormatter(logging.Formatter):
    """One JSON object per line (jsonLogs, and always in the log files)."""

    def format(self, record: logging.LogRecord) -> str:
        return orjson.dumps(record_object(record), default=str).decode()


def text_formatter() -> logging.Formatter:
    """The console's readable line: time, level, logger, message."""
    return logging.Formatter(TEXT_FORMAT)
