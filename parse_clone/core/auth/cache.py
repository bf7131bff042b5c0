"""Per-server caches for the hot path of every authenticated request.

`SessionCache` maps a session token to its user; `RoleCache` maps a user id to the
roles it holds. Both are invalidated explicitly where the data changes (logout,
session writes, password change, user writes and deletes, any `_Role` write) and
entries also expire after `cacheTTL` ms, which bounds how long another server
instance's change can go unnoticed. Each keeps at most `cacheMaxSize` entries (the oldest
goes first when full). Their `listeners` hear every invalidation, so that the workers
of a `cluster` (livequery/cache_sync.py) drop the same entries.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from ..runtime.server import Server

MAX_ENTRIES = 10_000  # Parse Server's cacheMaxSize default


@dataclass
class CachedSession:
    """What a token resolved to: the user (REST form) and when the session expires."""

    user: dict[str, Any]
    expires_at: datetime | None
    cached_at: float


class SessionCache:
    """token -> CachedSession, with a reverse index to drop every token of one user."""

    def __init__(self, ttl_seconds: float, max_entries: int = MAX_ENTRIES) -> None:
        self.ttl = ttl_seconds
        self.max_entries = max(1, max_entries)
        self._by_token: dict[str, CachedSession] = {}
        self._tokens_by_user: dict[str, set[str]] = {}
        self.listeners: list[Callable[[str, str | None], None]] = []  # (kind, key): told of every drop

    def _told(self, kind: str, key: str | None) -> None:
        for listener in self.listeners:
            listener(kind, key)

    def get(self, token: str) -> CachedSession | None:
        """The cached session, unless absent or older than the TTL."""
        entry = self._by_token.get(token)
        if entry is None:
            return None
        if time.monotonic() - entry.cached_at > self.ttl:
            self._forget(token)  # expired here: nothing to tell the other workers
            return None
        return entry

    def put(self, token: str, user: dict[str, Any], expires_at: datetime | None) -> None:
        """Remember what `token` resolved to."""
        if token not in self._by_token and len(self._by_token) >= self.max_entries:
            self._forget(next(iter(self._by_token)))  # the oldest entry (nothing changed: nothing to tell)
        self._by_token[token] = CachedSession(user, expires_at, time.monotonic())
        user_id = user.get("objectId")
        if isinstance(user_id, str):
            self._tokens_by_user.setdefault(user_id, set()).add(token)

    def _forget(self, token: str) -> None:
        entry = self._by_token.pop(token, None)
        if entry is not None:
            tokens = self._tokens_by_user.get(entry.user.get("objectId"))
            if tokens is not None:
                tokens.discard(token)

    def drop_token(self, token: str) -> None:
        """Forget one token (logout, session deleted or changed)."""
        self._forget(token)
        self._told("token", token)

    def drop_user(self, user_id: str) -> None:
        """Forget every token of one user (user changed or deleted)."""
        for token in self._tokens_by_user.pop(user_id, set()):
            self._by_token.pop(token, None)
        self._told("user", user_id)

    def clear(self) -> None:
        """Forget everything."""
        self._by_token.clear()
        self._tokens_by_user.clear()
        self._told("all", None)


class RoleCache:
    """user id -> ["role:Name", ...] (transitively resolved)."""

    def __init__(self, ttl_seconds: float, max_entries: int = MAX_ENTRIES) -> None:
        self.ttl = ttl_seconds
        self.max_entries = max(1, max_entries)
        self._roles: dict[str, tuple[list[str], float]] = {}
        self.listeners: list[Callable[[], None]] = []  # told of every clear

    def get(self, user_id: str) -> list[str] | None:
        """The cached roles, unless absent or older than the TTL."""
        entry = self._roles.get(user_id)
        if entry is None or time.monotonic() - entry[1] > self.ttl:
            return None
        return list(entry[0])

    def put(self, user_id: str, roles: list[str]) -> None:
        """Remember a user's roles."""
        if user_id not in self._roles and len(self._roles) >= self.max_entries:
            del self._roles[next(iter(self._roles))]  # the oldest entry
        self._roles[user_id] = (list(roles), time.monotonic())

    def clear(self) -> None:
        """Forget every user's roles (any `_Role` write may change any of them)."""
        self._roles.clear()
        for listener in self.listeners:
            listener()


def session_cache(server: "Server") -> SessionCache:
    """The server's session cache (created on first use)."""
    cache = server.extras.get("session_cache")
    if cache is None:
        cache = server.extras["session_cache"] = SessionCache(server.config.cacheTTL / 1000,
                                                                 server.config.cacheMaxSize)
    return cache


def role_cache(server: "Server") -> RoleCache:
    """The server's role cache (created on first use)."""
    cache = server.extras.get("role_cache")
    if cache is None:
        cache = server.extras["role_cache"] = RoleCache(server.config.cacheTTL / 1000, server.config.cacheMaxSize)
    return cache
