"""SQLiteAdapter: the embedded default backend (one file, WAL, one table per class).

Most calls run synchronously on the event-loop thread, over one connection: each is a few
short statements, and a thread hop per call would cost more than the call itself. That covers
every write, schema, index, relation and config call, every read inside `transaction()`, and
finds that pin an objectId (a get by id). Reads that may scan a table (other finds, count,
distinct, aggregate) go to a `ReaderPool` of threads with their own read-only connections, so
one slow query does not stall the loop; a database file only (":memory:" and "file:" URIs keep
the single connection). Writes that read first (find_one_and_update, update_many,
add_field_if_not_exists, ...) run inside `BEGIN IMMEDIATE` so they are atomic with respect to
other connections and processes.
"""

from __future__ import annotations

import os
import re
import sqlite3
import asyncio
import contextvars
import functools
import time
from collections.abc import Callable
from contextlib import asynccontextmanager, contextmanager
from typing import Any, AsyncIterator, Iterator, TypeVar

import orjson

from ...language import matcher
from ...errors import ParseError
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
    project,
)
from .aggregate import run_pipeline
from .canonical import canonical
from .pool import DEFAULT_POOL_SIZE, ReaderPool
from .regex_sql import register_functions
from .time_limit import time_limit
from .names import (
    CONFIG_TABLE,
    INDEX_TABLE,
    INTERNAL_TABLES,
    JOIN_TABLE,
    SCHEMA_TABLE,
    field_type,
    join_class_parts,
    json_path,
    quote_ident,
    sqlite_index_name,
    value_exprs,
)
from .sql_where import SqlFilter, by_id_filter, find_operator, order_by, translate_where
from .updates import apply_update, seed_from_where

T = TypeVar("T")
_SYNCHRONOUS = ("OFF", "NORMAL", "FULL", "EXTRA")
_PLAN_CACHE_SIZE = 1024
_BOUNDED_ROWS = 1000  # an index-ordered find reading at most this many rows (skip + limit) stays on the loop
_INTERNAL_LOWER = {t.lower() for t in INTERNAL_TABLES}
_UNIQUE_INDEX_RE = re.compile(r"index '(.+)'$")
_AUTH_INDEX_PREFIX = "_User_unique_authData_"


def _auth_index(provider: str) -> str:
    return f"{_AUTH_INDEX_PREFIX}{provider}_id"

_CREATE_INTERNAL = (
    f"CREATE TABLE IF NOT EXISTS {SCHEMA_TABLE} (className TEXT PRIMARY KEY, schema TEXT NOT NULL)",
    f"CREATE TABLE IF NOT EXISTS {JOIN_TABLE} (owningClass TEXT NOT NULL, field TEXT NOT NULL, "
    "owningId TEXT NOT NULL, relatedId TEXT NOT NULL, "
    "PRIMARY KEY (owningClass, field, owningId, relatedId)) WITHOUT ROWID",
    f"CREATE INDEX IF NOT EXISTS {JOIN_TABLE}_related ON {JOIN_TABLE} (owningClass, field, relatedId, owningId)",
    f"CREATE TABLE IF NOT EXISTS {INDEX_TABLE} (className TEXT NOT NULL, name TEXT NOT NULL, "
    "spec TEXT NOT NULL, isUnique INTEGER NOT NULL, PRIMARY KEY (className, name)) WITHOUT ROWID",
    f"CREATE TABLE IF NOT EXISTS {CONFIG_TABLE} (id INTEGER PRIMARY KEY CHECK (id = 1), "
    "params TEXT NOT NULL, masterKeyOnly TEXT NOT NULL)",
)


