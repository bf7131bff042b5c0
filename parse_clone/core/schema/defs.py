"""Parse's built-in classes, their default fields, and the naming rules for classes and fields."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Callable

from ...errors import ParseError

DEFAULT_FIELDS: dict[str, dict[str, Any]] = {
    "objectId": {"type": "String"},
    "createdAt": {"type": "Date"},
    "updatedAt": {"type": "Date"},
    "ACL": {"type": "ACL"},
}

_S, _N, _B, _D, _O, _A = ({"type": t} for t in ("String", "Number", "Boolean", "Date", "Object", "Array"))

CLASS_DEFAULT_FIELDS: dict[str, dict[str, dict[str, Any]]] = {
    "_User": {"username": _S, "password": _S, "email": _S, "emailVerified": _B, "authData": _O},
    "_Installation": {
        "installationId": _S, "deviceToken": _S, "channels": _A, "deviceType": _S, "pushType": _S,
        "GCMSenderId": _S, "timeZone": _S, "localeIdentifier": _S, "badge": _N, "appVersion": _S,
        "appName": _S, "appIdentifier": _S, "parseVersion": _S,
    },
    "_Role": {
        "name": _S,
        "users": {"type": "Relation", "targetClass": "_User"},
        "roles": {"type": "Relation", "targetClass": "_Role"},
    },
    "_Session": {
        "user": {"type": "Pointer", "targetClass": "_User"}, "installationId": _S, "sessionToken": _S,
        "expiresAt": _D, "createdWith": _O,
    },
    "_Product": {
        "productIdentifier": _S, "download": {"type": "File"}, "downloadName": _S, "icon": {"type": "File"},
        "order": _N, "title": _S, "subtitle": _S,
    },
    "_PushStatus": {
        "pushTime": _S, "source": _S, "query": _S, "payload": _S, "title": _S, "expiry": _N,
        "expiration_interval": _N, "status": _S, "numSent": _N, "numFailed": _N, "pushHash": _S,
        "errorMessage": _O, "sentPerType": _O, "failedPerType": _O, "sentPerUTCOffset": _O,
        "failedPerUTCOffset": _O, "count": _N,
    },
    "_JobStatus": {"jobName": _S, "source": _S, "status": _S, "message": _S, "params": _O, "finishedAt": _D},
    "_JobSchedule": {
        "jobName": _S, "description": _S, "params": _S, "startAfter": _S, "daysOfWeek": _A,
        "timeOfDay": _S, "lastRun": _N, "repeatMinutes": _N,
    },
    "_Hooks": {"functionName": _S, "className": _S, "triggerName": _S, "url": _S},
    "_GlobalConfig": {"objectId": _S, "params": _O, "masterKeyOnly": _O},
    "_GraphQLConfig": {"objectId": _S, "config": _O},
    "_Audience": {"objectId": _S, "name": _S, "query": _S, "lastUsed": _D, "timesUsed": _N},
    "_Idempotency": {"reqId": _S, "expire": _D},
}

SYSTEM_CLASSES = (
    "_User", "_Installation", "_Role", "_Session", "_Product", "_PushStatus", "_JobStatus",
    "_JobSchedule", "_Audience", "_Idempotency",
)
VOLATILE_CLASSES = (
    "_JobStatus", "_PushStatus", "_Hooks", "_GlobalConfig", "_GraphQLConfig", "_JobSchedule",
    "_Audience", "_Idempotency",
)
MASTER_ONLY_CLASSES = ("_JobStatus", "_PushStatus", "_Hooks", "_GlobalConfig", "_JobSchedule", "_Idempotency")

# Fields whose values the client must not write directly on these classes.
REQUIRED_WRITE_FIELDS = {"_Role": ["name", "ACL"], "_Product": ["productIdentifier", "icon", "order", "title", "subtitle"]}

VALID_TYPES = ("Number", "String", "Boolean", "Date", "Object", "Array", "GeoPoint", "File", "Bytes", "Polygon")

_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_JOIN_RE = re.compile(r"^_Join:[A-Za-z0-9_]+:[A-Za-z0-9_]+")


def invalid_class_name_message(class_name: str) -> str:
    """Parse's wording for a bad class name."""
    return (f"Invalid classname: {class_name}, classnames can only have alphanumeric characters and _, "
            "and must start with an alpha character ")


@lru_cache(maxsize=4096)  # asked for every key of every write
def field_name_is_valid(field_name: str, class_name: str = "") -> bool:
    """Alphanumeric and _, starting with a letter; not `length`; not `className` (except on _Hooks)."""
    if class_name != "_Hooks" and field_name == "className":
        return False
    return bool(_NAME_RE.match(field_name)) and field_name != "length"


