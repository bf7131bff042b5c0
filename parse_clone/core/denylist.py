"""Parse Server's request keyword denylist: keys that could pollute prototypes or smuggle BSON code."""

from __future__ import annotations

from typing import Any

from .errors import ParseError

# (key, value): value None = any value. Same entries and order as Parse Server's default
# `requestKeywordDenylist`; the message names the entry as JSON.
DENYLIST: tuple[tuple[str, Any], ...] = (("_bsontype", "Code"), ("constructor", None), ("__proto__", None))


def _entry_json(key: str, value: Any) -> str:
    return f'{{"key":"{key}","value":"{value}"}}' if value is not None else f'{{"key":"{key}"}}'


def _contains(data: Any, key: str, value: Any) -> bool:
    if isinstance(data, list):
        return any(_contains(v, key, value) for v in data)
    if not isinstance(data, dict):
        return False
    for k, v in data.items():
        # A dotted key path ("obj.constructor.x") reaches the keyword as one of its segments.
        if isinstance(k, str) and key in k.split(".") and (value is None or v == value):
            return True
        if _contains(v, key, value):
            return True
    return False


def check_prohibited_keywords(data: Any) -> None:
    """105 when request data holds a denied key (at any depth or inside a dotted key path)."""
    for key, value in DENYLIST:
        if _contains(data, key, value):
            raise ParseError(ParseError.INVALID_KEY_NAME,
                             f"Prohibited keyword in request data: {_entry_json(key, value)}.")