class SQLiteAdapter(StorageAdapter):
    """The storage contract on one SQLite file (":memory:" for throwaway databases)."""

    def __init__(self, path: str, synchronous: str = "NORMAL", busy_timeout_ms: int = 5000,
                 max_pool_size: int | None = None) -> None:
        """`max_pool_size`: reader threads for scanning reads (databaseOptions.maxPoolSize; default 4)."""
        if synchronous.upper() not in _SYNCHRONOUS:
            raise ValueError(f"synchronous must be one of {_SYNCHRONOUS}, not {synchronous!r}")
        if max_pool_size is not None and (isinstance(max_pool_size, bool) or not isinstance(max_pool_size, int)
                                          or max_pool_size < 1):
            raise ValueError(f"maxPoolSize must be a positive whole number, not {max_pool_size!r}")
        self.path = path
        self.max_pool_size = DEFAULT_POOL_SIZE if max_pool_size is None else max_pool_size
        self._pool: ReaderPool | None = None
        self.synchronous = synchronous.upper()
        self.busy_timeout_ms = busy_timeout_ms
        self._conn: sqlite3.Connection | None = None
        self._tx_owner: asyncio.Task[Any] | None = None  # the task inside `transaction()`, if any
        self._tx_lock = asyncio.Lock()
        # True in the transaction's task and in tasks it starts (hooks run under wait_for), which
        # must not wait for the transaction they belong to.
        self._in_tx: contextvars.ContextVar[bool] = contextvars.ContextVar(f"sqlite_tx_{id(self)}", default=False)
        self._tables: set[str] = set()  # class tables known to exist (exact spelling)
        self._by_id_sql: dict[tuple[str, str, int | None], str] = {}  # a get's SELECT, per class, filter and limit
        self._plans: dict[str, bool] = {}  # SELECT text -> SQLite answers it from an index, without a sort
        self.max_time_ms: float | None = None  # databaseOptions.maxTimeMS (time_limit.py)
        self.clock: Callable[[], float] = time.monotonic  # what maxTimeMS is measured with

    # ----- lifecycle -----
    async def connect(self) -> None:
        """Open the database file (creating its folder) in WAL mode and create the internal tables."""
        if self._conn is not None:
            return
        if self.path != ":memory:" and not self.path.startswith("file:"):
            os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                               timeout=self.busy_timeout_ms / 1000, cached_statements=512)
        conn.execute(f"PRAGMA busy_timeout={int(self.busy_timeout_ms)}")
        conn.execute(f"PRAGMA synchronous={self.synchronous}")  # before WAL: the switch itself syncs by it
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA temp_store=MEMORY")
        register_functions(conn)
        self._conn = conn
        with self._write():
            for sql in _CREATE_INTERNAL:
                conn.execute(sql)
        if self.path != ":memory:" and self.path and not self.path.startswith("file:"):
            self._pool = ReaderPool(self.path, self.max_pool_size, self.busy_timeout_ms)
            self._pool.start()

    async def close(self) -> None:
        """Stop and join the reader threads, then close the connection (WAL content stays in the -wal file)."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self._tables.clear()

    @property
    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise ParseError(ParseError.INTERNAL_SERVER_ERROR, "SQLite storage is not connected")
        return self._conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        db = self._db
        if db.in_transaction:  # inside transaction(): nest as a savepoint
            db.execute("SAVEPOINT write_op")
            try:
                yield db
                db.execute("RELEASE write_op")
            except BaseException:
                db.execute("ROLLBACK TO write_op")
                db.execute("RELEASE write_op")
                raise
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            self._tables.clear()  # a rolled-back CREATE TABLE must not stay known
            raise

    @asynccontextmanager
    async def write_group(self) -> AsyncIterator[None]:
        """Independent writes sharing one commit: each keeps its own savepoint, failures stay local."""
        if self._in_tx.get():
            yield  # already inside transaction()
            return
        async with self.transaction():
            yield

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Run the enclosed calls as one SQLite transaction; other tasks' calls wait until it ends."""
        await self._tx_lock.acquire()
        db = self._db
        self._tx_owner = asyncio.current_task()
        token = self._in_tx.set(True)
        db.execute("BEGIN IMMEDIATE")
        try:
            yield
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            self._tables.clear()
            raise
        finally:
            self._in_tx.reset(token)
            self._tx_owner = None
            self._tx_lock.release()

    # ----- class tables -----
    def _has_table(self, class_name: str) -> bool:
        if class_name in self._tables:
            return True
        if class_name.lower() in _INTERNAL_LOWER:
            return False
        # `name = ?` compares exactly, although SQLite resolves table names case-insensitively.
        row = self._db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                               (class_name,)).fetchone()
        if row:
            self._add_perm_columns(class_name)
            self._tables.add(class_name)
        return row is not None

    def _add_perm_columns(self, class_name: str) -> None:
        """Tables made before the rperm/wperm columns existed get them, filled from the documents."""
        table = quote_ident(class_name)
        columns = {r[1] for r in self._db.execute(f"PRAGMA table_info({table})")}
        if "rperm" in columns:
            return
        with self._write() as db:
            for column, key in (("rperm", "_rperm"), ("wperm", "_wperm")):
                db.execute(f"ALTER TABLE {table} ADD COLUMN {column} TEXT")
                kind = f"json_type(doc, '$.{key}')"
                db.execute(f"UPDATE {table} SET {column} = CASE WHEN {kind} IS NULL OR {kind} = 'null' THEN NULL "
                           f"WHEN {kind} = 'array' THEN json_extract(doc, '$.{key}') "
                           f"ELSE json_array(json_extract(doc, '$.{key}')) END")

    def _ensure_table(self, class_name: str) -> None:
        if self._has_table(class_name):
            return
        if class_name.lower().startswith("sqlite_"):
            raise ParseError(ParseError.INVALID_CLASS_NAME, f"Class name {class_name} is reserved by SQLite")
        clash = self._db.execute("SELECT name FROM sqlite_master WHERE name = ? COLLATE NOCASE",
                                 (class_name,)).fetchone()
        if clash:
            raise ParseError(ParseError.INVALID_CLASS_NAME,
                             f"Class {class_name} cannot be stored next to {clash[0]}: SQLite table names "
                             "ignore letter case")
        self._db.execute(f"CREATE TABLE IF NOT EXISTS {quote_ident(class_name)} (objectId TEXT PRIMARY KEY, "
                         "createdAt TEXT, updatedAt TEXT, doc TEXT NOT NULL, rperm TEXT, wperm TEXT)")
        self._tables.add(class_name)

    # ----- schema store -----
    async def get_all_classes(self) -> list[ClassSchema]:
        """Every stored class schema, by className."""
        rows = self._db.execute(f"SELECT schema FROM {SCHEMA_TABLE} ORDER BY className").fetchall()
        return [orjson.loads(r[0]) for r in rows]

    async def get_class(self, class_name: str) -> ClassSchema | None:
        """One stored class schema, or None."""
        return self._read_schema(class_name)

    def _read_schema(self, class_name: str) -> ClassSchema | None:
        row = self._db.execute(f"SELECT schema FROM {SCHEMA_TABLE} WHERE className = ?", (class_name,)).fetchone()
        return orjson.loads(row[0]) if row else None

    def _write_schema(self, class_name: str, schema: ClassSchema) -> None:
        stored = {**schema, "className": class_name}
        self._db.execute(f"INSERT INTO {SCHEMA_TABLE} (className, schema) VALUES (?, ?) "
                         "ON CONFLICT (className) DO UPDATE SET schema = excluded.schema",
                         (class_name, orjson.dumps(stored).decode()))

    async def create_class(self, class_name: str, schema: ClassSchema) -> None:
        """Store a new schema and create the class table; DuplicateValueError if the class exists."""
        with self._write() as db:
            if db.execute(f"SELECT 1 FROM {SCHEMA_TABLE} WHERE className = ?", (class_name,)).fetchone():
                raise DuplicateValueError(["className"])
            self._ensure_table(class_name)
            self._write_schema(class_name, schema)

    async def set_class_schema(self, class_name: str, schema: ClassSchema) -> None:
        """Replace a stored schema whole (creating it if missing)."""
        with self._write():
            self._ensure_table(class_name)
            self._write_schema(class_name, schema)

    async def add_field_if_not_exists(self, class_name: str, field_name: str, field_type: FieldType) -> None:
        """Add one field unless present; the first writer's type wins."""
        with self._write():
            schema = self._read_schema(class_name) or {"className": class_name, "fields": {}}
            fields = schema.setdefault("fields", {})
            if field_name in fields:
                return
            fields[field_name] = dict(field_type)
            self._ensure_table(class_name)
            self._write_schema(class_name, schema)

    async def delete_fields(self, class_name: str, schema: ClassSchema, field_names: list[str]) -> None:
        """Remove fields from the schema, their values from every object, and their relation rows."""
        with self._write() as db:
            stored = self._read_schema(class_name)
            if stored is not None:
                for name in field_names:
                    (stored.get("fields") or {}).pop(name, None)
                self._write_schema(class_name, stored)
            paths = [p for p in (json_path(n) for n in field_names) if p]
            if paths and self._has_table(class_name):
                removes = ", ".join(f"'{p}'" for p in paths)
                present = " OR ".join(f"json_type(doc, '{p}') IS NOT NULL" for p in paths)
                db.execute(f"UPDATE {quote_ident(class_name)} SET doc = json_remove(doc, {removes}) WHERE {present}")
            db.execute(f"DELETE FROM {JOIN_TABLE} WHERE owningClass = ? AND field IN "
                       "(SELECT value FROM json_each(?))", (class_name, orjson.dumps(field_names).decode()))

    async def delete_class(self, class_name: str) -> None:
        """Drop the class table, its indexes, its relation rows and its schema; `_Join:f:C` drops C.f's rows."""
        with self._write() as db:
            join = join_class_parts(class_name)
            if join:
                db.execute(f"DELETE FROM {JOIN_TABLE} WHERE owningClass = ? AND field = ?", join)
            if self._has_table(class_name):
                db.execute(f"DROP TABLE {quote_ident(class_name)}")
            db.execute(f"DELETE FROM {INDEX_TABLE} WHERE className = ?", (class_name,))
            db.execute(f"DELETE FROM {JOIN_TABLE} WHERE owningClass = ?", (class_name,))
            db.execute(f"DELETE FROM {SCHEMA_TABLE} WHERE className = ?", (class_name,))
        self._tables.discard(class_name)
        self._plans.clear()

    async def delete_all_classes(self) -> None:
        """Drop every class table and empty the schema, relation, index and config tables."""
        with self._write() as db:
            names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            for name in names:
                if name.lower() not in _INTERNAL_LOWER and not name.startswith("sqlite_"):
                    db.execute(f"DROP TABLE {quote_ident(name)}")
            for table in INTERNAL_TABLES:
                db.execute(f"DELETE FROM {table}")
        self._tables.clear()
        self._plans.clear()

    # ----- objects -----
    async def create_object(self, class_name: str, schema: ClassSchema, doc: Document, *,
                            may_wait: bool = False) -> None:
        """Insert one document (a single statement: atomic without an explicit transaction)."""
        sql = (f"INSERT INTO {quote_ident(class_name)} (objectId, createdAt, updatedAt, doc, rperm, wperm) "
               "VALUES (?, ?, ?, ?, ?, ?)")
        row = _row(doc)
        self._ensure_table(class_name)
        try:
            try:
                self._db.execute(sql, row)
            except sqlite3.OperationalError as e:
                if not _is_missing_table(e):
                    raise
                self._tables.discard(class_name)  # dropped by another connection: make it again
                self._ensure_table(class_name)
                self._db.execute(sql, row)
        except sqlite3.IntegrityError as e:
            raise self._duplicate(class_name, e) from None

    def _reader(self, class_name: str, where: Where | None = None) -> ReaderPool | None:
        """The pool a read goes to, or None to run it here: no pool, inside a transaction (which
        must see its own writes), an objectId lookup (cheap), or no table (nothing to read)."""
        pool = self._pool
        if pool is None or self._in_tx.get() or (where is not None and _pins_object_id(where)):
            return None
        return pool if self._has_table(class_name) else None

    def _index_only(self, sql: str, params: list[Any]) -> bool:
        """True when SQLite's plan for `sql` searches an index (no table scan, no sort of the matches):
        then the work is bounded by what it returns, and cheaper here than a hop to a reader."""
        known = self._plans.get(sql)
        if known is None:
            try:
                lines = [r[3] for r in self._db.execute("EXPLAIN QUERY PLAN " + sql, params)]
            except sqlite3.Error:
                lines = ["SCAN"]
            known = not any(line.startswith("USE TEMP B-TREE")
                            or (line.startswith("SCAN ") and "VIRTUAL TABLE" not in line) for line in lines)
            if len(self._plans) >= _PLAN_CACHE_SIZE:
                self._plans.clear()
            self._plans[sql] = known
        return known

    def _bounded_find(self, class_name: str, schema: ClassSchema, where: Where, options: FindOptions) -> bool:
        """A find SQLite answers from an index, in index order, stopping after skip + limit rows."""
        if options.limit is None or options.skip + options.limit > _BOUNDED_ROWS or options.sort and any(
                k == "$score" for k, _ in options.sort):
            return False
        fields = _fields(schema)
        flt = translate_where(where, fields)
        order = order_by(options.sort, fields)
        if flt.residual is not None or order is None or find_operator(where, "$nearSphere"):
            return False
        return self._index_only(*self._select_sql(class_name, flt, order, options.limit, options.skip))

    async def find(self, class_name: str, schema: ClassSchema, where: Where, options: FindOptions) -> list[Document]:
        """Matching documents, ordered, skipped and limited."""
        by_id = by_id_filter(where)
        if by_id is not None and options.fields is None and not options.sort and not options.skip:
            # A get: one primary-key lookup, here (no reader hop), whole documents, nothing to sort.
            return self._limited(None, lambda: self._by_id(class_name, by_id, options.limit))
        pool = self._reader(class_name, where)
        if pool is None or options.limit == 0 or self._bounded_find(class_name, schema, where, options):
            return self._limited(None, lambda: self._find(class_name, schema, where, options))
        return await pool.run(lambda db: self._limited(db, lambda: self._find(class_name, schema, where, options, db)))

    def _limited(self, db: sqlite3.Connection | None, job: Callable[[], T]) -> T:
        """`job` (a read on `db`, None: the loop's connection) under databaseOptions.maxTimeMS."""
        if not self.max_time_ms:
            return job()
        with time_limit(db or self._db, self.max_time_ms, self.clock):
            return job()

    def _find(self, class_name: str, schema: ClassSchema | None, where: Where, options: FindOptions,
              db: sqlite3.Connection | None = None) -> list[Document]:
        """`db`: a reader connection (the table known to exist); None: the loop's connection."""
        if options.limit == 0:
            return []
        fields = _fields(schema)
        flt = translate_where(where, fields)
        near = find_operator(where, "$nearSphere")
        order = None if near and not options.sort else order_by(options.sort, fields)
        wants_score = "$score" in (options.keys or []) and find_operator(where, "$text")
        # SQL reads only the projected fields when nothing in Python (filter, sort, text score) needs more,
        # and when the projection leaves out a field: one JSON text decoded whole is cheaper than each
        # field extracted and decoded apart.
        read = _projection_columns(options.fields) if order is not None and not wants_score and \
            _omits_a_field(options.fields, fields) else None
        if order is not None:
            docs = list(self._matching(class_name, flt, order, options.limit, options.skip, db, read))
        else:
            docs = _sort(list(self._matching(class_name, flt, db=db)), options.sort, near, where)
            end = None if options.limit is None else options.skip + options.limit
            docs = docs[options.skip:end]
        if wants_score:
            score = matcher.compile_text_score(where)  # as Parse Server: only when keys ask for it
            for doc in docs:
                doc["score"] = score(doc)
        if options.fields is not None and (read is None or flt.residual is not None):
            keep = options.fields | {"score"} if wants_score else options.fields
            docs = [project(d, keep) for d in docs]
        return docs

    def _by_id(self, class_name: str, flt: SqlFilter, limit: int | None) -> list[Document]:
        """`_matching` for a filter without residual (by_id_filter's), whole documents, unsorted."""
        if not self._has_table(class_name):
            return []
        key = (class_name, flt.sql, limit)
        sql = self._by_id_sql.get(key)
        if sql is None:
            if len(self._by_id_sql) >= 1024:
                self._by_id_sql.clear()
            sql = self._by_id_sql[key] = self._select_sql(class_name, flt, "", limit)[0]
        params = flt.params if limit is None else [*flt.params, limit, 0]
        return list(map(_doc, self._execute_read(class_name, sql, params)))

    def _select_sql(self, class_name: str, flt: SqlFilter, order: str = "", limit: int | None = None,
                    skip: int = 0, read: Projection | None = None) -> tuple[str, list[Any]]:
        body = "doc" if read is None else read.sql
        sql = f"SELECT objectId, createdAt, updatedAt, {body} FROM {quote_ident(class_name)} WHERE {flt.sql} {order}"
        if limit is None and not skip:
            return sql, flt.params
        return sql + " LIMIT ? OFFSET ?", [*flt.params, -1 if limit is None else limit, skip]

    def _matching(self, class_name: str, flt: SqlFilter, order: str = "", limit: int | None = None,
                  skip: int = 0, db: sqlite3.Connection | None = None,
                  read: Projection | None = None) -> Iterator[Document]:
        """Documents passing the SQL filter and then the residual, in `order`, skipped and limited.

        `db`: a reader connection, the table known to exist; None: the loop's connection. `read`: the
        fields to select (whole documents when the residual must see more)."""
        if db is None and not self._has_table(class_name):
            return
        if flt.residual is None:
            sql, params = self._select_sql(class_name, flt, order, limit, skip, read)
            decode = _doc if read is None else read.doc
            yield from map(decode, self._execute_read(class_name, sql, params, db))
            return
        if limit is not None and limit <= 0:
            return
        sql, params = self._select_sql(class_name, flt, order)
        matches = matcher.compile_where(flt.residual)
        rows = self._execute_read(class_name, sql, params, db)
        try:
            for row in rows:
                doc = _doc(row)
                if not matches(doc):
                    continue
                if skip:
                    skip -= 1
                    continue
                yield doc
                if limit is not None:
                    limit -= 1
                    if limit == 0:
                        return
        finally:
            if isinstance(rows, sqlite3.Cursor):
                rows.close()  # an unfinished SELECT would keep its read transaction (and WAL snapshot) open

    def _first(self, class_name: str, flt: SqlFilter) -> Document | None:
        """The first match, its SELECT finished before the caller writes on the same connection."""
        found = self._matching(class_name, flt, limit=1)
        try:
            return next(found, None)
        finally:
            found.close()

    def _execute_read(self, class_name: str, sql: str, params: list[Any],
                      db: sqlite3.Connection | None = None) -> Iterator[Any]:
        try:
            return (db or self._db).execute(sql, params)
        except sqlite3.OperationalError as e:
            if not _is_missing_table(e):
                raise
            self._tables.discard(class_name)  # dropped by another connection
            return iter(())

    def explain_find(self, class_name: str, schema: ClassSchema | None, where: Where,
                     options: FindOptions | None = None) -> list[str]:
        """EXPLAIN QUERY PLAN lines of the SQL `find` runs (SQLite only; for tests and tuning)."""
        return [r[3] for r in self._find_plan(class_name, schema, where, options or FindOptions())]

    def _find_plan(self, class_name: str, schema: ClassSchema | None, where: Where,
                   options: FindOptions) -> list[Any]:
        fields = _fields(schema)
        flt = translate_where(where, fields)
        order = order_by(options.sort, fields)
        pushed = order is not None and flt.residual is None
        sql, params = self._select_sql(class_name, flt, order or "", *(
            (options.limit, options.skip) if pushed else (None, 0)))
        return self._db.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()

    async def explain(self, class_name: str, schema: ClassSchema, where: Where, options: FindOptions) -> Any:
        """EXPLAIN QUERY PLAN rows of find's SELECT: [{"id", "parent", "detail"}] (empty without a table)."""
        if not self._has_table(class_name):
            return []
        return [{"id": r[0], "parent": r[1], "detail": r[3]} for r in self._find_plan(class_name, schema, where, options)]

    def explain_count(self, class_name: str, schema: ClassSchema | None, where: Where) -> list[str]:
        """EXPLAIN QUERY PLAN lines of the SQL `count` runs (SQLite only; for tests and tuning)."""
        flt = translate_where(where, _fields(schema))
        sql = f"SELECT COUNT(*) FROM {quote_ident(class_name)} WHERE {flt.sql}"
        return [r[3] for r in self._db.execute("EXPLAIN QUERY PLAN " + sql, flt.params)]

    async def count(self, class_name: str, schema: ClassSchema, where: Where) -> int:
        """How many documents match."""
        pool = self._reader(class_name, where)
        if pool is None or self._index_count(class_name, schema, where):
            return self._limited(None, lambda: self._count(class_name, schema, where))
        return await pool.run(lambda db: self._limited(db, lambda: self._count(class_name, schema, where, db)))

    def _index_count(self, class_name: str, schema: ClassSchema, where: Where) -> bool:
        """A count SQLite answers by searching an index (its cost is the matches' index entries, in C)."""
        flt = translate_where(where, _fields(schema))
        if flt.residual is not None:
            return False
        return self._index_only(f"SELECT COUNT(*) FROM {quote_ident(class_name)} WHERE {flt.sql}", flt.params)

    def _count(self, class_name: str, schema: ClassSchema, where: Where, db: sqlite3.Connection | None = None) -> int:
        flt = translate_where(where, _fields(schema))
        if flt.residual is not None or (db is None and not self._has_table(class_name)):
            return sum(1 for _ in self._matching(class_name, flt, db=db))
        sql = f"SELECT COUNT(*) FROM {quote_ident(class_name)} WHERE {flt.sql}"
        row = next(iter(self._execute_read(class_name, sql, flt.params, db)), None)
        return row[0] if row else 0

    async def find_one_and_update(self, class_name: str, schema: ClassSchema, where: Where,
                                  update: Update) -> Document | None:
        """Read, apply the update ops and write back in one IMMEDIATE transaction."""
        flt = translate_where(where, _fields(schema))
        with self._write():
            doc = self._first(class_name, flt)
            if doc is not None:
                self._update_docs(class_name, [doc], update)
        return doc

    async def update_many(self, class_name: str, schema: ClassSchema, where: Where, update: Update) -> int:
        """Apply `update` to every match in one transaction; how many matched."""
        flt = translate_where(where, _fields(schema))
        with self._write():
            docs = list(self._matching(class_name, flt))
            self._update_docs(class_name, docs, update)
        return len(docs)

    def _update_docs(self, class_name: str, docs: list[Document], update: Update) -> None:
        rows = []
        for doc in docs:
            object_id = doc["objectId"]
            apply_update(doc, update)
            doc["objectId"] = object_id  # the id is the row's identity, never updated
            _, created, updated, body, rperm, wperm = _row(doc)
            rows.append((created, updated, body, rperm, wperm, object_id))
        try:
            self._db.executemany(f"UPDATE {quote_ident(class_name)} SET createdAt = ?, updatedAt = ?, doc = ?, "
                                 "rperm = ?, wperm = ? WHERE objectId = ?", rows)
        except sqlite3.IntegrityError as e:
            raise self._duplicate(class_name, e) from None

    async def upsert_one(self, class_name: str, schema: ClassSchema, where: Where, update: Update) -> None:
        """Update the first match, or insert the where's equalities plus the update."""
        flt = translate_where(where, _fields(schema))
        with self._write() as db:
            doc = self._first(class_name, flt)
            if doc is not None:
                self._update_docs(class_name, [doc], update)
                return
            doc = apply_update(seed_from_where(where), update)
            doc.setdefault("objectId", new_object_id())
            self._ensure_table(class_name)
            try:
                db.execute(f"INSERT INTO {quote_ident(class_name)} (objectId, createdAt, updatedAt, doc, rperm, "
                           "wperm) VALUES (?, ?, ?, ?, ?, ?)", _row(doc))
            except sqlite3.IntegrityError as e:
                raise self._duplicate(class_name, e) from None

    async def delete_many(self, class_name: str, schema: ClassSchema, where: Where) -> int:
        """Delete every match; how many went."""
        flt = translate_where(where, _fields(schema))
        if not self._has_table(class_name):
            return 0
        table = quote_ident(class_name)
        if flt.residual is None:
            try:
                return self._db.execute(f"DELETE FROM {table} WHERE {flt.sql}", flt.params).rowcount
            except sqlite3.OperationalError as e:
                if not _is_missing_table(e):
                    raise
                self._tables.discard(class_name)
                return 0
        with self._write() as db:
            ids = [d["objectId"] for d in self._matching(class_name, flt)]
            db.execute(f"DELETE FROM {table} WHERE objectId IN (SELECT value FROM json_each(?))",
                       (orjson.dumps(ids).decode(),))
        return len(ids)

    async def distinct(self, class_name: str, schema: ClassSchema, where: Where, field_name: str) -> list[Any]:
        """Distinct values of a field, array elements flattened, in first-seen order."""
        pool = self._reader(class_name)
        if pool is None:
            return self._distinct(class_name, schema, where, field_name)
        return await pool.run(lambda db: self._distinct(class_name, schema, where, field_name, db))

    def _distinct(self, class_name: str, schema: ClassSchema, where: Where, field_name: str,
                  db: sqlite3.Connection | None = None) -> list[Any]:
        seen: set[Any] = set()
        out: list[Any] = []
        for doc in self._find(class_name, schema, where, FindOptions(), db):
            value = matcher.get_path(doc, field_name)
            if value is matcher.MISSING:
                continue
            for v in value if isinstance(value, list) else [value]:
                key = canonical(v)
                if key not in seen:
                    seen.add(key)
                    out.append(v)
        return out

    async def aggregate(self, class_name: str, schema: ClassSchema, pipeline: list[dict[str, Any]]) -> list[Document]:
        """The pipeline in Python; a leading `$match` is pushed down like a find."""
        pool = self._reader(class_name)
        if pool is None:
            return self._limited(None, lambda: self._aggregate(class_name, schema, pipeline))
        return await pool.run(lambda db: self._limited(db, lambda: self._aggregate(class_name, schema, pipeline, db)))

    def _aggregate(self, class_name: str, schema: ClassSchema, pipeline: list[dict[str, Any]],
                   db: sqlite3.Connection | None = None) -> list[Document]:
        first = pipeline[0] if pipeline else {}
        if isinstance(first, dict) and list(first) == ["$match"] and isinstance(first["$match"], dict):
            docs = self._find(class_name, schema, first["$match"], FindOptions(), db)
            pipeline = pipeline[1:]
        else:
            docs = self._find(class_name, schema, {}, FindOptions(), db)
        return run_pipeline(docs, pipeline)

    # ----- indexes -----
    async def ensure_unique(self, class_name: str, schema: ClassSchema, field_names: list[str]) -> None:
        """A UNIQUE expression index named like MongoDB's (`a_1_b_1`); NULL and missing never collide."""
        name = "_".join(f"{f}_1" for f in field_names)
        spec = {f: 1 for f in field_names}
        try:
            self._create_index(class_name, _fields(schema), name, spec, unique=True)
        except sqlite3.IntegrityError:
            raise DuplicateValueError(list(field_names)) from None

    async def ensure_auth_data_unique(self, provider: str) -> None:
        """A partial UNIQUE index on doc's authData.<provider>.id (PostgreSQL's name for it, Parse Server's)."""
        if not AUTH_PROVIDER_NAME.fullmatch(provider):
            raise ValueError(f"not an auth provider name: {provider!r}")
        path = f"$.authData.{provider}.id"
        with self._write():
            self._ensure_table("_User")
            try:
                self._db.execute(f"CREATE UNIQUE INDEX IF NOT EXISTS {quote_ident(_auth_index(provider))} ON "
                                 f"{quote_ident('_User')} (json_extract(doc, '{path}')) WHERE json_extract(doc, '{path}') IS NOT NULL")
            except sqlite3.IntegrityError:
                raise DuplicateValueError([f"_auth_data_{provider}"]) from None

    async def create_index(self, class_name: str, schema: ClassSchema, name: str, spec: dict[str, Any]) -> None:
        """An expression index (with rperm last, so that the ACL filter is answered from the index too);
        "text" and geo keys are recorded only (the matcher evaluates them)."""
        self._create_index(class_name, _fields(schema), name, spec, unique=False)

    def _create_index(self, class_name: str, fields: dict[str, Any], name: str, spec: dict[str, Any],
                      unique: bool) -> None:
        columns = []
        for key, direction in spec.items():
            if isinstance(direction, str):
                continue  # "text", "2d", "2dsphere"
            exprs = value_exprs(key, field_type(fields, key))
            if exprs is None:
                raise ParseError(ParseError.INVALID_QUERY, f"Cannot index field {key} on SQLite")
            columns += [e + (" DESC" if direction < 0 else "") for e in exprs]
        if columns and not unique:
            columns.append("rperm")  # covers the ACL filter: a count on the index never reads the rows
        self._plans.clear()  # a new index changes plans (a call of this process; others' are not seen)
        with self._write() as db:
            self._ensure_table(class_name)
            old = db.execute(f"SELECT spec, isUnique FROM {INDEX_TABLE} WHERE className = ? AND name = ?",
                             (class_name, name)).fetchone()
            if old and orjson.loads(old[0]) == spec and bool(old[1]) == unique:
                return
            index = quote_ident(sqlite_index_name(class_name, name))
            db.execute(f"DROP INDEX IF EXISTS {index}")
            if columns:
                db.execute(f"CREATE {'UNIQUE ' if unique else ''}INDEX {index} ON {quote_ident(class_name)} "
                           f"({', '.join(columns)})")
            db.execute(f"INSERT OR REPLACE INTO {INDEX_TABLE} (className, name, spec, isUnique) VALUES (?, ?, ?, ?)",
                       (class_name, name, orjson.dumps(spec).decode(), int(unique)))

    async def drop_index(self, class_name: str, name: str) -> None:
        """Drop a named index if it exists (`_id_` stays)."""
        self._plans.clear()
        with self._write() as db:
            db.execute(f"DROP INDEX IF EXISTS {quote_ident(sqlite_index_name(class_name, name))}")
            db.execute(f"DELETE FROM {INDEX_TABLE} WHERE className = ? AND name = ?", (class_name, name))

    async def get_indexes(self, class_name: str) -> dict[str, dict[str, Any]]:
        """MongoDB-style specs by name, `_id_` first; {} for a class without a table."""
        if not self._has_table(class_name):
            return {}
        rows = self._db.execute(f"SELECT name, spec FROM {INDEX_TABLE} WHERE className = ?", (class_name,))
        return {"_id_": {"_id": 1}, **{name: orjson.loads(spec) for name, spec in rows}}

    def _duplicate(self, class_name: str, error: sqlite3.IntegrityError) -> Exception:
        """The DuplicateValueError a UNIQUE failure means (other integrity errors pass through)."""
        if error.sqlite_errorname == "SQLITE_CONSTRAINT_PRIMARYKEY":
            return DuplicateValueError(["objectId"])
        if error.sqlite_errorname != "SQLITE_CONSTRAINT_UNIQUE":
            return error
        m = _UNIQUE_INDEX_RE.search(str(error))
        if m and m.group(1).startswith(_AUTH_INDEX_PREFIX):
            return DuplicateValueError(["_auth_data_" + m.group(1)[len(_AUTH_INDEX_PREFIX):-len("_id")]])
        prefix = sqlite_index_name(class_name, "")
        if m and m.group(1).startswith(prefix):
            row = self._db.execute(f"SELECT spec FROM {INDEX_TABLE} WHERE className = ? AND name = ?",
                                   (class_name, m.group(1)[len(prefix):])).fetchone()
            if row:
                return DuplicateValueError(list(orjson.loads(row[0])))
        return DuplicateValueError()

    # ----- relations -----
    async def add_relation(self, owner_class: str, field_name: str, owning_id: str, related_id: str) -> None:
        """One relation row; re-adding is a no-op."""
        self._db.execute(f"INSERT OR IGNORE INTO {JOIN_TABLE} (owningClass, field, owningId, relatedId) "
                         "VALUES (?, ?, ?, ?)", (owner_class, field_name, owning_id, related_id))

    async def remove_relation(self, owner_class: str, field_name: str, owning_id: str, related_id: str) -> None:
        """Remove one relation row if present."""
        self._db.execute(f"DELETE FROM {JOIN_TABLE} WHERE owningClass = ? AND field = ? AND owningId = ? "
                         "AND relatedId = ?", (owner_class, field_name, owning_id, related_id))

    async def related_ids(self, owner_class: str, field_name: str, owning_ids: list[str]) -> list[str]:
        """Ids related to any of the owners (primary-key order)."""
        return self._join_lookup("relatedId", "owningId", owner_class, field_name, owning_ids)

    async def owning_ids(self, owner_class: str, field_name: str, related_ids: list[str]) -> list[str]:
        """Owners whose relation holds any of the ids (served by the reverse index)."""
        return self._join_lookup("owningId", "relatedId", owner_class, field_name, related_ids)

    def _join_lookup(self, want: str, have: str, owner_class: str, field_name: str, ids: list[str]) -> list[str]:
        rows = self._db.execute(
            f"SELECT DISTINCT {want} FROM {JOIN_TABLE} WHERE owningClass = ? AND field = ? "
            f"AND {have} IN (SELECT value FROM json_each(?))",
            (owner_class, field_name, orjson.dumps(ids).decode()))
        return [r[0] for r in rows]

    # ----- config -----
    async def get_config(self) -> dict[str, Any]:
        """{"params", "masterKeyOnly"}, empty when never set."""
        row = self._db.execute(f"SELECT params, masterKeyOnly FROM {CONFIG_TABLE} WHERE id = 1").fetchone()
        if row is None:
            return {"params": {}, "masterKeyOnly": {}}
        return {"params": orjson.loads(row[0]), "masterKeyOnly": orjson.loads(row[1])}

    async def set_config(self, params: dict[str, Any], master_key_only: dict[str, Any]) -> None:
        """Replace the config whole."""
        self._db.execute(f"INSERT OR REPLACE INTO {CONFIG_TABLE} (id, params, masterKeyOnly) VALUES (1, ?, ?)",
                         (orjson.dumps(params).decode(), orjson.dumps(master_key_only).decode()))


