"""The storage where language (storage/base.py) as PostgreSQL SQL over typed columns.

Each field resolves to a column of a known kind (text, number, boolean, date, json,
perm, point, polygon); a query value of another kind than the column never matches,
as in MongoDB. jsonb values (Object and Array fields, dotted keys into them) follow
MongoDB's "the value or any element" rule. A field without a column behaves as
missing. What cannot be expressed (rare forms, e.g. geo inside jsonb) is handed back as
a residual where for the in-memory matcher.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import asyncpg

from ...errors import ParseError
from .names import column_kind, quote_ident
from .regex import to_postgres_regex
from .values import parse_iso

Where = dict[str, Any]
_CMP = {"$lt": "<", "$lte": "<=", "$gt": ">", "$gte": ">="}
_TEXT_LANGUAGES = {"none": "simple", "danish": "danish", "dutch": "dutch", "english": "english",
                   "finnish": "finnish", "french": "french", "german": "german", "hungarian": "hungarian",
                   "italian": "italian", "norwegian": "norwegian", "portuguese": "portuguese",
                   "romanian": "romanian", "russian": "russian", "spanish": "spanish", "swedish": "swedish",
                   "turkish": "turkish", "simple": "simple"}


class Unsupported(Exception):
    """A constraint this translator leaves to the matcher."""


@dataclass
class Params:
    """Positional parameters of one statement; `add` returns the `$n` placeholder with its cast."""

    values: list[Any] = field(default_factory=list)

    def add(self, value: Any, cast: str) -> str:
        self.values.append(value)
        return f"${len(self.values)}::{cast}"


@dataclass
class Translation:
    """A WHERE clause, what the matcher must still check, and orderings the where implies."""

    sql: str
    residual: Where | None
    near_order: str | None = None  # distance ordering of a $nearSphere
    text_rank: str | None = None  # ts_rank of a $text, for sorting and `score`


@dataclass(frozen=True)
class Column:
    """A field's SQL expression, its kind, and its Parse type from the schema."""

    expr: str
    kind: str
    ftype: dict[str, Any] | None = None
    root: str = ""  # dotted keys: the jsonb column ...
    path: str = ""  # ... and the lax jsonpath that reaches through arrays as MongoDB does


class _Ctx:
    def __init__(self, columns: dict[str, str], fields: dict[str, Any], params: Params,
                 unaccent: str | None = None) -> None:
        self.unaccent = unaccent  # the schema-qualified unaccent() function, when the extension is there
        self.checked_too: Where = {}  # pushed down as a superset, and left to the matcher as well
        self.key = ""
        self.columns = columns
        self.fields = fields
        self.params = params
        self.near_order: str | None = None
        self.text_rank: str | None = None
        self.alias = 0

    def column(self, key: str) -> Column:
        top, _, rest = key.partition(".")
        pg_type = self.columns.get(top)
        if pg_type is None:
            return Column("NULL::jsonb", "json")
        kind = column_kind(pg_type)
        expr = quote_ident(top)
        if not rest:
            return Column(expr, kind, self.fields.get(top))
        if kind != "json":
            raise Unsupported(key)
        path = _text_array_literal(rest.split("."))
        jsonpath = "$" + "".join(_jsonpath_step(seg) for seg in rest.split("."))
        return Column(f"({expr} #> {path})", "json", None, expr, jsonpath)

    def next_alias(self) -> str:
        self.alias += 1
        return f"e{self.alias}"


def _jsonpath_step(segment: str) -> str:
    """One step of a dotted key in jsonpath: a number indexes an array (items.1.value), as in MongoDB."""
    if segment.isdigit():
        return f"[{int(segment)}]"
    return '."' + segment.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _text_array_literal(items: list[str]) -> str:
    """A text[] SQL literal (paths are inlined: a parameter the statement may not use breaks it)."""
    quoted = ",".join('"' + i.replace("\\", "\\\\").replace('"', '\\"') + '"' for i in items)
    return "'{" + quoted.replace("'", "''") + "}'::text[]"


