"""The `_SCHEMA` table: classes' schemas as Parse Server stores them, and the tables, columns
and join tables each schema names (created or dropped with it).
"""

from __future__ import annotations

import asyncpg

from ..base import ClassSchema, DuplicateValueError, FieldType
from .names import SCHEMA_TABLE, join_table, quote_ident
from .schema import from_pg_schema, to_pg_schema
from .tables import TableCache

CREATE_SCHEMA = (f'CREATE TABLE IF NOT EXISTS {SCHEMA_TABLE} ("className" varChar(120), "schema" jsonb, '
                 '"isParseClass" bool, PRIMARY KEY ("className"))')


class SchemaStore(TableCache):
    """Class and field CRUD on `_SCHEMA` (the adapter supplies `_schema_changed` and `_forget`)."""

    async def get_all_classes(self) -> list[ClassSchema]:
        """Every `_SCHEMA` row as a ClassSchema."""
        async with self._db.use() as conn:
            rows = await conn.fetch(f'SELECT "className", "schema" FROM {SCHEMA_TABLE} ORDER BY "className"')
        return [from_pg_schema(r["className"], r["schema"] or {}) for r in rows]

    async def get_class(self, class_name: str) -> ClassSchema | None:
        """One `_SCHEMA` row, or None."""
        async with self._db.use() as conn:
            stored = await conn.fetchval(f'SELECT "schema" FROM {SCHEMA_TABLE} WHERE "className" = $1', class_name)
        return from_pg_schema(class_name, stored) if stored is not None else None

    async def create_class(self, class_name: str, schema: ClassSchema) -> None:
        """Insert the `_SCHEMA` row, create the table, its join tables and the indexes the schema names."""
        async with self._db.use(atomic=True) as conn:
            try:
                async with conn.transaction():
                    await conn.execute(f'INSERT INTO {SCHEMA_TABLE} ("className", "schema", "isParseClass") '
                                       "VALUES ($1, $2, true)", class_name, to_pg_schema(class_name, schema))
            except asyncpg.UniqueViolationError:
                raise DuplicateValueError(["className"]) from None
            columns = await self._ensure_table(conn, class_name, schema)
            await self._ensure_columns(conn, class_name, columns, self._fields(class_name, schema),
                                       {n: None for n in (schema.get("fields") or {})})
            await self._schema_changed(conn)
        for name, spec in (schema.get("indexes") or {}).items():
            if name != "_id_":
                await self.create_index(class_name, schema, name, spec)

    async def set_class_schema(self, class_name: str, schema: ClassSchema) -> None:
        """Replace the `_SCHEMA` row whole (creating the table and columns it names)."""
        async with self._db.use(atomic=True) as conn:
            await self._write_schema(conn, class_name, schema)
            await self._schema_changed(conn)

    async def _write_schema(self, conn: asyncpg.Connection, class_name: str, schema: ClassSchema) -> None:
        await conn.execute(f'INSERT INTO {SCHEMA_TABLE} ("className", "schema", "isParseClass") VALUES ($1, $2, true) '
                           'ON CONFLICT ("className") DO UPDATE SET "schema" = excluded."schema"',
                           class_name, to_pg_schema(class_name, schema))
        columns = await self._ensure_table(conn, class_name, schema)
        await self._ensure_columns(conn, class_name, columns, self._fields(class_name, schema),
                                   {n: None for n in (schema.get("fields") or {})})

    async def add_field_if_not_exists(self, class_name: str, field_name: str, field_type: FieldType) -> None:
        """Add one field unless present, under a row lock on `_SCHEMA`: the first writer's type wins."""
        async with self._db.use(atomic=True) as conn:
            await conn.execute(f'INSERT INTO {SCHEMA_TABLE} ("className", "schema", "isParseClass") '
                               'VALUES ($1, $2, true) ON CONFLICT DO NOTHING',
                               class_name, to_pg_schema(class_name, {"fields": {}}))
            stored = await conn.fetchval(f'SELECT "schema" FROM {SCHEMA_TABLE} WHERE "className" = $1 FOR UPDATE',
                                         class_name)
            schema = from_pg_schema(class_name, stored or {})
            if field_name in (schema.get("fields") or {}):
                return
            schema.setdefault("fields", {})[field_name] = dict(field_type)  # type: ignore[typeddict-item]
            await self._write_schema(conn, class_name, schema)
            await self._schema_changed(conn)

    async def delete_fields(self, class_name: str, schema: ClassSchema, field_names: list[str]) -> None:
        """Drop the columns (and the join tables of relation fields) and edit the `_SCHEMA` row."""
        async with self._db.use(atomic=True) as conn:
            stored = await conn.fetchval(f'SELECT "schema" FROM {SCHEMA_TABLE} WHERE "className" = $1 FOR UPDATE',
                                         class_name)
            if stored is not None:
                current = from_pg_schema(class_name, stored)
                for name in field_names:
                    (current.get("fields") or {}).pop(name, None)
                await conn.execute(f'UPDATE {SCHEMA_TABLE} SET "schema" = $2 WHERE "className" = $1',
                                   class_name, to_pg_schema(class_name, current))
            columns = await self._table_columns(conn, class_name) or {}
            drops = [n for n in field_names if n in columns and n not in ("objectId", "createdAt", "updatedAt")]
            if drops:
                sql = ", ".join(f"DROP COLUMN IF EXISTS {quote_ident(n)}" for n in drops)
                await conn.execute(f"ALTER TABLE {quote_ident(class_name)} {sql}")
                self._columns.pop(class_name, None)
            for name in field_names:
                table = join_table(class_name, name)
                await conn.execute(f"DROP TABLE IF EXISTS {quote_ident(table)}")
                self._joins.discard(table)
            await self._schema_changed(conn)

    async def delete_class(self, class_name: str) -> None:
        """Drop the table, its `_Join:*:<class>` tables and its `_SCHEMA` row."""
        async with self._db.use(atomic=True) as conn:
            tables = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                                      "AND tablename LIKE '\\_Join:%' AND tablename LIKE $1",
                                      "%:" + class_name.replace("_", "\\_").replace("%", "\\%"))
            names = [class_name] + [r["tablename"] for r in tables
                                    if r["tablename"].count(":") == 2 and r["tablename"].endswith(":" + class_name)]
            await conn.execute("DROP TABLE IF EXISTS " + ", ".join(quote_ident(n) for n in names))
            await conn.execute(f'DELETE FROM {SCHEMA_TABLE} WHERE "className" = $1', class_name)
            await self._schema_changed(conn)
        self._columns.pop(class_name, None)
        self._joins.difference_update(names)

    async def delete_all_classes(self) -> None:
        """Drop every table of the current schema (PostGIS's own excepted) and recreate `_SCHEMA`."""
        async with self._db.use(atomic=True) as conn:
            rows = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                                    "AND tablename <> 'spatial_ref_sys'")
            if rows:
                await conn.execute("DROP TABLE IF EXISTS " + ", ".join(quote_ident(r["tablename"]) for r in rows))
            await conn.execute(CREATE_SCHEMA)
            await self._schema_changed(conn)
        self._forget()
