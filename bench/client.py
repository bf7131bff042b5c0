"""A thin, low-overhead Parse REST client on aiohttp for the load generator."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import aiohttp
import orjson


@dataclass(frozen=True)
class ServerKeys:
    """Where a Parse-compatible server lives and the keys it expects."""

    url: str
    app_id: str
    rest_key: str | None
    master_key: str

    @property
    def mount_path(self) -> str:
        """The mount path (e.g. `/1`), which /batch sub-request paths must start with."""
        return urlsplit(self.url).path.rstrip("/")


@dataclass
class Reply:
    """One response: status, raw body and the time it took."""

    status: int
    body: bytes
    latency_ns: int

    def json(self) -> Any:
        return orjson.loads(self.body)


def encode_where(where: dict[str, Any]) -> str:
    """The `where` query parameter as Parse expects it: URL-encoded JSON."""
    return quote(orjson.dumps(where).decode(), safe="")


class ParseClient:
    """Sends pre-built requests; one aiohttp session with keep-alive for all workers."""

    def __init__(self, keys: ServerKeys, connections: int, timeout_s: float = 30.0) -> None:
        self.keys = keys
        self.base = keys.url.rstrip("/")
        parts = urlsplit(self.base)
        self.origin = f"{parts.scheme}://{parts.netloc}"  # for paths outside the mount (/graphql)
        client_headers = {"X-Parse-Application-Id": keys.app_id, "Content-Type": "application/json"}
        if keys.rest_key:
            client_headers["X-Parse-REST-API-Key"] = keys.rest_key
        self.client_headers = client_headers
        self.master_headers = {
            "X-Parse-Application-Id": keys.app_id,
            "X-Parse-Master-Key": keys.master_key,
            "Content-Type": "application/json",
        }
        self._user_headers: dict[str, dict[str, str]] = {}  # per session token, built once
        self._connections = connections
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> ParseClient:
        connector = aiohttp.TCPConnector(
            limit=self._connections, limit_per_host=self._connections, ttl_dns_cache=3600
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=self._timeout,
            auto_decompress=False,
            skip_auto_headers=("User-Agent",),
        )
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._session is not None:
            await self._session.close()

    async def send(
        self, method: str, path: str, body: bytes | None = None, *, master: bool = False,
        session: str | None = None, absolute: bool = False,
    ) -> Reply:
        """One request to `<url><path>` (`<origin><path>` when absolute); `path` includes its query string."""
        assert self._session is not None, "use ParseClient as an async context manager"
        headers = self.master_headers if master else self.client_headers
        if session is not None:
            headers = self._user_headers.get(session) or self._user_headers.setdefault(
                session, {**self.client_headers, "X-Parse-Session-Token": session})
        started = time.perf_counter_ns()
        async with self._session.request(
            method, (self.origin if absolute else self.base) + path, data=body, headers=headers
        ) as response:
            payload = await response.read()
        return Reply(response.status, payload, time.perf_counter_ns() - started)

    async def send_json(
        self, method: str, path: str, document: Any = None, *, master: bool = False
    ) -> Reply:
        body = None if document is None else orjson.dumps(document)
        return await self.send(method, path, body, master=master)
