"""The adapter's knowledge of its tables: each class's columns and their PostgreSQL types, the
join tables made, and the DDL that adds a table, a column or a join table when a write needs it.
"""

from __future__ import annotations

from typing import Any

import asyncpg

from ..base import ClassSchema
from . import statements as st
from .connection import Connections
from .names import join_table, pg_type_for, quote_ident
from .schema import relation_fields, table_columns

_JOIN_COLUMNS = '("relatedId" varChar(120), "owningId" varChar(120), PRIMARY KEY("relatedId", "owningId"))'


# Built-in pointer and file fields, for schemas handed in without core's default fields.
_BUILTIN_FIELDS: dict[str, dict[str, Any]] = {
    "_Session": {"user": {"type": "Pointer", "targetClass": "_User"}},
    "_Product": {"download": {"type": "File"}, "icon": {"type": "File"}},
}


class TableCache:
    """Column maps by class (replaced, never edited, so identity means "same table shape") and the join
    tables known to exist; the other parts of the adapter read them through these methods."""

    _db: Connections
    _columns: dict[str, dict[str, str]]  # class -> column -> PostgreSQL type
    _joins: set[str]
    _unaccent: str | None

    async def _table_columns(self, conn: asyncpg.Connection, class_name: str) -> dict[str, str] | None:
        cached = self._columns.get(class_name)
        if cached is not None:
            return cached
        rows = await conn.fetch("SELECT attname, format_type(atttypid, atttypmod) AS type FROM pg_attribute "
                                "WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped",
                                quote_ident(class_name))
        if not rows:
            return None
        columns = {r["attname"]: r["type"] for r in rows}
        self._columns[class_name] = columns
        return columns

    async def _ensure_table(self, conn: asyncpg.Connection, class_name: str,
                            schema: ClassSchema | None) -> dict[str, str]:
        columns = await self._table_columns(conn, class_name)
        if columns is None:
            wanted = table_columns(class_name, schema)
            defs = ", ".join(f"{quote_ident(n)} {t}" for n, t in wanted.items())
            await st.create_ignoring_races(conn, f"CREATE TABLE IF NOT EXISTS {quote_ident(class_name)} "
                                               f'({defs}, PRIMARY KEY ("objectId"))')
            self._columns.pop(class_name, None)
            columns = await self._table_columns(conn, class_name) or wanted
        for field_name in relation_fields(schema):
            await self._ensure_join(conn, class_name, field_name)
        return columns

    async def _ensure_columns(self, conn: asyncpg.Connection, class_name: str, columns: dict[str, str],
                              fields: dict[str, Any], values: dict[str, Any]) -> dict[str, str]:
        """Add the columns a write needs (typed from the schema, else from the value)."""
        missing = {}
        for name, value in values.items():
            if name in columns:
                continue
            pg_type = pg_type_for(name, fields.get(name))
            if pg_type is not None:
                missing[name] = pg_type
        if not missing:
            return columns
        adds = ", ".join(f"ADD COLUMN IF NOT EXISTS {quote_ident(n)} {t}" for n, t in missing.items())
        await conn.execute(f"ALTER TABLE {quote_ident(class_name)} {adds}")
        self._columns.pop(class_name, None)
        return await self._table_columns(conn, class_name) or {**columns, **missing}

    async def _ensure_join(self, conn: asyncpg.Connection, owner_class: str, field_name: str) -> str:
        table = join_table(owner_class, field_name)
        if table not in self._joins:
            await st.create_ignoring_races(conn, f"CREATE TABLE IF NOT EXISTS {quote_ident(table)} {_JOIN_COLUMNS}")
            self._joins.add(table)
        return table

    @staticmethod
    def _fields(class_name: str, schema: ClassSchema | None) -> dict[str, Any]:
        """The schema's fields (the same dict, not a copy: read only), plus built-in ones it may lack."""
        fields = (schema or {}).get("fields") or {}
        builtin = _BUILTIN_FIELDS.get(class_name)
        return {**builtin, **fields} if builtin else fields  # type: ignore[return-value]
