"""How one record is written: Parse Server's JSON object (files, jsonLogs) or a readable text line.

The JSON object is winston's: `level` (Parse's name), `message`, `timestamp` (ISO 8601, UTC, ms),
then the record's `meta` fields (e.g. the access line's method, url, status, durationMs).
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timezone
from typing import Any

import orjson

from .levels import parse_level_name

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


_second: list[Any] = [None, ""]  # the last whole second formatted, and its text up to the '.'


def iso_timestamp(created: float) -> str:
    """'2026-12-06T12:00:00.123Z' for a record's creation time (the second's text is reused)."""
    whole = int(created)
    if _second[0] != whole:
        _second[1] = datetime.fromtimestamp(whole, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.")
        _second[0] = whole
    return f"{_second[1]}{int((created - whole) * 1000):03d}Z"


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


class TextFormatter(logging.Formatter):
    """The console's readable line: time, level, logger, message (the second's text is reused)."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)
        self._second: tuple[int, str] = (-1, "")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        whole = int(record.created)
        if self._second[0] != whole:
            self._second = (whole, time.strftime("%Y-%m-%d %H:%M:%S", self.converter(whole)))
        return f"{self._second[1]},{int(record.msecs):03d}"


def text_formatter() -> logging.Formatter:
    """The console's readable line: time, level, logger, message."""
    return TextFormatter()
