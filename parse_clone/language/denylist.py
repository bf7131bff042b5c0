"""Parse Server's request keyword denylist: keys that could pollute prototypes or smuggle BSON code.

The default list is checked by a fast walk with exact key segments. A `requestKeywordDenylist` option
replaces it, as in Parse Server: each entry's `key` and `value` are regular expressions tested against
every key and string value (or compared for equality), and the first entry found is named in the error.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from ..errors import ParseError
from ..option_spec import ConfigError

# (key, value): value None = any value. Same entries and order as Parse Server's default
# `requestKeywordDenylist`; the message names the entry as JSON.
DENYLIST: tuple[tuple[str, Any], ...] = (("_bsontype", "Code"), ("constructor", None), ("__proto__", None))


def _entry_json(key: str, value: Any) -> str:
    return f'{{"key":"{key}","value":"{value}"}}' if value is not None else f'{{"key":"{key}"}}'


_KEYWORDS = re.compile("|".join(re.escape(key) for key, _ in DENYLIST))  # one search per key, not one per word


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
        if isinstance(k, str) and _KEYWORDS.search(k):
            parts = k.split(".")
            for i, (key, value) in enumerate(DENYLIST):
                if key in parts and (value is None or v == value):
                    found.add(i)
        if v.__class__ in (dict, list):
            _collect(v, found)


@dataclass(frozen=True)
class Keyword:
    """One configured denylist entry: `key` and/or `value` patterns, and the entry as the error shows it."""

    key: re.Pattern[str] | None
    value: re.Pattern[str] | None
    raw_value: Any
    shown: str

    def _value_matches(self, v: Any) -> bool:
        if isinstance(v, str) and self.value is not None and self.value.search(v):
            return True
        return type(v) is type(self.raw_value) and v == self.raw_value

    def matches(self, k: str, v: Any) -> bool:
        """Does the pair (key, value) hit this entry?"""
        if self.key is not None and not self.key.search(k):
            first, _, rest = k.partition(".")  # a dotted key path: its first key and the path after it
            if not rest or not (self.key.search(first) or self.key.search(rest)):
                return False
        return self.raw_value is None or self._value_matches(v)


Denylist = tuple[Keyword, ...]
_COMPILED: dict[int, tuple[Any, Denylist]] = {}
_OPTION = "option requestKeywordDenylist (PARSE_SERVER_REQUEST_KEYWORD_DENYLIST)"


def _pattern(entry: dict[str, Any], name: str) -> re.Pattern[str] | None:
    if name not in entry or (name == "value" and not isinstance(entry[name], str)):
        return None  # a value that is not a string is compared for equality only
    if not isinstance(entry[name], str):
        raise ConfigError(f"{_OPTION}: key {entry[name]!r} must be a string")
    try:
        return re.compile(entry[name])
    except re.error as e:
        raise ConfigError(f"{_OPTION}: {name} {entry[name]!r} is not a valid regular expression ({e})") from None


def compile_denylist(option: Any) -> Denylist | None:
    """The configured denylist, compiled (None = Parse Server's default); ConfigError for a bad shape."""
    if option is None:
        return None
    hit = _COMPILED.get(id(option))
    if hit is not None and hit[0] is option:
        return hit[1]
    if not isinstance(option, list):
        raise ConfigError(f"{_OPTION}: must be an array of {{key, value}} objects")
    compiled = []
    for entry in option:
        if not isinstance(entry, dict) or not ({"key", "value"} & set(entry)) or set(entry) - {"key", "value"}:
            raise ConfigError(f"{_OPTION}: each entry is an object with a key, a value or both; got {entry!r}")
        if entry.get("value", 0) is None:
            raise ConfigError(f"{_OPTION}: an entry's value may not be null; got {entry!r}")
        compiled.append(Keyword(_pattern(entry, "key"), _pattern(entry, "value"), entry.get("value"),
                                json.dumps(entry, separators=(",", ":"))))
    result = tuple(compiled)
    _COMPILED[id(option)] = (option, result)
    return result


def _first_configured(data: Any, denylist: Denylist) -> int | None:
    """Index of the first configured entry found anywhere in `data`."""
    best: int | None = None
    stack = [data]
    while stack:
        item = stack.pop()
        if item.__class__ is list:
            stack.extend(v for v in item if v.__class__ in (dict, list))
            continue
        if item.__class__ is not dict:
            continue
        for k, v in item.items():
            for i, keyword in enumerate(denylist[:best]):
                if keyword.matches(str(k), v):
                    best = i
                    break
            if v.__class__ in (dict, list):
                stack.append(v)
    return best


def check_prohibited_keywords(data: Any, denylist: Denylist | None = None) -> None:
    """105 when request data holds a denied key (at any depth or inside a dotted key path);
    `denylist` is the compiled requestKeywordDenylist option, None for Parse Server's default."""
    if denylist is not None:
        index = _first_configured(data, denylist)
        if index is not None:
            raise ParseError(ParseError.INVALID_KEY_NAME,
                             f"Prohibited keyword in request data: {denylist[index].shown}.")
        return
    found: set[int] = set()
    _collect(data, found)
    if found:
        key, value = DENYLIST[min(found)]
        raise ParseError(ParseError.INVALID_KEY_NAME,
                         f"Prohibited keyword in request data: {_entry_json(key, value)}.")
