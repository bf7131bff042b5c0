"""The data source behind hooks' `req.db`: core finds and writes, as the caller or as master."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from . import rest
from .query import find as query
from .query.options import options_from_body
from .runtime.auth import Auth
from .runtime.call import bind_call, current_call, unbind_call

if TYPE_CHECKING:
    from .runtime.server import Server


class CoreDataSource:
    """Implements cloud.data.DataSource on core.query and core.write (hooks of other classes run)."""

    def __init__(self, server: "Server", auth: Auth) -> None:
        self.server = server
        self.auth = auth

    def _auth(self, master: bool) -> Auth:
        if master and not self.auth.is_master:
            return Auth(is_master=True, installation_id=self.auth.installation_id)
        return self.auth

    async def find(self, class_name: str, options: dict[str, Any], *, master: bool) -> list[dict[str, Any]]:
        """REST objects matching the options."""
        cfg = self.server.config
        opts = options_from_body(options, cfg.defaultLimit, cfg.maxLimit)
        response = await query.find(self.server, self._auth(master), class_name, opts)
        return response["results"]

    async def count(self, class_name: str, where: dict[str, Any], *, master: bool) -> int:
        """How many objects match."""
        opts = query.QueryOptions(where=where, limit=0, count=True)
        response = await query.find(self.server, self._auth(master), class_name, opts)
        return int(response.get("count", 0))

    async def create(self, class_name: str, body: dict[str, Any], *, master: bool,
                     context: dict[str, Any] | None) -> dict[str, Any]:
        """Create through core/rest (the class's own rules and hooks apply)."""
        token = bind_call(replace(current_call(), context=dict(context or {})))
        try:
            result = await rest.create(self.server, self._auth(master), class_name, body)
        finally:
            unbind_call(token)
        return {**result.response, "objectId": result.object_id}

    async def update(self, class_name: str, object_id: str, body: dict[str, Any], *, master: bool,
                     context: dict[str, Any] | None) -> dict[str, Any]:
        """Update through core/rest."""
        token = bind_call(replace(current_call(), context=dict(context or {})))
        try:
            result = await rest.update(self.server, self._auth(master), class_name, object_id, body)
        finally:
            unbind_call(token)
        return result.response

    async def delete(self, class_name: str, object_id: str, *, master: bool,
                     context: dict[str, Any] | None) -> None:
        """Delete through core/rest."""
        token = bind_call(replace(current_call(), context=dict(context or {})))
        try:
            await rest.delete(self.server, self._auth(master), class_name, object_id)
        finally:
            unbind_call(token)
