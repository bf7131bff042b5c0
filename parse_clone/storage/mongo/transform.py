"""Documents and field names: our stored form <-> Parse Server's MongoDB documents.

The names Parse Server uses on disk: ``_id``, ``_created_at``/``_updated_at``,
``_p_<field>`` for pointers, ``_session_token``, ``_auth_data_<provider>`` on ``_User``,
``_last_used``/``times_used`` on ``_Audience``, and the legacy ``_acl`` written beside
``_rperm``/``_wperm`` (never read back).
"""

from __future__ import annotations

from typing import Any

from ..base import ClassSchema, Document
from .values import (
    bson_date,
    date_json,
    from_interior,
    from_top,
    iso,
    pointer_from_string,
    to_interior,
    to_top,
    type_of,
)

# Internal top-level keys whose values Parse Server keeps as BSON dates (strings are coerced).
DATE_KEYS = frozenset({
    "_email_verify_token_expires_at", "_account_lockout_expires_at",
    "_perishable_token_expires_at", "_password_changed_at",
})
NUMERIC_ID_CLASSES = ("_GlobalConfig", "_GraphQLConfig")
AUTH_PREFIX = "_auth_data_"


def field_type(schema: ClassSchema | None, name: str) -> str | None:
    """The schema type of a top-level field, or None if unknown."""
    f = ((schema or {}).get("fields") or {}).get(name)
    return f.get("type") if isinstance(f, dict) else None


def mongo_key(class_name: str, schema: ClassSchema | None, key: str, value: Any = None) -> str:
    """The MongoDB name of a stored-form key (``value`` lets an unknown field holding a pointer map to _p_)."""
    fixed = {"objectId": "_id", "createdAt": "_created_at", "updatedAt": "_updated_at",
             "sessionToken": "_session_token"}.get(key)
    if fixed:
        return fixed
    if class_name == "_Audience" and key in ("lastUsed", "timesUsed"):
        return "_last_used" if key == "lastUsed" else "times_used"
    if class_name == "_User" and key.startswith("authData."):
        return AUTH_PREFIX + key[len("authData."):]
    if "." in key:
        return key
    t = field_type(schema, key)
    if t == "Pointer" or (t is None and type_of(value) == "Pointer"):
        return "_p_" + key
    return key


def stored_key(mkey: str) -> str:
    """The stored-form name of a MongoDB key (for index specs and duplicate-key errors)."""
    fixed = {"_id": "objectId", "_created_at": "createdAt", "_updated_at": "updatedAt",
             "_session_token": "sessionToken", "_last_used": "lastUsed", "times_used": "timesUsed"}.get(mkey)
    if fixed:
        return fixed
    if mkey.startswith("_p_"):
        return mkey[3:]
    if mkey.startswith(AUTH_PREFIX):
        return "authData." + mkey[len(AUTH_PREFIX):]
    return mkey


def is_date_key(class_name: str, key: str) -> bool:
    """Keys whose string values Parse Server coerces to BSON dates."""
    # Parse Server coerces expiresAt/lastUsed on every class; only their own classes here, so a
    # String field that happens to share the name keeps its strings.
    return (key in ("createdAt", "updatedAt") or key in DATE_KEYS
            or (class_name == "_Session" and key == "expiresAt") or (class_name == "_Audience" and key == "lastUsed"))


def legacy_acl(rperm: list[str] | None, wperm: list[str] | None) -> dict[str, dict[str, bool]]:
    """The pre-2016 ``_acl`` map Parse Server still writes: ``{id: {"w": true, "r": true}}``."""
    acl: dict[str, dict[str, bool]] = {}
    for entry in wperm or []:
        acl[entry] = {"w": True}
    for entry in rperm or []:
        acl.setdefault(entry, {})["r"] = True
    return acl


