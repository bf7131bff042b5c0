"""Resolvers of the fixed operations: health, callCloudCode, createFile and the class-schema
queries and mutations (class, classes, createClass, updateClass, deleteClass)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from graphql import GraphQLResolveInfo

from ..errors import ParseError
from .execution import source_only
from .uploads import save_upload

if TYPE_CHECKING:
    from .context import GraphQLContext

# SchemaFieldsInput list -> Parse type
_ADDERS = {"addStrings": "String", "addNumbers": "Number", "addBooleans": "Boolean", "addArrays": "Array",
           "addObjects": "Object", "addDates": "Date", "addFiles": "File", "addGeoPoint": "GeoPoint",
           "addPolygons": "Polygon", "addBytes": "Bytes", "addPointers": "Pointer", "addRelations": "Relation"}
_SCHEMA_FIELD_TYPES = {"String", "Number", "Boolean", "Array", "Object", "Date", "File", "GeoPoint",
                       "Polygon", "Bytes", "Pointer", "Relation", "ACL"}


async def resolve_health(_root: Any, _info: GraphQLResolveInfo) -> bool:
    """`health`: the server answers."""
    return True


async def resolve_call_cloud_code(_root: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> Any:
    """`callCloudCode(input: {functionName, params})`: POST /functions/:name (validators and rate limits apply)."""
    ctx: GraphQLContext = info.context
    reply = await ctx.rest("POST", "/functions/" + quote(input["functionName"], safe=""), input.get("params") or {})
    return {"result": (reply or {}).get("result"), "clientMutationId": input.get("clientMutationId")}


async def resolve_create_file(_root: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> Any:
    """`createFile(input: {upload})`: stored as POST /files/:name stores it."""
    ctx: GraphQLContext = info.context
    file_info = await save_upload(ctx, input.get("upload"))
    return {"fileInfo": file_info, "clientMutationId": input.get("clientMutationId")}


def schema_fields_to_parse(fields: dict[str, Any] | None, existing: dict[str, Any]) -> dict[str, Any]:
    """SchemaFieldsInput -> the `fields` of a /schemas body; 105 for a name given twice or already there."""
    out: dict[str, Any] = {}
    if not fields:
        return out
    removed = {f["name"] for f in fields.get("remove") or []}
    for key, ptype in _ADDERS.items():
        items = fields.get(key)
        if items is None:
            continue
        for item in items if isinstance(items, list) else [items]:
            name = item["name"]
            if name in removed:
                continue
            if name in out or name in existing:
                raise ParseError(ParseError.INVALID_KEY_NAME, f"Duplicated field name: {name}")
            out[name] = {"type": ptype}
            if ptype in ("Pointer", "Relation"):
                out[name]["targetClass"] = item["targetClassName"]
    for name in removed:
        if name in existing:
            out[name] = {"__op": "Delete"}
    return out


def class_to_graphql(schema: dict[str, Any]) -> dict[str, Any]:
    """A /schemas class -> `Class` {name, schemaFields}."""
    fields = [{"name": name, "type": spec.get("type"), "targetClassName": spec.get("targetClass")}
              for name, spec in (schema.get("fields") or {}).items() if spec.get("type") in _SCHEMA_FIELD_TYPES]
    return {"name": schema["className"], "schemaFields": fields}


@source_only
def resolve_schema_field_type(value: dict[str, Any], *_: Any) -> str:
    """The concrete SchemaField type of one field."""
    return f"Schema{value['type']}Field"


async def _get_class(ctx: "GraphQLContext", name: str) -> dict[str, Any]:
    return await ctx.rest("GET", "/schemas/" + quote(name, safe=""))


async def resolve_class(_root: Any, info: GraphQLResolveInfo, name: str) -> Any:
    """`class(name)`: GET /schemas/:name (master key)."""
    ctx: GraphQLContext = info.context
    ctx.require_master()
    return class_to_graphql(await _get_class(ctx, name))


async def resolve_classes(_root: Any, info: GraphQLResolveInfo) -> Any:
    """`classes`: GET /schemas (master key)."""
    ctx: GraphQLContext = info.context
    ctx.require_master()
    reply = await ctx.rest("GET", "/schemas")
    return [class_to_graphql(s) for s in reply["results"]]


async def _write_class(info: GraphQLResolveInfo, input: dict[str, Any], method: str) -> Any:
    ctx: GraphQLContext = info.context
    ctx.require_master()
    name = input["name"]
    existing = (await _get_class(ctx, name)).get("fields") or {} if method == "PUT" else {}
    fields = schema_fields_to_parse(input.get("schemaFields"), existing)
    written = await ctx.rest(method, "/schemas/" + quote(name, safe=""), {"className": name, "fields": fields})
    return {"class": class_to_graphql(written), "clientMutationId": input.get("clientMutationId")}


async def resolve_create_class(_root: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> Any:
    """`createClass(input: {name, schemaFields})`: POST /schemas/:name (master key)."""
    return await _write_class(info, input, "POST")


async def resolve_update_class(_root: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> Any:
    """`updateClass(input: {name, schemaFields})`: PUT /schemas/:name (master key)."""
    return await _write_class(info, input, "PUT")


async def resolve_delete_class(_root: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> Any:
    """`deleteClass(input: {name})`: DELETE /schemas/:name (master key; only an empty class)."""
    ctx: GraphQLContext = info.context
    ctx.require_master()
    name = input["name"]
    existing = await _get_class(ctx, name)
    await ctx.rest("DELETE", "/schemas/" + quote(name, safe=""))
    return {"class": class_to_graphql(existing), "clientMutationId": input.get("clientMutationId")}
