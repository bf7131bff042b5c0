"""PostgreSQL storage in Parse Server's layout: one typed table per class, `_SCHEMA`, `_Join:<field>:<class>`."""

from .adapter import PostgresAdapter

__all__ = ["PostgresAdapter"]
