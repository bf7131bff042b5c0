"""What the generated schema is made of: one ClassModel per Parse class, from the live class schemas."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .plurals import pluralize
from .relay import graphql_class_name, lower_first

BUILTIN_FIELDS = ("objectId", "createdAt", "updatedAt", "ACL")

# Names the fixed part of the schema uses: a class whose GraphQL names would collide is left out.
RESERVED_TYPE_NAMES = frozenset((
    "String", "Boolean", "Int", "Float", "ID", "ArrayResult", "Query", "Mutation", "Subscription",
    "CreateFileInput", "CreateFilePayload", "Viewer", "SignUpInput", "SignUpPayload", "LogInInput",
    "LogInPayload", "LogOutInput", "LogOutPayload", "CloudCodeFunction", "CallCloudCodeInput",
    "CallCloudCodePayload", "CreateClassInput", "CreateClassPayload", "UpdateClassInput", "UpdateClassPayload",
    "DeleteClassInput", "DeleteClassPayload", "ChallengeInput", "ChallengePayload", "PageInfo", "Upload", "Any",
    "Object", "Date", "Bytes", "File",
    "FileInfo", "FileInput", "GeoPoint", "GeoPointInput", "ParseObject", "Node", "ACL", "Element", "Class",
    "SchemaField", "ReadPreference",
))
RESERVED_QUERY_NAMES = frozenset(("health", "viewer", "class", "classes", "node"))
_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]*$")


@dataclass
class ClassModel:
    """One Parse class as the GraphQL schema shows it; `config` is its classConfig from the GraphQL config
    (parse_clone/core/schema/graphql_config.py): the fields, queries and mutations it keeps."""

    class_name: str
    type_name: str  # GameScore (User for _User)
    fields: dict[str, dict[str, Any]]  # Parse field name -> {"type", "targetClass", "required"}, sorted
    config: dict[str, Any] = field(default_factory=dict)

    def _type_option(self, key: str) -> Any:
        return (self.config.get("type") or {}).get(key)

    def _allowed(self, names: list[str] | None) -> list[str]:
        return self.custom_fields if names is None else [f for f in self.custom_fields if f in names]

    @property
    def create_fields(self) -> list[str]:
        """The fields of Create<Class>FieldsInput."""
        return self._allowed((self._type_option("inputFields") or {}).get("create"))

    @property
    def update_fields(self) -> list[str]:
        """The fields of Update<Class>FieldsInput."""
        return self._allowed((self._type_option("inputFields") or {}).get("update"))

    @property
    def constraint_fields(self) -> list[str]:
        """The fields of <Class>WhereInput (every field and `id`, unless the config lists some)."""
        listed = self._type_option("constraintFields")
        return [*self.fields, "id"] if listed is None else self._allowed(listed)

    @property
    def sort_fields(self) -> list[tuple[str, bool, bool]]:
        """(field, ASC?, DESC?) of <Class>Order; at least `id` when the config lists none."""
        listed = self._type_option("sortFields")
        if listed is None:
            return [(f, True, True) for f in [*self.fields, "id"]]
        return [(s["field"], s["asc"], s["desc"]) for s in listed] or [("id", True, True)]

    def query_name(self, kind: str) -> str | None:
        """The Query field for `get` or `find` (its alias if configured), None when disabled."""
        options = self.config.get("query") or {}
        if options.get(kind, True) is False:
            return None
        name = options.get(f"{kind}Alias") or (self.get_query if kind == "get" else self.find_query)
        if kind == "find" and name == self.query_name("get"):
            return None  # a name already plural (`status`): the get query keeps it, as in Parse Server
        return name

    def mutation_name(self, kind: str) -> str | None:
        """The Mutation field for `create`, `update` or `destroy` (alias if configured), None when disabled."""
        options = self.config.get("mutation") or {}
        if options.get(kind, True) is False:
            return None
        verb = "delete" if kind == "destroy" else kind
        return options.get(f"{kind}Alias") or f"{verb}{self.type_name}"

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
        shown = self._allowed(self._type_option("outputFields"))
        return [f for f in shown if not (self.class_name == "_User" and f == "password")]

    def field_type(self, name: str) -> str | None:
        """The Parse type of a field, or None."""
        f = self.fields.get("objectId" if name == "id" else name)
        return f.get("type") if f else None

    def target(self, name: str) -> str | None:
        """The target class of a Pointer/Relation field."""
        f = self.fields.get(name)
        return f.get("targetClass") if f else None


def shown_classes(names: list[str], config: dict[str, Any]) -> list[str]:
    """The classes the GraphQL config lets the schema show (enabledForClasses, then disabledForClasses)."""
    enabled, disabled = config.get("enabledForClasses"), config.get("disabledForClasses")
    return [n for n in names if (enabled is None or n in enabled) and (disabled is None or n not in disabled)]


def class_models(schemas: dict[str, dict[str, Any]], config: dict[str, Any] | None = None) -> dict[str, ClassModel]:
    """The classes the GraphQL schema shows, keyed by Parse class name, in a stable order; `config` is
    the GraphQL config (which classes, and each one's classConfig)."""
    config = config or {}
    class_configs = {c["className"]: c for c in config.get("classConfigs") or ()}
    models: dict[str, ClassModel] = {}
    taken_types: set[str] = set()
    taken_queries: set[str] = set(RESERVED_QUERY_NAMES)
    order = sorted(shown_classes(list(schemas), config),
                   key=lambda n: (n not in ("_Role", "_User"), n != "_Role", n))
    for class_name in order:
        type_name = graphql_class_name(class_name)
        if not _NAME.match(type_name) or type_name in RESERVED_TYPE_NAMES or type_name in taken_types:
            continue
        fields = {name: dict(spec) for name, spec in sorted(schemas[class_name].get("fields", {}).items())
                  if _NAME.match(name) and not name.startswith("_auth_data_")}
        model = ClassModel(class_name, type_name, fields, class_configs.get(class_name, {}))
        names = {n for n in (model.query_name("get"), model.query_name("find")) if n}
        if names & taken_queries or not all(_NAME.match(n) for n in names):
            continue
        taken_types.add(type_name)
        taken_queries.update(names)
        models[class_name] = model
    return models