def translate(where: Where, columns: dict[str, str], fields: dict[str, Any], params: Params,
              unaccent: str | None = None) -> Translation:
    """`where` as SQL on a class table with these columns (name -> PostgreSQL type)."""
    ctx = _Ctx(columns, fields, params, unaccent)
    sql, residual = _where(ctx, where)
    for key, value in ctx.checked_too.items():
        residual.setdefault(key, value)
    return Translation(sql, residual or None, ctx.near_order, ctx.text_rank)


def _where(ctx: _Ctx, where: Where) -> tuple[str, Where]:
    parts: list[str] = []
    residual: Where = {}
    for key, value in where.items():
        if key in ("$or", "$and", "$nor"):
            try:
                parts.append(_logical(ctx, key, value))
            except Unsupported:
                residual[key] = value
            continue
        mark = len(ctx.params.values)
        try:
            parts.append(_field(ctx, key, value))
        except Unsupported:
            del ctx.params.values[mark:]
            residual[key] = value
    return (" AND ".join(f"({p})" for p in parts) if parts else "TRUE"), residual


def _logical(ctx: _Ctx, op: str, branches: Any) -> str:
    if not isinstance(branches, list):
        raise ParseError(ParseError.INVALID_QUERY, f"Bad {op} format - use an array value.")
    sqls = []
    for branch in branches:
        sql, residual = _where(ctx, branch if isinstance(branch, dict) else {})
        if residual:
            raise Unsupported(op)
        sqls.append(f"({sql})")
    if not sqls:
        return "TRUE" if op != "$or" else "FALSE"
    if op == "$and":
        return " AND ".join(sqls)
    joined = " OR ".join(sqls)
    return joined if op == "$or" else f"NOT COALESCE(({joined}), FALSE)"


def _is_constraint(value: Any) -> bool:
    return isinstance(value, dict) and "__type" not in value and any(k.startswith("$") for k in value)


def _field(ctx: _Ctx, key: str, value: Any) -> str:
    ctx.key = key
    col = ctx.column(key)
    if not _is_constraint(value):
        return _eq(ctx, col, value)
    parts = []
    for op, arg in value.items():
        if op in ("$options", "$maxDistance"):
            continue
        parts.append(_op(ctx, col, op, arg, value))
    return " AND ".join(f"({p})" for p in parts) if parts else "TRUE"


def _op(ctx: _Ctx, col: Column, op: str, arg: Any, cond: dict[str, Any]) -> str:
    if op == "$eq":
        return _eq(ctx, col, arg)
    if op == "$ne":
        return _not(_eq(ctx, col, arg))
    if op in _CMP:
        return _compare(ctx, col, _CMP[op], arg)
    if op == "$in":
        return _in(ctx, col, _as_list(arg, op))
    if op == "$nin":
        return _not(_in(ctx, col, _as_list(arg, op)))
    if op == "$exists":
        test = f"{col.expr} IS NOT NULL"
        if col.path:
            test = f"jsonb_path_exists({col.root}, {ctx.params.add(col.path, 'jsonpath')})"
        return test if arg else _not(test)
    if op == "$all":
        items = _as_list(arg, op)
        if not items:
            return "FALSE"
        return " AND ".join(f"({_all_item(ctx, col, v)})" for v in items)
    if op == "$containedBy":
        return _contained_by(ctx, col, _as_list(arg, op))
    if op == "$regex":
        return _regex(ctx, col, arg, cond.get("$options") or "")
    if op == "$nearSphere":
        return _near(ctx, col, arg, cond.get("$maxDistance"))
    if op == "$within":
        return _within_box(ctx, col, arg)
    if op == "$geoWithin":
        return _geo_within(ctx, col, arg)
    if op == "$geoIntersects":
        return _geo_intersects(ctx, col, arg)
    if op == "$text":
        return _text(ctx, col, arg)
    raise Unsupported(op)


def _all_item(ctx: _Ctx, col: Column, item: Any) -> str:
    if isinstance(item, dict) and "$regex" in item:
        return _regex(ctx, col, item["$regex"], item.get("$options") or "")
    return _eq(ctx, col, item)


def _as_list(arg: Any, op: str) -> list[Any]:
    if not isinstance(arg, list):
        raise ParseError(ParseError.INVALID_JSON, f"bad {op} value")
    return arg


