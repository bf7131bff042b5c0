"""The live schema (what the server holds now) as a SchemaDocument, with the schema file's descriptions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .model import ClassDef, FieldDef, SchemaDocument
from .startup import defined_schemas

if TYPE_CHECKING:
    from ..core.runtime.server import Server

DEFAULT_FIELDS = ("objectId", "createdAt", "updatedAt", "ACL")
HIDDEN_CLASSES = ("_Session", "_Installation", "_Role", "_Join", "_PushStatus", "_JobStatus", "_Hooks",
                  "_GlobalConfig", "_Audience", "_Idempotency", "_GraphQLConfig", "_JobSchedule")
_USER_BUILTINS = ("username", "password", "email", "emailVerified", "authData")


async def live_schemas(server: "Server") -> list[dict[str, Any]]:
    """Every class as GET /schemas shows it, in a stable order (_User first, then by name)."""
    schemas = [server.schema.to_api(s) for s in (await server.schema.all()).values()]
    return sorted(schemas, key=lambda s: (s["className"] != "_User", s["className"]))


def _field(spec: dict[str, Any], described: FieldDef | None) -> FieldDef:
    return FieldDef(type=spec["type"], target_class=spec.get("targetClass"), required=bool(spec.get("required")),
                    default_value=spec.get("defaultValue"), has_default="defaultValue" in spec,
                    description=described.description if described else "",
                    enum=described.enum if described else ())


async def live_document(server: "Server") -> SchemaDocument:
    """The server's classes (Parse's internal ones left out) as a document for the docs generators."""
    defined = defined_schemas(server)
    file_doc = defined.document if defined else None
    order = {c.class_name: i for i, c in enumerate(file_doc.classes)} if file_doc else {}
    classes = []
    for schema in sorted(await live_schemas(server), key=lambda s: (order.get(s["className"], len(order)),
                                                                     s["className"])):
        name = schema["className"]
        if name in HIDDEN_CLASSES:
            continue
        described = file_doc.get(name) if file_doc else None
        known = {**(described.builtin_fields if described else {}), **(described.fields if described else {})}
        fields, builtins = {}, {}
        for field_name, spec in schema["fields"].items():
            if field_name in DEFAULT_FIELDS:
                continue
            target = builtins if name == "_User" and field_name in _USER_BUILTINS else fields
            target[field_name] = _field(spec, known.get(field_name))
        classes.append(ClassDef(class_name=name, fields=fields, clp=schema.get("classLevelPermissions"),
                                indexes={k: v for k, v in (schema.get("indexes") or {}).items() if k != "_id_"}
                                or None,
                                description=described.description if described else "", builtin_fields=builtins))
    return SchemaDocument(classes=classes, description=file_doc.description if file_doc else "",
                          source="live schema")
