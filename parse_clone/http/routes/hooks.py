"""/hooks/functions and /hooks/triggers (master key): the webhooks API."""

from __future__ import annotations

from typing import Any

from ...core.hooks import webhooks
from ...core.runtime.server import Server
from ..request import ParseRequest
from ..router import Reply, Router


def _body(req: ParseRequest) -> dict[str, Any]:
    return req.body if isinstance(req.body, dict) else {}


async def get_functions(server: Server, req: ParseRequest) -> Reply:
    """GET /hooks/functions[/:functionName]."""
    name = req.params.get("functionName")
    if name:
        return Reply(await webhooks.get_function(server, name))
    return Reply(await webhooks.list_functions(server))


async def get_triggers(server: Server, req: ParseRequest) -> Reply:
    """GET /hooks/triggers[/:className/:triggerName]."""
    if req.params.get("className"):
        return Reply(await webhooks.get_trigger(server, req.params["className"], req.params["triggerName"]))
    return Reply(await webhooks.list_triggers(server))


async def create(server: Server, req: ParseRequest) -> Reply:
    """POST /hooks/functions or /hooks/triggers."""
    return Reply(await webhooks.create_hook(server, _body(req)))


async def put_function(server: Server, req: ParseRequest) -> Reply:
    """PUT /hooks/functions/:functionName: {"url"} updates, {"__op": "Delete"} deletes."""
    body = _body(req)
    name = req.params["functionName"]
    if body.get("__op") == "Delete":
        await webhooks.delete_function(server, name)
        return Reply({})
    return Reply(await webhooks.update_hook(server, {"functionName": name, "url": body.get("url")}))


async def put_trigger(server: Server, req: ParseRequest) -> Reply:
    """PUT /hooks/triggers/:className/:triggerName: {"url"} updates, {"__op": "Delete"} deletes."""
    body = _body(req)
    class_name, trigger = req.params["className"], req.params["triggerName"]
    if body.get("__op") == "Delete":
        await webhooks.delete_trigger(server, class_name, trigger)
        return Reply({})
    return Reply(await webhooks.update_hook(server, {"className": class_name, "triggerName": trigger,
                                                     "url": body.get("url")}))


def register(router: Router) -> None:
    """Mount the /hooks routes (all need the master key)."""
    router.add("GET", "/hooks/functions", get_functions, master=True)
    router.add("GET", "/hooks/functions/:functionName", get_functions, master=True)
    router.add("GET", "/hooks/triggers", get_triggers, master=True)
    router.add("GET", "/hooks/triggers/:className/:triggerName", get_triggers, master=True)
    router.add("POST", "/hooks/functions", create, master=True)
    router.add("POST", "/hooks/triggers", create, master=True)
    router.add("PUT", "/hooks/functions/:functionName", put_function, master=True)
    router.add("PUT", "/hooks/triggers/:className/:triggerName", put_trigger, master=True)