def _not(sql: str) -> str:
    return f"NOT COALESCE(({sql}), FALSE)"


# ----- scalar columns: the query value converted to the column's domain -----

_CASTS = {"text": "text", "number": "double precision", "boolean": "boolean", "date": "timestamptz"}


def _scalar(col: Column, value: Any) -> tuple[bool, Any]:
    """(True, value in the column's domain) or (False, None) when the value's kind differs."""
    kind, ftype = col.kind, col.ftype or {}
    if kind == "text":
        t = ftype.get("type")
        if isinstance(value, dict):
            if value.get("__type") == "Pointer" and t == "Pointer":
                same = value.get("className") == ftype.get("targetClass")
                return (same, value.get("objectId")) if same else (False, None)
            if value.get("__type") == "File" and t == "File":
                return True, value.get("name")
            return False, None
        return (True, value) if isinstance(value, str) and t not in ("Pointer", "File") else (False, None)
    if kind == "number":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return (True, float(value)) if ok else (False, None)
    if kind == "boolean":
        return (True, value) if isinstance(value, bool) else (False, None)
    if kind == "date":
        if isinstance(value, dict) and value.get("__type") == "Date":
            value = value.get("iso")
        elif not (col.expr in ('"createdAt"', '"updatedAt"') and isinstance(value, str)):
            return False, None
        try:
            return True, parse_iso(value)
        except (TypeError, ValueError):
            return False, None
    raise Unsupported(kind)


def _text_expr(col: Column) -> str:
    return f'{col.expr} COLLATE "C"' if col.kind == "text" else col.expr


def _path_test(ctx: _Ctx, col: Column, test: str, value: Any) -> str:
    """jsonb_path_exists over a dotted key: lax mode unwraps arrays on the way and at the leaf."""
    path = ctx.params.add(f"{col.path} ? ({test})", "jsonpath")
    return f"jsonb_path_exists({col.root}, {path}, {ctx.params.add({'v': value}, 'jsonb')})"


def _path_scalar(value: Any) -> bool:
    return isinstance(value, (str, bool, int, float))


def _eq(ctx: _Ctx, col: Column, value: Any) -> str:
    if col.path and _path_scalar(value):
        return _path_test(ctx, col, "@ == $v", value)
    if col.kind == "json":
        return _json_eq(ctx, col.expr, value)
    if value is None:
        return f"{col.expr} IS NULL"
    if col.kind == "perm":
        if not isinstance(value, str):
            return "FALSE"
        return f"{ctx.params.add(value, 'text')} = ANY({col.expr})"
    if col.kind == "point":
        if not (isinstance(value, dict) and value.get("__type") == "GeoPoint"):
            return "FALSE"
        return f"{col.expr} ~= {_point(ctx, value)}"
    if col.kind == "polygon":
        raise Unsupported("polygon equality")
    ok, v = _scalar(col, value)
    if not ok:
        return "FALSE"
    return f"{col.expr} = {ctx.params.add(v, _CASTS[col.kind])}"


def _compare(ctx: _Ctx, col: Column, sql_op: str, value: Any) -> str:
    if col.path and _path_scalar(value) and not isinstance(value, str):
        return _path_test(ctx, col, f"@ {sql_op} $v", value)
    if col.kind == "json":
        return _json_compare(ctx, col.expr, sql_op, value)
    if col.kind in ("perm", "point", "polygon"):
        raise Unsupported("comparison")
    ok, v = _scalar(col, value)
    if not ok:
        return "FALSE"
    return f"{_text_expr(col)} {sql_op} {ctx.params.add(v, _CASTS[col.kind])}"


