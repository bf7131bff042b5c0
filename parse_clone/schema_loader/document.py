"""Reading a schema file: JSON Schema validation, Parse's own rules, and the mapping to ClassDefs.

The file is the template's export format, `{"classes": [{"className", "fields": {name: {"type",
"required", "targetClass"}}}]}`, extended with Parse's `classLevelPermissions`, `indexes` and
`defaultValue`, and with `description` (classes, fields) and `enum` (fields) for the generated
docs. A bare list of classes (Parse Server's `schema.definitions`) is read the same way.
`User` means `_User`, as class name and as targetClass. Every problem is collected, each
with its JSON path; a file with any problem is rejected whole.
"""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema

from ..core.schema.clp import CLP_KEYS, CLP_OPERATIONS, validate_clp
from ..errors import ParseError
from ..core.schema.defs import (
    CLASS_DEFAULT_FIELDS,
    DEFAULT_FIELDS,
    VOLATILE_CLASSES,
    class_name_is_valid,
    field_name_is_valid,
    types_match,
    value_type,
)
from .model import ClassDef, FieldDef, SchemaDocument, SchemaFileError

CLASS_ALIASES = {"User": "_User"}
FIELD_TYPES = ["String", "Number", "Boolean", "Date", "Object", "Array", "GeoPoint", "File", "Bytes", "Polygon",
               "Pointer", "Relation"]
SYSTEM_TARGETS = ("_User", "_Role", "_Session", "_Installation")
# Indexes Parse Server keeps for itself (never added, changed or dropped by a schema file).
PROTECTED_INDEXES = {"_User": ("case_insensitive_username", "case_insensitive_email", "username_1", "email_1"),
                     "_Role": ("name_1",), "_Idempotency": ("reqId_1",)}

_NAME = r"^[A-Za-z][A-Za-z0-9_]*$"
_CLASS_NAME = r"^_?[A-Za-z][A-Za-z0-9_]*$"
# A CLP operation maps entities ("*", "role:x", user ids, "requiresAuthentication") to true.
_OPERATION = {"type": "object", "properties": {"pointerFields": {"type": "array", "items": {"type": "string"}}},
              "additionalProperties": {"const": True}}
CLP_SCHEMA: dict[str, Any] = {
    "type": "object",
    "propertyNames": {"enum": list(CLP_KEYS)},
    "properties": {
        **{op: _OPERATION for op in CLP_OPERATIONS},
        "readUserFields": {"type": "array", "items": {"type": "string"}},
        "writeUserFields": {"type": "array", "items": {"type": "string"}},
        "protectedFields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
}
FILE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "parse_clone schema file",
    "type": "object",
    "required": ["classes"],
    "additionalProperties": False,
    "properties": {
        "$schema": {"type": "string"},
        "description": {"type": "string"},
        "classes": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["className"],
                "additionalProperties": False,
                "properties": {
                    "className": {"type": "string", "pattern": _CLASS_NAME},
                    "description": {"type": "string"},
                    "fields": {
                        "type": "object",
                        "propertyNames": {"pattern": _NAME},
                        "additionalProperties": {
                            "type": "object",
                            "required": ["type"],
                            "additionalProperties": False,
                            "properties": {
                                "type": {"enum": FIELD_TYPES + ["ACL"]},
                                "required": {"type": "boolean"},
                                "targetClass": {"type": "string", "pattern": _CLASS_NAME},
                                "defaultValue": {},
                                "description": {"type": "string"},
                                "enum": {"type": "array", "minItems": 1},
                            },
                            "if": {"properties": {"type": {"enum": ["Pointer", "Relation"]}}},
                            "then": {"required": ["type", "targetClass"]},
                            "else": {"not": {"required": ["targetClass"]}},
                        },
                    },
                    "classLevelPermissions": CLP_SCHEMA,
                    "indexes": {
                        "type": "object",
                        "propertyNames": {"pattern": r"^[A-Za-z0-9_]+$"},
                        "additionalProperties": {
                            "type": "object",
                            "minProperties": 1,
                            "additionalProperties": {"enum": [1, -1, "text", "2d", "2dsphere"]},
                        },
                    },
                },
            },
        },
    },
}