# ----- rows and documents -----

def _pins_object_id(where: Where) -> bool:
    """True when the query names its objects by id (`objectId` equal to, or `$in`, given ids), at
    the top or in a top-level `$and`: a primary-key lookup, cheaper than a hop to a reader thread."""
    value = where.get("objectId")
    if isinstance(value, str):
        return True
    if isinstance(value, dict) and len(value) == 1:
        (op, operand), = value.items()
        if (op == "$eq" and isinstance(operand, str)) or (op == "$in" and isinstance(operand, list)):
            return True
    clauses = where.get("$and")
    return isinstance(clauses, list) and any(isinstance(c, dict) and _pins_object_id(c) for c in clauses)


def _is_missing_table(error: sqlite3.OperationalError) -> bool:
    return str(error).startswith("no such table")


def _fields(schema: ClassSchema | None) -> dict[str, Any]:
    return (schema or {}).get("fields") or {}


Row = tuple[str, "str | None", "str | None", str, "str | None", "str | None"]


def _row(doc: Document) -> Row:
    """(objectId, createdAt, updatedAt, JSON of the rest, rperm, wperm).

    The ACL lists are also kept in their own columns (JSON arrays, NULL = public) so that
    the ACL filter every client query carries reads a few bytes instead of parsing `doc`.
    """
    body = {k: v for k, v in doc.items() if k not in ("objectId", "createdAt", "updatedAt")}
    object_id = doc.get("objectId") or new_object_id()
    return (object_id, doc.get("createdAt"), doc.get("updatedAt"), orjson.dumps(body).decode(),
            _perm_column(doc.get("_rperm")), _perm_column(doc.get("_wperm")))


