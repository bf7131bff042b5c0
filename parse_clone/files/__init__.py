"""Files adapters behind one contract (see base.py): GridFS with MongoDB, a local directory with SQLite."""

from __future__ import annotations

import os

from ..config import ServerConfig
from ..storage.base import StorageAdapter
from .base import FilesAdapter

DEFAULT_DIRECTORY = os.path.join(".", "data", "files")


def open_files_adapter(config: ServerConfig, storage: StorageAdapter) -> FilesAdapter:
    """The adapter `filesAdapter` names; by default GridFS beside MongoDB objects, else a local directory."""
    from ..storage.mongo import MongoAdapter

    kind = config.filesAdapter or ("gridfs" if isinstance(storage, MongoAdapter) else "local")
    if kind == "gridfs":
        if not isinstance(storage, MongoAdapter):
            raise ValueError("filesAdapter gridfs needs a mongodb:// databaseURI")
        from .gridfs import GridFSAdapter

        return GridFSAdapter(lambda: storage.database)
    if kind == "local":
        from .local import LocalFilesAdapter

        return LocalFilesAdapter(config.filesDirectory or default_directory(storage))
    raise ValueError(f"unknown filesAdapter: {kind!r} (use gridfs or local)")


def default_directory(storage: StorageAdapter) -> str:
    """files/ beside the SQLite database file (./data/files for the default databaseURI)."""
    path = getattr(storage, "path", None)
    if isinstance(path, str) and path != ":memory:" and not path.startswith("file:"):
        return os.path.join(os.path.dirname(os.path.abspath(path)), "files")
    return DEFAULT_DIRECTORY
