"""Schema-cache invalidation across instances, over the same Redis bus as LiveQuery.

Each instance caches class schemas; when one instance changes a schema (a new class, a new
field, new CLPs) the others must reload theirs, or they would not know a class another instance
created (e.g. `_Session` after the first login, so session tokens would not resolve there).
The channel `<appId>schemaChange` is parse_clone's own: Parse Server instances sharing the Redis
do not subscribe to it.
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING

import orjson

from .bus import PubSub, channel

if TYPE_CHECKING:
    from ..core.runtime.server import Server

log = logging.getLogger("parse_clone.livequery")

SCHEMA_CHANGE = "schemaChange"


class SchemaSync:
    """Publishes this instance's schema changes and applies the other instances' ones."""

    def __init__(self, server: "Server", bus: PubSub, app_id: str) -> None:
        self.server = server
        self.bus = bus
        self.channel = channel(app_id, SCHEMA_CHANGE)
        self.origin = uuid.uuid4().hex
        self._applying = False
        server.schema.listeners.append(self._changed_here)
        bus.subscribe(self.channel, self._changed_elsewhere)

    def _changed_here(self, class_name: str | None) -> None:
        if not self._applying:
            self.bus.publish(self.channel, orjson.dumps({"className": class_name, "origin": self.origin}))

    def _changed_elsewhere(self, _name: str, payload: bytes) -> None:
        try:
            message = orjson.loads(payload)
        except orjson.JSONDecodeError:
            return
        if not isinstance(message, dict) or message.get("origin") == self.origin:
            return
        self._applying = True  # our own listener must not publish it back
        try:
            self.server.schema.invalidate(message.get("className"))
        finally:
            self._applying = False
