"""What the generated schema is made of: one ClassModel per Parse class, from the live class schemas."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .relay import graphql_class_name, lower_first, pluralize

BUILTIN_FIELDS = ("objectId", "createdAt", "updatedAt", "ACL")

# Names the fixed part of the schema uses: a class whose GraphQL names would collide is left out.
RESERVED_TYPE_NAMES = frozenset((
    "String", "Boolean", "Int", "Float", "ID", "ArrayResult", "Query", "Mutation", "Subscription",
    "CreateFileInput", "CreateFilePayload", "Viewer", "SignUpInput", "SignUpPayload", "LogInInput",
    "LogInPayload", "LogOutInput", "LogOutPayload", "CloudCodeFunction", "CallCloudCodeInput",
    "CallCloudCodePayload", "CreateClassInput", "CreateClassPayload", "UpdateClassInput", "UpdateClassPayload",
    "DeleteClassInput", "DeleteClassPayload", "PageInfo", "Upload", "Any", "Object", "Date", "Bytes", "File",
    "FileInfo", "FileInput", "GeoPoint", "GeoPointInput", "ParseObject", "Node", "ACL", "Element", "Class",
    "SchemaField", "ReadPreference",
))
RESERVED_QUERY_NAMES = frozenset(("health", "viewer", "class", "classes", "node"))
_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]*$")


@dataclass
class ClassModel:
    """One Parse class as the GraphQL schema shows it."""

    class_name: str
    type_name: str  # GameScore (User for _User)
    fields: dict[str, dict[str, Any]]  # Parse field name -> {"type", "targetClass", "required"}, sorted

    @property
    def get_query(self) -> str:
        """`gameScore`."""
        return lower_first(self.type_name)

    @property
    def find_query(self) -> str:
        """`gameScores`."""
        return pluralize(lower_first(self.type_name))

    @property
    def custom_fields(self) -> list[str]:
        """The fields beyond objectId/createdAt/updatedAt/ACL (create and update inputs)."""
        return [f for f in self.fields if f not in BUILTIN_FIELDS]

    @property
    def output_fields(self) -> list[str]:
        """The custom fields an output type shows (never a _User's password)."""
        return [f for f in self.custom_fields if not (self.class_name == "_User" and f == "password")]

    def field_type(self, name: str) -> str | None:
        """The Parse type of a field, or None."""
        f = self.fields.get("objectId" if name == "id" else name)
        return f.get("type") if f else None

    def target(self, name: str) -> str | None:
        """The target class of a Pointer/Relation field."""
        f = self.fields.get(name)
        return f.get("targetClass") if f else None


def class_models(schemas: dict[str, dict[str, Any]]) -> dict[str, ClassModel]:
    """The classes the GraphQL schema shows, keyed by Parse class name, in a stable order."""
    models: dict[str, ClassModel] = {}
    taken_types: set[str] = set()
    taken_queries: set[str] = set(RESERVED_QUERY_NAMES)
    order = sorted(schemas, key=lambda n: (n not in ("_Role", "_User"), n != "_Role", n))
    for class_name in order:
        type_name = graphql_class_name(class_name)
        if not _NAME.match(type_name) or type_name in RESERVED_TYPE_NAMES or type_name in taken_types:
            continue
        fields = {name: dict(spec) for name, spec in sorted(schemas[class_name].get("fields", {}).items())
                  if _NAME.match(name) and not name.startswith("_auth_data_")}
        model = ClassModel(class_name, type_name, fields)
        if model.get_query in taken_queries or model.find_query in taken_queries:
            continue
        taken_types.add(type_name)
        taken_queries.update((model.get_query, model.find_query))
        models[class_name] = model
    return models
