"""/health, /serverInfo, /security and /purge."""

from __future__ import annotations

from ... import PARSE_SERVER_VERSION
from ...errors import ParseError
from ...core.permissions.acl import enforce_role_security
from ...core.schema.defs import check_class_name
from ...core.runtime.server import Server
from ...security_check import NOT_ENABLED, security_report
from ..request import ParseRequest
from ..router import Reply, Router


async def health(server: Server, req: ParseRequest) -> Reply:
    """Liveness: 200 {"status": "ok"} once the server is up."""
    if not server.extras.get("ready", True):
        return Reply({"status": "initialized"}, 503, {"Retry-After": "1"})
    return Reply({"status": "ok"})


async def server_info(server: Server, req: ParseRequest) -> Reply:
    """What this server can do, in Parse Server's shape."""
    features = {
        "globalConfig": {"create": True, "read": True, "update": True, "delete": True},
        "hooks": {"create": False, "read": False, "update": False, "delete": False},
        "cloudCode": {"jobs": False},
        "logs": {"level": True, "size": True, "order": True, "until": True, "from": True},  # /scriptlog
        "push": {"immediatePush": False, "scheduledPush": False, "storedPushData": False,
                 "pushAudiences": False, "localization": False},
        "schemas": {"addField": True, "removeField": True, "addClass": True, "removeClass": True,
                    "clearAllDataFromClass": True, "exportClass": False, "editClassLevelPermissions": True,
                    "editPointerPermissions": True},
        "settings": {"securityCheck": bool((server.config.security or {}).get("enableCheck"))},
    }
    features.update(server.extras.get("features", {}))
    return Reply({"parseServerVersion": PARSE_SERVER_VERSION, "features": features})


async def security(server: Server, req: ParseRequest) -> Reply:
    """GET /security (master key): the security check report; 409 unless security.enableCheck."""
    if not (server.config.security or {}).get("enableCheck"):
        return Reply({"error": NOT_ENABLED}, 409)
    return Reply(security_report(server.config))


async def purge(server: Server, req: ParseRequest) -> Reply:
    """DELETE /purge/C: remove every object of a class (master key)."""
    class_name = req.params["className"]
    if req.auth.is_read_only:
        raise ParseError(ParseError.OPERATION_FORBIDDEN, "read-only masterKey isn't allowed to purge a schema.")
    check_class_name(class_name)
    enforce_role_security("delete", class_name, req.auth)
    schema = await server.schema.get(class_name)
    if schema is not None:
        await server.storage.delete_many(class_name, schema, {})
    if class_name == "_Session" or class_name == "_User":
        cache = server.extras.get("session_cache")
        if cache is not None:
            cache.clear()
    if class_name == "_Role":
        cache = server.extras.get("role_cache")
        if cache is not None:
            cache.clear()
    return Reply({})


async def push(server: Server, req: ParseRequest) -> Reply:
    """POST /push: no push adapter is configured in this server."""
    if req.auth.is_read_only:
        raise ParseError(ParseError.OPERATION_FORBIDDEN, "read-only masterKey isn't allowed to send push notifications.")
    raise ParseError(ParseError.PUSH_MISCONFIGURED, "Push controller is not set")


def register(router: Router) -> None:
    """Mount the small routes."""
    router.add("GET", "/health", health, public=True)
    router.add("POST", "/health", health, public=True)
    router.add("GET", "/serverInfo", server_info, master=True)
    router.add("GET", "/security", security, master=True)
    router.add("DELETE", "/purge/:className", purge, master=True)
    router.add("POST", "/push", push, master=True)


__all__ = ["register", "ParseError"]