def _in(ctx: _Ctx, col: Column, values: list[Any]) -> str:
    if col.path and values and all(_path_scalar(v) for v in values):
        return " OR ".join(f"({_eq(ctx, col, v)})" for v in values)
    if col.kind == "json":
        return _json_in(ctx, col.expr, values)
    with_null = any(v is None for v in values)
    present = [v for v in values if v is not None]
    # The null test first, as Parse Server writes it: the cheaper test settles the common row (the
    # ACL filter's public objects store no _rperm) before the array comparison is evaluated.
    null_sql = f"{col.expr} IS NULL OR " if with_null else ""
    if col.kind == "perm":
        strings = [v for v in present if isinstance(v, str)]
        return f"{null_sql}{col.expr} && {ctx.params.add(strings, 'text[]')}"
    if col.kind in ("point", "polygon"):
        raise Unsupported("$in on geo")
    domain = [v for ok, v in (_scalar(col, x) for x in present) if ok]
    if not domain:
        return f"{col.expr} IS NULL" if with_null else "FALSE"
    return f"{null_sql}{col.expr} = ANY({ctx.params.add(domain, _CASTS[col.kind] + '[]')})"


def _contained_by(ctx: _Ctx, col: Column, values: list[Any]) -> str:
    if col.kind == "perm":
        return f"{col.expr} IS NULL OR {col.expr} <@ {ctx.params.add([str(v) for v in values], 'text[]')}"
    if col.kind != "json":
        return "TRUE"  # a missing or non-array field holds nothing outside the list
    e = ctx.next_alias()
    allowed = ctx.params.add(values, "jsonb[]")
    return (f"jsonb_typeof({col.expr}) IS DISTINCT FROM 'array' OR NOT EXISTS (SELECT 1 FROM "
            f"jsonb_array_elements({col.expr}) AS {e}(v) WHERE NOT ({e}.v = ANY({allowed})))")


def _regex(ctx: _Ctx, col: Column, pattern: Any, options: str) -> str:
    if not isinstance(pattern, str):
        raise ParseError(ParseError.INVALID_QUERY, "$regex should be a string")
    regex = ctx.params.add(to_postgres_regex(pattern, options), "text")
    if col.kind == "text" and (col.ftype or {}).get("type") not in ("Pointer", "File"):
        return f"{col.expr} ~ {regex}"
    if col.kind != "json":
        return "FALSE"
    return _json_any(ctx, col.expr, lambda x: f"jsonb_typeof({x}) = 'string' AND ({x} #>> '{{}}') ~ {regex}")


# ----- jsonb values: MongoDB's "the value or any of its elements" -----

def _elements(ctx: _Ctx, expr: str, test: Callable[[str], str]) -> str:
    e = ctx.next_alias()
    return (f"EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof({expr}) = 'array' "
            f"THEN {expr} END) AS {e}(v) WHERE {test(f'{e}.v')})")


def _json_any(ctx: _Ctx, expr: str, test: Callable[[str], str]) -> str:
    return f"({test(expr)}) OR {_elements(ctx, expr, test)}"


def _json_eq(ctx: _Ctx, expr: str, value: Any) -> str:
    if value is None:
        return f"{expr} IS NULL OR {expr} = 'null'::jsonb"
    if isinstance(value, (dict, list)):
        p = ctx.params.add(value, "jsonb")
        return _json_any(ctx, expr, lambda x: f"{x} = {p}")
    p = ctx.params.add(value, "jsonb")
    contains = ctx.params.add([value], "jsonb")
    return f"{expr} = {p} OR (jsonb_typeof({expr}) = 'array' AND {expr} @> {contains})"


def _json_in(ctx: _Ctx, expr: str, values: list[Any]) -> str:
    with_null = any(v is None for v in values)
    present = [v for v in values if v is not None]
    parts = []
    if present:
        p = ctx.params.add(present, "jsonb[]")
        parts.append(_json_any(ctx, expr, lambda x: f"{x} = ANY({p})"))
    if with_null:
        parts.append(f"{expr} IS NULL OR {expr} = 'null'::jsonb")
    return " OR ".join(f"({p})" for p in parts) if parts else "FALSE"