def parse_class_name(name: str) -> str:
    """The template's class name as Parse's (User -> _User)."""
    return CLASS_ALIASES.get(name, name)


def export_class_name(name: str) -> str:
    """Parse's class name as the template writes it (_User -> User)."""
    reverse = {v: k for k, v in CLASS_ALIASES.items()}
    return reverse.get(name, name)


def builtin_fields(class_name: str) -> dict[str, dict[str, Any]]:
    """Fields Parse defines itself on this class (objectId, ACL, _User.username, ...)."""
    return {**DEFAULT_FIELDS, **CLASS_DEFAULT_FIELDS.get(class_name, {})}


def read_schema_file(path: str) -> SchemaDocument:
    """Read and validate a schema file (SchemaFileError lists every problem)."""
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as e:
        raise SchemaFileError(path, [f"$: cannot read the file: {e.strerror or e}"]) from None
    return parse_schema_text(text, source=path)


def parse_schema_text(text: str, source: str = "<memory>") -> SchemaDocument:
    """Validate a schema file's text."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise SchemaFileError(source, [f"$: invalid JSON: {e.msg} (line {e.lineno}, column {e.colno})"]) from None
    return parse_schema_data(data, source=source)


def parse_schema_data(data: Any, source: str = "<memory>") -> SchemaDocument:
    """Validate a decoded schema file (or a bare list of classes) and map it to ClassDefs."""
    if isinstance(data, list):
        data = {"classes": data}
    problems = _structure_problems(data)
    problems += _semantic_problems(data)
    if problems:
        raise SchemaFileError(source, sorted(dict.fromkeys(problems), key=_path_key))
    classes = [_class_def(c) for c in data["classes"]]
    return SchemaDocument(classes=classes, description=data.get("description", ""), source=source)


def _structure_problems(data: Any) -> list[str]:
    validator = jsonschema.Draft202012Validator(FILE_SCHEMA)
    errors = sorted(validator.iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    return [f"{e.json_path}: {_message(e)}" for e in errors]


def _message(error: jsonschema.ValidationError) -> str:
    if error.validator == "enum" and error.absolute_path and error.absolute_path[-1] == "type":
        return f"{error.instance!r} is not a Parse field type (one of {', '.join(FIELD_TYPES)})"
    if error.validator == "not" and isinstance(error.instance, dict) and "targetClass" in error.instance:
        return "targetClass is only for Pointer and Relation fields"
    if error.validator == "pattern":
        return f"{error.instance!r} is not a valid name (letters, digits and _, starting with a letter)"
    return error.message


def _path_key(problem: str) -> list[Any]:
    """Sort problems by JSON path, array indexes numerically."""
    path = problem.split(": ", 1)[0]
    return [int(t) if t.isdigit() else t for t in re.split(r"[.\[\]]+", path) if t]


def _items(value: Any) -> list[tuple[str, Any]]:
    return list(value.items()) if isinstance(value, dict) else []


def _semantic_problems(data: Any) -> list[str]:
    """Parse's rules that JSON Schema cannot say: names, targets, defaults, geo, indexes, CLPs."""
    classes = data.get("classes") if isinstance(data, dict) else None
    if not isinstance(classes, list):
        return []
    problems: list[str] = []
    seen: dict[str, int] = {}
    declared = {parse_class_name(c["className"]) for c in classes
                if isinstance(c, dict) and isinstance(c.get("className"), str)}
    for i, cls in enumerate(classes):
        if not isinstance(cls, dict) or not isinstance(cls.get("className"), str):
            continue
        path = f"$.classes[{i}]"
        name = parse_class_name(cls["className"])
        if name in seen:
            problems.append(f"{path}.className: class {name} is defined twice (also at $.classes[{seen[name]}])")
        seen.setdefault(name, i)
        if not re.match(_CLASS_NAME, cls["className"]):
            pass  # JSON Schema reported it
        elif not class_name_is_valid(name):
            problems.append(f"{path}.className: {cls['className']!r} is not a valid class name")
        elif name in VOLATILE_CLASSES:
            problems.append(f"{path}.className: {name} is internal to Parse and cannot be defined")
        problems += _field_problems(path, name, cls.get("fields"), declared)
        problems += _index_problems(path, name, cls)
        problems += _clp_problems(path, name, cls)
    return problems


