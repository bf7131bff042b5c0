"""Parse Server's request keyword denylist: keys that could pollute prototypes or smuggle BSON code."""

from __future__ import annotations

from typing import Any

from ..errors import ParseError

# (key, value): value None = any value. Same entries and order as Parse Server's default
# `requestKeywordDenylist`; the message names the entry as JSON.
DENYLIST: tuple[tuple[str, Any], ...] = (("_bsontype", "Code"), ("constructor", None), ("__proto__", None))


def _entry_json(key: str, value: Any) -> str:
    return f'{{"key":"{key}","value":"{value}"}}' if value is not None else f'{{"key":"{key}"}}'


_KEYWORDS = tuple(key for key, _ in DENYLIST)


def _collect(data: Any, found: set[int]) -> None:
    """Indexes of the DENYLIST entries present in `data` (one walk for all entries)."""
    if data.__class__ is list:
        for v in data:
            if v.__class__ in (dict, list):
                _collect(v, found)
        return
    if data.__class__ is not dict:
        return
    for k, v in data.items():
        # A dotted key path ("obj.constructor.x") reaches the keyword as one of its segments.
        if isinstance(k, str) and any(word in k for word in _KEYWORDS):
            parts = k.split(".")
            for i, (key, value) in enumerate(DENYLIST):
                if key in parts and (value is None or v == value):
                    found.add(i)
        if v.__class__ in (dict, list):
            _collect(v, found)


def check_prohibited_keywords(data: Any) -> None:
    """105 when request data holds a denied key (at any depth or inside a dotted key path)."""
    found: set[int] = set()
    _collect(data, found)
    if found:
        key, value = DENYLIST[min(found)]
        raise ParseError(ParseError.INVALID_KEY_NAME,
                         f"Prohibited keyword in request data: {_entry_json(key, value)}.")
