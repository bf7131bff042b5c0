"""A small Parse REST client for the CLI: master-key calls to a running server, and its /schemas target."""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from ..errors import ParseError


class RemoteError(Exception):
    """The server could not be reached or did not answer like a Parse server."""


class ParseRest:
    """Calls one Parse server with its application id and master key (or a session token)."""

    def __init__(self, url: str, app_id: str, master_key: str | None, session: aiohttp.ClientSession, *,
                 client_key: tuple[str, str] | None = None) -> None:
        self.url = url.rstrip("/")
        self.app_id = app_id
        self.master_key = master_key
        self.session = session
        self.client_key = client_key  # (header, value) for servers that require a client key

    @classmethod
    def for_config(cls, url: str, config: Any, session: aiohttp.ClientSession) -> "ParseRest":
        """A client with the keys of a ServerConfig (the REST, JavaScript or client key when one is set)."""
        client_key = next(((header, value) for header, value in (
            ("X-Parse-REST-API-Key", config.restAPIKey), ("X-Parse-Javascript-Key", config.javascriptKey),
            ("X-Parse-Client-Key", config.clientKey)) if value), None)
        return cls(url, config.appId, config.masterKey, session, client_key=client_key)

    async def call(self, method: str, path: str, body: Any = None, *, master: bool = True,
                   session_token: str | None = None, context: dict[str, Any] | None = None) -> Any:
        """One request; the JSON answer, or ParseError(code, error) as the server sent it."""
        headers = {"X-Parse-Application-Id": self.app_id, "Content-Type": "application/json"}
        if self.client_key:
            headers[self.client_key[0]] = self.client_key[1]
        if context is not None:
            headers["X-Parse-Cloud-Context"] = json.dumps(context)
        if master and self.master_key:
            headers["X-Parse-Master-Key"] = self.master_key
        if session_token:
            headers["X-Parse-Session-Token"] = session_token
        try:
            async with self.session.request(method, self.url + path, json=body, headers=headers) as resp:
                try:
                    payload = await resp.json(content_type=None)
                except ValueError:
                    payload = None
                status = resp.status
        except aiohttp.ClientError as e:
            raise RemoteError(f"cannot reach {self.url}: {e}") from None
        if status >= 400:
            if isinstance(payload, dict) and "code" in payload:
                raise ParseError(int(payload["code"]), str(payload.get("error", "")))
            raise RemoteError(f"{method} {self.url}{path} answered {status}: {payload!r}")
        return payload


class HttpSchemaTarget:
    """/schemas of a running server, as a schema_loader target."""

    def __init__(self, rest: ParseRest) -> None:
        self.rest = rest

    async def schemas(self) -> dict[str, dict[str, Any]]:
        """GET /schemas."""
        answer = await self.rest.call("GET", "/schemas")
        return {s["className"]: s for s in answer.get("results", [])}

    async def create_class(self, class_name: str, fields: dict[str, Any], clp: dict[str, Any] | None,
                           indexes: dict[str, Any] | None) -> None:
        """POST /schemas/<class_name>."""
        await self.rest.call("POST", f"/schemas/{class_name}", _body(class_name, fields, clp, indexes))

    async def update_class(self, class_name: str, fields: dict[str, Any], clp: dict[str, Any] | None,
                           indexes: dict[str, Any] | None) -> None:
        """PUT /schemas/<class_name>."""
        await self.rest.call("PUT", f"/schemas/{class_name}", _body(class_name, fields, clp, indexes))


def _body(class_name: str, fields: dict[str, Any], clp: dict[str, Any] | None,
          indexes: dict[str, Any] | None) -> dict[str, Any]:
    body: dict[str, Any] = {"className": class_name, "fields": fields}
    if clp is not None:
        body["classLevelPermissions"] = clp
    if indexes:
        body["indexes"] = indexes
    return body
