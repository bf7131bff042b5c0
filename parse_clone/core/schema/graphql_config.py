"""The GraphQL config (Parse Server's parseGraphQLConfig): which classes the GraphQL schema shows and,
per class, which fields, constraints, sort orders, queries and mutations it gets.

Stored as Parse Server stores it: the `config` field of the one `_GraphQLConfig` object, objectId "1".
PUT /graphql-config replaces it whole. The value is cached in the process and replaced on every PUT;
the other workers of a cluster drop theirs at once (livequery/cache_sync.py); another instance's PUT is
picked up within CACHE_SECONDS, as Parse Server's cache does.
"""

from __future__ import annotations

import time
from typing import Any

from ...errors import ParseError
from ...storage.base import FindOptions

CLASS_NAME = "_GraphQLConfig"
OBJECT_ID = "1"
CACHE_SECONDS = 60.0

_TOP_KEYS = ("enabledForClasses", "disabledForClasses", "classConfigs")
_CLASS_KEYS = ("className", "type", "query", "mutation")
_TYPE_KEYS = ("inputFields", "outputFields", "constraintFields", "sortFields")
_QUERY_FLAGS, _QUERY_ALIASES = ("find", "get"), ("findAlias", "getAlias")
_MUTATION_FLAGS = ("create", "update", "destroy")
_MUTATION_ALIASES = ("createAlias", "updateAlias", "destroyAlias")


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(s, str) and s.strip() for s in value)


def _extra(value: dict[str, Any], allowed: tuple[str, ...]) -> str:
    return ",".join(k for k in value if k not in allowed)


def _sort_field_problem(index: int, item: Any) -> str | None:
    if not isinstance(item, dict):
        return f'"sortField" at index {index} is not a valid object'
    if extra := _extra(item, ("field", "asc", "desc")):
        return f'"sortField" at index {index} contains invalid keys, [{extra}]'
    if not isinstance(item.get("field"), str) or not item["field"].strip():
        return f'"sortField" at index {index} did not provide the "field" as a string'
    if not isinstance(item.get("asc"), bool) or not isinstance(item.get("desc"), bool):
        return f'"sortField" at index {index} did not provide "asc" or "desc" as booleans'
    return None


def _type_problem(class_name: str, type_config: Any) -> str | None:
    if not isinstance(type_config, dict):
        return '"type" must be a valid object'
    if extra := _extra(type_config, _TYPE_KEYS):
        return f'"type" contains invalid keys, [{extra}]'
    for key in ("outputFields", "constraintFields"):
        if type_config.get(key) is not None and not _strings(type_config[key]):
            return f'"{key}" must be a valid string array'
    sort_fields = type_config.get("sortFields")
    if sort_fields is not None:
        if not isinstance(sort_fields, list):
            return '"sortFields" must be a valid array.'
        for index, item in enumerate(sort_fields):
            if problem := _sort_field_problem(index, item):
                return problem
    inputs = type_config.get("inputFields")
    if inputs is not None:
        if not isinstance(inputs, dict):
            return '"inputFields" must be a valid object'
        if extra := _extra(inputs, ("create", "update")):
            return f'"inputFields" contains invalid keys: [{extra}]'
        for key in ("update", "create"):
            if inputs.get(key) is not None and not _strings(inputs[key]):
                return f'"inputFields.{key}" must be a valid string array'
        create = inputs.get("create")
        if class_name == "_User" and create is not None and not {"username", "password"} <= set(create):
            return '"inputFields.create" must include required fields, username and password'
    return None


def _options_problem(kind: str, options: Any, flags: tuple[str, ...], aliases: tuple[str, ...]) -> str | None:
    if not isinstance(options, dict):
        return f'"{kind}" must be a valid object'
    if extra := _extra(options, flags + aliases):
        return f'"{kind}" contains invalid keys, [{extra}]'
    for key in flags:
        if options.get(key) is not None and not isinstance(options[key], bool):
            return f'"{kind}.{key}" must be a boolean'
    for key in aliases:
        if options.get(key) is not None and not isinstance(options[key], str):
            return f'"{kind}.{key}" must be a string'
    return None


