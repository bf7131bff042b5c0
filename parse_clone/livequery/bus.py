"""Pub/sub between the instances of one app: in-process, or Redis PUBLISH/SUBSCRIBE.

Channels and payloads are Parse Server's (`<appId>afterSave`, `<appId>afterDelete`,
`<appId>clearCache`; JSON text), so a parse_clone instance and a Parse Server instance can share
one Redis. `publish` never blocks the write that calls it: the Redis bus queues the message and
a background task sends it; a full queue or a lost connection drops messages (LiveQuery is
at-most-once, as in Parse Server) and is logged.
"""

from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod
from typing import Callable

log = logging.getLogger("parse_clone.livequery")

Handler = Callable[[str, bytes], None]

AFTER_SAVE = "afterSave"
AFTER_DELETE = "afterDelete"
CLEAR_CACHE = "clearCache"
SUFFIXES = (AFTER_SAVE, AFTER_DELETE, CLEAR_CACHE)
MAX_PENDING_PUBLISHES = 100_000
RECONNECT_DELAYS = (0.1, 0.5, 1.0, 2.0, 5.0)


def channel(app_id: str, suffix: str) -> str:
    """Parse's channel name: the app id and the suffix, no separator."""
    return app_id + suffix


class PubSub(ABC):
    """The small interface LiveQuery needs from a message bus."""

    distributed: bool = False  # do other processes hear what this one publishes?

    def __init__(self) -> None:
        self._handlers: dict[str, list[Handler]] = {}

    def subscribe(self, name: str, handler: Handler) -> None:
        """Call `handler(channel, payload)` for every message on the channel (register before `start`)."""
        self._handlers.setdefault(name, []).append(handler)

    def _deliver(self, name: str, payload: bytes) -> None:
        for handler in self._handlers.get(name, ()):
            try:
                handler(name, payload)
            except Exception:  # noqa: BLE001 - one bad receiver must not starve the others
                log.exception("pub/sub handler failed on %s", name)

    @abstractmethod
    async def start(self) -> None:
        """Connect (raises when the bus is unreachable at start)."""

    @abstractmethod
    def publish(self, name: str, payload: bytes) -> None:
        """Send a message to every subscriber of the channel, without waiting."""

    @abstractmethod
    async def close(self) -> None:
        """Stop and release connections."""


class LocalBus(PubSub):
    """One process: a publish reaches this process's handlers at once."""

    async def start(self) -> None:
        """Nothing to connect."""

    def publish(self, name: str, payload: bytes) -> None:
        """Hand the message to the handlers (they only enqueue it)."""
        self._deliver(name, payload)

    async def close(self) -> None:
        """Forget the handlers."""
        self._handlers.clear()


class RedisBus(PubSub):
    """Redis PUBLISH/SUBSCRIBE through redis.asyncio; reconnects on its own after a lost connection."""

    distributed = True

    def __init__(self, url: str, max_pending: int = MAX_PENDING_PUBLISHES) -> None:
        super().__init__()
        self.url = url
        self._outbox: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue(max_pending)
        self._tasks: list[asyncio.Task[None]] = []
        self._publisher = None
        self._subscriber = None
        self._pubsub = None
        self._dropped = 0

    async def start(self) -> None:
        """Connect both connections and subscribe to the registered channels."""
        try:
            import redis.asyncio as redis
        except ImportError as e:  # pragma: no cover - the `redis` extra is not installed
            raise RuntimeError("liveQuery.redisURL needs the redis package: pip install 'parse_clone[redis]'") from e
        self._publisher = redis.Redis.from_url(self.url)
        self._subscriber = redis.Redis.from_url(self.url)
        try:
            await self._publisher.ping()
        except Exception as e:
            await self.close()
            raise RuntimeError(f"LiveQuery cannot reach Redis at {self.url}: {e}") from e
        self._tasks = [asyncio.create_task(self._write(), name="livequery-redis-write")]
        if self._handlers:  # a publish-only instance never reads
            self._pubsub = self._subscriber.pubsub(ignore_subscribe_messages=True)
            await self._pubsub.subscribe(*self._handlers)
            self._tasks.append(asyncio.create_task(self._read(self._pubsub), name="livequery-redis-read"))

    def publish(self, name: str, payload: bytes) -> None:
        """Queue the message for the writer task; drop it (logged) when the queue is full."""
        try:
            self._outbox.put_nowait((name, payload))
        except asyncio.QueueFull:
            self._dropped += 1
            if self._dropped == 1 or self._dropped % 1000 == 0:
                log.error("LiveQuery: Redis publish queue full, %d messages dropped", self._dropped)

    async def _write(self) -> None:
        attempt = 0
        while True:
            name, payload = await self._outbox.get()
            try:
                await self._publisher.publish(name, payload)
                attempt = 0
            except asyncio.CancelledError:
                raise
            except Exception as e:  # noqa: BLE001 - keep publishing once Redis is back
                log.error("LiveQuery: publish to Redis failed (%s); message dropped", e)
                await asyncio.sleep(RECONNECT_DELAYS[min(attempt, len(RECONNECT_DELAYS) - 1)])
                attempt += 1

    async def _read(self, pubsub) -> None:
        attempt = 0
        while True:
            try:
                message = await pubsub.get_message(timeout=None)
                attempt = 0
            except asyncio.CancelledError:
                raise
            except Exception as e:  # noqa: BLE001 - redis-py resubscribes on the next read
                log.error("LiveQuery: Redis subscription lost (%s); reconnecting", e)
                await asyncio.sleep(RECONNECT_DELAYS[min(attempt, len(RECONNECT_DELAYS) - 1)])
                attempt += 1
                continue
            if message is None or message.get("type") != "message":
                continue
            name = message["channel"]
            self._deliver(name.decode() if isinstance(name, bytes) else name, message["data"])

    async def close(self) -> None:
        """Cancel the tasks and close both connections."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            try:
                await task
            except (asyncio.CancelledError, Exception):  # noqa: BLE001 - shutting down
                pass
        self._tasks = []
        for conn in (self._pubsub, self._subscriber, self._publisher):
            if conn is not None:
                try:
                    await conn.aclose()
                except Exception:  # noqa: BLE001 - shutting down
                    pass
        self._pubsub = self._subscriber = self._publisher = None


CLUSTER_RELAY_ENV = "PARSE_CLONE_CLUSTER_RELAY"  # set by the `cluster` supervisor in its workers


def open_bus(redis_url: str | None) -> PubSub:
    """Redis when a URL is configured, else the in-process bus (livequery/__init__ picks the cluster relay)."""
    return RedisBus(redis_url) if redis_url else LocalBus()
