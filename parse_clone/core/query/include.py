"""`include`: replacing pointers in results with the objects they point to (one query per class and level)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .options import Finder, QueryOptions

if TYPE_CHECKING:
    from ..runtime.auth import Auth
    from ..runtime.server import Server

_GONE = object()


def _paths(include: list[str]) -> list[list[str]]:
    """Every path with its parents, deduplicated, shortest first."""
    seen: dict[str, None] = {}
    for path in include:
        parts = path.split(".")
        for i in range(1, len(parts) + 1):
            seen[".".join(parts[:i])] = None
    return sorted((p.split(".") for p in seen), key=len)


def _collect(value: Any, parts: list[str], out: list[dict[str, Any]]) -> None:
    """Pointers found at `parts` below `value`."""
    if isinstance(value, list):
        for v in value:
            _collect(v, parts, out)
        return
    if not isinstance(value, dict):
        return
    if not parts:
        if value.get("__type") == "Pointer":
            out.append(value)
        return
    _collect(value.get(parts[0]), parts[1:], out)


def _replace(value: Any, parts: list[str], found: dict[tuple[str, str], dict[str, Any]]) -> Any:
    if isinstance(value, list):
        replaced = [_replace(v, parts, found) for v in value]
        return [v for v in replaced if v is not _GONE]
    if not isinstance(value, dict):
        return value
    if not parts:
        if value.get("__type") == "Pointer":
            return found.get((value.get("className"), str(value.get("objectId"))), _GONE)
        return value
    key = parts[0]
    if key in value:
        new = _replace(value[key], parts[1:], found)
        if new is _GONE:
            del value[key]
        else:
            value[key] = new
    return value


def _sub_keys(keys: list[str] | None, prefix: str) -> list[str] | None:
    if keys is None:
        return None
    subs = [k[len(prefix) + 1:] for k in keys if k.startswith(prefix + ".")]
    return subs or None


async def apply_include(server: "Server", auth: "Auth", results: list[dict[str, Any]], include: list[str],
                        keys: list[str] | None, exclude_keys: list[str], find: "Finder") -> None:
    """Replace included pointers in place; unreadable or missing targets disappear."""
    for parts in _paths(include):
        pointers: list[dict[str, Any]] = []
        for r in results:
            _collect(r, parts, pointers)
        if not pointers:
            continue
        by_class: dict[str, set[str]] = {}
        for p in pointers:
            if isinstance(p.get("className"), str) and isinstance(p.get("objectId"), (str, int)):
                by_class.setdefault(p["className"], set()).add(str(p["objectId"]))
        prefix = ".".join(parts)
        found: dict[tuple[str, str], dict[str, Any]] = {}
        for class_name, ids in by_class.items():
            id_list = sorted(ids)
            opts = QueryOptions(where={"objectId": id_list[0] if len(id_list) == 1 else {"$in": id_list}},
                                limit=None,
                                keys=_sub_keys(keys, prefix),
                                exclude_keys=_sub_keys(exclude_keys, prefix) or [])
            response = await find(server, auth, class_name, opts, is_get=len(id_list) == 1)
            for obj in response["results"]:
                obj["__type"] = "Object"
                obj["className"] = class_name
                found[(class_name, obj["objectId"])] = obj
        for r in results:
            _replace(r, parts, found)
