"""`Create<Class>FieldsInput` / `Update<Class>FieldsInput` values -> a Parse REST body.

Pointers take `link` (global or object id) or `createAndLink`; relations take `add`, `remove` and
`createAndAdd`; a null deletes the field. Nested creates go through core/rest like any create.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..core import rest
from ..errors import ParseError
from .relay import object_id_of
from .uploads import save_upload

if TYPE_CHECKING:
    from .context import GraphQLContext
    from .model import ClassModel


def acl_to_parse(value: dict[str, Any]) -> dict[str, Any]:
    """ACLInput -> Parse's ACL object."""
    acl: dict[str, Any] = {}
    if value.get("public"):
        acl["*"] = {"read": value["public"]["read"], "write": value["public"]["write"]}
    for rule in value.get("users") or []:
        acl[object_id_of(rule["userId"], "_User")] = {"read": rule["read"], "write": rule["write"]}
    for rule in value.get("roles") or []:
        acl[f"role:{rule['roleName']}"] = {"read": rule["read"], "write": rule["write"]}
    return acl


def _pointer(class_name: str, object_id: str) -> dict[str, Any]:
    return {"__type": "Pointer", "className": class_name, "objectId": object_id}


async def _create_nested(ctx: "GraphQLContext", class_name: str, fields: dict[str, Any]) -> str:
    target = ctx.models.get(class_name)
    body = await to_parse_fields(ctx, target, fields) if target else dict(fields)
    result = await rest.create(ctx.server, ctx.auth, class_name, body)
    return result.object_id


async def _pointer_op(ctx: "GraphQLContext", model: "ClassModel", field: str, value: dict[str, Any]) -> Any:
    target = model.target(field) or ""
    given = {k: v for k, v in value.items() if v is not None}
    if len(given) != 1:
        raise ParseError(ParseError.INVALID_POINTER,
                         f"You need to provide link OR createLink on the pointer mutation of field {field}")
    if "createAndLink" in given:
        return _pointer(target, await _create_nested(ctx, target, given["createAndLink"]))
    return _pointer(target, object_id_of(given["link"], target))


async def _relation_op(ctx: "GraphQLContext", model: "ClassModel", field: str, value: dict[str, Any]) -> Any:
    target = model.target(field) or ""
    given = {k: v for k, v in value.items() if v is not None}
    if not given:
        raise ParseError(ParseError.INVALID_POINTER,
                         f"You need to provide at least one operation on the relation mutation of field {field}")
    ops: list[dict[str, Any]] = []
    added = [_pointer(target, object_id_of(i, target)) for i in given.get("add") or []]
    for fields in given.get("createAndAdd") or []:
        added.append(_pointer(target, await _create_nested(ctx, target, fields)))
    if added:
        ops.append({"__op": "AddRelation", "objects": added})
    if given.get("remove"):
        ops.append({"__op": "RemoveRelation",
                    "objects": [_pointer(target, object_id_of(i, target)) for i in given["remove"]]})
    return ops[0] if len(ops) == 1 else {"__op": "Batch", "ops": ops}


async def _file_value(ctx: "GraphQLContext", value: dict[str, Any]) -> Any:
    if value.get("upload") is not None:
        return {"__type": "File", **await save_upload(ctx, value["upload"])}
    file = value.get("file")
    if isinstance(file, dict) and file.get("name"):
        out = {"__type": "File", "name": file["name"]}
        if file.get("url"):
            out["url"] = file["url"]
        return out
    raise ParseError(ParseError.FILE_SAVE_ERROR, "Invalid file upload.")


async def to_parse_fields(ctx: "GraphQLContext", model: "ClassModel", fields: dict[str, Any] | None) -> dict[str, Any]:
    """The REST body for a create or update of `model`'s class."""
    body: dict[str, Any] = {}
    for name, value in (fields or {}).items():
        ptype = model.field_type(name)
        if name == "ACL":
            body["ACL"] = acl_to_parse(value) if value is not None else {"__op": "Delete"}
        elif value is None:
            body[name] = {"__op": "Delete"}
        elif ptype == "GeoPoint":
            body[name] = {"__type": "GeoPoint", "latitude": value["latitude"], "longitude": value["longitude"]}
        elif ptype == "Polygon":
            body[name] = {"__type": "Polygon", "coordinates": [[p["latitude"], p["longitude"]] for p in value]}
        elif ptype == "File":
            body[name] = await _file_value(ctx, value)
        elif ptype == "Pointer" and name in model.fields and ctx.models.get(model.target(name) or ""):
            body[name] = await _pointer_op(ctx, model, name, value)
        elif ptype == "Relation" and ctx.models.get(model.target(name) or ""):
            body[name] = await _relation_op(ctx, model, name, value)
        else:
            body[name] = value
    return body
