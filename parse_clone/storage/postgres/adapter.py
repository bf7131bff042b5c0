"""PostgresAdapter: the storage contract on PostgreSQL, in Parse Server's table layout.

A database Parse Server wrote is served as it is and Parse Server reads what this writes:
one table per class with typed columns, the `_SCHEMA` table, `_Join:<field>:<class>`
tables, Parse Server's unique index names. Queries are translated to SQL (where.py);
updates read the matched rows `FOR UPDATE`, apply the operators, and write the changed
columns back in the same transaction.
"""

from __future__ import annotations

import asyncio
import copy
from contextlib import AbstractAsyncContextManager
from typing import Any, Callable

import orjson

import asyncpg

from ...errors import ParseError
from ...language import matcher
from ...language.values import new_object_id
from ..base import (
    AUTH_PROVIDER_NAME,
    ClassSchema,
    Document,
    DuplicateValueError,
    FieldType,
    FindOptions,
    StorageAdapter,
    Update,
    Where,
)
from ..sqlite.aggregate import run_pipeline
from ..sqlite.updates import apply_update, seed_from_where
from . import indexes as idx
from . import statements as st
from .connection import Connections
from .insert_group import InsertGroup, ParkedInsert
from .names import (
    CONFIG_CLASS,
    SCHEMA_TABLE,
    index_name,
    join_table,
    mongo_index_name,
    pg_type_for,
    quote_ident,
    unique_index_name,
)
from .schema_hooks import SchemaHooks
from .statement_cache import StatementCache
from .schema import from_pg_schema, relation_fields, table_columns, to_pg_schema
from .updates import set_clauses
from .values import from_column, row_decoder, row_to_doc, to_column
from .where import Params, Translation, non_null_keys, order_by, translate

_CREATE_SCHEMA = (f'CREATE TABLE IF NOT EXISTS {SCHEMA_TABLE} ("className" varChar(120), "schema" jsonb, '
                  '"isParseClass" bool, PRIMARY KEY ("className"))')
_CREATE_CONFIG = (f'CREATE TABLE IF NOT EXISTS {quote_ident(CONFIG_CLASS)} ("objectId" text, "params" jsonb, '
                  '"masterKeyOnly" jsonb, PRIMARY KEY ("objectId"))')
_JOIN_COLUMNS = '("relatedId" varChar(120), "owningId" varChar(120), PRIMARY KEY("relatedId", "owningId"))'
# Built-in pointer and file fields, for schemas handed in without core's default fields.
_BUILTIN_FIELDS: dict[str, dict[str, Any]] = {
    "_Session": {"user": {"type": "Pointer", "targetClass": "_User"}},
    "_Product": {"download": {"type": "File"}, "icon": {"type": "File"}},
}


