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


class BusSync:
    """Messages between the processes of one app on a bus channel, each tagged with its sender so that
    a process ignores its own; while one is applied, the changes it causes are not published back."""

    def __init__(self, bus: PubSub, channel_name: str) -> None:
        self.bus = bus
        self.channel = channel_name
        self.origin = uuid.uuid4().hex
        self._applying = False
        bus.subscribe(self.channel, self._changed_elsewhere)

    def publish(self, message: dict) -> None:
        """Tell the other processes (unless this change is one of theirs being applied)."""
        if not self._applying:
            self.bus.publish(self.channel, orjson.dumps({**message, "origin": self.origin}))

    def _changed_elsewhere(self, _name: str, payload: bytes) -> None:
        try:
            message = orjson.loads(payload)
        except orjson.JSONDecodeError:
            return
        if not isinstance(message, dict) or message.get("origin") == self.origin:
            return
        self._applying = True
        try:
            self.apply(message)
        finally:
            self._applying = False

    def apply(self, message: dict) -> None:
        """Apply another process's message."""
        raise NotImplementedError


class SchemaSync(BusSync):
    """Publishes this instance's schema changes and applies the other instances' ones."""

    def __init__(self, server: "Server", bus: PubSub, app_id: str) -> None:
        super().__init__(bus, channel(app_id, SCHEMA_CHANGE))
        self.server = server
        server.schema.listeners.append(lambda class_name: self.publish({"className": class_name}))

    def apply(self, message: dict) -> None:
        """Drop the schema cache (of one class, when named)."""
        self.server.schema.invalidate(message.get("className"))
