"""Storage adapters behind one contract (see base.py)."""

from __future__ import annotations

from typing import Any

from .base import StorageAdapter
from .database_options import max_time_ms, mongo_client_options, warn_foreign_options, warn_schema_hooks


def open_adapter(database_uri: str, collection_prefix: str = "",
                 database_options: dict[str, Any] | None = None) -> StorageAdapter:
    """The adapter a databaseURI names: mongodb:// or mongodb+srv:// -> MongoDB, postgres:// or
    postgresql:// -> PostgreSQL, sqlite:///path -> SQLite.

    `database_options` is Parse Server's databaseOptions; its maxPoolSize sizes the MongoDB driver's
    connection pool, PostgreSQL's or SQLite's reader threads; the MongoDB driver's own options go to
    the driver (database_options.py); its maxTimeMS limits each find, count and aggregate.
    ValueError: a maxPoolSize that is not a positive integer, a maxTimeMS that is not a number >= 0.
    """
    adapter = _open(database_uri, collection_prefix, database_options)
    adapter.max_time_ms = max_time_ms((database_options or {}).get("maxTimeMS"))
    return adapter


def _open(database_uri: str, collection_prefix: str, database_options: dict[str, Any] | None) -> StorageAdapter:
    pool_size = _pool_size((database_options or {}).get("maxPoolSize"))
    if database_uri.startswith(("mongodb://", "mongodb+srv://")):
        from .mongo import MongoAdapter

        warn_schema_hooks(database_options, "MongoDB")
        return MongoAdapter(database_uri, collection_prefix=collection_prefix, max_pool_size=pool_size,
                            client_options=mongo_client_options(database_options), database_options=database_options)
    if database_uri.startswith(("postgres://", "postgresql://")):
        from .postgres import PostgresAdapter

        warn_foreign_options(database_options, "PostgreSQL")
        return PostgresAdapter(database_uri, max_pool_size=pool_size,
                               schema_hooks=bool((database_options or {}).get("enableSchemaHooks")))
    if database_uri.startswith("sqlite://"):
        from .sqlite import SQLiteAdapter

        warn_foreign_options(database_options, "SQLite")
        warn_schema_hooks(database_options, "SQLite")
        return SQLiteAdapter(_sqlite_path(database_uri), max_pool_size=pool_size)
    raise ValueError(f"unsupported databaseURI: {database_uri!r} (use mongodb://... or sqlite:///path)")


def _sqlite_path(database_uri: str) -> str:
    """sqlite:///./data/x.db -> ./data/x.db; sqlite:////abs/x.db -> /abs/x.db; sqlite://:memory: -> :memory:."""
    rest = database_uri[len("sqlite://"):]
    if rest.startswith("/"):
        rest = rest[1:]
    return rest or ":memory:"


def _pool_size(value: Any) -> int | None:
    """databaseOptions.maxPoolSize as an int (None when unset)."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"databaseOptions.maxPoolSize must be a positive integer, not {value!r}")
    return value
