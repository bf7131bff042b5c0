"""/classes/:className[/:objectId] and the class aliases (/roles, /users without the user-specific routes)."""

from __future__ import annotations

from typing import Callable

from ...core.query import find as query
from ...core.query.options import get_options_from_body, options_from_body
from ...core import rest
from ...errors import ParseError
from ...core.runtime.server import Server
from ..request import ParseRequest
from ..router import Reply, Router

ClassOf = Callable[[ParseRequest], str]


def location(server: Server, prefix: str, object_id: str) -> str:
    """The Location header of a created object."""
    return f"{server.config.public_url()}/{prefix}/{object_id}"


def find_handler(class_of: ClassOf):
    """GET a collection."""
    async def handle(server: Server, req: ParseRequest) -> Reply:
        opts = options_from_body(req.options(), server.config.defaultLimit, server.config.maxLimit)
        return Reply(await query.find(server, req.auth, class_of(req), opts))
    return handle


def get_handler(class_of: ClassOf):
    """GET one object."""
    async def handle(server: Server, req: ParseRequest) -> Reply:
        opts = get_options_from_body(req.options())
        return Reply(await query.get(server, req.auth, class_of(req), req.params["objectId"], opts))
    return handle


def create_handler(class_of: ClassOf, prefix: Callable[[ParseRequest], str]):
    """POST a new object: 201 with Location."""
    async def handle(server: Server, req: ParseRequest) -> Reply:
        body = req.body if isinstance(req.body, dict) else _not_object()
        result = await rest.create(server, req.auth, class_of(req), body)
        status = 201 if result.created else 200  # a _User create may turn into an authData login
        return Reply(result.response, status, {"Location": location(server, prefix(req), result.object_id)})
    return handle


def update_handler(class_of: ClassOf):
    """PUT changes to one object."""
    async def handle(server: Server, req: ParseRequest) -> Reply:
        body = req.body if isinstance(req.body, dict) else _not_object()
        result = await rest.update(server, req.auth, class_of(req), req.params["objectId"], body)
        return Reply(result.response)
    return handle


def delete_handler(class_of: ClassOf):
    """DELETE one object."""
    async def handle(server: Server, req: ParseRequest) -> Reply:
        await rest.delete(server, req.auth, class_of(req), req.params["objectId"])
        return Reply({})
    return handle


def _not_object() -> dict:
    raise ParseError(ParseError.INVALID_JSON, "The request body must be a JSON object")


def register_class_routes(router: Router, base: str, class_of: ClassOf,
                          prefix: Callable[[ParseRequest], str], skip: tuple[str, ...] = (),
                          idempotent: bool = False) -> None:
    """The five object routes under `base` (e.g. /classes/:className or /roles); `idempotent`: creates
    and updates honour idempotencyOptions."""
    if "find" not in skip:
        router.add("GET", base, find_handler(class_of))
    if "get" not in skip:
        router.add("GET", base + "/:objectId", get_handler(class_of))
    if "create" not in skip:
        router.add("POST", base, create_handler(class_of, prefix), idempotent=idempotent)
    if "update" not in skip:
        router.add("PUT", base + "/:objectId", update_handler(class_of), idempotent=idempotent)
    if "delete" not in skip:
        router.add("DELETE", base + "/:objectId", delete_handler(class_of))


def register(router: Router) -> None:
    """Mount /classes and /roles."""
    register_class_routes(router, "/classes/:className", lambda r: r.params["className"],
                          lambda r: "users" if r.params["className"] == "_User" else "classes/" + r.params["className"],
                          idempotent=True)
    register_class_routes(router, "/roles", lambda r: "_Role", lambda r: "roles")
