"""Class-level permissions: their shape, defaults and validation."""

from __future__ import annotations

import re
from typing import Any

from ...errors import ParseError, js_string
from .defs import DEFAULT_FIELDS

CLP_OPERATIONS = ("find", "count", "get", "create", "update", "delete", "addField")
CLP_KEYS = CLP_OPERATIONS + ("readUserFields", "writeUserFields", "protectedFields")

_ENTITY_RES = (re.compile(r"^pointerFields$"), re.compile(r"^\*$"), re.compile(r"^requiresAuthentication$"),
               re.compile(r"^role:.*"))
_PROTECTED_ENTITY_RES = (re.compile(r"^userField:.*"), re.compile(r"^\*$"), re.compile(r"^authenticated$"),
                         re.compile(r"^role:.*"))
_AUTO_ID_RE = re.compile(r"^[a-zA-Z0-9]+$")
_CUSTOM_ID_RE = re.compile(r"^.+$")


def default_clp() -> dict[str, Any]:
    """What a class without stored permissions allows: everything, to everyone."""
    clp: dict[str, Any] = {op: {"*": True} for op in CLP_OPERATIONS}
    clp["protectedFields"] = {"*": []}
    return clp


def complete_clp(clp: dict[str, Any]) -> dict[str, Any]:
    """A stored CLP with every operation present: ops left out deny everyone ({})."""
    full: dict[str, Any] = {op: {} for op in CLP_OPERATIONS}
    full["protectedFields"] = {}
    full.update(clp)
    return full


def validate_clp(perms: Any, fields: dict[str, Any], custom_ids: bool = False) -> None:
    """Raise 107 with Parse's wording for an invalid CLP document."""
    if perms is None:
        return
    if not isinstance(perms, dict):
        raise ParseError(ParseError.INVALID_JSON, "invalid JSON")
    user_id_re = _CUSTOM_ID_RE if custom_ids else _AUTO_ID_RE
    for op_key, operation in perms.items():
        if op_key not in CLP_KEYS:
            raise ParseError(ParseError.INVALID_JSON, f"{op_key} is not a valid operation for class level permissions")
        if op_key in ("readUserFields", "writeUserFields"):
            if not isinstance(operation, list):
                raise ParseError(ParseError.INVALID_JSON,
                                 f"'{js_string(operation)}' is not a valid value for class level permissions "
                                 f"{op_key} - must be an array")
            for field_name in operation:
                _validate_pointer_field(field_name, fields, op_key)
            continue
        if not isinstance(operation, dict):
            raise ParseError(ParseError.INVALID_JSON,
                             f"'{js_string(operation)}' is not a valid value for class level permissions "
                             f"{op_key} - must be an object")
        if op_key == "protectedFields":
            _validate_protected_fields(operation, fields, user_id_re)
            continue
        for entity, permit in operation.items():
            _validate_entity(entity, _ENTITY_RES, user_id_re)
            if entity == "pointerFields":
                if not isinstance(permit, list):
                    raise ParseError(ParseError.INVALID_JSON,
                                     f"'{js_string(permit)}' is not a valid value for {op_key}[{entity}] - expected an array.")
                for field_name in permit:
                    _validate_pointer_field(field_name, fields, "[object Object]")
                continue
            if permit is not True:
                raise ParseError(ParseError.INVALID_JSON,
                                 f"'{js_string(permit)}' is not a valid value for class level permissions "
                                 f"{op_key}:{entity}:{js_string(permit)}")


def _validate_entity(entity: str, patterns: tuple[re.Pattern, ...], user_id_re: re.Pattern) -> None:
    if any(p.match(entity) for p in patterns) or user_id_re.match(entity):
        return
    raise ParseError(ParseError.INVALID_JSON, f"'{entity}' is not a valid key for class level permissions")


def _validate_protected_fields(operation: dict[str, Any], fields: dict[str, Any], user_id_re: re.Pattern) -> None:
    for entity, protected in operation.items():
        _validate_entity(entity, _PROTECTED_ENTITY_RES, user_id_re)
        if not isinstance(protected, list):
            raise ParseError(ParseError.INVALID_JSON,
                             f"'{js_string(protected)}' is not a valid value for protectedFields[{entity}] - expected an array.")
        for field_name in protected:
            if field_name in DEFAULT_FIELDS:
                raise ParseError(ParseError.INVALID_JSON, f"Default field '{field_name}' can not be protected")
            if field_name not in fields:
                raise ParseError(ParseError.INVALID_JSON,
                                 f"Field '{field_name}' in protectedFields:{entity} does not exist")


def _validate_pointer_field(field_name: Any, fields: dict[str, Any], operation: str) -> None:
    f = fields.get(field_name) if isinstance(field_name, str) else None
    if f and ((f.get("type") == "Pointer" and f.get("targetClass") == "_User") or f.get("type") == "Array"):
        return
    raise ParseError(ParseError.INVALID_JSON,
                     f"'{js_string(field_name)}' is not a valid column for class level pointer permissions {operation}")
