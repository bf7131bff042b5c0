"""Parse Server's log level names (winston's npm levels) and their Python `logging` equivalents.

winston orders them error < warn < info < verbose < debug < silly (each shows the ones before it);
`verbose` and `silly` have no Python level, so they are added between the standard ones.
"""

from __future__ import annotations

import logging
from typing import Any

VERBOSE = 15  # between DEBUG (10) and INFO (20): winston's verbose is less chatty than debug
SILLY = 5
logging.addLevelName(VERBOSE, "VERBOSE")
logging.addLevelName(SILLY, "SILLY")

# The names Parse Server accepts (LoggerController's list); "silent" means: log nothing.
LOG_LEVELS = ("error", "warn", "info", "debug", "verbose", "silly", "silent")
PYTHON_LEVEL = {"error": logging.ERROR, "warn": logging.WARNING, "info": logging.INFO, "verbose": VERBOSE,
                "debug": logging.DEBUG, "silly": SILLY, "silent": logging.CRITICAL + 10}

# logLevels.* (LogLevels in Parse Server's Definitions.js) and their defaults.
OUTCOME_DEFAULTS = {"cloudFunctionError": "error", "cloudFunctionSuccess": "info", "signupUsernameTaken": "info",
                    "triggerAfter": "info", "triggerBeforeError": "error", "triggerBeforeSuccess": "info"}


def parse_level_name(levelno: int) -> str:
    """The Parse name written for a record's level ("warn" for WARNING, "error" for CRITICAL)."""
    if levelno >= logging.ERROR:
        return "error"
    if levelno >= logging.WARNING:
        return "warn"
    if levelno >= logging.INFO:
        return "info"
    if levelno >= VERBOSE:
        return "verbose"
    if levelno >= logging.DEBUG:
        return "debug"
    return "silly"


def threshold(log_level: str | None, verbose: bool | None) -> int:
    """The lowest Python level logged for the logLevel and verbose options, as Parse Server combines them.

    verbose raises the default to `verbose` but never past it; an explicit logLevel narrows it further.
    An unknown name falls back to info."""
    name = log_level.lower() if isinstance(log_level, str) else None
    level = PYTHON_LEVEL.get(name or ("verbose" if verbose else "info"), logging.INFO)
    return max(level, VERBOSE) if verbose else level


def outcome_levels(options: dict[str, Any] | None) -> dict[str, str]:
    """logLevels with Parse Server's defaults filled in; ValueError names a key with an unknown level."""
    levels = dict(OUTCOME_DEFAULTS)
    for key, value in (options or {}).items():
        if value in (None, ""):
            continue
        if value not in LOG_LEVELS:
            allowed = "[" + ",".join(f'"{n}"' for n in LOG_LEVELS) + "]"
            raise ValueError(f"'{key}' must be one of {allowed}")
        levels[key] = value
    return levels
