"""idempotencyOptions, as Parse Server's: a create or update retried with the same X-Parse-Request-Id is
refused with 159 "Duplicate request" instead of being applied twice.

Only the routes Parse Server guards (POST /classes/C, PUT /classes/C/id, POST /functions/f,
POST /jobs/j, POST and PUT /installations, /users) and only paths matching one of `paths` (regular
expressions anchored at the start, without the mount path: "classes/.*", "functions/.*", ".*").
Request ids live `ttl` seconds (default 300) in `_Idempotency` {reqId, expire}, unique on reqId, as in
Parse Server's database; an expired id may be used again.
"""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from ..errors import ParseError
from ..language.values import new_object_id, now_iso
from ..storage.base import DuplicateValueError

if TYPE_CHECKING:
    from ..core.runtime.server import Server
    from .request import ParseRequest

CLASS_NAME = "_Idempotency"
DEFAULT_TTL = 300


def compile_paths(options: dict[str, Any] | None) -> list[re.Pattern[str]]:
    """idempotencyOptions.paths as anchored patterns; ValueError names a bad option value."""
    options = options or {}
    paths = options.get("paths") or []
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        raise ValueError("idempotencyOptions.paths must be an array of regular expressions (strings)")
    ttl = options.get("ttl")
    if ttl is not None and (isinstance(ttl, bool) or not isinstance(ttl, (int, float)) or ttl <= 0):
        raise ValueError("idempotencyOptions.ttl must be a positive number of seconds")
    try:
        return [re.compile(p if p.startswith("^") else "^" + p) for p in paths]
    except re.error as exc:
        raise ValueError(f"idempotencyOptions.paths: {exc.pattern!r} is not a regular expression: {exc}") from None


class IdempotencyGuard:
    """One server's request-id store."""

    def __init__(self, server: "Server", options: dict[str, Any]) -> None:
        self.server = server
        self.paths = compile_paths(options)
        self.ttl = float(options.get("ttl") if options.get("ttl") is not None else DEFAULT_TTL)
        self._indexed = False
        self._purged_at = 0.0

    def covers(self, path: str) -> bool:
        """Whether requests to `path` (below the mount) are deduplicated."""
        relative = path.strip("/")
        return any(p.search(relative) for p in self.paths)

    async def check(self, request_id: str) -> None:
        """Remember `request_id`, or raise 159 if it is remembered already."""
        schema = await self.server.schema.get(CLASS_NAME)
        assert schema is not None  # a volatile class always has its schema
        storage = self.server.storage
        if not self._indexed:
            await storage.ensure_unique(CLASS_NAME, schema, ["reqId"])
            self._indexed = True
        now = datetime.now(timezone.utc)
        expire = {"__type": "Date", "iso": _iso(now + timedelta(seconds=self.ttl))}
        stamp = now_iso()
        try:
            await storage.create_object(CLASS_NAME, schema, {
                "objectId": new_object_id(self.server.config.objectIdSize), "createdAt": stamp,
                "updatedAt": stamp, "reqId": request_id, "expire": expire, "_rperm": [], "_wperm": []})
        except DuplicateValueError:
            expired = {"reqId": request_id, "expire": {"$lt": {"__type": "Date", "iso": _iso(now)}}}
            if await storage.find_one_and_update(CLASS_NAME, schema, expired, {"expire": expire}) is None:
                raise ParseError(ParseError.DUPLICATE_REQUEST, "Duplicate request") from None
        if time.monotonic() - self._purged_at > self.ttl:  # what a TTL index does in MongoDB
            self._purged_at = time.monotonic()
            await storage.delete_many(CLASS_NAME, schema, {"expire": {"$lt": {"__type": "Date", "iso": _iso(now)}}})


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


async def ensure_idempotency(server: "Server", preq: "ParseRequest") -> None:
    """Refuse a repeated X-Parse-Request-Id on a covered path (no-op when the option is off)."""
    options = server.config.idempotencyOptions
    if not options:
        return
    request_id = next((v for k, v in preq.headers.items() if k.lower() == "x-parse-request-id"), None)
    if not request_id:
        return
    guard = server.extras.get("idempotency")
    if guard is None:
        guard = server.extras["idempotency"] = IdempotencyGuard(server, options)
    if guard.covers(preq.path):
        await guard.check(str(request_id))
