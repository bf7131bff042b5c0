"""Indexes of a class table, and their MongoDB-style names and specs.

Unique indexes carry Parse Server's names (``<class>_unique_<fields>``); named indexes are
``<class>_<name>`` (PostgreSQL index names are global to a schema). Each index this
adapter makes records its contract name and spec in the index's COMMENT; indexes Parse
Server made are described from their columns.
"""

from __future__ import annotations

from typing import Any

import asyncpg
import orjson

from ...errors import ParseError
from .names import column_kind, mongo_index_name, quote_ident

LIST_INDEXES = """
SELECT i.relname AS name, ix.indisprimary AS is_primary, obj_description(i.oid, 'pg_class') AS comment,
       ix.indexprs IS NOT NULL AS has_expressions,
       array(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns
FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid
WHERE ix.indrelid = to_regclass($1) ORDER BY i.oid
"""


def key_expression(key: str, columns: dict[str, str]) -> str:
    """The indexed expression for a field (a dotted key reads text inside a jsonb column)."""
    top, _, rest = key.partition(".")
    if top not in columns:
        raise ParseError(ParseError.INVALID_QUERY, f"Field {top} does not exist, cannot add index.")
    if not rest:
        return quote_ident(top)
    path = "{" + ",".join(rest.split(".")) + "}"
    return f"(({quote_ident(top)} #>> '{path}'))"


def index_parts(spec: dict[str, Any], columns: dict[str, str]) -> tuple[str, list[str]]:
    """(access method, expressions) creating an index for a MongoDB-style spec."""
    text = [k for k, v in spec.items() if v == "text"]
    if text:
        exprs = " || ' ' || ".join(f"coalesce({key_expression(k, columns)}, '')" for k in text)
        return "gin", [f"to_tsvector('english', {exprs})"]
    geo = [k for k, v in spec.items() if v in ("2d", "2dsphere")]
    if geo:
        if any(column_kind(columns.get(k, "")) not in ("point", "polygon") for k in geo):
            raise ParseError(ParseError.INVALID_QUERY, "geo indexes need a GeoPoint or Polygon field")
        return "gist", [quote_ident(k) for k in geo]
    parts = []
    for key, direction in spec.items():
        if direction not in (1, -1):
            raise ParseError(ParseError.INVALID_QUERY, f"Bad index direction {direction!r} for {key}")
        parts.append(key_expression(key, columns) + (" DESC" if direction == -1 else ""))
    return "btree", parts


def comment_sql(pg_name: str, name: str, spec: dict[str, Any]) -> str:
    """COMMENT ON INDEX recording the contract name and spec (quoted as a SQL literal)."""
    text = orjson.dumps({"name": name, "spec": spec}).decode().replace("'", "''")
    return f"COMMENT ON INDEX {quote_ident(pg_name)} IS '{text}'"


def describe(row: asyncpg.Record) -> tuple[str, dict[str, Any]] | None:
    """(contract name, spec) of one pg_index row; None for indexes not described (expressions)."""
    if row["is_primary"]:
        return "_id_", {"_id": 1}
    if row["comment"]:
        try:
            info = orjson.loads(row["comment"])
            return str(info["name"]), dict(info["spec"])
        except (orjson.JSONDecodeError, KeyError, TypeError):
            pass
    if row["has_expressions"]:
        return None
    spec = {c: 1 for c in row["columns"]}
    return (mongo_index_name(spec) if "_unique_" in row["name"] else row["name"]), spec
