"""What one subscriber may receive: the checks a REST find by the same requester would apply.

Per event and subscriber: master-only classes and `_Installation` are closed to clients; the
class-level permission for `find` (or `get`, for a query on one objectId) must grant the
requester, and pointer permissions (readUserFields / pointerFields) must point at them; the
object's ACL must let them read; protected fields are removed, and a `_User` object loses its
password, session token and others' authData. A subscriber whose session token no longer
resolves (logged out, expired) receives nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..core.runtime.auth import Auth
from ..errors import ParseError
from ..core.permissions.acl import check_clp, enforce_role_security
from ..core.permissions.protected import protected_fields_for
from ..core.query.find import clean_user
from ..core.auth.sessions import auth_for_session_token

if TYPE_CHECKING:
    from ..core.runtime.server import Server


async def resolve_auth(server: "Server", base: Auth, token: str | None) -> Auth | None:
    """The requester behind a session token (cached by core); None when the token is not valid."""
    if base.is_master or not token:
        return base
    try:
        return await auth_for_session_token(server, base, token)
    except ParseError:
        return None


def class_readable(clp: dict[str, Any] | None, class_name: str, auth: Auth,
                   operation: str) -> tuple[bool, list[str] | None]:
    """(may this requester read the class at all?, the user-pointer fields objects must satisfy)."""
    if auth.bypasses_permissions:
        return True, None
    try:
        enforce_role_security(operation, class_name, auth)
        return True, check_clp(clp, class_name, auth, operation)
    except ParseError:
        return False, None


def _points_to_user(value: Any, user_id: str) -> bool:
    if isinstance(value, dict):
        return value.get("__type") == "Pointer" and value.get("className") == "_User" \
            and value.get("objectId") == user_id
    if isinstance(value, list):
        return any(_points_to_user(v, user_id) for v in value)
    return False


def object_readable(doc: dict[str, Any], auth: Auth, pointer_fields: list[str] | None) -> bool:
    """ACL read access and pointer permissions, on a stored-form object."""
    if auth.bypasses_permissions:
        return True
    if pointer_fields is not None:
        user_id = auth.user_id
        if not user_id or not any(_points_to_user(doc.get(f), user_id) for f in pointer_fields):
            return False
    readers = doc.get("_rperm")
    if readers is None or "*" in readers:
        return True
    user_id = auth.user_id
    if user_id is not None and user_id in readers:
        return True
    return any(role in readers for role in auth.roles)


def visible(obj: dict[str, Any], clp: dict[str, Any] | None, auth: Auth, class_name: str,
            owner_exempt: bool = True) -> dict[str, Any]:
    """A copy of a REST-form object without what this requester may not see."""
    out = dict(obj)
    if not auth.bypasses_permissions:
        hidden = protected_fields_for(clp, auth, class_name, out, owner_exempt)
        if hidden:
            for name in hidden:
                out.pop(name, None)
    if class_name == "_User":
        clean_user(out, auth)
    return out
