"""Resolving the constraints that need other queries first: $inQuery, $select, $relatedTo and relation fields.

Each is replaced by an `$in` / `$nin` list so storage never sees a sub-query. Sub-queries run
with the caller's auth, so ACLs and CLPs apply to them too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...errors import ParseError
from ..request_complexity import subquery_limit, subquery_scope
from .options import Finder, QueryOptions

if TYPE_CHECKING:
    from ..runtime.auth import Auth
    from ..runtime.server import Server


async def _run_subquery(server: "Server", auth: "Auth", find: "Finder", class_name: Any, where: Any,
                        extra: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    if not isinstance(class_name, str):
        raise ParseError(ParseError.INVALID_QUERY, "Invalid className in subquery")
    opts = QueryOptions(where=where if isinstance(where, dict) else {}, limit=None)
    if extra:
        if isinstance(extra.get("redirectClassNameForKey"), str):
            opts.redirect_key = extra["redirectClassNameForKey"]
        opts.limit = extra.get("limit") if isinstance(extra.get("limit"), int) else None
        opts.skip = extra.get("skip") if isinstance(extra.get("skip"), int) else 0
        if isinstance(extra.get("order"), str):
            opts.order = [o for o in extra["order"].split(",") if o]
    opts.limit = subquery_limit(server, auth, opts.limit)  # requestComplexity.subqueryLimit
    with subquery_scope():  # requestComplexity.subqueryDepth
        response = await find(server, auth, class_name, opts)
    return response["results"]


def _pointer(class_name: str, object_id: str) -> dict[str, str]:
    return {"__type": "Pointer", "className": class_name, "objectId": object_id}


async def resolve_subqueries(server: "Server", auth: "Auth", class_name: str, fields: dict[str, Any],
                             where: dict[str, Any], find: "Finder") -> dict[str, Any] | None:
    """A where without sub-query constraints; None when it provably matches nothing."""
    out: dict[str, Any] = {}
    extra: list[dict[str, Any]] = []
    for key, value in where.items():
        if key in ("$or", "$and", "$nor"):
            subs = []
            for w in value:
                r = await resolve_subqueries(server, auth, class_name, fields, w, find)
                subs.append(r if r is not None else {"objectId": {"$in": []}})
            out[key] = subs
        elif key == "$relatedTo":
            extra.append(await _related_to(server, value))
        elif (fields.get(key) or {}).get("type") == "Relation":
            extra.append(await _relation_constraint(server, auth, find, class_name, key, fields[key], value))
        elif isinstance(value, dict) and any(op in value for op in ("$inQuery", "$notInQuery", "$select",
                                                                      "$dontSelect")):
            out[key] = await _resolve_constraint(server, auth, find, key, _split_typed(value))
        else:
            out[key] = value
    if extra:
        return {"$and": [out, *extra]} if out else (extra[0] if len(extra) == 1 else {"$and": extra})
    return out


def _split_typed(value: dict[str, Any]) -> dict[str, Any]:
    """A typed value with operators mixed in (the JS SDK adds them to a pointer) -> {"$eq": value, ops...}."""
    if "__type" not in value:
        return value
    typed = {k: v for k, v in value.items() if not k.startswith("$")}
    ops = {k: v for k, v in value.items() if k.startswith("$")}
    return {"$eq": typed, **ops}


async def _resolve_constraint(server: "Server", auth: "Auth", find: "Finder", key: str, c: dict[str, Any]) -> dict[str, Any]:
    c = dict(c)
    for op, target in (("$inQuery", "$in"), ("$notInQuery", "$nin")):
        if op in c:
            q = c.pop(op)
            if not isinstance(q, dict) or "className" not in q:
                raise ParseError(ParseError.INVALID_QUERY, f"improper usage of {op}")
            results = await _run_subquery(server, auth, find, q.get("className"), q.get("where", {}), q)
            pointers = [_pointer(r.get("className") or q["className"], r["objectId"]) for r in results]
            _merge_list(c, target, pointers)
    for op, target in (("$select", "$in"), ("$dontSelect", "$nin")):
        if op in c:
            sel = c.pop(op)
            if (not isinstance(sel, dict) or set(sel) != {"query", "key"} or not isinstance(sel["query"], dict)
                    or not isinstance(sel["key"], str) or "className" not in sel["query"]):
                raise ParseError(ParseError.INVALID_QUERY, f"improper usage of {op}")
            q = sel["query"]
            results = await _run_subquery(server, auth, find, q.get("className"), q.get("where", {}), q)
            values: list[Any] = []
            for r in results:
                v = _path(r, sel["key"])
                if isinstance(v, list):
                    values.extend(v)
                elif v is not _MISSING:
                    values.append(v)
            _merge_list(c, target, values)
    return c


_MISSING = object()


def _path(obj: dict[str, Any], dotted: str) -> Any:
    cur: Any = obj
    for part in dotted.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return _MISSING
        cur = cur[part]
    return cur


def _merge_list(c: dict[str, Any], op: str, values: list[Any]) -> None:
    if op in c and isinstance(c[op], list):
        if op == "$in":
            keys = {_identity(v) for v in values}
            c[op] = [v for v in c[op] if _identity(v) in keys]
        else:
            c[op] = c[op] + values
    else:
        c[op] = values


def _identity(v: Any) -> Any:
    if isinstance(v, dict) and v.get("__type") == "Pointer":
        return ("P", v.get("className"), v.get("objectId"))
    if isinstance(v, (dict, list)):
        return repr(v)
    return v


async def _related_to(server: "Server", value: Any) -> dict[str, Any]:
    obj = value.get("object") if isinstance(value, dict) else None
    key = value.get("key") if isinstance(value, dict) else None
    if not isinstance(obj, dict) or not isinstance(key, str) or not obj.get("className") or not obj.get("objectId"):
        raise ParseError(ParseError.INVALID_JSON, "improper usage of $relatedTo")
    ids = await server.storage.related_ids(obj["className"], key, [obj["objectId"]])
    return {"objectId": {"$in": ids}}


async def _relation_constraint(server: "Server", auth: "Auth", find: "Finder", class_name: str, key: str,
                               field: dict[str, Any], value: Any) -> dict[str, Any]:
    """A constraint on a Relation field, answered from the relation rows."""
    async def owners(pointers: list[Any]) -> list[str]:
        ids = [p["objectId"] for p in pointers if isinstance(p, dict) and isinstance(p.get("objectId"), str)]
        return await server.storage.owning_ids(class_name, key, ids) if ids else []

    if isinstance(value, dict) and value.get("__type") == "Pointer":
        return {"objectId": {"$in": await owners([value])}}
    if value is None:  # a relation is never "null": nothing matches
        return {"objectId": {"$in": []}}
    if value is None:
        return {"objectId": {"$in": []}}  # a relation never "equals" null
    if isinstance(value, dict):
        parts: list[dict[str, Any]] = []
        for op, arg in value.items():
            if op == "$in":
                parts.append({"objectId": {"$in": await owners(arg if isinstance(arg, list) else [])}})
            elif op == "$nin":
                parts.append({"objectId": {"$nin": await owners(arg if isinstance(arg, list) else [])}})
            elif op == "$ne":
                parts.append({"objectId": {"$nin": await owners([arg])}})
            elif op == "$eq":
                parts.append({"objectId": {"$in": await owners([arg])}})
            elif op in ("$inQuery", "$notInQuery"):
                q = arg if isinstance(arg, dict) else {}
                results = await _run_subquery(server, auth, find, q.get("className"), q.get("where", {}))
                ids = await owners([{"objectId": r["objectId"]} for r in results])
                parts.append({"objectId": {"$in" if op == "$inQuery" else "$nin": ids}})
            elif op == "$exists":
                continue
            else:
                raise ParseError(ParseError.INVALID_JSON, f"bad constraint: {op}")
        return {"$and": parts} if len(parts) != 1 else parts[0]
    raise ParseError(ParseError.INVALID_JSON, f"bad atom: {value}")
