"""Keeping secrets out of log lines: keys, session tokens, passwords and one-time tokens.

Two guards: `masked_url` hides the values of sensitive query parameters in the access line, and
`Redactor` (a logging.Filter on every handler) rewrites any line that still carries a configured
key, a session token ("r:" + 32 hex) or a `password`/`sessionToken`/... value in JSON, Python or
query-string form, whoever logged it (server code, cloud code, libraries).
"""

from __future__ import annotations

import logging
import re
from typing import Any, Iterable
from urllib.parse import parse_qsl

MASK = "********"
# Names whose values are secrets wherever they appear (query strings, JSON bodies, hook inputs).
SENSITIVE_NAMES = ("password", "new_password", "token", "sessionToken", "_SessionToken", "masterKey",
                   "_MasterKey", "maintenanceKey", "restAPIKey", "javascriptKey", "_JavaScriptKey",
                   "clientKey", "_ClientKey", "dotNetKey", "webhookKey", "fileKey", "access_token",
                   "refresh_token", "id_token", "authToken", "secret")
_SENSITIVE_LOWER = {n.lower() for n in SENSITIVE_NAMES}
# Option names whose configured values are never logged.
KEY_OPTIONS = ("masterKey", "readOnlyMasterKey", "maintenanceKey", "restAPIKey", "javascriptKey", "clientKey",
               "dotNetKey", "webhookKey", "fileKey", "encryptionKey")
MIN_SECRET_LENGTH = 6  # shorter values (the test suite's "test") would mangle ordinary words

_NAMES = "|".join(re.escape(n) for n in sorted(SENSITIVE_NAMES, key=len, reverse=True))
_QUOTED = re.compile(r"""(["'](?:%s)["']\s*:\s*)(["'])(?:\\.|(?!\2).)*\2""" % _NAMES, re.IGNORECASE)
_QUERY = re.compile(r"""(?<![\w-])((?:%s)=)[^&\s"']+""" % _NAMES, re.IGNORECASE)
_ENCODED = re.compile(r"(%%22(?:%s)%%22(?::|%%3A)(?:%%20|\+)*%%22).*?(%%22)" % _NAMES, re.IGNORECASE)  # URL-encoded JSON
# Every pattern below needs one of these words (or a session token's "r:"), so one scan rules them out.
_MAYBE_SECRET = re.compile(r"pass|token|key|secret|r:|r%3a", re.IGNORECASE)
_SESSION_TOKEN = re.compile(r"\br(?::|%3A)[0-9a-f]{32}\b", re.IGNORECASE)


def masked_url(path: str, query_string: str) -> str:
    """The path with its query string, the values of sensitive parameters replaced by ********."""
    if not query_string:
        return path
    parts = []
    for key, value in parse_qsl(query_string, keep_blank_values=True):
        parts.append(f"{key}={MASK if key.lower() in _SENSITIVE_LOWER else value}")
    return f"{path}?{'&'.join(parts)}" if parts else path


CLEAN = object()  # `record.redacted_by = CLEAN`: the line was built from values that cannot hold a secret


class Redactor(logging.Filter):
    """Rewrites each record's message without secrets (the record keeps no args afterwards)."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        super().__init__()
        kept = {s for s in secrets if isinstance(s, str) and len(s) >= MIN_SECRET_LENGTH}
        self._secrets = sorted(kept, key=len, reverse=True)

    def redact(self, text: str) -> str:
        """`text` with every secret it carries masked."""
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        if not _MAYBE_SECRET.search(text):
            return text  # most lines (access lines among them) name no secret: skip the patterns
        text = _QUOTED.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}{m.group(2)}", text)
        text = _QUERY.sub(lambda m: m.group(1) + MASK, text)
        text = _ENCODED.sub(lambda m: m.group(1) + MASK + m.group(2), text)
        return _SESSION_TOKEN.sub(MASK, text)

    def filter(self, record: logging.LogRecord) -> bool:
        done = getattr(record, "redacted_by", None)
        if done is self or done is CLEAN:
            return True  # the same record reaching a second handler, or a line built with no secret in it
        record.redacted_by = self
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        clean = self.redact(message)
        if clean != message or record.args:
            record.msg, record.args = clean, None
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        meta = getattr(record, "meta", None)
        if isinstance(meta, dict):
            record.meta = {k: self._clean_value(k, v) for k, v in meta.items()}
        return True

    def _clean_value(self, key: str, value: Any) -> Any:
        if key.lower() in _SENSITIVE_LOWER:
            return MASK
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, dict):
            return {k: self._clean_value(str(k), v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._clean_value("", v) for v in value]
        return value


def secrets_of(config: Any) -> list[str]:
    """The configured key values of a ServerConfig (those that are set)."""
    return [v for v in (getattr(config, name, None) for name in KEY_OPTIONS) if isinstance(v, str) and v]
