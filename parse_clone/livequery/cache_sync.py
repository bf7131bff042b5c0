"""Session, role and GraphQL-config cache invalidation across processes (the workers of a `cluster`, or
instances sharing LiveQuery's Redis), over the same bus as schema changes (schema_sync.py).

When one process logs a session out, changes a user or a role, or stores a new GraphQL config, the
others drop the same cache entries at once instead of serving them until `cacheTTL` runs out. The
channel `<appId>parseCloneCache` is parse_clone's own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.auth.cache import role_cache, session_cache
from .bus import PubSub, channel
from .schema_sync import BusSync

if TYPE_CHECKING:
    from ..core.runtime.server import Server

CACHE_CHANGE = "parseCloneCache"


class CacheSync(BusSync):
    """Publishes this process's cache drops and applies the others'."""

    def __init__(self, server: "Server", bus: PubSub, app_id: str) -> None:
        super().__init__(bus, channel(app_id, CACHE_CHANGE))
        self.server = server
        session_cache(server).listeners.append(lambda kind, key: self.publish({"kind": kind, "key": key}))
        role_cache(server).listeners.append(lambda: self.publish({"kind": "roles", "key": None}))
        server.extras["graphql_config_listener"] = lambda: self.publish({"kind": "graphqlConfig", "key": None})

    def apply(self, message: dict) -> None:
        """Drop what the other process dropped."""
        kind, key = message.get("kind"), message.get("key")
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
