"""Builds the Server and its aiohttp application."""

from __future__ import annotations

import logging
import os

from aiohttp import web

from .config import ServerConfig
from .core.auth.account_options import check_account_options
from .core.request_complexity import read_request_complexity
from .core.hooks.runtime import install_cloud, start_cloud, stop_cloud
from .core.files.service import download_rules, upload_rules
from .core.auth.providers import registry_for
from .core.data_api import CoreDataSource
from .core.runtime.server import Server
from .files import open_files_adapter
from .graphql import mount_graphql
from .http.idempotency import compile_paths
from .http.mount_dispatch import dispatch_mount_first
from .http.pipeline import Pipeline
from .http.rate_limit import build_rate_limits
from .http.routes import build_router
from .http.routes.pages import custom_routes
from .http.routes.sessions import resolve_session
from .http.web import add_web_routes
from .livequery import setup_cache_sync, setup_live_query
from .livequery.bus import CLUSTER_RELAY_ENV
from .logs.levels import outcome_levels
from .schema_loader.startup import apply_defined_schemas, install_defined_schemas
from .security_check import log_security_report
from .storage import open_adapter
from .storage.base import StorageAdapter
from .storage.database_options import effective_database_options

log = logging.getLogger("parse_clone")


def build_server(config: ServerConfig, storage: StorageAdapter | None = None) -> Server:
    """A Server for this config (storage from databaseURI unless given)."""
    config.logLevels = outcome_levels(config.logLevels)  # ValueError: an unknown level; defaults filled as Parse's
    storage = storage or open_adapter(config.databaseURI, config.collectionPrefix, effective_database_options(
        config.databaseOptions, config.enableCollationCaseComparison))
    if hasattr(storage, "synchronous") and config.sqliteSynchronous:
        storage.synchronous = config.sqliteSynchronous
    upload_rules(config)  # a bad fileUpload option fails at start, not at the first upload
    download_rules(config)  # likewise fileDownload
    compile_paths(config.idempotencyOptions)  # likewise a bad idempotencyOptions
    complexity = read_request_complexity(config.requestComplexity)  # ValueError naming the bad key
    rate_limits = build_rate_limits(config.rateLimit)  # ValueError with Parse Server's message
    server = Server(config=config, storage=storage, files=open_files_adapter(config, storage),
                    data_source=CoreDataSource)
    server.extras["request_complexity"] = complexity
    server.extras["rate_limits"] = rate_limits
    registry_for(server)  # a bad `auth` option fails at start, not at the first login
    check_account_options(server)  # ValueError: bad emailAdapter, accountLockout, passwordPolicy or pages
    install_defined_schemas(server)  # SchemaFileError: an invalid schema file stops the start, nothing applied
    install_cloud(server, config.cloud)  # CloudLoadError: a broken hook file stops the start
    return server


def build_app(server: Server) -> web.Application:
    """The aiohttp application serving `server` under its mount path."""
    app = web.Application(client_max_size=server.config.max_body_bytes + 1024 * 1024)
    custom_routes(server.config.pages)  # a malformed pages.customRoutes stops the start here
    pipeline = Pipeline(server, build_router())
    server.extras["pipeline"] = pipeline
    server.extras.setdefault("session_resolver", resolve_session)
    mount = server.config.mount
    live = setup_live_query(server)  # WebSocket upgrades go to LiveQuery, on the mount path and elsewhere
    sync_bus = setup_cache_sync(server, live)  # caches coherent across the workers of a cluster
    handle = live.upgrade_first(pipeline.handle) if live else pipeline.handle
    add_web_routes(app, server, live.upgrade_first if live else (lambda h: h))  # /, /playground, /docs
    if server.config.mountGraphQL:
        mount_graphql(app, server, live.server if live else None)  # graphQLPath, before the REST catch-all
    app.router.add_route("*", mount + "/{tail:.*}" if mount else "/{tail:.*}", handle)
    if mount:
        app.router.add_route("*", mount, handle)

    async def on_startup(_: web.Application) -> None:
        await server.start()
        if sync_bus is not None:
            await sync_bus.start()
        if not os.environ.get(CLUSTER_RELAY_ENV):  # a cluster's parent applied them before its workers
            await apply_defined_schemas(server)  # the `schema` option, before any request is served
        await start_cloud(server)
        log_security_report(server.config)  # security.enableCheck + enableCheckLog

    async def on_cleanup(_: web.Application) -> None:
        await stop_cloud(server)
        if server.extras.get("rate_limits") is not None:
            await server.extras["rate_limits"].close()  # its Redis connections
        if sync_bus is not None:
            await sync_bus.close()
        await server.stop()

    app.on_startup.append(on_startup)
    if live:
        live.attach(app, catch_all=bool(mount))
    app.on_cleanup.append(on_cleanup)
    dispatch_mount_first(app, mount, handle)  # the mount path's requests skip aiohttp's URL dispatch
    return app
