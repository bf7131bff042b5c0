"""Aggregation pipelines on SQLite, evaluated in Python over stored-form documents.

Stages: $match $group $project $sort $skip $limit $count $unwind $sample. Field
references use stored-form names (`$objectId`, `$createdAt`, `$author` holding
Pointer JSON); `$group` keys come back as `_id` (core renames them objectId).
Anything else answers ParseError 102, so a client sees a clear refusal rather
than a wrong answer.
"""

from __future__ import annotations

import copy
import random
from datetime import datetime, timezone
from typing import Any, Callable

from ...language import matcher
from ...errors import ParseError
from ...language.values import parse_iso
from ..base import Document
from .canonical import canonical

_ID_KEYS = ("_id", "objectId")


def run_pipeline(docs: list[Document], pipeline: list[dict[str, Any]]) -> list[Document]:
    """Apply each stage in turn."""
    for stage in pipeline:
        if not isinstance(stage, dict) or len(stage) != 1:
            raise ParseError(ParseError.INVALID_QUERY, "Each aggregate stage must be an object with one key")
        name, arg = next(iter(stage.items()))
        run = _STAGES.get(name)
        if run is None:
            raise ParseError(ParseError.INVALID_QUERY, f"Unsupported aggregate stage on SQLite: {name}")
        docs = run(docs, arg)
    return docs


# ----- stages -----

def _match(docs: list[Document], where: Any) -> list[Document]:
    if not isinstance(where, dict):
        raise ParseError(ParseError.INVALID_QUERY, "$match must be an object")
    return [d for d in docs if matcher.matches(d, where)]


def _group(docs: list[Document], spec: Any) -> list[Document]:
    if not isinstance(spec, dict) or "_id" not in spec:
        raise ParseError(ParseError.INVALID_QUERY, "$group needs an _id")
    groups: dict[Any, tuple[Any, list[Document]]] = {}
    for doc in docs:
        key = _value(spec["_id"], doc)
        key = None if key is matcher.MISSING else key
        groups.setdefault(canonical(key), (key, []))[1].append(doc)
    out = []
    for key, members in groups.values():
        row: Document = {"_id": key}
        for name, acc in spec.items():
            if name != "_id":
                row[name] = _accumulate(name, acc, members)
        out.append(row)
    return out


def _project(docs: list[Document], spec: Any) -> list[Document]:
    if not isinstance(spec, dict) or not spec:
        raise ParseError(ParseError.INVALID_QUERY, "$project must be a non-empty object")
    hide_id = any(spec.get(k) in (0, False) for k in _ID_KEYS if k in spec)
    rest = {k: v for k, v in spec.items() if k not in _ID_KEYS or v not in (0, False)}
    if all(v in (0, False) for v in rest.values()):
        return [_exclude(d, list(rest), hide_id) for d in docs]
    out = []
    for doc in docs:
        row: Document = {} if hide_id else {k: doc[k] for k in _ID_KEYS if k in doc}
        for key, how in rest.items():
            if how is True or (isinstance(how, (int, float)) and not isinstance(how, bool) and how):
                value = matcher.get_path(doc, key)
                if value is not matcher.MISSING:
                    _set_path(row, key, copy.deepcopy(value))
            elif how in (0, False):
                raise ParseError(ParseError.INVALID_QUERY, f"$project cannot mix inclusion and exclusion ({key})")
            else:
                value = _value(how, doc)
                if value is not matcher.MISSING:
                    _set_path(row, key, value)
        out.append(row)
    return out


def _exclude(doc: Document, keys: list[str], hide_id: bool) -> Document:
    row = copy.deepcopy(doc)
    for key in keys + (list(_ID_KEYS) if hide_id else []):
        *path, leaf = key.split(".")
        node: Any = row
        for seg in path:
            node = node.get(seg) if isinstance(node, dict) else None
        if isinstance(node, dict):
            node.pop(leaf, None)
    return row


