"""Defined schemas: the `schema` option, loaded when the server starts (Parse Server's behaviour).

`schema` is a file path, or Parse Server's object `{"definitions": <path, {"classes": [...]}
or [...]>, "strict", "deleteExtraFields", "recreateModifiedFields", "lockSchemas", "keepUnknownIndexes"}`. The file
is validated when the server is built (a bad file stops the start with every problem), and
applied once storage is connected. Without `strict` a refused type change is logged and
skipped; with it, the server does not start. As in Parse Server, a failed apply is retried
(other instances may be applying the same file at the same moment).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import ParseError
from .apply import ControllerTarget, load_schema
from .document import parse_schema_data, read_schema_file
from .model import LoadOptions, SchemaDocument
from .plan import Plan

if TYPE_CHECKING:
    from ..core.runtime.server import Server

log = logging.getLogger("parse_clone.schema")
_OPTION_KEYS = ("definitions", "strict", "deleteExtraFields", "recreateModifiedFields", "lockSchemas",
                "keepUnknownIndexes")
_EXTRA_KEY = "defined_schemas"
RETRIES = 3


@dataclass(frozen=True)
class DefinedSchemas:
    """A validated schema file and the options it is applied with."""

    document: SchemaDocument
    options: LoadOptions


def defined_schemas_from_option(value: str | dict[str, Any] | None) -> DefinedSchemas | None:
    """Read the `schema` option (SchemaFileError for a bad file, ValueError for a bad option)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return DefinedSchemas(read_schema_file(value), LoadOptions())
    if not isinstance(value, dict):
        raise ValueError("schema: expected a file path or an object with definitions")
    unknown = sorted(set(value) - set(_OPTION_KEYS))
    if unknown:
        raise ValueError(f"schema: unknown option(s) {', '.join(unknown)} (known: {', '.join(_OPTION_KEYS)})")
    for key in _OPTION_KEYS[1:]:
        if key in value and not isinstance(value[key], bool):
            raise ValueError(f"schema.{key} must be a boolean")
    definitions = value.get("definitions")
    if isinstance(definitions, str):
        document = read_schema_file(definitions)
    elif isinstance(definitions, (list, dict)):
        document = parse_schema_data(definitions, source="schema.definitions")
    else:
        raise ValueError("schema.definitions: expected a file path, a list of classes or {\"classes\": [...]}")
    return DefinedSchemas(document, LoadOptions.from_parse(value))


def install_defined_schemas(server: "Server") -> None:
    """Validate the server's `schema` option now, so a bad file fails before anything starts."""
    server.extras[_EXTRA_KEY] = defined_schemas_from_option(server.config.schema)


def defined_schemas(server: "Server") -> DefinedSchemas | None:
    """The schemas this server defines, if any."""
    return server.extras.get(_EXTRA_KEY)


def schemas_locked(server: "Server") -> bool:
    """lockSchemas: /schemas may not create or change classes while the server runs."""
    defined = defined_schemas(server)
    return defined is not None and defined.options.lock_schemas


async def apply_defined_schemas(server: "Server", retry_delay: float = 1.0) -> Plan | None:
    """Bring the database in line with the defined schemas (storage must be connected)."""
    defined = defined_schemas(server)
    if defined is None:
        return None
    # Like Parse Server, make sure _Session exists, so that its CLP is covered now rather than
    # left open by the first login (which would make the next load find a change).
    await server.schema.enforce_class("_Session", can_create=True)
    target = ControllerTarget(server.schema)
    options = defined.options
    for attempt in range(RETRIES + 1):
        try:
            plan, done = await load_schema(defined.document, target, options, allow_refused=not options.strict)
            break
        except ParseError as e:
            if attempt == RETRIES:
                raise
            log.warning("schema %s: %s %s; retrying", defined.document.source, e.code, e.message)
            await asyncio.sleep(retry_delay * (attempt + 1))
    for line in done:
        log.info("schema %s: %s", defined.document.source, line)
    for change in plan.refused:
        log.warning("schema %s: %s.%s not changed: %s (%s)", defined.document.source, change.class_name,
                    change.name, change.detail, change.refused)
    if options.strict:
        for kept in plan.kept:
            log.warning("schema %s: %s %s%s is in the database but not in the file", defined.document.source,
                        kept.kind, kept.class_name, "." + kept.name if kept.name else "")
    return plan