class PostgresAdapter(StorageAdapter):
    """The storage contract on PostgreSQL (asyncpg pool), laid out as Parse Server's PostgresStorageAdapter."""

    def __init__(self, uri: str, max_pool_size: int | None = None, schema_hooks: bool = False) -> None:
        """`schema_hooks` (databaseOptions.enableSchemaHooks): LISTEN/NOTIFY schema changes (schema_hooks.py)."""
        self.uri = uri
        self._db = Connections(uri, max_pool_size)
        self._hooks = SchemaHooks(self._db.dsn, self._db.connect_options()) if schema_hooks else None
        self._columns: dict[str, dict[str, str]] = {}  # class -> column -> PostgreSQL type
        self._joins: set[str] = set()
        self._statements = StatementCache()  # translated SELECTs and counts by query shape
        self._unaccent: str | None = None  # schema-qualified unaccent(), for diacritic-insensitive $text

    # ----- lifecycle -----
    async def connect(self) -> None:
        """Open the pool and create `_SCHEMA` if missing."""
        await self._db.open()
        async with self._db.use() as conn:
            await st.create_ignoring_races(conn, _CREATE_SCHEMA)
            self._unaccent = await st.find_unaccent(conn)

    async def close(self) -> None:
        """Close the pool (and the schema hooks' connection)."""
        if self._hooks is not None:
            await self._hooks.close()
        await self._db.close()
        self._forget()

    async def watch_schema(self, on_change: Callable[[], None]) -> bool:
        """With databaseOptions.enableSchemaHooks: LISTEN for other processes' schema changes."""
        if self._hooks is None:
            return False

        def changed_elsewhere() -> None:
            self._forget()
            on_change()

        await self._hooks.listen(changed_elsewhere)
        return True

    async def _schema_changed(self, conn: asyncpg.Connection) -> None:
        if self._hooks is not None:
            await self._hooks.notify(conn)

    def transaction(self) -> AbstractAsyncContextManager[None]:
        """``async with adapter.transaction():`` one PostgreSQL transaction for the enclosed calls."""
        return _ForgetOnRollback(self, self._db.transaction())

    def write_group(self) -> AbstractAsyncContextManager[InsertGroup | None]:
        """A run of independent writes (a /batch) on one pinned connection; each commits on its own,
        and creates that may wait are written together (insert_group.py)."""
        return self._db.session(self._insert_rows, self._insert_parked)

    def _forget(self) -> None:
        self._columns.clear()
        self._joins.clear()
        self._statements.clear()

    # ----- tables and columns -----
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

    # ----- schema store -----
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
            await conn.execute(_CREATE_SCHEMA)
            await self._schema_changed(conn)
        self._forget()

    # ----- objects -----
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
            await conn.execute(_insert_sql(class_name, columns, names, 1), *values)
        except asyncpg.UniqueViolationError as error:
            raise st.duplicate(error) from None

    async def _insert_parked(self, conn: asyncpg.Connection, item: ParkedInsert) -> None:
        await self._insert(conn, item.class_name, item.columns, item.fields, item.doc)

    @staticmethod
    async def _insert_rows(conn: asyncpg.Connection, run: list[ParkedInsert]) -> None:
        """One INSERT of several parked rows (same table, same columns)."""
        first = run[0]
        sql = _insert_sql(first.class_name, first.columns, first.names, len(run))
        await conn.execute(sql, *[v for item in run for v in item.values])

    def _select(self, class_name: str, columns: dict[str, str], fields: dict[str, Any], where: Where,
                options: FindOptions | None = None, lock: bool = False,
                want_score: bool = False) -> tuple[str, list[Any], Translation]:
        """The SELECT for a where, from the statement cache when a where of its shape was seen."""
        if want_score:
            return self._select_once(class_name, columns, fields, where, options, lock, want_score)
        # Everything _select_once reads besides the where and the table shape.
        key = ("select", class_name, lock, tuple(options.sort) if options else (),
               options.skip if options else 0, options.limit if options else None)
        return self._statements.statement(
            columns, fields, key, where,
            lambda w: self._select_once(class_name, columns, fields, w, options, lock))

    def _select_once(self, class_name: str, columns: dict[str, str], fields: dict[str, Any], where: Where,
                     options: FindOptions | None = None, lock: bool = False,
                     want_score: bool = False) -> tuple[str, list[Any], Translation]:
        params = Params()
        tr = translate(where, columns, fields, params, self._unaccent)
        order = order_by(options.sort, columns, params, tr, non_null_keys(where)) if options else ""
        score = f', {tr.text_rank} AS "$score"' if want_score and tr.text_rank else ""
        # Named columns, not *: after an ALTER TABLE the statement text changes with them, so no
        # prepared statement cached for the old row shape is reused.
        names = ", ".join(quote_ident(c) for c in columns)
        sql = f"SELECT {names}{score} FROM {quote_ident(class_name)} WHERE {tr.sql} {order}"
        if options and tr.residual is None:
            if options.limit is not None:
                sql += f" LIMIT {int(options.limit)}"
            if options.skip:
                sql += f" OFFSET {int(options.skip)}"
        if lock:
            sql += " FOR UPDATE"
        return sql, params.values, tr

    async def _matching(self, conn: asyncpg.Connection, class_name: str, schema: ClassSchema | None,
                        where: Where, options: FindOptions | None = None, lock: bool = False,
                        want_score: bool = False) -> list[Document]:
        try:
            return await self._matching_once(conn, class_name, schema, where, options, lock, want_score)
        except asyncpg.UndefinedColumnError:  # another instance dropped a column: read the table again
            self._columns.pop(class_name, None)
            return await self._matching_once(conn, class_name, schema, where, options, lock, want_score)

    async def _matching_once(self, conn: asyncpg.Connection, class_name: str, schema: ClassSchema | None,
                             where: Where, options: FindOptions | None, lock: bool,
                             want_score: bool) -> list[Document]:
        columns = await self._table_columns(conn, class_name)
        if columns is None:
            return []
        fields = self._fields(class_name, schema)
        sql, params, tr = self._select(class_name, columns, fields, where, options, lock, want_score)
        text = want_score and tr.text_rank is not None
        rows = await st.fetch(conn, sql, params)
        if not rows:
            return []
        decode = row_decoder(columns, fields, tuple(rows[0].keys()))
        docs = [decode(row) for row in rows]
        if text:
            for doc, row in zip(docs, rows):
                doc["score"] = row["$score"]
        if tr.residual is not None:
            test = matcher.compile_where(tr.residual)
            docs = [d for d in docs if test(d)]
            if options:
                end = None if options.limit is None else options.skip + options.limit
                docs = docs[options.skip:end]
        return docs

    async def find(self, class_name: str, schema: ClassSchema, where: Where, options: FindOptions) -> list[Document]:
        """SELECT with the translated where, ORDER BY, LIMIT and OFFSET."""
        if options.limit == 0:
            return []
        want_score = "$score" in (options.keys or [])
        async with self._db.read(self.max_time_ms) as conn:
            return await self._matching(conn, class_name, schema, where, options, want_score=want_score)

    async def explain(self, class_name: str, schema: ClassSchema, where: Where, options: FindOptions) -> Any:
        """The rows of EXPLAIN (FORMAT JSON) of find's SELECT, as Parse Server answers them: [{"QUERY PLAN": [...]}]."""
        async with self._db.use() as conn:
            columns = await self._table_columns(conn, class_name)
            if columns is None:
                return []
            sql, params, _ = self._select(class_name, columns, self._fields(class_name, schema), where, options)
            plan = await st.fetchval(conn, "EXPLAIN (FORMAT JSON) " + sql, params)
        return [{"QUERY PLAN": orjson.loads(plan) if isinstance(plan, (str, bytes)) else plan}]

    async def count(self, class_name: str, schema: ClassSchema, where: Where) -> int:
        """SELECT count(*) with the translated where."""
        async with self._db.read(self.max_time_ms) as conn:
            columns = await self._table_columns(conn, class_name)
            if columns is None:
                return 0
            fields = self._fields(class_name, schema)
            sql, params, tr = self._statements.statement(
                columns, fields, ("count", class_name), where,
                lambda w: self._count_once(class_name, columns, fields, w))
            if tr.residual is not None:
                return len(await self._matching(conn, class_name, schema, where))
            return int(await st.fetchval(conn, sql, params) or 0)

    def _count_once(self, class_name: str, columns: dict[str, str], fields: dict[str, Any],
                    where: Where) -> tuple[str, list[Any], Translation]:
        params = Params()
        tr = translate(where, columns, fields, params, self._unaccent)
        return f"SELECT count(*) FROM {quote_ident(class_name)} WHERE {tr.sql}", params.values, tr

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
        params = Params()
        tr = translate(where, columns, fields, params, self._unaccent)
        clauses = set_clauses(update, columns, fields, params)
        if tr.residual is not None or clauses is None:
            return False, None
        names = ", ".join(quote_ident(c) for c in columns)
        sql = f"UPDATE {quote_ident(class_name)} SET {', '.join(clauses)} WHERE {tr.sql} RETURNING {names}"
        try:
            rows = await st.fetch(conn, sql, params.values)
        except asyncpg.UniqueViolationError as error:
            raise st.duplicate(error) from None
        return True, (row_to_doc(rows[0], columns, fields) if rows else None)

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

    async def distinct(self, class_name: str, schema: ClassSchema, where: Where, field_name: str) -> list[Any]:
        """SELECT DISTINCT of a column (jsonb arrays contribute their elements), nulls left out;
        dotted fields, and wheres with a residual, are collected from the matching documents."""
        fields = self._fields(class_name, schema)
        async with self._db.use() as conn:
            columns = await self._table_columns(conn, class_name)
            if columns is None:
                return []
            params = Params()
            tr = translate(where, columns, fields, params, self._unaccent)
            if tr.residual is None and "." not in field_name and field_name in columns:
                return await self._distinct_column(conn, class_name, columns, fields, field_name, tr, params)
            docs = await self._matching(conn, class_name, schema, where)
        return st.distinct_values(docs, field_name)

    async def _distinct_column(self, conn: asyncpg.Connection, class_name: str, columns: dict[str, str],
                               fields: dict[str, Any], field_name: str, tr: Translation,
                               params: Params) -> list[Any]:
        col, table = quote_ident(field_name), quote_ident(class_name)
        if columns[field_name] == "jsonb":
            value = (f"jsonb_array_elements(CASE WHEN jsonb_typeof({col}) = 'array' THEN {col} "
                     f"ELSE jsonb_build_array({col}) END)")
            sql = (f"SELECT DISTINCT v FROM (SELECT {value} AS v FROM {table} WHERE ({tr.sql}) "
                   f"AND {col} IS NOT NULL) AS elements WHERE v <> 'null'::jsonb ORDER BY v")
        else:  # in ascending order, as MongoDB's distinct answers an indexed field (not hash order)
            sql = f"SELECT DISTINCT {col} AS v FROM {table} WHERE ({tr.sql}) AND {col} IS NOT NULL ORDER BY v"
        rows = await st.fetch(conn, sql, params.values)
        pg_type = "jsonb" if columns[field_name] == "jsonb" else columns[field_name]
        return [from_column(field_name, pg_type, fields.get(field_name), r["v"]) for r in rows]

    async def aggregate(self, class_name: str, schema: ClassSchema, pipeline: list[dict[str, Any]]) -> list[Document]:
        """A leading `$match` runs as SQL; the other stages as the SQLite adapter runs them."""
        first = pipeline[0] if pipeline else {}
        where: Where = {}
        if isinstance(first, dict) and list(first) == ["$match"] and isinstance(first["$match"], dict):
            where, pipeline = first["$match"], pipeline[1:]
        async with self._db.read(self.max_time_ms) as conn:
            docs = await self._matching(conn, class_name, schema, where)
        return run_pipeline(docs, pipeline)

    # ----- indexes -----
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

    # ----- relations -----
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

    # ----- config -----
    async def get_config(self) -> dict[str, Any]:
        """``{"params", "masterKeyOnly"}`` from the `_GlobalConfig` row "1"."""
        async with self._db.use() as conn:
            rows = await st.fetch(conn, f'SELECT "params", "masterKeyOnly" FROM {quote_ident(CONFIG_CLASS)} '
                                      "WHERE \"objectId\" = '1'", [])
        row = rows[0] if rows else None
        return {"params": (row and row["params"]) or {}, "masterKeyOnly": (row and row["masterKeyOnly"]) or {}}

    async def set_config(self, params: dict[str, Any], master_key_only: dict[str, Any]) -> None:
        """Replace the config row."""
        async with self._db.use() as conn:
            await st.create_ignoring_races(conn, _CREATE_CONFIG)
            await conn.execute(f'INSERT INTO {quote_ident(CONFIG_CLASS)} ("objectId", "params", "masterKeyOnly") '
                               "VALUES ('1', $1, $2) ON CONFLICT (\"objectId\") DO UPDATE SET "
                               '"params" = excluded."params", "masterKeyOnly" = excluded."masterKeyOnly"',
                               params, master_key_only)


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


class _ForgetOnRollback:
    """`transaction()`'s context: a rollback also drops the table caches (created tables are gone)."""

    def __init__(self, adapter: PostgresAdapter, inner: AbstractAsyncContextManager[None]) -> None:
        self._adapter = adapter
        self._inner = inner

    async def __aenter__(self) -> None:
        await self._inner.__aenter__()

    async def __aexit__(self, *exc: Any) -> bool | None:
        try:
            return await self._inner.__aexit__(*exc)
        finally:
            if exc[0] is not None:
                self._adapter._forget()
