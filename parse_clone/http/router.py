"""A small method+path router, so JS SDK bodies can choose the method (`_method`) and /batch can re-dispatch."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Awaitable, Callable
from urllib.parse import unquote

from .request import ParseRequest


@dataclass
class Reply:
    """A handler's answer: JSON body (None for an empty body), status and extra headers."""

    body: Any = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None
    content_type: str | None = None
    stream: AsyncIterator[bytes] | None = None  # a body sent chunk by chunk (file downloads)


Handler = Callable[[Any, ParseRequest], Awaitable[Reply]]
_PLAIN_SEGMENT = re.compile(r"[A-Za-z0-9_-]+")


@dataclass
class Route:
    """One route: method, compiled path pattern, handler, and the access it needs."""

    method: str
    pattern: re.Pattern[str]
    handler: Handler
    master: bool = False  # needs the master key (403 "unauthorized: master key is required")
    public: bool = False  # answered without an application id (health, file downloads)
    raw: bool = False  # body is not JSON (file uploads)
    stream: bool = False  # body handed over unread, as ParseRequest.body_stream (file uploads)
    idempotent: bool = False  # a repeated X-Parse-Request-Id is refused (idempotencyOptions)
    first: str | None = None  # the path's first segment when it is plain text (None: it may be anything)


class Router:
    """Routes in registration order; the first match wins."""

    def __init__(self) -> None:
        self.routes: list[Route] = []
        # (method, first path segment or None) -> the routes that may match, in order
        self._candidates: dict[tuple[str, str | None], list[Route]] = {}
        self._firsts: set[str] = set()

    def add(self, method: str, path: str, handler: Handler, *, master: bool = False, public: bool = False,
            raw: bool = False, stream: bool = False, idempotent: bool = False) -> None:
        """Register `handler` for METHOD /path/:param."""
        regex = "^" + re.sub(r":([A-Za-z_]+)", r"(?P<\1>[^/]+)", path) + "/?$"
        first = path.split("/", 2)[1] if path.startswith("/") else ""
        plain = first if _PLAIN_SEGMENT.fullmatch(first) else None
        self.routes.append(Route(method, re.compile(regex), handler, master, public, raw, stream, idempotent, plain))
        if plain is not None:
            self._firsts.add(plain)
        self._candidates.clear()

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        """The route and its decoded path parameters, or None."""
        for route in self._routes_for(method, path):
            m = route.pattern.match(path)
            if m:
                params = m.groupdict()
                return route, {k: unquote(v) if "%" in v else v for k, v in params.items()} if "%" in path else params
        return None

    def _routes_for(self, method: str, path: str) -> list[Route]:
        """The routes of `method` whose first segment is the path's, or may be anything; a route
        with a plain first segment cannot match a path that starts with another one."""
        first = path.split("/", 2)[1] if path.startswith("/") else None
        key = (method, first if first in self._firsts else None)
        found = self._candidates.get(key)
        if found is None:
            found = self._candidates[key] = [r for r in self.routes if r.method == method
                                             and (r.first is None or r.first == key[1])]
        return found

    def path_exists(self, path: str) -> bool:
        """Does any method serve this path?"""
        return any(r.pattern.match(path) for r in self.routes)
