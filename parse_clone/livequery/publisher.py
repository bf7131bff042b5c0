"""Turns committed writes into Parse Server's LiveQuery messages on the bus.

Listens to `server.events` for the classes in `liveQuery.classNames`:

- create/update -> `<appId>afterSave` `{"currentParseObject", "originalParseObject"?, "classLevelPermissions"?}`
- delete        -> `<appId>afterDelete` `{"currentParseObject", "classLevelPermissions"?}`

Objects are in REST form with `__type: "Object"` and `className`, as Parse Server's
`_toFullJSON`. With Redis, a `_Role` write also publishes `<appId>clearCache` `{"userId"}` so
every instance forgets cached roles.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import orjson

from ..core.runtime.events import WriteEvent
from ..language.transform import decode_object
from .bus import AFTER_DELETE, AFTER_SAVE, CLEAR_CACHE, PubSub, channel
from .options import LiveQueryOptions

if TYPE_CHECKING:
    from ..core.runtime.server import Server

log = logging.getLogger("parse_clone.livequery")

_NEVER_PUBLISHED = ("password", "sessionToken")  # of _User objects


class Publisher:
    """The write listener that feeds the bus."""

    def __init__(self, server: "Server", options: LiveQueryOptions, bus: PubSub) -> None:
        self.server = server
        self.options = options
        self.bus = bus
        app_id = options.app_id
        self._save_channel = channel(app_id, AFTER_SAVE)
        self._delete_channel = channel(app_id, AFTER_DELETE)
        self._clear_channel = channel(app_id, CLEAR_CACHE)

    def install(self) -> None:
        """Start listening to the server's writes."""
        self.server.events.subscribe(self.on_write, wants=self.wants)

    def wants(self, class_name: str) -> bool:
        """Classes this publisher needs to hear about."""
        return self.options.publishes(class_name) or (class_name == "_Role" and self.bus.distributed)

    async def on_write(self, event: WriteEvent) -> None:
        """Publish one committed write."""
        if event.class_name == "_Role" and self.bus.distributed:
            self.bus.publish(self._clear_channel, orjson.dumps({"userId": event.auth.user_id}))
        if not self.options.publishes(event.class_name):
            return
        schema = await self.server.schema.get(event.class_name)
        fields = schema["fields"] if schema else {}
        message: dict[str, Any] = {"currentParseObject": self._full_json(event.class_name, event.object, fields)}
        if event.kind == "update" and event.original is not None:
            message["originalParseObject"] = self._full_json(event.class_name, event.original, fields)
        clp = await self.server.schema.clp(event.class_name)
        if clp is not None:
            message["classLevelPermissions"] = clp
        name = self._delete_channel if event.kind == "delete" else self._save_channel
        self.bus.publish(name, orjson.dumps(message))

    def _full_json(self, class_name: str, stored: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
        obj = decode_object(stored, fields, self.server.file_url)
        if class_name == "_User":
            for name in _NEVER_PUBLISHED:
                obj.pop(name, None)
        obj["__type"] = "Object"
        obj["className"] = class_name
        return obj
