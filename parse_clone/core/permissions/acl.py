"""Role security and class-level permission checks (ACL filtering lives in the queries themselves)."""

from __future__ import annotations

from typing import Any

from ..runtime.auth import Auth
from ...errors import ParseError
from ..schema.defs import MASTER_ONLY_CLASSES


def enforce_role_security(method: str, class_name: str, auth: Auth) -> None:
    """Master-only classes, client limits on _Installation, and the read-only master key."""
    if class_name == "_Installation" and not auth.bypasses_permissions and method in ("delete", "find"):
        raise ParseError(ParseError.OPERATION_FORBIDDEN,
                         f"Clients aren't allowed to perform the {method} operation on the installation collection.")
    if class_name in MASTER_ONLY_CLASSES and not auth.bypasses_permissions:
        raise ParseError(ParseError.OPERATION_FORBIDDEN,
                         f"Clients aren't allowed to perform the {method} operation on the {class_name} collection.")
    if auth.is_read_only and method in ("delete", "create", "update"):
        raise ParseError(ParseError.OPERATION_FORBIDDEN,
                         f"read-only masterKey isn't allowed to perform the {method} operation.")


def clp_allows(clp: dict[str, Any] | None, acl_group: list[str], operation: str) -> bool:
    """Does the CLP grant `operation` outright to one of these identities?"""
    if not clp or operation not in clp or clp[operation] is None:
        return True
    perms = clp[operation]
    if perms.get("*"):
        return True
    return any(perms.get(entity) is True for entity in acl_group)


def check_clp(clp: dict[str, Any] | None, class_name: str, auth: Auth, operation: str,
              action: str | None = None) -> list[str] | None:
    """Raise if the CLP denies `operation`; return pointer-permission field names the query must be limited by.

    None means no restriction; a list names the user-pointer fields (readUserFields /
    writeUserFields / pointerFields) one of which must point at the requester.
    """
    if auth.bypasses_permissions:
        return None
    group = auth.acl_group()
    if clp_allows(clp, group, operation):
        return None
    assert clp is not None
    perms = clp[operation]
    if perms.get("requiresAuthentication"):
        if not auth.user_id:
            raise ParseError(ParseError.OBJECT_NOT_FOUND, "Permission denied, user needs to be authenticated.")
        return None
    permission_field = "readUserFields" if operation in ("get", "find", "count") else "writeUserFields"
    if permission_field == "writeUserFields" and operation == "create":
        raise ParseError(ParseError.OPERATION_FORBIDDEN,
                         f"Permission denied for action {operation} on class {class_name}.")
    fields: list[str] = []
    if isinstance(clp.get(permission_field), list):
        fields.extend(clp[permission_field])
    pointer_fields = perms.get("pointerFields")
    if isinstance(pointer_fields, list) and pointer_fields and (operation != "addField" or action == "update"):
        fields.extend(pointer_fields)
    if fields:
        return list(dict.fromkeys(fields))
    raise ParseError(ParseError.OPERATION_FORBIDDEN,
                     f"Permission denied for action {operation} on class {class_name}.")


def pointer_permission_where(field_names: list[str], user_id: str | None,
                             field_types: dict[str, Any]) -> dict[str, Any] | None:
    """The where restricting results to objects whose user fields point at the requester (None = nothing allowed)."""
    if not user_id:
        return None
    me = {"__type": "Pointer", "className": "_User", "objectId": user_id}
    ors = []
    for name in field_names:
        if (field_types.get(name) or {}).get("type") == "Array":
            ors.append({name: {"$all": [me]}})
        else:
            ors.append({name: me})
    return ors[0] if len(ors) == 1 else {"$or": ors}
