"""Session, role and GraphQL-config cache invalidation across processes (the workers of a `cluster`, or
instances sharing LiveQuery's Redis), over the same bus as schema changes (schema_sync.py).

When one process logs a session out, changes a user or a role, or stores a new GraphQL config, the
others drop the same cache entries at once instead of serving them until `cacheTTL` runs out. The
channel `<appId>parseCloneCache` is parse_clone's own.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import orjson

from ..core.auth.cache import role_cache, session_cache
from .bus import PubSub, channel

if TYPE_CHECKING:
    from ..core.runtime.server import Server

CACHE_CHANGE = "parseCloneCache"


class CacheSync:
    """Publishes this process's cache drops and applies the others'."""

    def __init__(self, server: "Server", bus: PubSub, app_id: str) -> None:
        self.server = server
        self.bus = bus
        self.channel = channel(app_id, CACHE_CHANGE)
        self.origin = uuid.uuid4().hex
        self._applying = False
        session_cache(server).listeners.append(lambda kind, key: self._publish(kind, key))
        role_cache(server).listeners.append(lambda: self._publish("roles", None))
        server.extras["graphql_config_listener"] = lambda: self._publish("graphqlConfig", None)
        bus.subscribe(self.channel, self._changed_elsewhere)

    def _publish(self, kind: str, key: str | None) -> None:
        if not self._applying:
            self.bus.publish(self.channel, orjson.dumps({"kind": kind, "key": key, "origin": self.origin}))

    def _changed_elsewhere(self, _name: str, payload: bytes) -> None:
        try:
            message: Any = orjson.loads(payload)
        except orjson.JSONDecodeError:
            return
        if not isinstance(message, dict) or message.get("origin") == self.origin:
            return
        self._applying = True  # our own listeners must not publish it back
        try:
            self._apply(message.get("kind"), message.get("key"))
        finally:
            self._applying = False

    def _apply(self, kind: Any, key: Any) -> None:
        sessions = session_cache(self.server)
        if kind == "token" and isinstance(key, str):
            sessions.drop_token(key)
        elif kind == "user" and isinstance(key, str):
            sessions.drop_user(key)
        elif kind == "all":
            sessions.clear()
        elif kind == "roles":
            role_cache(self.server).clear()
        elif kind == "graphqlConfig":
            store = self.server.extras.get("graphql_config")
            if store is not None:
                store.forget()