def write_value(class_name: str, key: str, value: Any) -> Any:
    """A value for a (possibly dotted) key in Parse Server's form."""
    if is_date_key(class_name, key) and isinstance(value, str):
        return bson_date(value)
    return to_interior(value) if "." in key else to_top(value)


def to_mongo_document(class_name: str, schema: ClassSchema | None, doc: Document) -> dict[str, Any]:
    """A stored-form document as Parse Server writes it on create."""
    out: dict[str, Any] = {}
    if "objectId" in doc:
        object_id = doc["objectId"]
        numeric = class_name in NUMERIC_ID_CLASSES and isinstance(object_id, str) and object_id.isdigit()
        out["_id"] = int(object_id) if numeric else object_id
    for key, value in doc.items():
        if key == "objectId" or type_of(value) == "Relation":
            continue
        if key == "authData" and class_name == "_User":
            for provider, data in (value or {}).items():
                if data is not None:
                    out[AUTH_PREFIX + provider] = data  # Parse Server stores provider data as given
            continue
        if key in ("_rperm", "_wperm"):
            out[key] = value
            continue
        out[mongo_key(class_name, schema, key, value)] = write_value(class_name, key, value)
    if "_rperm" in doc or "_wperm" in doc:
        out["_acl"] = legacy_acl(doc.get("_rperm"), doc.get("_wperm"))
    return out


_BASE_PROJECTION = {"_id": 1, "_created_at": 1, "_updated_at": 1, "createdAt": 1, "updatedAt": 1,
                    "_rperm": 1, "_wperm": 1}


def mongo_projection(class_name: str, schema: ClassSchema | None,
                     fields: frozenset[str] | None) -> dict[str, Any] | None:
    """A find projection for FindOptions.fields (None: whole documents): every MongoDB name a field may
    be kept under (a field the schema does not type may hold a pointer, kept as _p_<name>)."""
    if fields is None:
        return None
    projection = dict(_BASE_PROJECTION)
    for name in fields:
        projection[mongo_key(class_name, schema, name)] = 1
        if field_type(schema, name) is None:
            projection[name] = projection["_p_" + name] = 1
        if name == "expiresAt":
            projection["_expiresAt"] = 1
    return projection


def _read_date(value: Any) -> dict[str, str] | Any:
    dt = bson_date(value)
    return date_json(dt) if dt else from_interior(value)


def from_mongo_document(class_name: str, schema: ClassSchema | None, mdoc: dict[str, Any]) -> Document:
    """A Parse Server MongoDB document in our stored form."""
    out: Document = {}
    for key, value in mdoc.items():
        if key == "_acl":
            continue
        if key in ("_rperm", "_wperm"):
            # Absent stays absent: to the ACL filter ({$in: [null, ...]}) a missing list is public,
            # while an empty one is master-only.
            if value is not None:
                out[key] = list(value)
        elif key == "_id":
            out["objectId"] = str(value)
        elif key in ("_created_at", "_updated_at", "createdAt", "updatedAt"):
            dt = bson_date(value)
            out["createdAt" if "created" in key else "updatedAt"] = iso(dt) if dt else value
        elif key == "_session_token":
            out["sessionToken"] = value
        elif key == "_expiresAt" or (key == "expiresAt" and class_name == "_Session"):
            out["expiresAt"] = _read_date(value)
        elif class_name == "_Audience" and key in ("_last_used", "times_used"):
            out["lastUsed" if key == "_last_used" else "timesUsed"] = (
                _read_date(value) if key == "_last_used" else from_interior(value))
        elif class_name == "_User" and key.startswith(AUTH_PREFIX):
            out.setdefault("authData", {})[key[len(AUTH_PREFIX):]] = from_interior(value)
        elif class_name == "_User" and key == "authData":
            continue  # reserved: synthesised from the _auth_data_* keys
        elif key.startswith("_p_"):
            out[key[3:]] = pointer_from_string(value) if value is not None else None
        else:
            out[key] = from_top(value, field_type(schema, key))
    return out