def _class_problem(class_config: Any) -> str | None:
    if not isinstance(class_config, dict):
        return "it must be a valid object"
    if extra := _extra(class_config, _CLASS_KEYS):
        return f'"invalidKeys" [{extra}] should not be present'
    class_name = class_config.get("className")
    if not isinstance(class_name, str) or not class_name.strip():
        return '"className" must be a valid string'
    if class_config.get("type") is not None and (problem := _type_problem(class_name, class_config["type"])):
        return problem
    if class_config.get("query") is not None:
        if problem := _options_problem("query", class_config["query"], _QUERY_FLAGS, _QUERY_ALIASES):
            return problem
    if class_config.get("mutation") is not None:
        return _options_problem("mutation", class_config["mutation"], _MUTATION_FLAGS, _MUTATION_ALIASES)
    return None


def validate(config: Any) -> None:
    """Raise INVALID_JSON naming every problem of a GraphQL config (Parse Server's rules)."""
    problems: list[str] = []
    if not isinstance(config, dict):
        problems.append("must be a valid object")
    else:
        if extra := _extra(config, _TOP_KEYS):
            problems.append(f"encountered invalid keys: [{extra}]")
        for key in ("enabledForClasses", "disabledForClasses"):
            if config.get(key) is not None and not _strings(config[key]):
                problems.append(f'"{key}" is not a valid array')
        class_configs = config.get("classConfigs")
        if class_configs is not None:
            if not isinstance(class_configs, list):
                problems.append('"classConfigs" is not a valid array')
            else:
                for class_config in class_configs:
                    if problem := _class_problem(class_config):
                        name = class_config.get("className", "undefined") if isinstance(class_config, dict) \
                            else "undefined"  # as JavaScript prints a missing className
                        problems.append(f"classConfig:{name} is invalid because {problem}")
    if problems:
        raise ParseError(ParseError.INVALID_JSON, f"Invalid graphQLConfig: {'; '.join(problems)}")


class GraphQLConfigStore:
    """Reads and writes one server's GraphQL config, cached in the process."""

    def __init__(self, server: Any) -> None:  # a core.runtime Server (a higher layer: not imported)
        self.server = server
        self._value: dict[str, Any] | None = None
        self._read_at = 0.0

    async def get(self) -> dict[str, Any]:
        """The stored config ({} when none was ever stored)."""
        if self._value is not None and time.monotonic() - self._read_at < CACHE_SECONDS:
            return self._value
        schema = await self.server.schema.get(CLASS_NAME)
        assert schema is not None  # a volatile class always has its schema
        rows = await self.server.storage.find(CLASS_NAME, schema, {"objectId": OBJECT_ID}, FindOptions(limit=1))
        stored = rows[0].get("config") if rows else None
        self._remember(stored if isinstance(stored, dict) else {})
        return self._value  # type: ignore[return-value]

    async def put(self, config: Any) -> None:
        """Validate and store a new config, replacing the old one whole."""
        validate(config)
        schema = await self.server.schema.get(CLASS_NAME)
        assert schema is not None
        await self.server.storage.upsert_one(CLASS_NAME, schema, {"objectId": OBJECT_ID}, {"config": config})
        self._remember(config)
        listener = self.server.extras.get("graphql_config_listener")  # other workers (cache_sync.py)
        if listener is not None:
            listener()

    def forget(self) -> None:
        """Drop the cached config (another process stored a new one): the next get() reads it."""
        self._value = None

    def _remember(self, config: dict[str, Any]) -> None:
        self._value, self._read_at = config, time.monotonic()


def graphql_config(server: Any) -> GraphQLConfigStore:
    """The server's GraphQL config store (made on first use)."""
    store = server.extras.get("graphql_config")
    if store is None:
        store = server.extras["graphql_config"] = GraphQLConfigStore(server)
    return store
