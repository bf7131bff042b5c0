"""Object writes: INSERT (one row, or a /batch's parked rows together), updates (one
`UPDATE ... RETURNING` when SQL can apply them, kept by shape; else read `FOR UPDATE`, apply the
operators, write the changed columns back in the same transaction), upserts and deletes.
"""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import asyncpg

from ...language.values import new_object_id
from ..base import ClassSchema, Document, FindOptions, Update, Where
from ..sqlite.updates import apply_update, seed_from_where
from . import statements as st
from .insert_group import ParkedInsert
from .names import join_table, pg_type_for, quote_ident
from .schema import relation_fields
from .updates import Shape, set_clauses, set_values, update_shape
from .values import row_to_doc, to_column
from .statement_cache import StatementCache
from .where import Params, Translation, translate
from .tables import TableCache


def _names_one_object(where: Where) -> bool:
    """Does the where pin one objectId (at the top or in a top-level $and, as ACL checks wrap it)?"""
    if isinstance(where.get("objectId"), str):
        return True
    branches = where.get("$and")
    return isinstance(branches, list) and any(
        isinstance(b, dict) and isinstance(b.get("objectId"), str) for b in branches)


def _row(columns: dict[str, str], fields: dict[str, Any], doc: Document) -> tuple[tuple[str, ...], list[Any]]:
    """The columns an INSERT of `doc` names (null only into jsonb) and their values."""
    names = tuple(n for n, v in doc.items() if n in columns and (v is not None or columns[n] == "jsonb"))
    return names, [to_column(columns[n], fields.get(n), doc[n]) for n in names]


def _insert_sql(class_name: str, columns: dict[str, str], names: tuple[str, ...], rows: int) -> str:
    """INSERT of `rows` rows. Each placeholder is cast to its column's type: a table dropped and made
    again with other types then gets a new statement text, so no prepared statement of the old
    shape (whose parameter types asyncpg would encode with) is reused."""
    width = len(names)
    tuples = ", ".join("(" + ", ".join(f"${r * width + i + 1}::{columns[n]}" for i, n in enumerate(names)) + ")"
                       for r in range(rows))
    return f"INSERT INTO {quote_ident(class_name)} ({', '.join(map(quote_ident, names))}) VALUES {tuples}"


