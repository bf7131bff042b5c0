"""A find's options: parsed and checked from a REST body (102 for a bad parameter)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

from ...errors import ParseError

# find(server, auth, class_name, opts, is_get=...), handed by find.py to the include and
# subquery steps it calls, so that they need not import it back
Finder = Callable[..., Awaitable[dict[str, Any]]]

FIND_PARAMS = ("skip", "limit", "order", "count", "keys", "excludeKeys", "include", "includeAll",
               "redirectClassNameForKey", "where", "readPreference", "includeReadPreference",
               "subqueryReadPreference", "hint", "explain", "comment")
_FIND_PARAM_SET = frozenset(FIND_PARAMS)
GET_PARAMS = ("keys", "include", "excludeKeys", "readPreference", "includeReadPreference", "subqueryReadPreference")
READ_PREFERENCES = ("PRIMARY", "PRIMARY_PREFERRED", "SECONDARY", "SECONDARY_PREFERRED", "NEAREST")


@dataclass
class QueryOptions:
    """A find's options, already parsed from the request."""

    where: dict[str, Any] = field(default_factory=dict)
    limit: int | None = 100
    skip: int = 0
    order: list[str] = field(default_factory=list)
    count: bool = False
    keys: list[str] | None = None
    exclude_keys: list[str] = field(default_factory=list)
    include: list[str] = field(default_factory=list)
    include_all: bool = False
    redirect_key: str | None = None
    explain: Any = None
    hint: Any = None
    comment: str | None = None


def _split(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value if str(v)]
    return [k.strip() for k in str(value).split(",") if k.strip()]


def _as_int(name: str, value: Any) -> int:
    if isinstance(value, bool):
        raise ParseError(ParseError.INVALID_QUERY, f"Invalid {name}: {value}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ParseError(ParseError.INVALID_QUERY, f"Invalid {name}: {value}") from None
    if math.isnan(number) or math.isinf(number):
        raise ParseError(ParseError.INVALID_QUERY, f"Invalid {name}: {value}")
    return int(number)


def _check_read_preferences(body: dict[str, Any]) -> None:
    for key in ("readPreference", "includeReadPreference", "subqueryReadPreference"):
        value = body.get(key)
        if value is not None and (not isinstance(value, str) or value.upper() not in READ_PREFERENCES):
            raise ParseError(ParseError.INVALID_QUERY, f"{key} should be a valid read preference.")


def options_from_body(body: dict[str, Any], default_limit: int, max_limit: int | None) -> QueryOptions:
    """Parse a find's parameters (query string or body); 102 for an unknown parameter."""
    if not _FIND_PARAM_SET.issuperset(body):
        for key in body:
            if key not in _FIND_PARAM_SET:
                raise ParseError(ParseError.INVALID_QUERY, f"Invalid parameter for query: {key}")
    _check_read_preferences(body)
    where = body.get("where")
    if isinstance(where, str):  # a where that was not valid JSON in the query string or a form body
        raise ParseError(ParseError.INVALID_JSON, "Invalid where: must be a JSON object")
    where = where or {}
    if not isinstance(where, dict):
        raise ParseError(ParseError.INVALID_JSON, "Invalid where: must be a JSON object")
    opts = QueryOptions(where=where)
    limit = body.get("limit")
    opts.limit = _as_int("limit", limit) if limit not in (None, "") else default_limit
    if opts.limit is not None and opts.limit < 0:
        opts.limit = default_limit
    if max_limit and (opts.limit is None or opts.limit > max_limit):
        opts.limit = max_limit
    if body.get("skip"):
        opts.skip = max(_as_int("skip", body["skip"]), 0)
    count = body.get("count")
    opts.count = bool(count) and count not in ("0", "false")
    # (the list options a plain find or count leaves out keep their empty defaults)
    if (order := body.get("order")) is not None:
        opts.order = _split(order)
    if body.get("keys") is not None:
        opts.keys = _split(body["keys"])
    if (exclude := body.get("excludeKeys")) is not None:
        opts.exclude_keys = _split(exclude)
    if (include := body.get("include")) is not None:
        opts.include = _split(include)
    opts.include_all = bool(body.get("includeAll")) or "*" in opts.include
    if body.get("redirectClassNameForKey"):
        opts.redirect_key = str(body["redirectClassNameForKey"])
    opts.explain = body.get("explain") or None
    opts.hint = body.get("hint")
    opts.comment = body.get("comment") if isinstance(body.get("comment"), str) else None
    return opts


def get_options_from_body(body: dict[str, Any]) -> QueryOptions:
    """Parse a get's parameters; only keys/include/excludeKeys/read preferences are allowed (102)."""
    if not body:
        return QueryOptions(limit=1)
    for key in body:
        if key not in GET_PARAMS:
            raise ParseError(ParseError.INVALID_QUERY, "Improper encode of parameter")
    _check_read_preferences(body)
    opts = QueryOptions(limit=1)
    if body.get("keys") is not None:
        opts.keys = _split(body["keys"])
    opts.exclude_keys = _split(body.get("excludeKeys"))
    opts.include = _split(body.get("include"))
    opts.include_all = "*" in opts.include
    return opts
