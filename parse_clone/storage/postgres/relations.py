"""Relations: rows of the `_Join:<field>:<class>` tables."""

from __future__ import annotations

from . import statements as st
from .names import join_table, quote_ident
from .tables import TableCache


class RelationStore(TableCache):
    """Join rows added, removed and looked up either way."""

    async def add_relation(self, owner_class: str, field_name: str, owning_id: str, related_id: str) -> None:
        """INSERT the join row; an existing one is left alone."""
        async with self._db.use() as conn:
            table = await self._ensure_join(conn, owner_class, field_name)
            await conn.execute(f'INSERT INTO {quote_ident(table)} ("relatedId", "owningId") VALUES ($1, $2) '
                               "ON CONFLICT DO NOTHING", related_id, owning_id)

    async def remove_relation(self, owner_class: str, field_name: str, owning_id: str, related_id: str) -> None:
        """DELETE the join row if present."""
        table = quote_ident(join_table(owner_class, field_name))
        async with self._db.use() as conn:
            await st.execute(conn, f'DELETE FROM {table} WHERE "relatedId" = $1 AND "owningId" = $2',
                           [related_id, owning_id])

    async def related_ids(self, owner_class: str, field_name: str, owning_ids: list[str]) -> list[str]:
        """relatedId of the rows owned by any of the owners, without repeats."""
        return await self._join_lookup("relatedId", "owningId", owner_class, field_name, owning_ids)

    async def owning_ids(self, owner_class: str, field_name: str, related_ids: list[str]) -> list[str]:
        """owningId of the rows pointing at any of the ids, without repeats."""
        return await self._join_lookup("owningId", "relatedId", owner_class, field_name, related_ids)

    async def _join_lookup(self, want: str, have: str, owner_class: str, field_name: str,
                           ids: list[str]) -> list[str]:
        table = quote_ident(join_table(owner_class, field_name))
        async with self._db.use() as conn:
            rows = await st.fetch(conn, f'SELECT DISTINCT "{want}" AS id FROM {table} WHERE "{have}" = ANY($1::text[]) '
                                      'ORDER BY 1', [list(ids)])
        return [r["id"] for r in rows]