class ObjectWrites(TableCache):
    """create, update, upsert and delete (reads of matching rows come from the adapter's `_matching`)."""

    _statements: StatementCache  # statement caches, made in PostgresAdapter.__init__
    _inserts: dict[tuple[Any, ...], tuple[dict[str, str], str]]

    async def create_object(self, class_name: str, schema: ClassSchema, doc: Document, *,
                            may_wait: bool = False) -> None:
        """INSERT one row; DuplicateValueError on a unique violation. `may_wait`: inside a batch's
        write group, the row may be written together with the batch's next creates."""
        fields = self._fields(class_name, schema)
        doc = {**doc, "objectId": doc.get("objectId") or new_object_id()}
        parked = self._park(class_name, schema, fields, doc) if may_wait else None
        if parked is not None:
            await parked
            return
        async with self._db.use() as conn:
            columns = await self._ensure_table(conn, class_name, schema)
            columns = await self._ensure_columns(conn, class_name, columns, fields, doc)
            await self._insert(conn, class_name, columns, fields, doc)

    def _park(self, class_name: str, schema: ClassSchema, fields: dict[str, Any],
              doc: Document) -> asyncio.Future[None] | None:
        """Queue the row in the open write group; None when there is none, or the table or a
        column it needs does not exist yet (made first, by the direct path)."""
        group = self._db.open_group()
        columns = self._columns.get(class_name)
        if group is None or columns is None:
            return None
        if any(n not in columns and pg_type_for(n, fields.get(n)) is not None for n in doc):
            return None
        if any(join_table(class_name, f) not in self._joins for f in relation_fields(schema)):
            return None
        names, values = _row(columns, fields, doc)
        item = ParkedInsert(class_name, columns, fields, doc, names, values)
        return item.future if group.park(item) else None

    async def _insert(self, conn: asyncpg.Connection, class_name: str, columns: dict[str, str],
                      fields: dict[str, Any], doc: Document) -> None:
        names, values = _row(columns, fields, doc)
        try:
            await conn.execute(self._insert_statement(class_name, columns, names, 1), *values)
        except asyncpg.UniqueViolationError as error:
            raise st.duplicate(error) from None

    async def _insert_parked(self, conn: asyncpg.Connection, item: ParkedInsert) -> None:
        await self._insert(conn, item.class_name, item.columns, item.fields, item.doc)

    async def _insert_rows(self, conn: asyncpg.Connection, run: list[ParkedInsert]) -> None:
        """One INSERT of several parked rows (same table, same columns)."""
        first = run[0]
        sql = self._insert_statement(first.class_name, first.columns, first.names, len(run))
        await conn.execute(sql, *[v for item in run for v in item.values])

    def _insert_statement(self, class_name: str, columns: dict[str, str], names: tuple[str, ...], rows: int) -> str:
        """The INSERT for rows naming these columns, kept while the table's column map is the same."""
        key = (class_name, names, rows)
        cached = self._inserts.get(key)
        if cached is None or cached[0] is not columns:
            if len(self._inserts) > 512:
                self._inserts.clear()
            cached = self._inserts[key] = (columns, _insert_sql(class_name, columns, names, rows))
        return cached[1]

    async def find_one_and_update(self, class_name: str, schema: ClassSchema, where: Where,
                                  update: Update) -> Document | None:
        """One UPDATE ... RETURNING when the where names the objectId and SQL can apply the update;
        else lock the first match, apply the update, write the changed columns. The updated document."""
        if update and _names_one_object(where):
            async with self._db.use() as conn:
                done, doc = await self._update_in_sql(conn, class_name, schema, where, update)
            if done:
                return doc
        async with self._db.use(atomic=True) as conn:
            docs = await self._matching(conn, class_name, schema, where, FindOptions(limit=1), lock=True)
            if not docs:
                return None
            return (await self._update_docs(conn, class_name, schema, docs, update))[0]

    async def _update_in_sql(self, conn: asyncpg.Connection, class_name: str, schema: ClassSchema | None,
                             where: Where, update: Update) -> tuple[bool, Document | None]:
        """(True, the updated row or None) when one statement could do it; (False, None) otherwise."""
        columns = await self._table_columns(conn, class_name)
        if columns is None:
            return True, None
        fields = self._fields(class_name, schema)
        statement = self._update_statement(class_name, columns, fields, where, update)
        if statement is None:
            return False, None
        try:
            rows = await st.fetch(conn, *statement)
        except asyncpg.UniqueViolationError as error:
            raise st.duplicate(error) from None
        return True, (row_to_doc(rows[0], columns, fields) if rows else None)

    def _update_statement(self, class_name: str, columns: dict[str, str], fields: dict[str, Any], where: Where,
                          update: Update) -> tuple[str, list[Any]] | None:
        """The UPDATE ... RETURNING and its parameters, or None when SQL cannot apply it. The statement
        comes from the statement cache by update shape and where shape (an update by id behind its
        ACL tests is translated once, then only the id and the values change)."""
        shape = update_shape(update, columns)
        if shape is None:
            return None
        sql, where_params, tr = self._statements.statement(
            columns, fields, ("update", class_name, shape), where,
            lambda w: self._update_once(class_name, columns, fields, w, shape, update), repeats=False)
        if tr.residual is not None:
            return None
        return sql, where_params + set_values(shape, update, columns, fields)

    def _update_once(self, class_name: str, columns: dict[str, str], fields: dict[str, Any], where: Where,
                     shape: Shape, update: Update) -> tuple[str, list[Any], Translation]:
        """The statement for one where, the where's parameters (the SET values follow them) and its
        translation (a residual means SQL cannot select the rows)."""
        params = Params()
        tr = translate(where, columns, fields, params, self._unaccent)
        where_params = list(params.values)
        clauses = set_clauses(shape, update, columns, fields, params)
        names = ", ".join(quote_ident(c) for c in columns)
        sql = f"UPDATE {quote_ident(class_name)} SET {', '.join(clauses)} WHERE {tr.sql} RETURNING {names}"
        return sql, where_params, tr

    async def update_many(self, class_name: str, schema: ClassSchema, where: Where, update: Update) -> int:
        """Lock every match and update it; how many matched."""
        async with self._db.use(atomic=True) as conn:
            docs = await self._matching(conn, class_name, schema, where, lock=True)
            if docs:
                await self._update_docs(conn, class_name, schema, docs, update)
            return len(docs)

    async def _update_docs(self, conn: asyncpg.Connection, class_name: str, schema: ClassSchema | None,
                           docs: list[Document], update: Update) -> list[Document]:
        fields = self._fields(class_name, schema)
        columns = await self._table_columns(conn, class_name) or {}
        out = []
        for old in docs:
            new = apply_update(copy.deepcopy(old), update)
            new["objectId"] = old["objectId"]
            changed = {k: new.get(k) for k in set(old) | set(new)
                       if k != "objectId" and ((k in new) != (k in old) or new.get(k) != old.get(k))}
            columns = await self._ensure_columns(conn, class_name, columns, fields, changed)
            names = [k for k in changed if k in columns]
            if names:
                sets = ", ".join(f"{quote_ident(n)} = ${i + 2}::{columns[n]}" for i, n in enumerate(names))
                values = [to_column(columns[n], fields.get(n), changed[n]) if n in new else None for n in names]
                try:
                    await conn.execute(f'UPDATE {quote_ident(class_name)} SET {sets} WHERE "objectId" = $1',
                                       old["objectId"], *values)
                except asyncpg.UniqueViolationError as error:
                    raise st.duplicate(error) from None
            out.append({k: v for k, v in new.items() if v is not None or columns.get(k) == "jsonb"})
        return out

    async def upsert_one(self, class_name: str, schema: ClassSchema, where: Where, update: Update) -> None:
        """Update the first match, or insert the where's equalities plus the update."""
        fields = self._fields(class_name, schema)
        async with self._db.use(atomic=True) as conn:
            docs = await self._matching(conn, class_name, schema, where, FindOptions(limit=1), lock=True)
            if docs:
                await self._update_docs(conn, class_name, schema, docs, update)
                return
            doc = apply_update(seed_from_where(where), update)
            doc.setdefault("objectId", new_object_id())
            columns = await self._ensure_table(conn, class_name, schema)
            columns = await self._ensure_columns(conn, class_name, columns, fields, doc)
            await self._insert(conn, class_name, columns, fields, doc)

    async def delete_many(self, class_name: str, schema: ClassSchema, where: Where) -> int:
        """DELETE with the translated where; how many went."""
        async with self._db.use(atomic=True) as conn:
            columns = await self._table_columns(conn, class_name)
            if columns is None:
                return 0
            params = Params()
            tr = translate(where, columns, self._fields(class_name, schema), params, self._unaccent)
            table = quote_ident(class_name)
            if tr.residual is not None:
                ids = [d["objectId"] for d in await self._matching(conn, class_name, schema, where, lock=True)]
                status = await conn.execute(f'DELETE FROM {table} WHERE "objectId" = ANY($1::text[])', ids)
            else:
                status = await st.execute(conn, f"DELETE FROM {table} WHERE {tr.sql}", params.values)
        return int(status.split()[-1]) if status else 0
