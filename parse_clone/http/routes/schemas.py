"""/schemas: read and change class schemas (master key)."""

from __future__ import annotations

from typing import Any

from ...core.schema.clp import default_clp
from ...errors import ParseError
from ...core.schema.defs import check_class_name
from ...core.runtime.server import Server
from ...schema_loader.startup import schemas_locked
from ..request import ParseRequest
from ..router import Reply, Router


def _forbid_read_only(req: ParseRequest, action: str) -> None:
    if req.auth.is_read_only:
        raise ParseError(ParseError.OPERATION_FORBIDDEN, f"read-only masterKey isn't allowed to {action} a schema.")
    if req.auth.is_master is False and req.auth.is_maintenance is False:
        raise ParseError(ParseError.OPERATION_FORBIDDEN, "unauthorized: master key is required")


def _forbid_locked(server: Server) -> None:
    """The `schema` option's lockSchemas: the defined schemas are the only source of classes (Parse's 119)."""
    if schemas_locked(server):
        raise ParseError(ParseError.OPERATION_FORBIDDEN, "Cannot perform this operation when schemas options is used.")


def _clp(body: dict) -> Any:
    """The CLP a PUT sets: an explicit null resets the class to the public default."""
    if "classLevelPermissions" in body and body["classLevelPermissions"] is None:
        return default_clp()
    return body.get("classLevelPermissions")


def _body(req: ParseRequest) -> dict:
    if not isinstance(req.body, dict):
        raise ParseError(ParseError.INVALID_JSON, "The request body must be a JSON object")
    return req.body


async def get_all(server: Server, req: ParseRequest) -> Reply:
    """GET /schemas."""
    server.schema.invalidate()
    schemas = await server.schema.all()
    return Reply({"results": [server.schema.to_api(s) for s in schemas.values()]})


async def get_one(server: Server, req: ParseRequest) -> Reply:
    """GET /schemas/C: 103 when missing."""
    class_name = req.params["className"]
    schema = await server.schema.get(class_name)
    if schema is None:
        raise ParseError(ParseError.INVALID_CLASS_NAME, f"Class {class_name} does not exist.")
    return Reply(server.schema.to_api(schema))


async def create(server: Server, req: ParseRequest) -> Reply:
    """POST /schemas[/C]."""
    _forbid_locked(server)
    _forbid_read_only(req, "create")
    body = _body(req)
    path_class = req.params.get("className")
    if path_class and body.get("className") and body["className"] != path_class:
        raise ParseError(ParseError.INVALID_CLASS_NAME,
                         f"Class name mismatch between {body['className']} and {path_class}.")
    class_name = path_class or body.get("className")
    if not class_name:
        raise ParseError(ParseError.MISSING_REQUIRED_FIELD, f"POST {req.path} needs a class name.")
    if not isinstance(class_name, str):
        raise ParseError(ParseError.INVALID_CLASS_NAME, "Invalid classname")
    result = await server.schema.create_class(class_name, body.get("fields"), body.get("classLevelPermissions"),
                                              body.get("indexes"))
    return Reply(result)


async def update(server: Server, req: ParseRequest) -> Reply:
    """PUT /schemas/C."""
    _forbid_locked(server)
    _forbid_read_only(req, "update")
    body = _body(req)
    class_name = req.params["className"]
    if body.get("className") and body["className"] != class_name:
        raise ParseError(ParseError.INVALID_CLASS_NAME,
                         f"Class name mismatch between {body['className']} and {class_name}.")
    result = await server.schema.update_class(class_name, body.get("fields") or {},
                                              _clp(body), body.get("indexes"))
    return Reply(result)


async def delete(server: Server, req: ParseRequest) -> Reply:
    """DELETE /schemas/C: only empty classes."""
    _forbid_read_only(req, "delete")
    class_name = req.params["className"]
    check_class_name(class_name)
    await server.schema.delete_class(class_name)
    return Reply({})


def register(router: Router) -> None:
    """Mount /schemas."""
    router.add("GET", "/schemas", get_all, master=True)
    router.add("GET", "/schemas/:className", get_one, master=True)
    router.add("POST", "/schemas", create, master=True)
    router.add("POST", "/schemas/:className", create, master=True)
    router.add("PUT", "/schemas/:className", update, master=True)
    router.add("DELETE", "/schemas/:className", delete, master=True)
