"""ClassSchema <-> the `"schema"` jsonb of Parse Server's `_SCHEMA` table.

Parse Server keeps ``{"className", "fields": {name: {"type", "targetClass"?, "contents"?,
"required"?, "defaultValue"?}}, "classLevelPermissions"?, "indexes"?}``, with the implied
objectId/createdAt/updatedAt and the ``_rperm`` / ``_wperm`` (and, on _User,
``_hashed_password``) fields listed, and no ACL or password field.
"""

from __future__ import annotations

from typing import Any

from ..base import ClassSchema, FieldType
from .names import USER_EXTRA_COLUMNS, pg_type_for

_PERM_FIELD = {"type": "Array", "contents": {"type": "String"}}
_IMPLIED = {"objectId": {"type": "String"}, "createdAt": {"type": "Date"}, "updatedAt": {"type": "Date"}}
_HIDDEN = ("_rperm", "_wperm", "_hashed_password", "ACL", "objectId", "createdAt", "updatedAt")
_FIELD_KEYS = ("type", "targetClass", "required", "defaultValue")


def to_pg_schema(class_name: str, schema: ClassSchema) -> dict[str, Any]:
    """The `_SCHEMA."schema"` value Parse Server would write for this class."""
    fields: dict[str, Any] = {}
    for name, ftype in (schema.get("fields") or {}).items():
        if ftype.get("type") == "ACL" or (class_name == "_User" and name == "password"):
            continue
        fields[name] = dict(ftype)
    fields.update({k: dict(v) for k, v in _IMPLIED.items() if k not in fields})
    fields["_rperm"] = dict(_PERM_FIELD)
    fields["_wperm"] = dict(_PERM_FIELD)
    if class_name == "_User":
        fields["_hashed_password"] = {"type": "String"}
    doc: dict[str, Any] = {"className": class_name, "fields": fields}
    if schema.get("classLevelPermissions") is not None:
        doc["classLevelPermissions"] = schema["classLevelPermissions"]
    if schema.get("indexes"):
        doc["indexes"] = schema["indexes"]
    return doc


def from_pg_schema(class_name: str, doc: dict[str, Any]) -> ClassSchema:
    """A ClassSchema from a `_SCHEMA` row (internal and implied fields left out, as the other adapters do)."""
    fields: dict[str, FieldType] = {}
    for name, ftype in (doc.get("fields") or {}).items():
        if name in _HIDDEN or not isinstance(ftype, dict):
            continue
        fields[name] = {k: v for k, v in ftype.items() if k in _FIELD_KEYS}  # type: ignore[assignment]
    return {"className": class_name, "fields": fields,
            "classLevelPermissions": doc.get("classLevelPermissions"),
            "indexes": doc.get("indexes") or None}


def table_columns(class_name: str, schema: ClassSchema | None) -> dict[str, str]:
    """Column name -> type of a new class table, as Parse Server's createTable makes it."""
    columns = {"objectId": "text", "createdAt": "timestamp with time zone",
               "updatedAt": "timestamp with time zone", "_rperm": "text[]", "_wperm": "text[]"}
    for name, ftype in ((schema or {}).get("fields") or {}).items():
        if class_name == "_User" and name == "password":
            continue
        pg_type = pg_type_for(name, ftype)  # type: ignore[arg-type]
        if pg_type is not None:
            columns.setdefault(name, pg_type)
    if class_name == "_User":
        for name, pg_type in USER_EXTRA_COLUMNS.items():
            columns.setdefault(name, pg_type)
    return columns


def relation_fields(schema: ClassSchema | None) -> list[str]:
    """The schema's Relation fields (each has a `_Join` table)."""
    return [n for n, f in ((schema or {}).get("fields") or {}).items() if f.get("type") == "Relation"]