def _field_problems(path: str, class_name: str, fields: Any, declared: set[str]) -> list[str]:
    problems: list[str] = []
    geo: list[str] = []
    builtin = builtin_fields(class_name)
    for fname, f in _items(fields):
        fpath = f"{path}.fields.{fname}"
        if not isinstance(f, dict) or f.get("type") not in FIELD_TYPES + ["ACL"]:
            continue
        ftype = {"type": f["type"]}
        if isinstance(f.get("targetClass"), str):
            ftype["targetClass"] = parse_class_name(f["targetClass"])
        if fname in builtin:
            if not types_match(builtin[fname], ftype):
                problems.append(f"{fpath}.type: {fname} is built into {class_name} as {builtin[fname]['type']}")
            if "defaultValue" in f:
                problems.append(f"{fpath}.defaultValue: {fname} is built into {class_name}; it takes no default")
            continue
        if f["type"] == "ACL":
            problems.append(f"{fpath}.type: only the built-in ACL field has type ACL")
            continue
        if re.match(_NAME, fname) and not field_name_is_valid(fname, class_name):
            problems.append(f"{path}.fields: {fname!r} is not a valid field name")
        target = ftype.get("targetClass")
        if target and target not in declared and target not in SYSTEM_TARGETS:
            problems.append(f"{fpath}.targetClass: class {f['targetClass']} is not defined in this file")
        if f["type"] == "GeoPoint":
            geo.append(fname)
        if f["type"] == "Relation" and (f.get("required") or "defaultValue" in f):
            problems.append(f"{fpath}: a Relation takes neither required nor defaultValue")
            continue
        for key in ("defaultValue",):
            if key in f and not _value_fits(f[key], ftype):
                problems.append(f"{fpath}.{key}: {json.dumps(f[key])} is not a {_type_text(ftype)}")
        for j, option in enumerate(f.get("enum") or [] if isinstance(f.get("enum"), list) else []):
            if not _value_fits(option, ftype):
                problems.append(f"{fpath}.enum[{j}]: {json.dumps(option)} is not a {_type_text(ftype)}")
        if isinstance(f.get("enum"), list) and "defaultValue" in f and f["defaultValue"] not in f["enum"]:
            problems.append(f"{fpath}.defaultValue: {json.dumps(f['defaultValue'])} is not one of its enum values")
    if len(geo) > 1:
        problems.append(f"{path}.fields: only one GeoPoint field per class (found {', '.join(geo)})")
    return problems


def _type_text(ftype: dict[str, Any]) -> str:
    return f"{ftype['type']}<{ftype['targetClass']}>" if ftype.get("targetClass") else ftype["type"]


def _value_fits(value: Any, ftype: dict[str, Any]) -> bool:
    try:
        actual = value_type(value)
    except ParseError:
        return False
    return actual is not None and types_match(ftype, actual)


