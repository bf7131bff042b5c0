"""rateLimit, as Parse Server's: at most `requestCount` requests per `requestTimeWindow` ms on the
paths matching `requestPath`, counted per client IP (or per `zone`: global, session, user).

A request over the limit is answered 429 {"code": 100, "error": errorResponseMessage}. Master-key
requests are not limited unless `includeMasterKey` (maintenance-key ones are, as in Parse Server);
`requestMethods` (a list, or a regular expression) narrows the methods, except with
`includeMasterKey`, where Parse Server counts every method. The sub-requests of a /batch are counted one by
one before any runs, and an over-limit batch fails as a whole (400, code 100, as Parse Server).
Cloud code reads and writes never pass through HTTP here, so they are never counted
(`includeInternalRequests` is accepted for Parse Server's configs).

Counters are fixed windows: in memory by default, in Redis with `redisUrl` (keys `rl:<client key>`
with a millisecond expiry, as Parse Server's store writes them), so instances and cluster workers
share them. When Redis cannot be reached the request is logged and let through, as Parse Server does. Responses of counted requests carry X-RateLimit-Limit/-Remaining/-Reset; a 429 also
Retry-After.
"""

from __future__ import annotations

import logging
import math
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Protocol

from ..errors import ParseError
from .path_pattern import PathPatternError, compile_path

if TYPE_CHECKING:
    from ..core.runtime.server import Server
    from .request import ParseRequest

log = logging.getLogger("parse_clone.http")
DEFAULT_MESSAGE = "Too many requests."
ZONES = ("global", "session", "user", "ip")
OPTION_KEYS = ("errorResponseMessage", "includeInternalRequests", "includeMasterKey", "redisUrl",
               "requestCount", "requestMethods", "requestPath", "requestTimeWindow", "zone")
Clock = Callable[[], float]  # seconds since the epoch


class RateLimited(ParseError):
    """429 with code 100; carries the rate-limit headers of the refused request."""

    def __init__(self, message: str, headers: dict[str, str]) -> None:
        super().__init__(ParseError.CONNECTION_FAILED, message, http_status=429)
        self.headers = headers


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def validate_rate_limit(value: Any) -> list[dict[str, Any]]:
    """The rateLimit option as a list of entries; ValueError with Parse Server's message when malformed."""
    if value is None or value == [] or value is False:
        return []
    if not isinstance(value, (dict, list)):
        raise ValueError("rateLimit must be an array or object")
    entries = value if isinstance(value, list) else [value]
    for entry in entries:
        if not isinstance(entry, dict):
            raise ValueError("rateLimit must be an array of objects")
        _validate_entry(entry)
    return entries


def _validate_entry(entry: dict[str, Any]) -> None:
    path = entry.get("requestPath")
    if path is None:
        raise ValueError("rateLimit.requestPath must be defined")
    if not isinstance(path, str):
        raise ValueError("rateLimit.requestPath must be a string")
    try:
        compile_path(path)
    except PathPatternError as exc:
        raise ValueError(f'rateLimit.requestPath "{path}" is not valid: {exc}') from None
    if entry.get("requestTimeWindow") is None:
        raise ValueError("rateLimit.requestTimeWindow must be defined")
    if not _is_number(entry["requestTimeWindow"]):
        raise ValueError("rateLimit.requestTimeWindow must be a number")
    if entry.get("includeInternalRequests") and not isinstance(entry["includeInternalRequests"], bool):
        raise ValueError("rateLimit.includeInternalRequests must be a boolean")
    if entry.get("requestCount") is None:
        raise ValueError("rateLimit.requestCount must be defined")
    if not _is_number(entry["requestCount"]):
        raise ValueError("rateLimit.requestCount must be a number")
    if entry.get("errorResponseMessage") and not isinstance(entry["errorResponseMessage"], str):
        raise ValueError("rateLimit.errorResponseMessage must be a string")
    if entry.get("zone") and entry["zone"] not in ZONES:
        raise ValueError("rateLimit.zone must be one of global, session, user, or ip")
    for key in entry:
        if key not in OPTION_KEYS:
            raise ValueError(f'Invalid rate limit option "{key}"')
    methods = entry.get("requestMethods")
    if methods is not None and not (isinstance(methods, str)
                                    or (isinstance(methods, list) and all(isinstance(m, str) for m in methods))):
        raise ValueError("rateLimit.requestMethods must be an array of HTTP methods or a regular expression")
    if isinstance(methods, str):
        try:
            re.compile(methods)
        except re.error as exc:
            raise ValueError(f"rateLimit.requestMethods {methods!r} is not a regular expression: {exc}") from None
    if entry.get("redisUrl") is not None and not isinstance(entry["redisUrl"], str):
        raise ValueError("rateLimit.redisUrl must be a string")