def _perm_column(value: Any) -> str | None:
    if value is None:
        return None
    return orjson.dumps(value if isinstance(value, list) else [value]).decode()


def _doc(row: tuple[str, str | None, str | None, str]) -> Document:
    object_id, created, updated, body = row
    doc: Document = {"objectId": object_id}
    if created is not None:
        doc["createdAt"] = created
    if updated is not None:
        doc["updatedAt"] = updated
    doc.update(orjson.loads(body))
    return doc


class Projection:
    """The SELECT list of a FindOptions.fields projection: one `doc -> path` per field (SQL NULL when
    the document lacks it, the text 'null' for a JSON null), and the document built from such a row."""

    def __init__(self, fields: frozenset[str], paths: list[str]) -> None:
        self.names = ["_rperm", "_wperm", *sorted(fields)]
        self.sql = ", ".join(f"doc -> '{p}'" for p in paths)

    def doc(self, row: tuple[Any, ...]) -> Document:
        object_id, created, updated, *values = row
        doc: Document = {"objectId": object_id}
        if created is not None:
            doc["createdAt"] = created
        if updated is not None:
            doc["updatedAt"] = updated
        for name, value in zip(self.names, values):
            if value is not None:
                doc[name] = orjson.loads(value)
        return doc


def _omits_a_field(projected: frozenset[str] | None, fields: dict[str, Any]) -> bool:
    """Whether a projection leaves out any field of the class (besides those every read answers)."""
    return projected is not None and not fields.keys() - projected <= _ANSWERED