def _json_compare(ctx: _Ctx, expr: str, sql_op: str, value: Any) -> str:
    if isinstance(value, bool):
        p = ctx.params.add(value, "jsonb")
        test: Callable[[str], str] = lambda x: f"jsonb_typeof({x}) = 'boolean' AND {x} {sql_op} {p}"
    elif isinstance(value, (int, float)):
        p = ctx.params.add(value, "jsonb")
        test = lambda x: f"jsonb_typeof({x}) = 'number' AND {x} {sql_op} {p}"
    elif isinstance(value, str):
        p = ctx.params.add(value, "text")
        test = lambda x: f"jsonb_typeof({x}) = 'string' AND ({x} #>> '{{}}') COLLATE \"C\" {sql_op} {p}"
    elif isinstance(value, dict) and value.get("__type") == "Date" and isinstance(value.get("iso"), str):
        p = ctx.params.add(value["iso"], "text")
        test = lambda x: (f"jsonb_typeof({x}) = 'object' AND {x} ->> '__type' = 'Date' "
                          f"AND ({x} ->> 'iso') COLLATE \"C\" {sql_op} {p}")
    else:
        return "FALSE"
    return _json_any(ctx, expr, test)


# ----- geo: haversine in SQL, in radians as the matcher measures; PostgreSQL's geometric types -----

def _point(ctx: _Ctx, geo: Any) -> str:
    if not (isinstance(geo, dict) and geo.get("__type") == "GeoPoint"):
        raise ParseError(ParseError.INVALID_JSON, "bad GeoPoint")
    return f"point({ctx.params.add(float(geo['longitude']), 'float8')}, {ctx.params.add(float(geo['latitude']), 'float8')})"


def _distance(ctx: _Ctx, col: Column, geo: Any) -> str:
    lat = ctx.params.add(float(geo["latitude"]), "float8")
    lng = ctx.params.add(float(geo["longitude"]), "float8")
    c = col.expr
    h = (f"power(sin((radians({c}[1]) - radians({lat})) / 2), 2) + cos(radians({lat})) * "
         f"cos(radians({c}[1])) * power(sin(radians({c}[0] - {lng}) / 2), 2)")
    return f"(CASE WHEN {c} IS NOT NULL THEN 2 * asin(sqrt(least(1.0, {h}))) END)"


def _point_column(col: Column) -> None:
    if col.kind != "point":
        raise Unsupported("geo on a non-point column")


def _near(ctx: _Ctx, col: Column, geo: Any, max_distance: Any) -> str:
    _point_column(col)
    distance = _distance(ctx, col, geo)
    ctx.near_order = f"{distance} ASC"
    if max_distance is None:
        return f"{distance} IS NOT NULL"  # the ordering's parameters must appear in the statement
    return f"{distance} <= {ctx.params.add(float(max_distance), 'float8')}"


def _within_box(ctx: _Ctx, col: Column, arg: Any) -> str:
    _point_column(col)
    box = arg.get("$box") if isinstance(arg, dict) else None
    if not (isinstance(box, list) and len(box) == 2):
        raise ParseError(ParseError.INVALID_JSON, "bad $within $box value")
    return f"{col.expr} <@ box({_point(ctx, box[0])}, {_point(ctx, box[1])})"


def _geo_within(ctx: _Ctx, col: Column, arg: Any) -> str:
    _point_column(col)
    if isinstance(arg, dict) and "$polygon" in arg:
        points = [asyncpg.Point(float(p["longitude"]), float(p["latitude"])) for p in arg["$polygon"]]
        return f"{col.expr} <@ {ctx.params.add(asyncpg.Polygon(*points), 'polygon')}"
    if isinstance(arg, dict) and "$centerSphere" in arg:
        center, radius = arg["$centerSphere"]
        return f"{_distance(ctx, col, center)} <= {ctx.params.add(float(radius), 'float8')}"
    raise Unsupported("$geoWithin")


def _geo_intersects(ctx: _Ctx, col: Column, arg: Any) -> str:
    if col.kind != "polygon":
        raise Unsupported("$geoIntersects on a non-polygon column")
    point = arg.get("$point") if isinstance(arg, dict) else None
    return f"{col.expr} @> {_point(ctx, point)}"


# ----- $text: PostgreSQL full-text search, any term matches (MongoDB's rule) -----

