"""Builds the Server and its aiohttp application."""

from __future__ import annotations

import logging

from aiohttp import web

from .config import ServerConfig
from .core.files import upload_rules
from .core.server import Server
from .files import open_files_adapter
from .http.pipeline import Pipeline
from .http.routes import build_router
from .http.routes.sessions import resolve_session
from .storage import open_adapter
from .storage.base import StorageAdapter

log = logging.getLogger("parse_clone")


def build_server(config: ServerConfig, storage: StorageAdapter | None = None) -> Server:
    """A Server for this config (storage from databaseURI unless given)."""
    storage = storage or open_adapter(config.databaseURI, config.collectionPrefix)
    if hasattr(storage, "synchronous") and config.sqliteSynchronous:
        storage.synchronous = config.sqliteSynchronous
    upload_rules(config)  # a bad fileUpload option fails at start, not at the first upload
    return Server(config=config, storage=storage, files=open_files_adapter(config, storage))


def build_app(server: Server) -> web.Application:
    """The aiohttp application serving `server` under its mount path."""
    app = web.Application(client_max_size=server.config.max_body_bytes + 1024 * 1024)
    pipeline = Pipeline(server, build_router())
    server.extras["pipeline"] = pipeline
    server.extras.setdefault("session_resolver", resolve_session)
    mount = server.config.mount
    app.router.add_route("*", mount + "/{tail:.*}" if mount else "/{tail:.*}", pipeline.handle)
    if mount:
        app.router.add_route("*", mount, pipeline.handle)

    async def on_startup(_: web.Application) -> None:
        await server.start()

    async def on_cleanup(_: web.Application) -> None:
        await server.stop()

    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    return app