def _sort(docs: list[Document], spec: Any) -> list[Document]:
    if not isinstance(spec, dict) or not spec:
        raise ParseError(ParseError.INVALID_QUERY, "$sort must be a non-empty object")
    return matcher.sort_documents(docs, [(k, -1 if v == -1 else 1) for k, v in spec.items()])


def _skip(docs: list[Document], n: Any) -> list[Document]:
    return docs[_count_arg("$skip", n):]


def _limit(docs: list[Document], n: Any) -> list[Document]:
    return docs[:_count_arg("$limit", n)]


def _count(docs: list[Document], name: Any) -> list[Document]:
    if not isinstance(name, str) or not name or name.startswith("$"):
        raise ParseError(ParseError.INVALID_QUERY, "$count must be a field name")
    return [{name: len(docs)}] if docs else []  # MongoDB emits nothing for no input


def _unwind(docs: list[Document], spec: Any) -> list[Document]:
    if isinstance(spec, str):
        spec = {"path": spec}
    path = spec.get("path") if isinstance(spec, dict) else None
    if not isinstance(path, str) or not path.startswith("$"):
        raise ParseError(ParseError.INVALID_QUERY, "$unwind needs a path starting with $")
    key, index_field = path[1:], spec.get("includeArrayIndex")
    keep_empty = bool(spec.get("preserveNullAndEmptyArrays"))
    out = []
    for doc in docs:
        value = matcher.get_path(doc, key)
        items = value if isinstance(value, list) else None if value in (None, matcher.MISSING) else [value]
        if not items:
            if keep_empty:
                row = copy.deepcopy(doc)
                if isinstance(index_field, str):
                    row[index_field] = None
                out.append(row)
            continue
        for i, item in enumerate(items):
            row = copy.deepcopy(doc)
            _set_path(row, key, copy.deepcopy(item))
            if isinstance(index_field, str):
                row[index_field] = i if isinstance(value, list) else None
            out.append(row)
    return out


def _sample(docs: list[Document], spec: Any) -> list[Document]:
    size = spec.get("size") if isinstance(spec, dict) else None
    return random.sample(docs, min(_count_arg("$sample.size", size), len(docs)))


_STAGES: dict[str, Callable[[list[Document], Any], list[Document]]] = {
    "$match": _match, "$group": _group, "$project": _project, "$sort": _sort, "$skip": _skip,
    "$limit": _limit, "$count": _count, "$unwind": _unwind, "$sample": _sample,
}


def _count_arg(name: str, n: Any) -> int:
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise ParseError(ParseError.INVALID_QUERY, f"{name} must be a non-negative integer")
    return n


def _set_path(doc: Document, key: str, value: Any) -> None:
    *path, leaf = key.split(".")
    node = doc
    for seg in path:
        child = node.get(seg)
        if not isinstance(child, dict):
            child = node[seg] = {}
        node = child
    node[leaf] = value


# ----- accumulators -----

def _accumulate(name: str, acc: Any, docs: list[Document]) -> Any:
    if not isinstance(acc, dict) or len(acc) != 1:
        raise ParseError(ParseError.INVALID_QUERY, f"$group field {name} must be one accumulator")
    op, expr = next(iter(acc.items()))
    if op == "$count":
        return len(docs)
    values = [_value(expr, d) for d in docs]
    present = [v for v in values if v is not matcher.MISSING]
    if op == "$sum":
        return sum((v for v in present if _is_number(v)), 0)
    if op == "$avg":
        nums = [v for v in present if _is_number(v)]
        return sum(nums) / len(nums) if nums else None
    if op in ("$min", "$max"):
        vals = [v for v in present if v is not None]
        if not vals:
            return None
        pick = min if op == "$min" else max
        return pick(vals, key=matcher.sort_key)
    if op in ("$first", "$last"):
        v = values[0 if op == "$first" else -1] if values else None
        return None if v is matcher.MISSING else v
    if op == "$push":
        return present
    if op == "$addToSet":
        seen: dict[Any, Any] = {}
        for v in present:
            seen.setdefault(canonical(v), v)
        return list(seen.values())
    raise ParseError(ParseError.INVALID_QUERY, f"Unsupported aggregate accumulator on SQLite: {op}")


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


