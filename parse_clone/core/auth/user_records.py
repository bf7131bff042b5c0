"""Stored `_User` rows as the user sees them, and the small rules several user modules share."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...language.transform import decode_object, perms_to_acl
from ..permissions.auth_data_view import mask_secret_auth_data

if TYPE_CHECKING:
    from ..runtime.server import Server

USER = "_User"


def js_truthy(value: Any) -> bool:
    """JavaScript truthiness, which decides many of Parse's checks ({} and [] are true)."""
    if value is None or value is False:
        return False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value != 0
    if isinstance(value, str):
        return value != ""
    return True


async def user_schema(server: "Server") -> Any:
    """The _User schema (the class is created if missing)."""
    return await server.schema.enforce_class(USER, can_create=True)


def is_locked_out(doc: dict[str, Any]) -> bool:
    """A user whose ACL is `{}` (master only) cannot log in."""
    if "_rperm" not in doc and "_wperm" not in doc:
        return False
    return not perms_to_acl(doc.get("_rperm"), doc.get("_wperm"))


def rest_user(server: "Server", doc: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """A stored user as the user itself sees it: no password, no internals, no null providers."""
    user = decode_object(doc, fields, server.file_url)
    user.pop("password", None)
    user.pop("sessionToken", None)
    auth_data = {k: v for k, v in (user.get("authData") or {}).items() if v is not None}
    mask_secret_auth_data(auth_data)  # the mfa adapter's secret and recovery codes stay on the server
    if auth_data:
        user["authData"] = auth_data
    else:
        user.pop("authData", None)
    return user
