"""The anatomy of a Parse request: credentials from headers or body twins, JSON bodies, `_method`."""

from __future__ import annotations

import base64
import re
import binascii
from dataclasses import dataclass, field
from typing import Any, AsyncIterator

import orjson

from ..core.runtime.auth import Auth
from ..errors import ParseError


@dataclass
class ClientInfo:
    """What the client said about itself, from headers or body twins."""

    app_id: str | None = None
    master_key: str | None = None
    maintenance_key: str | None = None
    javascript_key: str | None = None
    client_key: str | None = None
    rest_api_key: str | None = None
    dotnet_key: str | None = None
    session_token: str | None = None
    installation_id: str | None = None
    client_version: str | None = None
    context: dict[str, Any] = field(default_factory=dict)
    content_type: str | None = None
    ip: str = ""
    request_id: str | None = None


@dataclass
class ParseRequest:
    """One request routed inside the mount path (batch sub-requests are ParseRequests too)."""

    method: str
    path: str
    body: Any
    query: dict[str, Any]
    info: ClientInfo
    headers: dict[str, str]
    auth: Auth = field(default_factory=Auth)
    params: dict[str, str] = field(default_factory=dict)
    raw_body: bytes = b""
    mount_prefix: str = ""
    body_stream: AsyncIterator[bytes] | None = None  # the unread body of a `stream` route

    def options(self) -> dict[str, Any]:
        """Body and query string merged, query string winning (Parse's rule for finds)."""
        merged = dict(self.body) if isinstance(self.body, dict) else {}
        merged.update(self.query)
        return merged


_BRACKETS = re.compile(r"^[^\[\]]+(\[[^\[\]]*\])+$")


def _set_bracket_path(out: dict[str, Any], key: str, value: str) -> None:
    """`where[name][$regex]=x` -> {"where": {"name": {"$regex": "x"}}} (Express's qs form; values stay strings)."""
    root, rest = key.split("[", 1)
    parts = [root] + rest[:-1].split("][")
    cur = out
    for part, next_part in zip(parts, parts[1:]):
        child = cur.get(part)
        if not isinstance(child, (dict, list)):
            child = cur[part] = [] if next_part == "" else {}
        if isinstance(child, list):
            child.append(value)  # a[]=x (nothing deeper below a list)
            return
        cur = child
    cur[parts[-1]] = value


def decode_query_string(items: Any) -> dict[str, Any]:
    """Query-string values are JSON-decoded when they parse as JSON."""
    out: dict[str, Any] = {}
    for key, value in items:
        if _BRACKETS.match(key):
            _set_bracket_path(out, key, value)
            continue
        decoded = _json_or_text(value)
        if key in out:  # a repeated parameter (keys=a&keys=b) becomes a list
            previous = out[key]
            out[key] = (previous if isinstance(previous, list) else [previous]) + [decoded]
        else:
            out[key] = decoded
    return out


# The characters a JSON text may start with: other values (order=-priority, keys=name) are
# plain strings, known without raising and catching a decode error for each (microseconds).
_JSON_START = frozenset('{["0123456789-tfn \t\r\n')


def _json_or_text(value: str) -> Any:
    first = value[:1]
    if first not in _JSON_START or (first == "-" and not value[1:2].isdigit()):
        return value
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError:
        return value


def parse_json_body(raw: bytes) -> Any:
    """A request body as JSON whatever the content type; 107 for malformed JSON."""
    if not raw or not raw.strip():
        return {}
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as e:
        raise ParseError(ParseError.INVALID_JSON, f"Invalid JSON: {e.msg}") from None


_HEADER_FIELDS = {
    "x-parse-application-id": "app_id",
    "x-parse-master-key": "master_key",
    "x-parse-maintenance-key": "maintenance_key",
    "x-parse-javascript-key": "javascript_key",
    "x-parse-client-key": "client_key",
    "x-parse-rest-api-key": "rest_api_key",
    "x-parse-windows-key": "dotnet_key",
    "x-parse-session-token": "session_token",
    "x-parse-installation-id": "installation_id",
    "x-parse-client-version": "client_version",
    "x-parse-request-id": "request_id",
}

_BODY_TWINS = {
    "_ApplicationId": "app_id",
    "_JavaScriptKey": "javascript_key",
    "_ClientVersion": "client_version",
    "_InstallationId": "installation_id",
    "_SessionToken": "session_token",
    "_MasterKey": "master_key",
    "_ContentType": "content_type",
}


def client_info_from_headers(headers: Any, ip: str) -> ClientInfo:
    """Credentials and metadata from the X-Parse-* headers and Authorization: Basic."""
    info = ClientInfo(ip=ip)
    for header, attr in _HEADER_FIELDS.items():
        value = headers.get(header)
        if value is not None:
            setattr(info, attr, value)
    auth_header = headers.get("authorization")
    if auth_header and auth_header.lower().startswith("basic "):
        _apply_basic_auth(info, auth_header[6:].strip())
    ctx = headers.get("x-parse-cloud-context")
    if ctx is not None:
        info.context = _context(ctx)
    return info


def _apply_basic_auth(info: ClientInfo, encoded: str) -> None:
    try:
        decoded = base64.b64decode(encoded).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return
    app_id, _, secret = decoded.partition(":")
    if not app_id:
        return
    info.app_id = info.app_id or app_id
    if secret.startswith("javascript-key="):
        info.javascript_key = secret[len("javascript-key="):]
    elif secret:
        info.master_key = info.master_key or secret


def _context(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        try:
            value = orjson.loads(value)
        except orjson.JSONDecodeError:
            raise ParseError(ParseError.INVALID_JSON, "Invalid object for context.") from None
    if not isinstance(value, dict):
        raise ParseError(ParseError.INVALID_JSON, "Invalid object for context.")
    return value


def take_body_twins(info: ClientInfo, body: dict[str, Any]) -> None:
    """Move `_ApplicationId` & co from a JS SDK body into the client info (the body loses them)."""
    for key, attr in _BODY_TWINS.items():
        if key in body:
            value = body.pop(key)
            if value is not None:
                setattr(info, attr, value if isinstance(value, str) else str(value))
    if "_context" in body:
        info.context = _context(body.pop("_context"))


def strip_transport_keys(body: dict[str, Any]) -> None:
    """Keys that only steer transport never reach a handler."""
    for key in ("_noBody", "_RevocableSession"):
        body.pop(key, None)
