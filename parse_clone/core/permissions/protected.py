"""protectedFields: which fields a requester may not see (the intersection of the sets that apply)."""

from __future__ import annotations

from typing import Any

from ..runtime.auth import Auth


def protected_fields_for(clp: dict[str, Any] | None, auth: Auth, class_name: str,
                         obj: dict[str, Any] | None = None, owner_exempt: bool = True) -> set[str] | None:
    """The fields hidden from this requester (for `obj` when userField: entries apply); None = nothing hidden.
    `owner_exempt` (protectedFieldsOwnerExempt): a user sees every field of their own _User object."""
    if auth.bypasses_permissions or not clp:
        return None
    pf = clp.get("protectedFields")
    if not pf or ("*" in pf and not pf["*"]):
        return None  # nothing protected, or nothing from everyone ("*" always applies, and the sets intersect)
    if owner_exempt and class_name == "_User" and obj is not None and auth.user_id and \
            obj.get("objectId") == auth.user_id:
        return None
    applicable: list[list[str]] = []
    if "*" in pf:
        applicable.append(pf["*"])
    if auth.user_id:
        if "authenticated" in pf:
            applicable.append(pf["authenticated"])
        if auth.user_id in pf:
            applicable.append(pf[auth.user_id])
        for role in auth.roles:
            if role in pf:
                applicable.append(pf[role])
        for entity, names in pf.items():
            if entity.startswith("userField:") and obj is not None:
                if _points_to(obj.get(entity[len("userField:"):]), auth.user_id):
                    applicable.append(names)
    if not applicable:
        return None
    hidden = set(applicable[0])
    for names in applicable[1:]:
        hidden &= set(names)
    return hidden or None


def _points_to(value: Any, user_id: str) -> bool:
    if isinstance(value, dict):
        return value.get("objectId") == user_id and value.get("className") == "_User"
    if isinstance(value, list):
        return any(_points_to(v, user_id) for v in value)
    return False


def hide_protected_in_results(results: list[dict[str, Any]], clp: dict[str, Any] | None, auth: Auth,
                              class_name: str, owner_exempt: bool = True) -> None:
    """Remove protected fields from every result; computed once unless the answer depends on the object."""
    if auth.bypasses_permissions or not clp:
        return
    pf = clp.get("protectedFields")
    if not pf or ("*" in pf and not pf["*"]):
        return  # nothing is hidden from anyone (see protected_fields_for)
    per_object = class_name == "_User" or any(k.startswith("userField:") for k in clp["protectedFields"])
    if per_object:
        for r in results:
            hide_protected_fields(r, clp, auth, class_name, owner_exempt)
        return
    hidden = protected_fields_for(clp, auth, class_name)
    if hidden:
        for r in results:
            for name in hidden:
                r.pop(name, None)


def hide_protected_fields(obj: dict[str, Any], clp: dict[str, Any] | None, auth: Auth, class_name: str,
                          owner_exempt: bool = True) -> None:
    """Remove the protected fields from one response object in place."""
    hidden = protected_fields_for(clp, auth, class_name, obj, owner_exempt)
    if hidden:
        for name in hidden:
            obj.pop(name, None)