def _text(ctx: _Ctx, col: Column, arg: Any) -> str:
    search = arg.get("$search") if isinstance(arg, dict) else None
    if not isinstance(search, dict) or not isinstance(search.get("$term"), str):
        raise ParseError(ParseError.INVALID_JSON, "bad $text: $search, should be object")
    language = search.get("$language") or "english"
    config = _TEXT_LANGUAGES.get(str(language).lower())
    if config is None:
        raise ParseError(ParseError.INVALID_QUERY, f"bad $text: $language {language} is not supported")
    if col.kind == "json" and col.expr == "NULL::jsonb":
        return "FALSE"
    if col.kind != "text":
        raise Unsupported("$text on a non-text column")
    words = [w for w in search["$term"].replace('"', " ").split() if not w.startswith("-")]
    if not words:
        return "FALSE"
    if not ctx.unaccent:
        raise Unsupported("$text without the unaccent extension")
    if search.get("$caseSensitive") or search.get("$diacriticSensitive") or '"' in search["$term"] \
            or any(w.startswith("-") for w in search["$term"].split()):
        ctx.checked_too[ctx.key] = {"$text": arg}  # SQL finds a superset; the matcher keeps the exact ones
    cfg = ctx.params.add(config, "regconfig")
    fold = ctx.unaccent
    query = " || ".join(f"plainto_tsquery({cfg}, {fold}({ctx.params.add(w, 'text')}))" for w in words)
    vector = f"to_tsvector({cfg}, {fold}(coalesce({col.expr}, '')))"
    ctx.text_rank = f"ts_rank({vector}, ({query}))"
    return f"{vector} @@ ({query})"


_RANGE_OPS = ("$gt", "$gte", "$lt", "$lte")


def non_null_keys(where: Where) -> set[str]:
    """Top-level keys the where keeps non-null (a range test, or equality with a plain value), at
    the top or in a top-level $and: sorting on them needs no NULLS FIRST/LAST, so an index serves it."""
    keys: set[str] = set()
    for key, value in where.items():
        if key == "$and" and isinstance(value, list):
            for branch in value:
                if isinstance(branch, dict):
                    keys |= non_null_keys(branch)
        elif key.startswith("$") or "." in key:
            continue
        elif isinstance(value, dict):
            if "__type" not in value and any(value.get(op) is not None for op in _RANGE_OPS):
                keys.add(key)
        elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
            keys.add(key)
    return keys


def order_by(sort: list[tuple[str, int]], columns: dict[str, str], params: Params,
             translation: Translation, non_null: set[str] | frozenset[str] = frozenset()) -> str:
    """An ORDER BY clause ("" for none); NULL and missing sort first, as in MongoDB (no NULLS
    clause on a `non_null` key, where it changes nothing)."""
    parts = []
    ctx = _Ctx(columns, {}, params)
    for key, direction in sort:
        if key == "$score":
            if translation.text_rank:
                parts.append(f"{translation.text_rank} DESC")
            continue
        try:
            col = ctx.column(key)
        except Unsupported:
            continue
        if col.expr == "NULL::jsonb" or col.kind in ("point", "polygon"):
            continue
        if key in non_null:
            way = "DESC" if direction < 0 else "ASC"
        else:
            way = "DESC NULLS LAST" if direction < 0 else "ASC NULLS FIRST"
        if col.kind == "json":
            parts += [f"{e} {way}" for e in _json_sort_keys(col.expr)]
        else:
            parts.append(f"{_text_expr(col)} {way}")
    if not parts and translation.near_order:
        parts.append(translation.near_order)
    return ("ORDER BY " + ", ".join(parts)) if parts else ""



def _json_sort_keys(x: str) -> list[str]:
    """ORDER BY keys putting jsonb values in MongoDB's order of kinds, then by value."""
    is_date = f"(jsonb_typeof({x}) = 'object' AND {x} ->> '__type' = 'Date')"
    rank = (f"(CASE WHEN {x} IS NULL OR {x} = 'null'::jsonb THEN 0 WHEN {is_date} THEN 6 ELSE "
            f"CASE jsonb_typeof({x}) WHEN 'number' THEN 1 WHEN 'string' THEN 2 WHEN 'object' THEN 3 "
            f"WHEN 'array' THEN 4 WHEN 'boolean' THEN 5 END END)")
    text = (f"(CASE WHEN jsonb_typeof({x}) = 'string' THEN {x} #>> '{{}}' WHEN {is_date} "
            f"THEN {x} ->> 'iso' END) COLLATE \"C\"")
    return [rank, text, x]