# ----- expressions -----

def _value(expr: Any, doc: Document) -> Any:
    """An aggregation expression's value for one document (matcher.MISSING when absent)."""
    if isinstance(expr, str) and expr.startswith("$"):
        if expr in ("$$ROOT", "$$CURRENT"):
            return doc
        if expr.startswith("$$"):
            raise ParseError(ParseError.INVALID_QUERY, f"Unsupported aggregate variable on SQLite: {expr}")
        return matcher.get_path(doc, expr[1:])
    if isinstance(expr, list):
        return [_plain(_value(e, doc)) for e in expr]
    if isinstance(expr, dict):
        if len(expr) == 1 and next(iter(expr)).startswith("$"):
            op, arg = next(iter(expr.items()))
            return _operator(op, arg, doc)
        return {k: _plain(_value(v, doc)) for k, v in expr.items()}
    return expr


def _plain(v: Any) -> Any:
    return None if v is matcher.MISSING else v


def _operator(op: str, arg: Any, doc: Document) -> Any:
    if op == "$literal":
        return arg
    if op in _DATE_PARTS:
        date = arg.get("date") if isinstance(arg, dict) and "date" in arg else arg
        dt = _as_datetime(_value(date, doc))
        return None if dt is None else _DATE_PARTS[op](dt)
    args = [_plain(_value(a, doc)) for a in (arg if isinstance(arg, list) else [arg])]
    if op == "$ifNull":
        return next((a for a in args if a is not None), None)
    if op in ("$toLower", "$toUpper"):
        s = args[0]
        return "" if s is None else (str(s).lower() if op == "$toLower" else str(s).upper())
    if op == "$concat":
        return None if any(a is None for a in args) else "".join(str(a) for a in args)
    if op == "$size":
        if not isinstance(args[0], list):
            raise ParseError(ParseError.INVALID_QUERY, "$size needs an array")
        return len(args[0])
    if op in _ARITHMETIC:
        if any(a is None for a in args):
            return None
        if not all(_is_number(a) for a in args):
            raise ParseError(ParseError.INVALID_QUERY, f"{op} only supports numbers on SQLite")
        return _ARITHMETIC[op](args)
    raise ParseError(ParseError.INVALID_QUERY, f"Unsupported aggregate expression on SQLite: {op}")


def _as_datetime(v: Any) -> datetime | None:
    if isinstance(v, dict) and v.get("__type") == "Date":
        v = v.get("iso")
    dt = parse_iso(v) if isinstance(v, str) else None
    return dt.astimezone(timezone.utc) if dt else None


def _product(args: list[Any]) -> Any:
    out = 1
    for a in args:
        out *= a
    return out


_ARITHMETIC: dict[str, Callable[[list[Any]], Any]] = {
    "$add": sum,
    "$subtract": lambda a: a[0] - a[1],
    "$multiply": _product,
    "$divide": lambda a: a[0] / a[1],
    "$mod": lambda a: a[0] % a[1],
}

_DATE_PARTS: dict[str, Callable[[datetime], int]] = {
    "$year": lambda d: d.year,
    "$month": lambda d: d.month,
    "$dayOfMonth": lambda d: d.day,
    "$hour": lambda d: d.hour,
    "$minute": lambda d: d.minute,
    "$second": lambda d: d.second,
    "$millisecond": lambda d: d.microsecond // 1000,
    "$dayOfYear": lambda d: d.timetuple().tm_yday,
    "$dayOfWeek": lambda d: d.isoweekday() % 7 + 1,  # 1 = Sunday, as in MongoDB
    "$week": lambda d: int(d.strftime("%U")),
    "$isoDayOfWeek": lambda d: d.isoweekday(),
    "$isoWeek": lambda d: d.isocalendar()[1],
    "$isoWeekYear": lambda d: d.isocalendar()[0],
}