class StoreUnavailable(Exception):
    """The counter store could not be reached; like Parse Server, the request is then not limited."""


class CounterStore(Protocol):
    """Fixed-window hit counters."""

    async def increment(self, key: str, window_ms: float) -> tuple[int, float]:
        """Count one hit of `key`: (hits in the current window, the window's end in epoch seconds)."""
        ...


class MemoryStore:
    """One process's counters; a key's window starts at its first hit."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._windows: dict[str, tuple[float, int]] = {}

    async def increment(self, key: str, window_ms: float) -> tuple[int, float]:
        now = self.clock()
        reset, hits = self._windows.get(key, (0.0, 0))
        if reset <= now:
            reset, hits = now + window_ms / 1000, 0
            if len(self._windows) > 10_000:  # forget the windows that ended
                self._windows = {k: v for k, v in self._windows.items() if v[0] > now}
        self._windows[key] = (reset, hits + 1)
        return hits + 1, reset


# Parse Server's Redis store script: a first hit sets the key with the window as expiry.
_INCREMENT = """
local ttl = redis.call("PTTL", KEYS[1])
if ttl <= 0 then
  redis.call("SET", KEYS[1], 1, "PX", ARGV[1])
  return {1, tonumber(ARGV[1])}
end
return {redis.call("INCR", KEYS[1]), ttl}
"""


class RedisStore:
    """Counters in Redis, shared by every instance using the same redisUrl."""

    PREFIX = "rl:"

    def __init__(self, url: str, clock: Clock) -> None:
        import redis.asyncio as redis

        self.url = url
        self.clock = clock
        self.client = redis.Redis.from_url(url)
        self._script = self.client.register_script(_INCREMENT)

    async def increment(self, key: str, window_ms: float) -> tuple[int, float]:
        try:
            hits, ttl = await self._script(keys=[self.PREFIX + key], args=[int(window_ms)])
        except Exception as exc:  # noqa: BLE001 - any store failure
            raise StoreUnavailable(f"rate limit store {self.url} failed: {exc.__class__.__name__}: {exc}") from None
        return int(hits), self.clock() + int(ttl) / 1000

    async def close(self) -> None:
        await self.client.aclose()


@dataclass
class RateLimitRule:
    """One rateLimit entry, compiled."""

    request_path: str
    pattern: re.Pattern[str]
    window_ms: float
    count: float
    methods: list[str] | re.Pattern[str] | None
    include_master_key: bool
    message: str
    zone: str
    store: CounterStore
    cloud: bool = False  # registered by a cloud-code validator

    def applies(self, path: str, methods: set[str], is_master: bool) -> bool:
        """Whether a request to `path` with these methods is counted by this rule."""
        if not self.pattern.match(path):
            return False
        if self.include_master_key:
            return True
        if isinstance(self.methods, list) and not any(m in methods for m in self.methods):
            return False
        if isinstance(self.methods, re.Pattern) and not any(self.methods.search(m) for m in methods):
            return False
        return not is_master


def _client_key(rule: RateLimitRule, server: "Server", preq: "ParseRequest", path: str) -> str:
    if rule.zone == "global":
        return server.config.appId
    token = None if path.rstrip("/").lower() == "/login" else preq.info.session_token
    if rule.zone == "session" and token:
        return token
    if rule.zone == "user" and token and preq.auth.user_id:
        return preq.auth.user_id
    return preq.info.ip


def _headers(rule: RateLimitRule, hits: int, reset: float) -> dict[str, str]:
    limit = int(rule.count) if float(rule.count).is_integer() else rule.count
    return {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": str(max(int(rule.count - hits), 0)),
            "X-RateLimit-Reset": str(math.ceil(reset))}


class RateLimits:
    """A server's rate-limit rules and their stores."""

    def __init__(self, clock: Clock = time.time) -> None:
        self.rules: list[RateLimitRule] = []
        self.clock = clock
        self._redis: dict[str, RedisStore] = {}

    def _now(self) -> float:
        return self.clock()

    def add(self, entry: dict[str, Any], cloud: bool = False) -> RateLimitRule:
        """Compile and add one (validated) entry."""
        methods = entry.get("requestMethods")
        url = entry.get("redisUrl")
        store: CounterStore
        if url:
            if url not in self._redis:
                self._redis[url] = RedisStore(url, self._now)
            store = self._redis[url]
        else:
            store = MemoryStore(self._now)
        rule = RateLimitRule(
            request_path=entry["requestPath"], pattern=compile_path(entry["requestPath"]),
            window_ms=float(entry["requestTimeWindow"]), count=entry["requestCount"],
            methods=[str(m).upper() for m in methods] if isinstance(methods, list)
            else re.compile(methods) if isinstance(methods, str) else None,
            include_master_key=bool(entry.get("includeMasterKey")),
            message=entry.get("errorResponseMessage") or DEFAULT_MESSAGE,
            zone=entry.get("zone") or "ip", store=store, cloud=cloud)
        self.rules.append(rule)
        return rule

    async def hit(self, server: "Server", preq: "ParseRequest", path: str, method: str,
                  batch: bool = False) -> dict[str, str]:
        """Count one request against every rule for it; RateLimited when one is exceeded.

        Returns the headers to send (those of the last rule that counted it)."""
        methods = {method.upper(), "POST"} if batch else {method.upper()}
        is_master = preq.auth.is_master
        headers: dict[str, str] = {}
        refused: RateLimitRule | None = None
        for rule in self.rules:
            if not rule.applies(path, methods, is_master):
                continue
            try:
                hits, reset = await rule.store.increment(_client_key(rule, server, preq, path), rule.window_ms)
            except StoreUnavailable as exc:
                log.error("%s; %s %s is not rate limited", exc, method, path)
                continue
            headers = _headers(rule, hits, reset)
            if hits > rule.count and refused is None:
                refused = rule
                headers["Retry-After"] = str(max(math.ceil(reset - self.clock()), 0))
        if refused is not None:
            raise RateLimited(refused.message, headers)
        return headers

    async def close(self) -> None:
        """Close the Redis connections."""
        for store in self._redis.values():
            await store.close()
        self._redis.clear()


def build_rate_limits(config_value: Any) -> RateLimits:
    """The rules of the rateLimit option; ValueError (Parse Server's message) for a bad one."""
    limits = RateLimits()
    for entry in validate_rate_limit(config_value):
        limits.add(entry)
    return limits


def rate_limits_of(server: "Server") -> RateLimits | None:
    """The server's rules (None when it has none)."""
    limits = server.extras.get("rate_limits")
    return limits if limits is not None and limits.rules else None


async def enforce_rate_limit(server: "Server", preq: "ParseRequest") -> dict[str, str]:
    """Count a top-level request; its rate-limit headers, or RateLimited (429)."""
    limits = rate_limits_of(server)
    if limits is None:
        return {}
    return await limits.hit(server, preq, preq.path, preq.method)