def _index_problems(path: str, class_name: str, cls: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    known = set(builtin_fields(class_name)) | {n for n, _ in _items(cls.get("fields"))}
    for iname, spec in _items(cls.get("indexes")):
        if iname == "_id_" or iname in PROTECTED_INDEXES.get(class_name, ()):
            problems.append(f"{path}.indexes.{iname}: the index name {iname} is reserved by Parse")
        for key, _ in _items(spec):
            field_name = key[3:] if key.startswith("_p_") else key
            if field_name not in known:
                problems.append(f"{path}.indexes.{iname}: field {key} is not a field of {class_name}")
    return problems


def _clp_problems(path: str, class_name: str, cls: dict[str, Any]) -> list[str]:
    clp = cls.get("classLevelPermissions")
    if clp is None or not jsonschema.Draft202012Validator(CLP_SCHEMA).is_valid(clp):
        return []  # absent, or its shape is wrong (JSON Schema reported that)
    fields = {**builtin_fields(class_name)}
    for fname, f in _items(cls.get("fields")):
        if isinstance(f, dict) and isinstance(f.get("type"), str):
            target = f.get("targetClass")
            fields[fname] = {"type": f["type"], **({"targetClass": parse_class_name(target)}
                                                   if isinstance(target, str) else {})}
    try:
        validate_clp(clp, fields)
    except ParseError as e:
        return [f"{path}.classLevelPermissions: {e.message}"]
    return []


def _field_def(f: dict[str, Any]) -> FieldDef:
    enum = f.get("enum")
    return FieldDef(type=f["type"], target_class=parse_class_name(f["targetClass"]) if f.get("targetClass") else None,
                    required=bool(f.get("required", False)), default_value=f.get("defaultValue"),
                    has_default="defaultValue" in f, description=f.get("description", ""),
                    enum=tuple(enum) if isinstance(enum, list) else ())


def _class_def(cls: dict[str, Any]) -> ClassDef:
    name = parse_class_name(cls["className"])
    builtin = builtin_fields(name)
    fields = {n: _field_def(f) for n, f in (cls.get("fields") or {}).items()}
    return ClassDef(class_name=name,
                    fields={n: f for n, f in fields.items() if n not in builtin},
                    builtin_fields={n: f for n, f in fields.items() if n in builtin},
                    clp=cls.get("classLevelPermissions"), indexes=cls.get("indexes"),
                    description=cls.get("description", ""))


# ----- export -----

_UNTOUCHED = ("_Session", "_Installation", "_Role", "_Product", "_User")


def export_document(schemas: list[dict[str, Any]], default_clp: dict[str, Any]) -> dict[str, Any]:
    """GET /schemas results as a schema file (system classes only when they hold something of the app's)."""
    classes = []
    for schema in sorted(schemas, key=lambda s: (not s["className"].startswith("_"), s["className"])):
        name = schema["className"]
        if name in VOLATILE_CLASSES or name.startswith("_Join:"):
            continue
        builtin = builtin_fields(name)
        fields = {n: _export_field(f) for n, f in schema.get("fields", {}).items() if n not in builtin}
        indexes = {n: spec for n, spec in (schema.get("indexes") or {}).items()
                   if n != "_id_" and n not in PROTECTED_INDEXES.get(name, ())}
        clp = schema.get("classLevelPermissions")
        if name in _UNTOUCHED and not fields and not indexes and _is_default_clp(clp, default_clp):
            continue
        out: dict[str, Any] = {"className": export_class_name(name), "fields": fields}
        if clp is not None:
            out["classLevelPermissions"] = clp
        if indexes:
            out["indexes"] = indexes
        classes.append(out)
    return {"classes": classes}


def _is_default_clp(clp: dict[str, Any] | None, default_clp: dict[str, Any]) -> bool:
    """Parse's default CLP (addField aside: defined schemas close it on every class)."""
    return clp is None or {**clp, "addField": {}} == {**default_clp, "addField": {}}


def dump_document(document: dict[str, Any]) -> str:
    """A schema file as JSON text, one line per field, CLP operation and index (as schema.json is written)."""
    return _dump(document, 0) + "\n"


def _dump(value: Any, depth: int) -> str:
    if depth >= 4 or not isinstance(value, (dict, list)) or not value:
        return json.dumps(value, ensure_ascii=False)
    pad, inner = "  " * depth, "  " * (depth + 1)
    if isinstance(value, list):
        return "[\n" + ",\n".join(inner + _dump(v, depth + 1) for v in value) + "\n" + pad + "]"
    items = [f"{inner}{json.dumps(k)}: {_dump(v, depth + 1)}" for k, v in value.items()]
    return "{\n" + ",\n".join(items) + "\n" + pad + "}"


def _export_field(f: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"type": f["type"]}
    if f.get("targetClass"):
        out["targetClass"] = export_class_name(f["targetClass"])
    out["required"] = bool(f.get("required", False))
    if "defaultValue" in f:
        out["defaultValue"] = f["defaultValue"]
    return out
