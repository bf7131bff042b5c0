"""Storage adapters behind one contract (see base.py)."""

from __future__ import annotations

from typing import Any

from .base import StorageAdapter


def open_adapter(database_uri: str, collection_prefix: str = "",
                 database_options: dict[str, Any] | None = None) -> StorageAdapter:
    """The adapter a databaseURI names: mongodb:// or mongodb+srv:// -> MongoDB, postgres:// or
    postgresql:// -> PostgreSQL (databaseOptions.maxPoolSize sizes its pool), sqlite:///path -> SQLite."""
    if database_uri.startswith(("mongodb://", "mongodb+srv://")):
        from .mongo import MongoAdapter

        return MongoAdapter(database_uri, collection_prefix=collection_prefix)
    if database_uri.startswith(("postgres://", "postgresql://")):
        from .postgres import PostgresAdapter

        return PostgresAdapter(database_uri, max_pool_size=(database_options or {}).get("maxPoolSize"))
    if database_uri.startswith("sqlite://"):
        from .sqlite import SQLiteAdapter

        return SQLiteAdapter(_sqlite_path(database_uri))
    raise ValueError(f"unsupported databaseURI: {database_uri!r} (use mongodb://..., postgres://... or sqlite:///path)")


def _sqlite_path(database_uri: str) -> str:
    """sqlite:///./data/x.db -> ./data/x.db; sqlite:////abs/x.db -> /abs/x.db; sqlite://:memory: -> :memory:."""
    rest = database_uri[len("sqlite://"):]
    if rest.startswith("/"):
        rest = rest[1:]
    return rest or ":memory:"
