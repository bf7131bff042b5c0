"""LiveQuery: Parse's real-time subscriptions over WebSocket, across instances through Redis.

Modules: options (settings), protocol (wire format), bus (in-process / Redis pub/sub),
publisher (writes -> bus), subscriptions (compiled queries), permissions (per-subscriber
checks), hooks (cloud hooks), client (one socket), server (the LiveQuery server),
schema_sync and cache_sync (schema, session and role cache invalidation between instances, over
Redis or the relay between the workers of a `cluster`: relay_bus).

`setup_live_query(server)` builds what the configuration asks for; `build_app` puts its
WebSocket handler in front of the REST pipeline so that an upgrade request on the mount path
(where the SDKs connect: the server URL with ws://) or on any other path is LiveQuery.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Awaitable, Callable

from aiohttp import web

from .bus import CLUSTER_RELAY_ENV, PubSub, open_bus
from .cache_sync import CacheSync
from .hooks import live_query_hooks
from .options import LiveQueryOptions, live_query_options
from .publisher import Publisher
from .relay_bus import RelayBus
from .schema_sync import SchemaSync
from .server import LiveQueryServer

if TYPE_CHECKING:
    from ..core.runtime.server import Server

__all__ = ["LiveQuery", "LiveQueryOptions", "LiveQueryServer", "live_query_hooks", "setup_live_query"]

log = logging.getLogger("parse_clone.livequery")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def is_websocket_upgrade(request: web.Request) -> bool:
    """A GET asking to switch to the WebSocket protocol."""
    return request.method == "GET" and request.headers.get("Upgrade", "").lower() == "websocket"


class LiveQuery:
    """Everything LiveQuery adds to one server: the bus, the publisher, the WebSocket server."""

    def __init__(self, server: "Server", options: LiveQueryOptions, bus: PubSub | None = None) -> None:
        self.options = options
        relay = os.environ.get(CLUSTER_RELAY_ENV)  # a cluster worker without Redis: the parent's relay
        self.bus = bus or (RelayBus(relay) if relay and not options.redis_url else open_bus(options.redis_url))
        self.publisher = Publisher(server, options, self.bus) if options.publishing else None
        if self.publisher is not None:
            self.publisher.install()
        self.server = LiveQueryServer(server, options, self.bus) if options.serve else None
        # With Redis, other instances must also hear about schema changes (see schema_sync.py).
        self.schema_sync = SchemaSync(server, self.bus, options.app_id) if self.bus.distributed else None
        self._port_runner: web.AppRunner | None = None

    def upgrade_first(self, handler: Handler) -> Handler:
        """`handler`, except that WebSocket upgrades go to LiveQuery."""
        if self.server is None:
            return handler
        live = self.server

        async def handle(request: web.Request) -> web.StreamResponse:
            if is_websocket_upgrade(request):
                return await live.handle_websocket(request)
            return await handler(request)

        return handle

    async def handle_any_path(self, request: web.Request) -> web.StreamResponse:
        """LiveQuery on any path; anything else there is not found."""
        if self.server is not None and is_websocket_upgrade(request):
            return await self.server.handle_websocket(request)
        raise web.HTTPNotFound()

    def attach(self, app: web.Application, catch_all: bool) -> None:
        """Register start/stop with the app (and a catch-all route for upgrades on other paths)."""
        if catch_all and self.server is not None:
            app.router.add_route("GET", "/{tail:.*}", self.handle_any_path)
        app.on_startup.append(lambda _app: self.start())
        app.on_shutdown.append(lambda _app: self.stop())

    async def start(self) -> None:
        """Start dispatching, connect the bus, open the extra port if configured."""
        if self.server is not None:
            await self.server.start()
        await self.bus.start()
        if self.server is not None and self.options.port:
            port_app = web.Application()
            port_app.router.add_route("GET", "/{tail:.*}", self.handle_any_path)
            self._port_runner = web.AppRunner(port_app, access_log=None)
            await self._port_runner.setup()
            await web.TCPSite(self._port_runner, self.options.host, self.options.port).start()
            log.info("LiveQuery also listening on port %d", self.options.port)

    async def stop(self) -> None:
        """Close clients, the extra port and the bus."""
        if self.server is not None:
            await self.server.stop()
        if self._port_runner is not None:
            await self._port_runner.cleanup()
            self._port_runner = None
        await self.bus.close()


def setup_cache_sync(server: "Server", live: LiveQuery | None) -> PubSub | None:
    """Keep schema, session, role and GraphQL-config caches coherent across processes: over LiveQuery's
    bus when it is distributed (Redis, or the cluster relay), else over the cluster relay in a `cluster`
    worker. Returns a bus the caller must start and close (None when LiveQuery's bus serves)."""
    if live is not None and live.bus.distributed:
        CacheSync(server, live.bus, live.options.app_id)
        return None
    relay = os.environ.get(CLUSTER_RELAY_ENV)
    if not relay:
        return None
    bus = RelayBus(relay)
    SchemaSync(server, bus, server.config.appId)
    CacheSync(server, bus, server.config.appId)
    return bus


def setup_live_query(server: "Server") -> LiveQuery | None:
    """The LiveQuery parts the server's configuration asks for (None when LiveQuery is off)."""
    options = live_query_options(server.config)
    if options is None:
        return None
    live = LiveQuery(server, options)
    server.extras["livequery"] = live
    return live
