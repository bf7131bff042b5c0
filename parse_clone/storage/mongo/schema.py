"""ClassSchema <-> Parse Server's ``_SCHEMA`` documents.

A ``_SCHEMA`` document is ``{"_id": className, "objectId": "string", "createdAt": "date",
"updatedAt": "date", <field>: <type string>, "_metadata": {"class_permissions",
"indexes", "fields_options": {field: {"required", "defaultValue"}}}}``; type strings are
lower-case names, ``*Target`` for pointers and ``relation<Target>`` for relations.
"""

from __future__ import annotations

from typing import Any

from ..base import ClassSchema, FieldType

NON_FIELD_KEYS = ("_id", "_metadata", "_client_permissions")
# Always written (Parse Server reads them as implied fields); not handed back, core adds defaults.
IMPLIED_FIELDS = {"objectId": "string", "updatedAt": "date", "createdAt": "date"}
# Never written to _SCHEMA by Parse Server: ACL is implied, the rest are internal columns.
UNSTORED_FIELDS = ("ACL", "_rperm", "_wperm")
UNSTORED_USER_FIELDS = ("password", "_hashed_password")

_SIMPLE = {"Number": "number", "String": "string", "Boolean": "boolean", "Date": "date",
           "Object": "object", "Array": "array", "GeoPoint": "geopoint", "File": "file",
           "Bytes": "bytes", "Polygon": "polygon"}
_SIMPLE_BACK = {v: k for k, v in _SIMPLE.items()} | {"map": "Object"}


def mongo_field_type(ftype: FieldType) -> str | None:
    """Parse Server's type string for a field type (None for types it does not store, e.g. ACL)."""
    t = ftype.get("type")
    if t == "Pointer":
        return f"*{ftype.get('targetClass')}"
    if t == "Relation":
        return f"relation<{ftype.get('targetClass')}>"
    return _SIMPLE.get(t or "")


def field_type_from_mongo(text: Any) -> FieldType | None:
    """A field type from Parse Server's type string; None if unrecognised."""
    if not isinstance(text, str):
        return None
    if text.startswith("*"):
        return {"type": "Pointer", "targetClass": text[1:]}
    if text.startswith("relation<") and text.endswith(">"):
        return {"type": "Relation", "targetClass": text[len("relation<"):-1]}
    simple = _SIMPLE_BACK.get(text)
    return {"type": simple} if simple else None


def field_options(ftype: FieldType) -> dict[str, Any]:
    """What Parse Server keeps in ``_metadata.fields_options`` for a field."""
    return {k: v for k, v in ftype.items() if k not in ("type", "targetClass")}


def _is_stored(class_name: str, name: str) -> bool:
    return name not in UNSTORED_FIELDS and not (class_name == "_User" and name in UNSTORED_USER_FIELDS)


def to_schema_document(class_name: str, schema: ClassSchema) -> dict[str, Any]:
    """The ``_SCHEMA`` document Parse Server would write for this class."""
    doc: dict[str, Any] = {"_id": class_name, **IMPLIED_FIELDS}
    options: dict[str, Any] = {}
    for name, ftype in (schema.get("fields") or {}).items():
        type_string = mongo_field_type(ftype)
        if type_string is None or not _is_stored(class_name, name):
            continue
        doc[name] = type_string
        if field_options(ftype):
            options[name] = field_options(ftype)
    metadata: dict[str, Any] = {}
    if options:
        metadata["fields_options"] = options
    if schema.get("classLevelPermissions") is not None:
        metadata["class_permissions"] = schema["classLevelPermissions"]
    if schema.get("indexes"):
        metadata["indexes"] = schema["indexes"]
    if metadata:
        doc["_metadata"] = metadata
    return doc


def from_schema_document(doc: dict[str, Any]) -> ClassSchema:
    """A ClassSchema from a ``_SCHEMA`` document (implied default fields left to core)."""
    metadata = doc.get("_metadata") or {}
    options = metadata.get("fields_options") or {}
    fields: dict[str, FieldType] = {}
    for name, text in doc.items():
        if name in NON_FIELD_KEYS or name in IMPLIED_FIELDS:
            continue
        ftype = field_type_from_mongo(text)
        if ftype is None:
            continue
        if isinstance(options.get(name), dict):
            ftype = {**ftype, **options[name]}  # type: ignore[typeddict-item]
        fields[name] = ftype
    return {
        "className": str(doc["_id"]),
        "fields": fields,
        "classLevelPermissions": metadata.get("class_permissions"),
        "indexes": metadata.get("indexes") or None,
    }
