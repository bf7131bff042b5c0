"""The storage where language (storage/base.py) as SQLite SQL over the `doc` JSON column.

`translate_where` pushes down what SQL decides exactly and hands back the rest as a
residual where for the in-memory matcher (language/matcher.py). A condition SQL can only
over-approximate (dotted keys, which MongoDB also resolves through arrays) is pushed
down as a superset *and* kept in the residual.

Every comparison is guarded by the JSON type, because SQLite compares loosely where
MongoDB does not: json_extract turns true into 1, and returns objects and arrays as
JSON text that would equal a string. Array fields follow MongoDB's "any element"
rule through json_each, unless the schema says the field never holds an array.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

import orjson

from .names import COLUMNS, extract, field_type, json_path, json_type, quote_ident, value_exprs
from .regex_sql import regex_condition

Where = dict[str, Any]
Sql = tuple[str, list[Any]]  # a SQL fragment and its parameters, in order

# Schema types whose values are never arrays: equality needs no "contains" branch.
_NEVER_ARRAY = {"String", "Number", "Boolean", "Date", "Pointer", "File", "GeoPoint", "Polygon", "Bytes", "Object"}
_TRUSTED = {"String": "string", "Number": "number"}  # schema type -> the only kind of value it holds
# ACL entities ("*", user ids, "role:<name>" with Parse's role-name characters) needing no JSON escaping
_PLAIN_ENTITY = re.compile(r"[A-Za-z0-9_:* -]+")
_CMP = {"$lt": "<", "$lte": "<=", "$gt": ">", "$gte": ">="}
# Operators that only mean something next to another one; they travel with it to the residual.
_COMPANIONS = {"$options": "$regex", "$maxDistance": "$nearSphere"}
_SORTABLE_TYPES = {"String", "Number", "Boolean", "Date"}
_LONG_LIST = 50  # longer IN lists go in as one JSON parameter


@dataclass(frozen=True)
class SqlFilter:
    """A WHERE clause, its parameters, and what the matcher must still check (None: nothing)."""

    sql: str
    params: list[Any]
    residual: Where | None


def translate_where(where: Where, fields: dict[str, Any]) -> SqlFilter:
    """Split `where` into SQL (pushed down) and a residual where (None when SQL is exact)."""
    by_id = by_id_filter(where)
    if by_id is not None:
        return by_id
    sqls, params, residual = _where(where, fields)
    return SqlFilter(" AND ".join(sqls) if sqls else "1", params, residual or None)


def by_id_filter(where: Where) -> SqlFilter | None:
    """The filter of a lookup by objectId, alone or with the ACL read filter (what a get asks for),
    made without the general walk: the same SQL and parameters `_where` gives. None for other wheres."""
    if len(where) != 1:
        return None
    object_id = where.get("objectId")
    if object_id.__class__ is str:
        return SqlFilter(_BY_ID, [object_id], None)
    clauses = where.get("$and")
    if clauses.__class__ is not list or len(clauses) != 2:
        return None
    pinned, perms = clauses
    if pinned.__class__ is not dict or len(pinned) != 1 or perms.__class__ is not dict or len(perms) != 1:
        return None
    object_id = pinned.get("objectId")
    entities = perms.get("_rperm")
    if object_id.__class__ is not str or entities.__class__ is not dict or len(entities) != 1:
        return None
    listed = entities.get("$in")
    if listed.__class__ is not list or not all(e is None or e.__class__ is str for e in listed):
        return None
    sql, params = _by_id_read_perm_filter(tuple(listed))
    return SqlFilter(sql, [object_id, *params], None)


_BY_ID = '"objectId" = ?'  # what _column("objectId", <a string>) gives


@lru_cache(maxsize=256)
def _by_id_read_perm_filter(entities: tuple[str | None, ...]) -> tuple[str, tuple[Any, ...]]:
    """The objectId test and `_perm_filter` of `{"_rperm": {"$in": entities}}`, remembered: a requester's
    ACL group repeats (and one SQL text, whose hash is kept, serves all its gets)."""
    sql, params = _perm_filter("_rperm", {"$in": list(entities)})  # type: ignore[misc]
    return f"{_BY_ID} AND {sql}", tuple(params)


def order_by(sort: list[tuple[str, int]], fields: dict[str, Any]) -> str | None:
    """An ORDER BY clause ("" for no sort), or None when SQL cannot sort like MongoDB.

    Only fields whose schema type holds one kind of value sort in SQL (NULL and
    missing first, as in MongoDB); anything else is sorted by the matcher.
    """
    parts = []
    for key, direction in sort:
        ftype = field_type(fields, key)
        if key not in COLUMNS and ("." in key or ftype not in _SORTABLE_TYPES):
            return None
        exprs = value_exprs(key, ftype)
        if exprs is None:
            return None
        parts.append(f"{exprs[0]} {'DESC' if direction < 0 else 'ASC'}")
    return "ORDER BY " + ", ".join(parts) if parts else ""


def find_operator(where: Where, op: str) -> tuple[str, dict[str, Any]] | None:
    """The first (field, constraint) using `op` at the top level or inside `$and`."""
    for key, value in where.items():
        if key == "$and" and isinstance(value, list):
            for sub in value:
                found = find_operator(sub, op) if isinstance(sub, dict) else None
                if found:
                    return found
        elif isinstance(value, dict) and op in value:
            return key, value
    return None


# ----- where objects -----

def _where(where: Where, fields: dict[str, Any]) -> tuple[list[str], list[Any], Where]:
    sqls: list[str] = []
    params: list[Any] = []
    residual: Where = {}
    for key, value in where.items():
        if key == "$and" and isinstance(value, list) and all(isinstance(w, dict) for w in value):
            rest = []
            for sub in value:
                s, p, r = _where(sub, fields)
                sqls += s
                params += p
                if r:
                    rest.append(r)
            if rest:
                residual["$and"] = rest
        elif key in ("$or", "$nor") and isinstance(value, list) and value and all(isinstance(w, dict) for w in value):
            pushed, exact = _any_of([_where(w, fields) for w in value])
            if key == "$nor":
                pushed = _negate(pushed) if exact and pushed else None
                exact = exact and pushed is not None
            if pushed:
                sqls.append(pushed[0])
                params += pushed[1]
            if not exact:
                residual[key] = value
        elif key.startswith("$"):
            residual[key] = value
        elif key in ("_rperm", "_wperm") and (perm := _perm_filter(key, value)) is not None:
            sqls.append(perm[0])
            params += perm[1]
        else:
            s, p, r = _field_memo(key, value, fields)
            sqls += s
            params += p
            if r is not _NOTHING:
                residual[key] = r
    return sqls, params, residual


def _perm_filter(key: str, value: Any) -> Sql | None:
    """The ACL filter `{_rperm: {"$in": [None, "*", ...]}}` on its own column (None if another shape)."""
    if not isinstance(value, dict) or set(value) != {"$in"} or not isinstance(value["$in"], list):
        return None
    entities = value["$in"]
    if not all(e is None or isinstance(e, str) for e in entities):
        return None
    column = key[1:]  # _rperm -> rperm
    names = [e for e in entities if e is not None]
    parts = [f"{column} IS NULL"] if None in entities else []
    if names and all(_PLAIN_ENTITY.fullmatch(n) for n in names):
        # the column is a JSON array of strings: a quoted plain name appears in its text only as an element
        parts += [f"instr({column}, ?) > 0"] * len(names)
        return "(" + " OR ".join(parts) + ")", [f'"{n}"' for n in names]
    if names:
        parts.append(f"EXISTS (SELECT 1 FROM json_each({column}) WHERE value IN ({', '.join('?' * len(names))}))")
    if not parts:
        return "0", []
    return "(" + " OR ".join(parts) + ")", names


def _any_of(branches: list[tuple[list[str], list[Any], Where]]) -> tuple[Sql | None, bool]:
    """OR of the branches (None if some branch does not restrict) and whether it is exact."""
    exact = all(not r for _, _, r in branches)
    if not all(s for s, _, _ in branches):
        return None, exact
    sql = "(" + " OR ".join("(" + " AND ".join(s) + ")" for s, _, _ in branches) + ")"
    return (sql, [x for _, p, _ in branches for x in p]), exact


def _negate(cond: Sql) -> Sql:
    # Conditions may be NULL when a path is missing; NOT NULL would drop the row.
    return f"NOT IFNULL({cond[0]}, 0)", cond[1]


class _Nothing:
    """Marks a field constraint that SQL decided completely."""


_NOTHING: Any = _Nothing()


# ----- one field -----

class _Target:
    """Where a compared value lives: at a document path, or in a json_each row `j`. `trusted` is the
    value kind the schema guarantees there ("string" for a String field, "number" for a Number one):
    writes are type-checked against the schema, so comparisons need no json_type guard (which parses
    the whole document per row; without it an index on the field answers a count by itself)."""

    def __init__(self, path: str | None, trusted: str | None = None) -> None:
        self.path = path
        self.trusted = trusted

    def value(self, sub: str = "") -> str:
        if self.path is None:
            if not sub:
                return "j.value"
            # json_extract raises on a text element, so only objects are looked into.
            return f"(CASE WHEN j.type = 'object' THEN json_extract(j.value, '${sub}') END)"
        return extract(self.path, sub)

    def type(self) -> str:
        return "j.type" if self.path is None else json_type(self.path)

    def guard(self, kind: str, condition: str) -> str | None:
        """`condition` (a json_type test for `kind`), or None where the schema already guarantees it."""
        return None if self.trusted == kind else condition


_ELEMENT = _Target(None)


@dataclass(frozen=True)
class _FieldCtx:
    path: str
    may_be_array: bool  # MongoDB's "any element" rule applies
    only_array: bool  # the schema says Array: a scalar comparison cannot hit the value itself
    dotted: bool
    trusted: str | None = None  # the kind of value the schema guarantees (see _Target)


def _field_memo(key: str, value: Any, fields: dict[str, Any]) -> tuple[Sequence[str], Sequence[Any], Any]:
    """`_field`, remembered: the same constraints (ACL lists above all) come back on every request."""
    if key in COLUMNS:  # cheap, and objectIds rarely repeat
        return _column(key, value)
    ftype = None if "." in key else field_type(fields, key)
    try:
        blob = orjson.dumps(value)
    except TypeError:
        return _field(key, value, ftype)
    return _field_cached(key, blob, ftype)


@lru_cache(maxsize=4096)
def _field_cached(key: str, blob: bytes, ftype: str | None) -> tuple[Sequence[str], Sequence[Any], Any]:
    sqls, params, residual = _field(key, orjson.loads(blob), ftype)
    return tuple(sqls), tuple(params), residual


def _field(key: str, value: Any, ftype: str | None) -> tuple[list[str], list[Any], Any]:
    """SQL conditions for one field constraint (`ftype`: its schema type), and its residual (_NOTHING if none)."""
    path = json_path(key)
    if path is None:
        return [], [], value
    ctx = _FieldCtx(path, ftype not in _NEVER_ARRAY, ftype == "Array", "." in key,
                    None if "." in key else _TRUSTED.get(ftype or ""))
    if not _is_constraint(value):
        cond = _eq(ctx, value)
        conds, leftover = ([cond] if cond else []), (_NOTHING if cond else value)
    else:
        conds, rest = [], {}
        for op, arg in value.items():
            if op in _COMPANIONS and _COMPANIONS[op] in value:
                continue
            cond = _regex(ctx, arg, value.get("$options", "")) if op == "$regex" else _op(ctx, op, arg)
            if cond is None:
                rest[op] = arg
                rest.update({c: value[c] for c, main in _COMPANIONS.items() if main == op and c in value})
            else:
                conds.append(cond)
        leftover = rest or _NOTHING
    if not conds:
        return [], [], value
    sql = " AND ".join(c[0] for c in conds)
    params = [x for c in conds for x in c[1]]
    if ctx.dotted:
        # MongoDB also walks arrays on the way down a dotted key: let those rows through.
        segments = path.split(".")
        arrays = [f"{json_type('.'.join(segments[:i]))} = 'array'" for i in range(2, len(segments))]
        return ["(" + " OR ".join([f"({sql})"] + arrays) + ")"], params, value
    return [sql], params, leftover


def _is_constraint(value: Any) -> bool:
    return isinstance(value, dict) and "__type" not in value and any(k.startswith("$") for k in value)


def _op(ctx: _FieldCtx, op: str, arg: Any) -> Sql | None:
    if op == "$eq":
        return _eq(ctx, arg)
    if op == "$in":
        return _in(ctx, arg) if isinstance(arg, list) else None
    if op in _CMP:
        return _compare(ctx, _CMP[op], arg)
    if op == "$exists" and isinstance(arg, bool) and (arg or not ctx.dotted):
        return f"{json_type(ctx.path)} IS {'NOT ' if arg else ''}NULL", []
    if op == "$all" and isinstance(arg, list) and not any(isinstance(v, dict) and "$regex" in v for v in arg):
        conds = [_eq(ctx, v) for v in arg]
        if not conds:
            return "0", []
        if any(c is None for c in conds):
            return None
        return "(" + " AND ".join(c[0] for c in conds) + ")", [x for c in conds for x in c[1]]
    if ctx.dotted:  # negations of a superset are not supersets
        return None
    if op == "$ne":
        cond = _eq(ctx, arg)
        return _negate(cond) if cond else None
    if op == "$nin":
        cond = _in(ctx, arg) if isinstance(arg, list) else None
        return _negate(cond) if cond else None
    return None


def _regex(ctx: _FieldCtx, pattern: Any, options: Any) -> Sql | None:
    """A `$regex` on a field the schema says holds strings (never arrays); others go to the matcher."""
    if ctx.trusted != "string" or type(pattern) is not str or type(options) is not str:
        return None
    return regex_condition(extract(ctx.path), pattern, options)


def _eq(ctx: _FieldCtx, value: Any) -> Sql | None:
    return _in(ctx, [value])


def _in(ctx: _FieldCtx, values: list[Any]) -> Sql | None:
    """The field equals one of `values` (itself, or one of its elements)."""
    if not values:
        return "0", []
    own = values if not ctx.only_array else [v for v in values if v is None]
    return _on_value_or_elements(ctx, lambda t, vals: _in_list(t, vals), own, values)


def _compare(ctx: _FieldCtx, sql_op: str, value: Any) -> Sql | None:
    own = [] if ctx.only_array else [value]
    return _on_value_or_elements(ctx, lambda t, vals: _cmp(t, sql_op, vals[0]), own, [value])


def _on_value_or_elements(ctx: _FieldCtx, build: Callable[[_Target, list[Any]], Sql | None],
                          own_values: list[Any], element_values: list[Any]) -> Sql | None:
    parts: list[Sql] = []
    if own_values:
        own = build(_Target(ctx.path, ctx.trusted), own_values)
        if own is None:
            return None
        parts.append(own)
    if ctx.may_be_array:
        inner = build(_ELEMENT, element_values)
        if inner is None:
            return None
        parts.append((f"({json_type(ctx.path)} = 'array' AND EXISTS "
                      f"(SELECT 1 FROM json_each(doc, '{ctx.path}') AS j WHERE {inner[0]}))", inner[1]))
    if len(parts) == 1:
        return parts[0]
    return "(" + " OR ".join(p[0] for p in parts) + ")", [x for p in parts for x in p[1]]


# ----- typed values -----

def _kind(v: Any) -> str | None:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, dict):
        t = v.get("__type")
        if t == "Date" and isinstance(v.get("iso"), str):
            return "date"
        if t == "Pointer" and isinstance(v.get("className"), str) and isinstance(v.get("objectId"), str):
            return "pointer"
    return None


def _in_list(t: _Target, values: list[Any]) -> Sql | None:
    """`t` equals one of `values`: grouped by kind so that each group is one indexable IN."""
    groups: dict[Any, list[Any]] = {}
    for v in values:
        kind = _kind(v)
        if kind is None:
            return None
        if kind == "pointer":
            groups.setdefault(("pointer", v["className"]), []).append(v["objectId"])
        elif kind == "date":
            groups.setdefault("date", []).append(v["iso"])
        elif kind == "bool":
            groups.setdefault(("bool", v), []).append(v)
        else:
            groups.setdefault(kind, []).append(v)
    parts: list[Sql] = []
    for kind, vals in groups.items():
        if kind == "null":
            parts.append((f"{t.value()} IS NULL", []))
        elif kind == "string":
            parts.append(_member(t.value(), vals, t.guard("string", f"{t.type()} = 'text'")))
        elif kind == "number":
            parts.append(_member(t.value(), vals, t.guard("number", f"{t.type()} IN ('integer', 'real')")))
        elif kind == "date":
            parts.append(_member(t.value(".iso"), vals, f"{t.value('.__type')} = 'Date'"))
        elif kind[0] == "bool":
            word = "true" if kind[1] else "false"
            parts.append((f"({t.value()} = {int(kind[1])} AND {t.type()} = '{word}')", []))
        else:
            sql, params = _member(t.value(".objectId"), vals,
                                  f"{t.value('.className')} = ? AND {t.value('.__type')} = 'Pointer'")
            parts.append((sql, params + [kind[1]]))
    if len(parts) == 1:
        return parts[0]
    return "(" + " OR ".join(p[0] for p in parts) + ")", [x for p in parts for x in p[1]]


def _member(expr: str, values: list[Any], guard: str | None) -> Sql:
    also = f" AND {guard}" if guard else ""
    if len(values) > _LONG_LIST:
        return f"({expr} IN (SELECT value FROM json_each(?)){also})", [orjson.dumps(values).decode()]
    if len(values) == 1:
        return f"({expr} = ?{also})", list(values)
    return f"({expr} IN ({', '.join('?' * len(values))}){also})", list(values)


def _cmp(t: _Target, sql_op: str, value: Any) -> Sql | None:
    kind = _kind(value)
    if kind in ("string", "number"):
        guard = t.guard(kind, f"{t.type()} = 'text'" if kind == "string" else f"{t.type()} IN ('integer', 'real')")
        return f"({t.value()} {sql_op} ?{f' AND {guard}' if guard else ''})", [value]
    if kind == "date":
        return f"({t.value('.iso')} {sql_op} ? AND {t.value('.__type')} = 'Date')", [value["iso"]]
    return None  # null, booleans, objects: rare, the matcher knows MongoDB's rules


# ----- objectId / createdAt / updatedAt columns -----

def _column(key: str, value: Any) -> tuple[list[str], list[Any], Any]:
    """Columns hold strings or NULL; a value of any other kind can never equal them."""
    col = quote_ident(key)
    if not _is_constraint(value):
        cond = _column_in(key, [value])
        return ([cond[0]], cond[1], _NOTHING) if cond else ([], [], value)
    conds: list[Sql] = []
    rest: dict[str, Any] = {}
    for op, arg in value.items():
        cond: Sql | None = None
        if op in ("$eq", "$ne"):
            cond = _column_in(key, [arg])
        elif op in ("$in", "$nin") and isinstance(arg, list):
            cond = _column_in(key, arg)
        elif op in _CMP:
            s = _as_column_string(key, arg)
            cond = (f"{col} {_CMP[op]} ?", [s]) if s is not None else None
        elif op == "$exists" and isinstance(arg, bool):
            cond = (f"{col} IS {'NOT ' if arg else ''}NULL", [])
        if cond is not None and op in ("$ne", "$nin"):
            cond = _negate(cond)
        if cond is None:
            rest[op] = arg
        else:
            conds.append(cond)
    return [c[0] for c in conds], [x for c in conds for x in c[1]], rest or _NOTHING


def _as_column_string(key: str, v: Any) -> str | None:
    if isinstance(v, str):
        return v
    if key != "objectId" and _kind(v) == "date":  # the date columns compare with Dates by iso
        return v["iso"]
    return None


def _column_in(key: str, values: list[Any]) -> Sql | None:
    col = quote_ident(key)
    strings = []
    parts = []
    for v in values:
        s = _as_column_string(key, v)
        if s is not None:
            strings.append(s)
        elif v is None:
            parts.append(f"{col} IS NULL")
        elif _kind(v) is None:
            return None  # an object or list: leave it to the matcher
    params: list[Any] = []
    if len(strings) > _LONG_LIST:
        parts.append(f"{col} IN (SELECT value FROM json_each(?))")
        params.append(orjson.dumps(strings).decode())
    elif len(strings) == 1:
        parts.append(f"{col} = ?")
        params += strings
    elif strings:
        parts.append(f"{col} IN ({', '.join('?' * len(strings))})")
        params += strings
    if not parts:
        return "0", []
    return ("(" + " OR ".join(parts) + ")" if len(parts) > 1 else parts[0]), params