def class_name_is_valid(class_name: str) -> bool:
    """A system class, a join class, or a valid user class name."""
    return (class_name in SYSTEM_CLASSES or bool(_JOIN_RE.match(class_name))
            or field_name_is_valid(class_name, class_name))


def is_default_field(class_name: str, field_name: str) -> bool:
    """Is this one of the class's built-in fields?"""
    return field_name in DEFAULT_FIELDS or field_name in CLASS_DEFAULT_FIELDS.get(class_name, {})


def check_class_name(class_name: str) -> None:
    """Raise 103 for an invalid class name."""
    if not class_name_is_valid(class_name):
        raise ParseError(ParseError.INVALID_CLASS_NAME, invalid_class_name_message(class_name))


def type_to_string(field_type: dict[str, Any] | str) -> str:
    """{"type":"Pointer","targetClass":"X"} -> "Pointer<X>"."""
    if isinstance(field_type, str):
        return field_type
    if field_type.get("targetClass"):
        return f"{field_type['type']}<{field_type['targetClass']}>"
    return str(field_type.get("type"))


def field_type_error(field_type: Any) -> ParseError | None:
    """The error for an invalid field definition in a schema request, or None."""
    if not isinstance(field_type, dict):
        return ParseError(ParseError.INVALID_JSON, "invalid JSON")
    t = field_type.get("type")
    if t in ("Pointer", "Relation"):
        target = field_type.get("targetClass")
        if not target:
            return ParseError(ParseError.MISSING_REQUIRED_FIELD, f"type {t} needs a class name")
        if not isinstance(target, str):
            return ParseError(ParseError.INVALID_JSON, "invalid JSON")
        if not class_name_is_valid(target):
            return ParseError(ParseError.INVALID_CLASS_NAME, invalid_class_name_message(target))
        return None
    if not isinstance(t, str):
        return ParseError(ParseError.INVALID_JSON, "invalid JSON")
    if t not in VALID_TYPES:
        return ParseError(ParseError.INCORRECT_TYPE, f"invalid field type: {t}")
    return None


# What makes a {"__type": ...} value well formed, per type.
_TYPED_VALUE_CHECKS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "Pointer": lambda v: v.get("className"),
    "Relation": lambda v: v.get("className"),
    "File": lambda v: v.get("name"),
    "Date": lambda v: v.get("iso"),
    "GeoPoint": lambda v: v.get("latitude") is not None and v.get("longitude") is not None,
    "Bytes": lambda v: v.get("base64"),
    "Polygon": lambda v: v.get("coordinates"),
}


def value_type(value: Any) -> dict[str, Any] | None:
    """The schema type a REST value implies (None for null or a Delete op); 111 for a malformed typed value."""
    if value is None:
        return None
    if isinstance(value, bool):
        return {"type": "Boolean"}
    if isinstance(value, str):
        return {"type": "String"}
    if isinstance(value, (int, float)):
        return {"type": "Number"}
    if isinstance(value, list):
        return {"type": "Array"}
    if not isinstance(value, dict):
        raise ParseError(ParseError.INCORRECT_TYPE, f"invalid value: {value!r}")
    t = value.get("__type")
    if t is not None:
        ok = _TYPED_VALUE_CHECKS.get(t)
        if ok and ok(value):
            if t in ("Pointer", "Relation"):
                return {"type": t, "targetClass": value["className"]}
            return {"type": t}
        raise ParseError(ParseError.INCORRECT_TYPE, f"This is not a valid {t}")
    op = value.get("__op")
    if op is not None:
        if op == "Increment":
            return {"type": "Number"}
        if op == "Delete":
            return None
        if op in ("Add", "AddUnique", "Remove"):
            return {"type": "Array"}
        if op in ("AddRelation", "RemoveRelation"):
            objs = value.get("objects")
            if isinstance(objs, list) and objs and isinstance(objs[0], dict) and objs[0].get("className"):
                return {"type": "Relation", "targetClass": objs[0]["className"]}
            return None
        if op == "Batch":
            ops = value.get("ops")
            if isinstance(ops, list) and ops:
                return value_type(ops[0])
            return None
        raise ParseError(ParseError.INVALID_JSON, f"unexpected op: {op}")
    return {"type": "Object"}


def types_match(expected: dict[str, Any], actual: dict[str, Any]) -> bool:
    """Same type and same target class."""
    return expected.get("type") == actual.get("type") and expected.get("targetClass") == actual.get("targetClass")
