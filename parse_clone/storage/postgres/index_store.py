"""Indexes: unique ones under Parse Server's names, authData's partial unique ones, named
indexes (GIN for text, GiST for geo), listing and dropping them.
"""

from __future__ import annotations

from typing import Any

import asyncpg

from ..base import AUTH_PROVIDER_NAME, ClassSchema, DuplicateValueError
from . import indexes as idx
from . import statements as st
from .names import index_name, mongo_index_name, quote_ident, unique_index_name
from .tables import TableCache


class IndexStore(TableCache):
    """Index creation, listing and removal on class tables."""

    async def ensure_unique(self, class_name: str, schema: ClassSchema, field_names: list[str]) -> None:
        """A unique index with Parse Server's name (`<class>_unique_<fields>`); NULLs never collide."""
        name = unique_index_name(class_name, field_names)
        spec = {f: 1 for f in field_names}
        async with self._db.use() as conn:
            columns = await self._ensure_table(conn, class_name, schema)
            columns = await self._ensure_columns(conn, class_name, columns, self._fields(class_name, schema),
                                                 {f.split(".")[0]: None for f in field_names})
            exprs = ", ".join(idx.key_expression(f, columns) for f in field_names)
            try:
                await conn.execute(f"CREATE UNIQUE INDEX IF NOT EXISTS {quote_ident(name)} "
                                   f"ON {quote_ident(class_name)} ({exprs})")
            except asyncpg.UniqueViolationError:
                raise DuplicateValueError(list(field_names)) from None
            await conn.execute(idx.comment_sql(name, mongo_index_name(spec), spec))

    async def ensure_auth_data_unique(self, provider: str) -> None:
        """Parse Server's partial unique index `_User_unique_authData_<provider>_id` on authData->provider->>id."""
        if not AUTH_PROVIDER_NAME.fullmatch(provider):
            raise ValueError(f"not an auth provider name: {provider!r}")
        expr = f"(\"authData\"->'{provider}'->>'id')"
        async with self._db.use() as conn:
            user_schema: ClassSchema = {"className": "_User", "fields": {"authData": {"type": "Object"}}}
            columns = await self._ensure_table(conn, "_User", user_schema)
            await self._ensure_columns(conn, "_User", columns, self._fields("_User", user_schema), {"authData": None})
            try:
                await conn.execute(f"CREATE UNIQUE INDEX IF NOT EXISTS {quote_ident(st.auth_data_index_name(provider))} "
                                   f"ON \"_User\" ({expr}) WHERE {expr} IS NOT NULL")
            except asyncpg.UniqueViolationError:
                raise DuplicateValueError([f"_auth_data_{provider}"]) from None

    async def create_index(self, class_name: str, schema: ClassSchema, name: str, spec: dict[str, Any]) -> None:
        """A named index; "text" keys get a GIN full-text index, geo keys a GiST one."""
        pg_name = index_name(class_name, name)
        async with self._db.use() as conn:
            columns = await self._ensure_table(conn, class_name, schema)
            columns = await self._ensure_columns(conn, class_name, columns, self._fields(class_name, schema),
                                                 {k.split(".")[0]: None for k in spec})
            method, exprs = idx.index_parts(spec, columns)
            await conn.execute(f"CREATE INDEX IF NOT EXISTS {quote_ident(pg_name)} ON {quote_ident(class_name)} "
                               f"USING {method} ({', '.join(exprs)})")
            await conn.execute(idx.comment_sql(pg_name, name, spec))
            # Until a table is analysed (autovacuum may be off, or not yet round after a bulk load)
            # the planner guesses a few matching rows and prefers a bitmap scan plus a sort to the
            # new index's ordered scan that stops at the limit; an expression index's statistics
            # come only from ANALYZE. It samples a bounded number of rows, locks out no reads or
            # writes, and costs less than the CREATE INDEX that read the whole table.
            await conn.execute(f"ANALYZE {quote_ident(class_name)}")

    async def drop_index(self, class_name: str, name: str) -> None:
        """Drop the index known by this name, if any (the primary key stays)."""
        async with self._db.use() as conn:
            for row in await conn.fetch(idx.LIST_INDEXES, quote_ident(class_name)):
                described = idx.describe(row)
                if not row["is_primary"] and (row["name"] == name or (described and described[0] == name)):
                    await conn.execute(f"DROP INDEX IF EXISTS {quote_ident(row['name'])}")

    async def get_indexes(self, class_name: str) -> dict[str, dict[str, Any]]:
        """The table's indexes by contract name (`_id_` for the primary key); {} without a table."""
        async with self._db.use() as conn:
            rows = await conn.fetch(idx.LIST_INDEXES, quote_ident(class_name))
        out: dict[str, dict[str, Any]] = {}
        for row in rows:
            described = idx.describe(row)
            if described:
                out[described[0]] = described[1]
        return out
