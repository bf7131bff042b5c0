"""The embedded default backend: one SQLite file, WAL mode, one table per class."""

from __future__ import annotations

from .adapter import SQLiteAdapter

__all__ = ["SQLiteAdapter"]
