"""/installations: _Installation objects with Parse Server's de-duplication rules."""

from __future__ import annotations

from ...core.write import installations, objects as write
from ...errors import ParseError
from ...core.runtime.server import Server
from ..request import ParseRequest
from ..router import Reply, Router
from .classes import find_handler, get_handler, location, delete_handler

_CLASS = "_Installation"


async def create(server: Server, req: ParseRequest) -> Reply:
    """POST /installations: create, or update the installation with the same ids."""
    body = _body(req)
    target = await installations.resolve_target(server, req.auth, body, None)
    if target is not None:
        body.pop("objectId", None)
        result = await write.update(server, req.auth, _CLASS, target, body)
        return Reply(result.response)
    result = await write.create(server, req.auth, _CLASS, body)
    return Reply(result.response, 201, {"Location": location(server, "installations", result.object_id)})


async def update(server: Server, req: ParseRequest) -> Reply:
    """PUT /installations/:id."""
    body = _body(req)
    object_id = req.params["objectId"]
    target = await installations.resolve_target(server, req.auth, body, object_id)
    result = await write.update(server, req.auth, _CLASS, target or object_id, body)
    return Reply(result.response)


def _body(req: ParseRequest) -> dict:
    if not isinstance(req.body, dict):
        raise ParseError(ParseError.INVALID_JSON, "The request body must be a JSON object")
    return req.body


def register(router: Router) -> None:
    """Mount /installations."""
    router.add("GET", "/installations", find_handler(lambda r: _CLASS))
    router.add("GET", "/installations/:objectId", get_handler(lambda r: _CLASS))
    router.add("POST", "/installations", create, idempotent=True)
    router.add("PUT", "/installations/:objectId", update, idempotent=True)
    router.add("DELETE", "/installations/:objectId", delete_handler(lambda r: _CLASS))
