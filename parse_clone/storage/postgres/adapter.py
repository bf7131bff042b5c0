"""PostgresAdapter: the storage contract on PostgreSQL, in Parse Server's table layout.

A database Parse Server wrote is served as it is and Parse Server reads what this writes:
one table per class with typed columns, the `_SCHEMA` table, `_Join:<field>:<class>`
tables, Parse Server's unique index names. Queries are translated to SQL (where.py).

This module holds the lifecycle, transactions and the reads (find, count, distinct, aggregate);
the rest comes from one module per job: tables.py (column maps, DDL a write needs),
schema_store.py (`_SCHEMA`), writes.py (inserts, updates, deletes), index_store.py,
relations.py (`_Join` tables) and global_config.py.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Any, Callable

import orjson

import asyncpg

from ...language import matcher
from ..base import BASE_FIELDS, ClassSchema, Document, FindOptions, StorageAdapter, Where, project
from ..sqlite.aggregate import run_pipeline
from . import statements as st
from .connection import Connections
from .insert_group import InsertGroup
from .names import quote_ident
from .schema_hooks import SchemaHooks
from .statement_cache import StatementCache
from .values import from_column, row_decoder
from .where import Params, Translation, non_null_keys, order_by, translate
from .global_config import GlobalConfigStore
from .index_store import IndexStore
from .relations import RelationStore
from .schema_store import CREATE_SCHEMA, SchemaStore
from .writes import ObjectWrites


class PostgresAdapter(SchemaStore, ObjectWrites, IndexStore, RelationStore, GlobalConfigStore,
                      StorageAdapter):
    """The storage contract on PostgreSQL (asyncpg pool), laid out as Parse Server's PostgresStorageAdapter."""

    def __init__(self, uri: str, max_pool_size: int | None = None, schema_hooks: bool = False) -> None:
        """`schema_hooks` (databaseOptions.enableSchemaHooks): LISTEN/NOTIFY schema changes (schema_hooks.py)."""
        self.uri = uri
        self._db = Connections(uri, max_pool_size)
        self._hooks = SchemaHooks(self._db.dsn, self._db.connect_options()) if schema_hooks else None
        self._columns: dict[str, dict[str, str]] = {}  # class -> column -> PostgreSQL type
        self._joins: set[str] = set()
        self._statements = StatementCache()  # translated SELECTs, counts and UPDATE ... RETURNING by shape
        self._inserts: dict[tuple[Any, ...], tuple[dict[str, str], str]] = {}  # (class, names, rows) -> (columns, sql)
        self._unaccent: str | None = None  # schema-qualified unaccent(), for diacritic-insensitive $text

    # ----- lifecycle -----
    async def connect(self) -> None:
        """Open the pool and create `_SCHEMA` if missing."""
        await self._db.open()
        async with self._db.use() as conn:
            await st.create_ignoring_races(conn, CREATE_SCHEMA)
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
        self._inserts.clear()

    # ----- reads -----
    def _select(self, class_name: str, columns: dict[str, str], fields: dict[str, Any], where: Where,
                options: FindOptions | None = None, lock: bool = False,
                want_score: bool = False) -> tuple[str, list[Any], Translation]:
        """The SELECT for a where, from the statement cache when a where of its shape was seen."""
        if want_score:
            return self._select_once(class_name, columns, fields, where, options, lock, want_score)
        # Everything _select_once reads besides the where and the table shape.
        key = ("select", class_name, lock, tuple(options.sort) if options else (),
               options.skip if options else 0, options.limit if options else None,
               options.fields if options else None)
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
        # prepared statement cached for the old row shape is reused. A projection reads only its
        # columns, unless a residual filter (evaluated here) needs the others.
        wanted = options.fields if options and tr.residual is None else None
        names = ", ".join(quote_ident(c) for c in columns
                          if wanted is None or c in wanted or c in BASE_FIELDS)
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
                if options.fields is not None:
                    docs = [project(d, options.fields | {"score"} if text else options.fields) for d in docs]
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
            columns = self._columns.get(class_name) or await self._table_columns(conn, class_name)
            if columns is None:
                return 0
            fields = self._fields(class_name, schema)
            sql, params, tr = self._statements.statement(
                columns, fields, ("count", class_name), where,
                lambda w: self._count_once(class_name, columns, fields, w))
            if tr.residual is not None:
                return len(await self._matching(conn, class_name, schema, where))
            return int(await st.guarded(conn, conn.fetchval, sql, params, None) or 0)

    def _count_once(self, class_name: str, columns: dict[str, str], fields: dict[str, Any],
                    where: Where) -> tuple[str, list[Any], Translation]:
        params = Params()
        tr = translate(where, columns, fields, params, self._unaccent)
        return f"SELECT count(*) FROM {quote_ident(class_name)} WHERE {tr.sql}", params.values, tr

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
