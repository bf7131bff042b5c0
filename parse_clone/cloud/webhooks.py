"""Webhooks: hooks implemented by an HTTP endpoint in any language (Parse's /hooks API).

The server POSTs the request as JSON (see `Request.to_webhook_json`) with the header
``X-Parse-Webhook-Key`` when `webhookKey` is configured. The endpoint answers
``{"success": <value>}`` or ``{"error": "<message>"}`` (the client then gets 141). For a
beforeSave, `success` is the object to store; for an afterFind, the list of objects.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

import aiohttp
import orjson

from ..errors import ParseError
from .objects import CloudObject
from .requests import AfterFindRequest, Request, TriggerRequest

log = logging.getLogger("parse_clone.cloud")

_IGNORED_ON_SAVE = ("objectId", "createdAt", "updatedAt", "className", "__type")


class WebhookClient:
    """One HTTP session (keep-alive) for a server's webhook calls."""

    def __init__(self, key: str | None) -> None:
        self.key = key
        self._session: aiohttp.ClientSession | None = None

    async def post(self, url: str, payload: dict[str, Any]) -> Any:
        """POST the payload; the `success` value, or ParseError 141 for an `error` or a bad reply."""
        headers = {"Content-Type": "application/json"}
        if self.key:
            headers["X-Parse-Webhook-Key"] = self.key
        else:
            log.warning("calling webhook %s without a webhookKey", url)
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        try:
            async with self._session.post(url, data=orjson.dumps(payload, default=str), headers=headers) as resp:
                text = await resp.read()
        except aiohttp.ClientError as e:
            raise ParseError(ParseError.SCRIPT_FAILED, f"Webhook {url} failed: {e}") from None
        try:
            body = orjson.loads(text) if text else {}
        except orjson.JSONDecodeError:
            raise ParseError(ParseError.SCRIPT_FAILED, "Malformed response") from None
        if not isinstance(body, dict):
            raise ParseError(ParseError.SCRIPT_FAILED, "Malformed response")
        if body.get("error") is not None:
            error = body["error"]
            if isinstance(error, dict):
                error = error.get("message") or error.get("error") or orjson.dumps(error).decode()
            raise ParseError(ParseError.SCRIPT_FAILED, str(error))
        return body.get("success")

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._session is not None and not self._session.closed:
            await self._session.close()


def function_handler(client: WebhookClient, url: str) -> Callable[[Request], Any]:
    """A cloud function that calls `url`."""
    async def call(req: Request) -> Any:
        return await client.post(url, req.to_webhook_json())
    return call


def trigger_handler(client: WebhookClient, url: str, kind: str) -> Callable[[Request], Any]:
    """A trigger that calls `url` and applies the answer as Parse Server does."""
    async def call(req: Request) -> Any:
        result = await client.post(url, req.to_webhook_json())
        if kind == "before_save" and isinstance(req, TriggerRequest):
            if isinstance(result, dict):
                _apply_object(req.object, result)
            return None
        if kind == "after_find" and isinstance(req, AfterFindRequest):
            if isinstance(result, list):
                return [req.db.wrap(req.class_name, o) if isinstance(o, dict) else o for o in result]
            return None
        if kind == "after_save":
            return result if isinstance(result, dict) else None
        return None
    return call


def _apply_object(obj: CloudObject, returned: dict[str, Any]) -> None:
    """A webhook's beforeSave answer: every field whose value differs becomes a change."""
    for key, value in returned.items():
        if key in _IGNORED_ON_SAVE:
            continue
        if obj.get(key) != value:
            obj.set(key, value)
