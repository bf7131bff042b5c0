"""The LiveQuery wire protocol: checking what clients send and shaping what the server answers.

Client messages are JSON objects with an `op` of `connect`, `subscribe`, `update` or
`unsubscribe`; their allowed properties and types are Parse Server's request schemas, and the
error texts follow the JSON-schema validator Parse Server uses (the JS SDK reacts to
"Additional properties not allowed" by reconnecting without `installationId`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

# Error codes of the protocol (they carry reconnect: true and requestId: null). Code 3 (unknown
# op) exists in Parse Server but is never sent: its schema check answers an unknown op with code 1
# first ("No enum match for: ..."), and so do we.
BAD_MESSAGE = 1
NOT_CONNECTED = 2
UNKNOWN_OP = 3
INVALID_KEYS = 4

OPS = ("connect", "subscribe", "update", "unsubscribe")
EVENTS = ("create", "enter", "update", "leave", "delete")
CONNECT_KEYS = ("applicationId", "javascriptKey", "masterKey", "clientKey", "windowsKey", "restAPIKey",
                "sessionToken", "installationId")
# Objects sent with `keys` always keep these.
ALWAYS_KEPT = ("className", "objectId", "createdAt", "updatedAt", "ACL")

_STRING, _NUMBER, _OBJECT, _ARRAY = "string", "number", "object", "array"
_SCHEMAS: dict[str, tuple[dict[str, str], tuple[str, ...]]] = {
    "connect": ({"op": _STRING, **{k: _STRING for k in CONNECT_KEYS}}, ("op", "applicationId")),
    "subscribe": ({"op": _STRING, "requestId": _NUMBER, "query": _OBJECT, "sessionToken": _STRING},
                  ("op", "requestId", "query")),
    "update": ({"op": _STRING, "requestId": _NUMBER, "query": _OBJECT, "sessionToken": _STRING},
               ("op", "requestId", "query")),
    "unsubscribe": ({"op": _STRING, "requestId": _NUMBER}, ("op", "requestId")),
}
# `fields` is what older SDKs send for `keys`.
_QUERY_SCHEMA = ({"className": _STRING, "where": _OBJECT, "keys": _ARRAY, "fields": _ARRAY, "watch": _ARRAY},
                 ("where", "className"))


class ProtocolError(Exception):
    """A message the server answers with `{"op": "error", ...}`."""

    def __init__(self, code: int, message: str, reconnect: bool = True, request_id: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.reconnect = reconnect
        self.request_id = request_id


@dataclass
class LiveQuerySpec:
    """The `query` of a subscribe or update request."""

    class_name: str
    where: dict[str, Any]
    keys: list[str] | None = None
    watch: list[str] | None = None

    def to_json(self) -> dict[str, Any]:
        """The query as a client sends it (what before_subscribe hooks see and may edit)."""
        out: dict[str, Any] = {"className": self.class_name, "where": self.where}
        if self.keys is not None:
            out["keys"] = self.keys
        if self.watch is not None:
            out["watch"] = self.watch
        return out


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return _NUMBER
    if isinstance(value, str):
        return _STRING
    if isinstance(value, list):
        return _ARRAY
    return _OBJECT


def _check_object(value: dict[str, Any], schema: tuple[dict[str, str], tuple[str, ...]]) -> None:
    properties, required = schema
    for name in required:
        if name not in value:
            raise ProtocolError(BAD_MESSAGE, f"Missing required property: {name}")
    for name, item in value.items():
        expected = properties.get(name)
        if expected is None:
            raise ProtocolError(BAD_MESSAGE, "Additional properties not allowed")
        actual = _type_name(item)
        if actual != expected:
            raise ProtocolError(BAD_MESSAGE, f"Invalid type: {actual} (expected {expected})")


def _check_string_list(items: list[Any]) -> None:
    if not items:
        raise ProtocolError(BAD_MESSAGE, "Array is too short (0), minimum 1")
    for item in items:
        if not isinstance(item, str):
            raise ProtocolError(BAD_MESSAGE, f"Invalid type: {_type_name(item)} (expected string)")
    if len(set(items)) != len(items):
        first = next(i for i, item in enumerate(items) if items.index(item) != i)
        raise ProtocolError(BAD_MESSAGE,
                            f"Array items are not unique (indices {items.index(items[first])} and {first})")


def parse_message(data: str | bytes) -> dict[str, Any]:
    """A client frame as a checked message; ProtocolError (code 1) otherwise."""
    try:
        message = orjson.loads(data)
    except orjson.JSONDecodeError:
        raise ProtocolError(BAD_MESSAGE, "Invalid JSON") from None
    if not isinstance(message, dict):
        raise ProtocolError(BAD_MESSAGE, f"Invalid type: {_type_name(message)} (expected object)")
    op = message.get("op")
    if "op" not in message:
        raise ProtocolError(BAD_MESSAGE, "Missing required property: op")
    if not isinstance(op, str):
        raise ProtocolError(BAD_MESSAGE, f"Invalid type: {_type_name(op)} (expected string)")
    if op not in _SCHEMAS:
        raise ProtocolError(BAD_MESSAGE, f"No enum match for: {orjson.dumps(op).decode()}")
    _check_object(message, _SCHEMAS[op])
    query = message.get("query")
    if query is not None:
        _check_object(query, _QUERY_SCHEMA)
        for name in ("keys", "fields", "watch"):
            if name in query:
                _check_string_list(query[name])
    return message


def query_spec(query: dict[str, Any]) -> LiveQuerySpec:
    """The checked `query` of a subscribe/update message (or one a hook returned)."""
    class_name, where = query.get("className"), query.get("where")
    if not isinstance(class_name, str) or not isinstance(where, dict):
        raise ProtocolError(BAD_MESSAGE, "Missing required property: className or where", reconnect=False)
    keys = query.get("keys", query.get("fields"))
    if isinstance(keys, str):
        keys = [k for k in keys.split(",") if k]
    watch = query.get("watch")
    if isinstance(watch, str):
        watch = [w for w in watch.split(",") if w]
    return LiveQuerySpec(class_name, where, list(keys) if keys else None, list(watch) if watch else None)


def error_frame(code: int, message: str, reconnect: bool = True, request_id: Any = None) -> dict[str, Any]:
    """`{"op": "error", ...}`."""
    return {"op": "error", "error": message, "code": code, "reconnect": reconnect, "requestId": request_id}


def reply_frame(op: str, client_id: str, installation_id: str | None, request_id: Any = None) -> dict[str, Any]:
    """`connected`, `subscribed` and `unsubscribed` (no installationId key when the client sent none)."""
    frame: dict[str, Any] = {"op": op, "clientId": client_id}
    if installation_id is not None:
        frame["installationId"] = installation_id
    if request_id is not None:
        frame["requestId"] = request_id
    return frame


def client_ident(client_id: str, installation_id: str | None) -> str:
    """The `"clientId":…,"installationId":…` part of every event frame, encoded once per client."""
    ident = '"clientId":' + orjson.dumps(client_id).decode()
    if installation_id is not None:
        ident += ',"installationId":' + orjson.dumps(installation_id).decode()
    return ident


def event_text(event: str, ident: str, request_id: Any, object_json: str, original_json: str | None) -> str:
    """An event frame as JSON text, from parts encoded once (`object`; `original` for update, enter, leave)."""
    parts = ['{"op":"', event, '",', ident, ',"requestId":', orjson.dumps(request_id).decode(),
             ',"object":', object_json]
    if original_json is not None:
        parts += [',"original":', original_json]
    parts.append("}")
    return "".join(parts)


def only_keys(obj: dict[str, Any], keys: list[str] | None) -> dict[str, Any]:
    """The object limited to `keys` (plus the fields every object keeps)."""
    if keys is None:
        return obj
    wanted = {k.split(".", 1)[0] for k in keys}
    return {k: v for k, v in obj.items() if k in ALWAYS_KEPT or k in wanted}