_ANSWERED = frozenset(("objectId", "createdAt", "updatedAt", "ACL"))


@functools.lru_cache(maxsize=256)
def _projection_columns(fields: frozenset[str] | None) -> Projection | None:
    """The SELECT list for `fields`; None (read `doc` whole) for no projection or a name no path can say."""
    if fields is None:
        return None
    paths = [json_path(name) for name in ("_rperm", "_wperm", *sorted(fields))]
    if any(p is None or "'" in p for p in paths):
        return None
    return Projection(fields, paths)  # type: ignore[arg-type]


def _distance(doc: Document, key: str, point: dict[str, Any]) -> float:
    try:
        return matcher.distance_radians(matcher.get_path(doc, key), point)
    except (ValueError, TypeError):  # not a single GeoPoint (an array of them): last
        return float("inf")


def _sort(docs: list[Document], sort: list[tuple[str, int]], near: tuple[str, dict[str, Any]] | None,
          where: Where) -> list[Document]:
    """The matcher's ordering; `$score` by text score; `$nearSphere` by distance when unsorted."""
    if not sort:
        if near is None:
            return docs
        key, constraint = near
        point = constraint["$nearSphere"]
        return sorted(docs, key=lambda d: _distance(d, key, point))
    if all(k != "$score" for k, _ in sort):
        return matcher.sort_documents(docs, sort)
    score = matcher.compile_text_score(where)
    for key, direction in reversed(sort):  # stable sorts, last key first
        if key == "$score":  # MongoDB's textScore sort is always best first
            docs = sorted(docs, key=score, reverse=True)
        else:
            docs = matcher.sort_documents(docs, [(key, direction)])
    return docs


def _after_transactions(method: Any) -> Any:
    """Make a storage call wait while another task holds `transaction()` (they share one connection)."""
    @functools.wraps(method)
    async def wrapper(self: SQLiteAdapter, *args: Any, **kwargs: Any) -> Any:
        if self._tx_owner is not None and not self._in_tx.get():
            async with self._tx_lock:
                pass
        return await method(self, *args, **kwargs)
    return wrapper


for _name, _member in list(vars(SQLiteAdapter).items()):
    if not _name.startswith("_") and _name not in ("connect", "close", "transaction") \
            and asyncio.iscoroutinefunction(_member):
        setattr(SQLiteAdapter, _name, _after_transactions(_member))
