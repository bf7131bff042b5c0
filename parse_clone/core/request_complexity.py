"""requestComplexity, as Parse Server 9's: limits on how much work one request may ask for.

    includeDepth       longest include path (a.b.c = 3)            102 INVALID_QUERY
    includeCount       include paths, prefixes counted (a.b = a, a.b)  102
    queryDepth         nesting of $or / $and / $nor                 102
    subqueryDepth      nesting of $inQuery / $notInQuery / $select / $dontSelect   102
    subqueryLimit      results a subquery may return (a cap, not an error)
    allowRegex         false: $regex refused                        102
    batchRequestLimit  sub-requests in one /batch                   107 INVALID_JSON
    graphQLDepth, graphQLFields   checked in graphql/limits.py (HTTP 400)

Each number is off at -1 (the default). The master and maintenance keys are never limited.
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, Iterator

from ..errors import ParseError

if TYPE_CHECKING:
    from .runtime.auth import Auth
    from .runtime.server import Server

_LOGICAL = ("$or", "$and", "$nor")
_SUBQUERY_DEPTH: ContextVar[int] = ContextVar("parse_clone_subquery_depth", default=0)


@dataclass(frozen=True)
class RequestComplexity:
    """The requestComplexity option with its defaults filled in (Parse Server's names)."""

    allowRegex: bool = True
    batchRequestLimit: int = -1
    graphQLDepth: int = -1
    graphQLFields: int = -1
    includeCount: int = -1
    includeDepth: int = -1
    queryDepth: int = -1
    subqueryDepth: int = -1
    subqueryLimit: int = -1


UNLIMITED = RequestComplexity()


def read_request_complexity(value: Any) -> RequestComplexity:
    """The option as a RequestComplexity; ValueError with Parse Server's message for a bad value."""
    if value is None:
        return UNLIMITED
    if not isinstance(value, dict):
        raise ValueError("requestComplexity must be an object.")
    known = {f.name: f for f in fields(RequestComplexity)}
    for key in value:
        if key not in known:
            raise ValueError(f"requestComplexity contains unknown property '{key}'.")
    out: dict[str, Any] = {}
    for key, item in value.items():
        if item is None:
            continue
        if key == "allowRegex":
            if not isinstance(item, bool):
                raise ValueError(f"requestComplexity.{key} must be a boolean.")
        elif (isinstance(item, bool) or not isinstance(item, (int, float))
              or (isinstance(item, float) and not item.is_integer()) or (item < 1 and item != -1)):
            raise ValueError(f"requestComplexity.{key} must be a positive integer or -1 to disable.")
        out[key] = item if isinstance(item, bool) else int(item)
    return RequestComplexity(**out)


def complexity_of(server: "Server") -> RequestComplexity:
    """The server's limits (read from its config once)."""
    limits = server.extras.get("request_complexity")
    if limits is None:
        limits = server.extras["request_complexity"] = read_request_complexity(
            getattr(server.config, "requestComplexity", None))
    return limits


def _limited(server: "Server", auth: "Auth") -> RequestComplexity | None:
    if auth.is_master or auth.is_maintenance:
        return None
    limits = complexity_of(server)
    return None if limits is UNLIMITED or limits == UNLIMITED else limits


def _invalid(message: str) -> ParseError:
    return ParseError(ParseError.INVALID_QUERY, message)


def check_where(server: "Server", auth: "Auth", where: Any) -> None:
    """queryDepth, subqueryDepth and allowRegex for one query's where."""
    limits = _limited(server, auth)
    if limits is None:
        return
    if limits.queryDepth != -1:
        _check_depth(where, 0, limits.queryDepth)
    if limits.subqueryDepth != -1 and _SUBQUERY_DEPTH.get() > limits.subqueryDepth:
        raise _invalid(f"Subquery nesting depth exceeds maximum allowed depth of {limits.subqueryDepth}")
    if not limits.allowRegex:
        _refuse_regex(where)


def check_live_query_where(server: "Server", has_master_key: bool, where: Any) -> None:
    """queryDepth and allowRegex for a LiveQuery subscription (which has no subqueries)."""
    limits = None if has_master_key else complexity_of(server)
    if limits is None or limits == UNLIMITED:
        return
    if limits.queryDepth != -1:
        _check_depth(where, 0, limits.queryDepth)
    if not limits.allowRegex:
        _refuse_regex(where)


def _check_depth(node: Any, depth: int, limit: int) -> None:
    # Every value is visited so that an $or under $elemMatch or a field still counts; only the
    # logical operators add a level.
    if depth > limit:
        raise _invalid(f"Query condition nesting depth exceeds maximum allowed depth of {limit}")
    if isinstance(node, list):
        for item in node:
            _check_depth(item, depth, limit)
    elif isinstance(node, dict):
        for key, value in node.items():
            _check_depth(value, depth + 1 if key in _LOGICAL else depth, limit)


def _refuse_regex(where: Any) -> None:
    if not isinstance(where, dict):
        return
    for key, value in where.items():
        if key in _LOGICAL and isinstance(value, list):
            for sub in value:
                _refuse_regex(sub)
        elif isinstance(value, dict) and "$regex" in value:
            raise _invalid("$regex operator is not allowed")


@contextlib.contextmanager
def subquery_scope() -> Iterator[None]:
    """Run a subquery one level deeper (what subqueryDepth counts)."""
    token = _SUBQUERY_DEPTH.set(_SUBQUERY_DEPTH.get() + 1)
    try:
        yield
    finally:
        _SUBQUERY_DEPTH.reset(token)


def subquery_limit(server: "Server", auth: "Auth", asked: int | None) -> int | None:
    """The limit a subquery runs with: `asked`, capped by subqueryLimit."""
    limits = _limited(server, auth)
    if limits is None or limits.subqueryLimit <= 0:
        return asked
    return limits.subqueryLimit if asked is None else min(asked, limits.subqueryLimit)


def check_include(server: "Server", auth: "Auth", paths: list[str]) -> None:
    """includeDepth and includeCount; a.b.c counts as the paths a, a.b and a.b.c."""
    limits = _limited(server, auth)
    if limits is None or not paths or (limits.includeDepth == -1 and limits.includeCount == -1):
        return
    expanded: dict[str, int] = {}
    for path in paths:
        parts = path.split(".")
        for n in range(1, len(parts) + 1):
            expanded.setdefault(".".join(parts[:n]), n)
    depth = max(expanded.values())
    if limits.includeDepth != -1 and depth > limits.includeDepth:
        raise _invalid(f"Include depth of {depth} exceeds maximum allowed depth of {limits.includeDepth}")
    if limits.includeCount != -1 and len(expanded) > limits.includeCount:
        raise _invalid(f"Number of include fields ({len(expanded)}) exceeds maximum allowed ({limits.includeCount})")


def check_batch_size(server: "Server", auth: "Auth", count: int) -> None:
    """batchRequestLimit: 107 for a batch of more sub-requests."""
    limits = _limited(server, auth)
    if limits is not None and limits.batchRequestLimit != -1 and count > limits.batchRequestLimit:
        raise ParseError(ParseError.INVALID_JSON, f"Batch request contains {count} sub-requests, which "
                                                  f"exceeds the limit of {limits.batchRequestLimit}.")
