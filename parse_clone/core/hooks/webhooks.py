"""The /hooks API: webhooks stored in `_Hooks` and routed through the server's cloud registry.

Rows are `{functionName, url}` or `{className, triggerName, url}`; they are loaded when the
server starts and take precedence over Python hooks of the same name. Every error is 143.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...cloud.errors import CloudRegistrationError
from ...cloud.registry import PARSE_TRIGGER_NAMES
from ...cloud.webhooks import WebhookClient, function_handler, trigger_handler
from ...storage.base import FindOptions
from ...errors import ParseError
from ...language.values import new_object_id, now_iso

if TYPE_CHECKING:
    from ..runtime.server import Server

HOOKS = "_Hooks"
OBJECT_TRIGGERS = ("beforeSave", "afterSave", "beforeDelete", "afterDelete", "beforeFind", "afterFind",
                   "beforeLogin", "afterLogin", "afterLogout")
INVALID = "invalid hook declaration"


def _error(message: str) -> ParseError:
    return ParseError(ParseError.WEBHOOK_ERROR, message)


def webhook_client(server: "Server") -> WebhookClient:
    """The server's webhook HTTP client (created on first use)."""
    client = server.extras.get("webhook_client")
    if client is None:
        client = server.extras["webhook_client"] = WebhookClient(server.config.webhookKey)
    return client


def _public(doc: dict[str, Any]) -> dict[str, Any]:
    keys = ("functionName", "url") if doc.get("functionName") else ("className", "triggerName", "url")
    return {k: doc[k] for k in keys if k in doc}


async def _find(server: "Server", where: dict[str, Any]) -> list[dict[str, Any]]:
    schema = await server.schema.get(HOOKS)
    assert schema is not None  # volatile: always known
    return await server.storage.find(HOOKS, schema, where, FindOptions(limit=None))


def _route(server: "Server", hook: dict[str, Any]) -> None:
    """Route a stored webhook through the registry (CloudRegistrationError for a bad class)."""
    client = webhook_client(server)
    if hook.get("functionName"):
        server.cloud.set_webhook_function(hook["functionName"], function_handler(client, hook["url"]), hook["url"])
    else:
        kind = PARSE_TRIGGER_NAMES[hook["triggerName"]]
        server.cloud.set_webhook_trigger(kind, hook["className"], trigger_handler(client, hook["url"], kind),
                                         hook["url"])


async def load_webhooks(server: "Server") -> None:
    """Route every stored webhook (at start)."""
    for doc in await _find(server, {}):
        if isinstance(doc.get("url"), str) and (doc.get("functionName") or doc.get("triggerName") in OBJECT_TRIGGERS):
            try:
                _route(server, doc)
            except CloudRegistrationError:
                continue


async def list_functions(server: "Server") -> list[dict[str, Any]]:
    """GET /hooks/functions."""
    return [_public(d) for d in await _find(server, {"functionName": {"$exists": True}})]


async def list_triggers(server: "Server") -> list[dict[str, Any]]:
    """GET /hooks/triggers."""
    return [_public(d) for d in await _find(server, {"className": {"$exists": True},
                                                      "triggerName": {"$exists": True}})]


async def get_function(server: "Server", name: str) -> dict[str, Any]:
    """GET /hooks/functions/:name."""
    found = await _find(server, {"functionName": name})
    if not found:
        raise _error(f"no function named: {name} is defined")
    return _public(found[0])


async def get_trigger(server: "Server", class_name: str, trigger_name: str) -> dict[str, Any]:
    """GET /hooks/triggers/:className/:triggerName."""
    found = await _find(server, {"className": class_name, "triggerName": trigger_name})
    if not found:
        raise _error(f"class {class_name} does not exist")
    return _public(found[0])


def _declaration(body: Any) -> dict[str, Any]:
    """The hook a body declares: {functionName, url} or {className, triggerName, url} (143 otherwise)."""
    if not isinstance(body, dict) or not isinstance(body.get("url"), str) or not body["url"]:
        raise _error(INVALID)
    if isinstance(body.get("functionName"), str) and body["functionName"]:
        return {"functionName": body["functionName"], "url": body["url"]}
    class_name, trigger = body.get("className"), body.get("triggerName")
    if isinstance(class_name, str) and class_name and trigger in OBJECT_TRIGGERS:
        return {"className": class_name, "triggerName": trigger, "url": body["url"]}
    raise _error(INVALID)


def _match(hook: dict[str, Any]) -> dict[str, Any]:
    if "functionName" in hook:
        return {"functionName": hook["functionName"]}
    return {"className": hook["className"], "triggerName": hook["triggerName"]}


async def _save(server: "Server", hook: dict[str, Any]) -> dict[str, Any]:
    try:
        _route(server, hook)
    except CloudRegistrationError as e:
        raise _error(str(e)) from None
    schema = await server.schema.get(HOOKS)
    assert schema is not None
    existing = await _find(server, _match(hook))
    now = now_iso()
    if existing:
        await server.storage.find_one_and_update(HOOKS, schema, {"objectId": existing[0]["objectId"]},
                                                 {"url": hook["url"], "updatedAt": now})
    else:
        await server.storage.create_object(HOOKS, schema, {"objectId": new_object_id(server.config.objectIdSize),
                                                           "createdAt": now, "updatedAt": now, **hook})
    return hook


async def create_hook(server: "Server", body: Any) -> dict[str, Any]:
    """POST /hooks/functions or /hooks/triggers: 143 if it exists already."""
    if not isinstance(body, dict):
        raise _error(INVALID)
    if body.get("functionName"):
        if await _find(server, {"functionName": body["functionName"]}):
            raise _error(f"function name: {body['functionName']} already exists")
    elif body.get("className") and body.get("triggerName"):
        if await _find(server, {"className": body["className"], "triggerName": body["triggerName"]}):
            raise _error(f"class {body['className']} already has trigger {body['triggerName']}")
    return await _save(server, _declaration(body))


async def update_hook(server: "Server", hook: dict[str, Any]) -> dict[str, Any]:
    """PUT with {"url"}: 143 if the hook does not exist."""
    declared = _declaration(hook)
    if "functionName" in declared:
        await get_function(server, declared["functionName"])
    else:
        await get_trigger(server, declared["className"], declared["triggerName"])
    return await _save(server, declared)


async def delete_function(server: "Server", name: str) -> None:
    """PUT {"__op": "Delete"} on /hooks/functions/:name."""
    server.cloud.remove_webhook_function(name)
    schema = await server.schema.get(HOOKS)
    assert schema is not None
    await server.storage.delete_many(HOOKS, schema, {"functionName": name})


async def delete_trigger(server: "Server", class_name: str, trigger_name: str) -> None:
    """PUT {"__op": "Delete"} on /hooks/triggers/:className/:triggerName."""
    kind = PARSE_TRIGGER_NAMES.get(trigger_name)
    if kind is not None:
        server.cloud.remove_webhook_trigger(kind, class_name)
    schema = await server.schema.get(HOOKS)
    assert schema is not None
    await server.storage.delete_many(HOOKS, schema, {"className": class_name, "triggerName": trigger_name})
