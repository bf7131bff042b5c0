"""An OpenAPI 3.1 document of the live schema: every class's REST routes, fields, types and errors."""

from __future__ import annotations

import inspect
from typing import Any

from .. import PARSE_SERVER_VERSION

JSON = "application/json"
_SPECIAL_PATHS = {"_User": "/users", "_Role": "/roles", "_Session": "/sessions", "_Installation": "/installations"}
_INTERNAL = ("_Join", "_PushStatus", "_JobStatus", "_Hooks", "_GlobalConfig", "_Audience", "_Idempotency",
             "_GraphQLConfig", "_JobSchedule")
_ERRORS = {
    "400": "A Parse error: bad input (e.g. 111 wrong field type, 142 validation failed, 119 operation forbidden)",
    "403": "Missing or wrong keys (`unauthorized`)",
    "404": "101 Object not found, or an unknown class",
}


def _value_types() -> dict[str, Any]:
    def typed(name: str, props: dict[str, Any], required: list[str]) -> dict[str, Any]:
        return {"type": "object", "required": ["__type", *required],
                "properties": {"__type": {"const": name}, **props}}

    return {
        "ParseError": {"type": "object", "required": ["code", "error"],
                       "properties": {"code": {"type": "integer", "description": "Parse error code"},
                                      "error": {"type": "string"}}},
        "Date": typed("Date", {"iso": {"type": "string", "format": "date-time"}}, ["iso"]),
        "Pointer": typed("Pointer", {"className": {"type": "string"}, "objectId": {"type": "string"}},
                         ["className", "objectId"]),
        "Relation": typed("Relation", {"className": {"type": "string"}}, ["className"]),
        "GeoPoint": typed("GeoPoint", {"latitude": {"type": "number", "minimum": -90, "maximum": 90},
                                       "longitude": {"type": "number", "minimum": -180, "maximum": 180}},
                          ["latitude", "longitude"]),
        "File": typed("File", {"name": {"type": "string"}, "url": {"type": "string"}}, ["name"]),
        "Bytes": typed("Bytes", {"base64": {"type": "string"}}, ["base64"]),
        "Polygon": typed("Polygon", {"coordinates": {"type": "array", "items": {
            "type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2}}}, ["coordinates"]),
        "ACL": {"type": "object", "additionalProperties": {"type": "object", "properties": {
            "read": {"type": "boolean"}, "write": {"type": "boolean"}}}},
        "Operation": {"type": "object", "required": ["__op"], "properties": {"__op": {"type": "string", "enum": [
            "Increment", "Add", "AddUnique", "Remove", "Delete", "AddRelation", "RemoveRelation", "Batch"]}},
            "description": "An update operator, e.g. {\"__op\": \"Increment\", \"amount\": 1}"},
        "Created": {"type": "object", "required": ["objectId", "createdAt"], "properties": {
            "objectId": {"type": "string"}, "createdAt": {"type": "string", "format": "date-time"}}},
        "Updated": {"type": "object", "required": ["updatedAt"], "properties": {
            "updatedAt": {"type": "string", "format": "date-time"}}},
    }


def _field_schema(spec: dict[str, Any]) -> dict[str, Any]:
    kind = spec.get("type")
    simple = {"String": {"type": "string"}, "Number": {"type": "number"}, "Boolean": {"type": "boolean"},
              "Array": {"type": "array"}, "Object": {"type": "object"}}
    if kind in simple:
        out = dict(simple[kind])
    elif kind in ("Date", "Pointer", "Relation", "GeoPoint", "File", "Bytes", "Polygon", "ACL"):
        out = {"$ref": f"#/components/schemas/{kind}"}
    else:
        out = {}
    if spec.get("targetClass"):
        out = {"allOf": [out], "description": f"{kind} to {spec['targetClass']}"}
    if "defaultValue" in spec:
        out = {**out, "default": spec["defaultValue"]}
    return out


def _class_schemas(schema: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the object as read, the body of a create/update) for one class."""
    props, body, required = {}, {}, []
    for name, spec in schema["fields"].items():
        value = _field_schema(spec)
        if name in ("createdAt", "updatedAt"):
            value = {"type": "string", "format": "date-time"}
        if name != "password":
            props[name] = value
        if name not in ("objectId", "createdAt", "updatedAt"):
            body[name] = {"anyOf": [value, {"$ref": "#/components/schemas/Operation"}]}
        if spec.get("required") and "defaultValue" not in spec:
            required.append(name)
    read = {"type": "object", "properties": props, "required": ["objectId"]}
    write = {"type": "object", "properties": body}
    if required:
        write["description"] = "Required on create: " + ", ".join(required)
    return read, write


def _errors() -> dict[str, Any]:
    ref = {"content": {JSON: {"schema": {"$ref": "#/components/schemas/ParseError"}}}}
    return {code: {"description": text, **ref} for code, text in _ERRORS.items()}


def _ok(description: str, schema: dict[str, Any], status: str = "200") -> dict[str, Any]:
    return {status: {"description": description, "content": {JSON: {"schema": schema}}}, **_errors()}


_QUERY_PARAMS = [
    {"name": "where", "in": "query", "description": "JSON query constraints, e.g. {\"status\": \"open\"}",
     "schema": {"type": "string"}},
    {"name": "order", "in": "query", "description": "Comma-separated keys, `-` for descending",
     "schema": {"type": "string"}},
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 0}},
    {"name": "skip", "in": "query", "schema": {"type": "integer", "minimum": 0}},
    {"name": "keys", "in": "query", "schema": {"type": "string"}},
    {"name": "include", "in": "query", "description": "Pointer fields to expand", "schema": {"type": "string"}},
    {"name": "count", "in": "query", "schema": {"type": "integer", "enum": [0, 1]}},
]
_ID = {"name": "objectId", "in": "path", "required": True, "schema": {"type": "string"}}


def _class_paths(name: str, ref: str, body_ref: str) -> dict[str, Any]:
    base = _SPECIAL_PATHS.get(name, f"/classes/{name}")
    tag = [name]
    obj = {"$ref": ref}
    listing = {"type": "object", "required": ["results"], "properties": {
        "results": {"type": "array", "items": obj}, "count": {"type": "integer"}}}
    body = {"required": True, "content": {JSON: {"schema": {"$ref": body_ref}}}}
    return {
        base: {
            "get": {"operationId": f"find{name}", "tags": tag, "summary": f"Find {name} objects",
                    "parameters": _QUERY_PARAMS, "responses": _ok("The matching objects", listing)},
            "post": {"operationId": f"create{name}", "tags": tag, "summary": f"Create a {name}", "requestBody": body,
                     "responses": _ok("Created", {"$ref": "#/components/schemas/Created"}, "201")},
        },
        base + "/{objectId}": {
            "parameters": [_ID],
            "get": {"operationId": f"get{name}", "tags": tag, "summary": f"Get one {name}",
                    "parameters": [p for p in _QUERY_PARAMS if p["name"] in ("keys", "include")],
                    "responses": _ok("The object", obj)},
            "put": {"operationId": f"update{name}", "tags": tag, "summary": f"Update a {name}", "requestBody": body,
                    "responses": _ok("Updated", {"$ref": "#/components/schemas/Updated"})},
            "delete": {"operationId": f"delete{name}", "tags": tag, "summary": f"Delete a {name}",
                       "responses": _ok("Deleted", {"type": "object"})},
        },
    }


def _user_paths() -> dict[str, Any]:
    user = {"$ref": "#/components/schemas/_User"}
    login_body = {"required": True, "content": {JSON: {"schema": {
        "type": "object", "required": ["username", "password"],
        "properties": {"username": {"type": "string"}, "password": {"type": "string"}}}}}}
    return {
        "/login": {"post": {"operationId": "logIn", "tags": ["_User"], "summary": "Log in: a session token",
                            "requestBody": login_body, "responses": _ok("The user with its sessionToken", user)}},
        "/logout": {"post": {"operationId": "logOut", "tags": ["_User"], "summary": "End the session",
                             "responses": _ok("Logged out", {"type": "object"})}},
        "/users/me": {"get": {"operationId": "me", "tags": ["_User"], "summary": "The session's user",
                              "responses": _ok("The user", user)}},
    }


def _function_paths(server: Any) -> dict[str, Any]:
    paths = {}
    for name in server.cloud.function_names():
        hook = server.cloud.function(name)
        doc = inspect.getdoc(hook.handler) if hook is not None else None
        paths[f"/functions/{name}"] = {"post": {
            "operationId": f"function_{name}", "tags": ["Cloud functions"], "summary": doc or f"Cloud function {name}",
            "requestBody": {"content": {JSON: {"schema": {"type": "object"}}}},
            "responses": _ok("The function's result", {"type": "object", "properties": {"result": {}}})}}
    return paths


def openapi_document(server: Any, schemas: list[dict[str, Any]]) -> dict[str, Any]:
    """OpenAPI 3.1 for these class schemas (GET /schemas shape) served by `server`."""
    components = _value_types()
    paths: dict[str, Any] = {}
    for schema in schemas:
        name = schema["className"]
        if name in _INTERNAL:
            continue
        read, write = _class_schemas(schema)
        components[name] = read
        components[f"{name}Input"] = write
        paths.update(_class_paths(name, f"#/components/schemas/{name}", f"#/components/schemas/{name}Input"))
        if name == "_User":
            paths.update(_user_paths())
    paths.update(_function_paths(server))
    paths["/health"] = {"get": {"operationId": "health", "tags": ["Server"], "summary": "Liveness", "security": [],
                                "responses": {"200": {"description": "Up", "content": {JSON: {"schema": {
                                    "type": "object", "properties": {"status": {"type": "string"}}}}}}}}}
    header = {"type": "apiKey", "in": "header"}
    return {
        "openapi": "3.1.0",
        "info": {"title": "parse_clone REST API", "version": PARSE_SERVER_VERSION,
                 "description": "Parse-compatible REST API of this server, generated from its live schema."},
        "servers": [{"url": server.config.public_url()}],
        "security": [{"appId": []}, {"appId": [], "sessionToken": []}, {"appId": [], "masterKey": []}],
        "tags": [{"name": s["className"]} for s in schemas if s["className"] not in _INTERNAL],
        "paths": paths,
        "components": {"schemas": components, "securitySchemes": {
            "appId": {**header, "name": "X-Parse-Application-Id"},
            "sessionToken": {**header, "name": "X-Parse-Session-Token"},
            "masterKey": {**header, "name": "X-Parse-Master-Key"},
            "restKey": {**header, "name": "X-Parse-REST-API-Key"},
        }},
    }
