"""Installing the process's log handlers from Parse Server's options.

    verbose, logLevel   the lowest level logged (levels.threshold)
    silent              no console output (the files are still written, as in Parse Server)
    jsonLogs            console lines as JSON objects (the files are always JSON)
    logsFolder          where the daily files go (default ./logs; null or "" : no files)
    maxLogFiles         how many files (or "Nd": days) of each kind to keep

Handlers go on the root logger, so that server code, cloud code and libraries all reach them;
each carries the Redactor, so no handler ever writes a key, a session token or a password.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from dataclasses import dataclass, field
from typing import Any, TextIO

from .files import ERROR_FILE, INFO_FILE, DailyFileHandler, flush_timer, parse_max_log_files
from .levels import threshold
from .records import JsonFormatter, text_formatter
from .redact import Redactor, secrets_of


class ConsoleHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The console handler, flushing warnings and errors at once and other lines within files.FLUSH_SECONDS
    (a flush per access line is a write system call per request)."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream)
        self._timer: threading.Timer | None = None

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.stream.write(self.format(record) + self.terminator)
            if record.levelno >= logging.WARNING:
                self.flush()
            elif self._timer is None:
                self._timer = flush_timer(self._timed_flush)
        except Exception:  # noqa: BLE001 - logging must never break the request that logged
            self.handleError(record)

    def _timed_flush(self) -> None:
        self.acquire()
        try:
            self._timer = None
            super().flush()
        finally:
            self.release()

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self.flush()
        super().close()


def logs_folder(config: Any) -> str | None:
    """The absolute folder of the log files, or None when file logging is off (null, "" or "null")."""
    folder = getattr(config, "logsFolder", None)
    if not isinstance(folder, str) or folder.strip() in ("", "null"):
        return None
    return os.path.abspath(folder)


@dataclass
class LoggingSetup:
    """The handlers one configure_logging call installed (close() removes them again)."""

    level: int
    handlers: list[logging.Handler] = field(default_factory=list)
    folder: str | None = None
    previous_level: int = logging.WARNING

    def close(self) -> None:
        """Detach and close the handlers, restoring the root level (tests; a server keeps them)."""
        root = logging.getLogger()
        for handler in self.handlers:
            root.removeHandler(handler)
            handler.close()
        self.handlers.clear()
        root.setLevel(self.previous_level)


def configure_logging(config: Any, stream: TextIO | None = None) -> LoggingSetup:
    """Install console and file handlers for `config`'s logging options; ValueError for a bad maxLogFiles."""
    retention = parse_max_log_files(getattr(config, "maxLogFiles", None))
    level = threshold(getattr(config, "logLevel", None), getattr(config, "verbose", None))
    redactor = Redactor(secrets_of(config))
    root = logging.getLogger()
    setup = LoggingSetup(level=level, folder=logs_folder(config), previous_level=root.level)
    if not getattr(config, "silent", None):
        console = ConsoleHandler(stream or sys.stdout)
        console.setFormatter(JsonFormatter() if getattr(config, "jsonLogs", None) else text_formatter())
        setup.handlers.append(console)
    if setup.folder is not None:
        setup.handlers.append(DailyFileHandler(setup.folder, INFO_FILE, level, retention))
        setup.handlers.append(DailyFileHandler(setup.folder, ERROR_FILE, max(level, logging.ERROR), retention))
    root.setLevel(level)
    for handler in setup.handlers:
        handler.addFilter(redactor)
        root.addHandler(handler)
    return setup
