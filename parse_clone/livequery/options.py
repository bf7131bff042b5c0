"""LiveQuery settings, read from Parse Server's option names (`liveQuery`, `liveQueryServerOptions`,
`startLiveQueryServer`).

- `liveQuery.classNames`: classes whose writes are published. Each name is matched whole and may
  be a regular expression (`"Test.*"`), as in Parse Server.
- `liveQuery.redisURL` (or `liveQueryServerOptions.redisURL`): publish and receive through Redis
  pub/sub so that every instance hears every write; without it events stay in this process.
- The WebSocket endpoint runs on the server's own port when `classNames` is set, unless
  `startLiveQueryServer` is false; `startLiveQueryServer: true` runs it without publishing
  (a subscriber-only instance fed by Redis).
- `liveQueryServerOptions`: `port` (also listen on this port, any path), `keyPairs` (Parse's
  key check: one given key must match; a matching `masterKey` pair makes the client master),
  `websocketTimeout` (ms between pings; a client missing a pong is dropped, default 10000),
  `sendQueueSize` (events queued per client before a slow client is dropped, default 1000),
  `hookTimeout` (ms a LiveQuery cloud hook may run; default the server's `cloudCodeTimeout`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..config import ServerConfig

DEFAULT_WEBSOCKET_TIMEOUT_MS = 10_000
DEFAULT_SEND_QUEUE_SIZE = 1000


@dataclass
class LiveQueryOptions:
    """What the LiveQuery parts of one server need to know, validated once at build time."""

    app_id: str
    class_patterns: tuple[re.Pattern[str], ...] = ()
    redis_url: str | None = None
    serve: bool = False
    port: int | None = None
    host: str = "0.0.0.0"
    key_pairs: dict[str, str] | None = None
    websocket_timeout: float = DEFAULT_WEBSOCKET_TIMEOUT_MS / 1000
    send_queue_size: int = DEFAULT_SEND_QUEUE_SIZE
    hook_timeout: float | None = None  # seconds; None = no limit
    _publishes: dict[str, bool] = field(default_factory=dict, repr=False)

    @property
    def publishing(self) -> bool:
        """Does this instance publish writes of some classes?"""
        return bool(self.class_patterns)

    def publishes(self, class_name: str) -> bool:
        """Is `class_name` opted in to LiveQuery (memoised: asked on every write)?"""
        known = self._publishes.get(class_name)
        if known is None:
            known = any(p.fullmatch(class_name) for p in self.class_patterns)
            if len(self._publishes) < 10_000:
                self._publishes[class_name] = known
        return known


def _class_patterns(names: Any) -> tuple[re.Pattern[str], ...]:
    if names is None:
        return ()
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ValueError("liveQuery.classNames should be an array of string")
    try:
        return tuple(re.compile(n) for n in names)
    except re.error as e:
        raise ValueError(f"liveQuery.classNames: invalid pattern ({e})") from None


def _positive_ms(options: dict[str, Any], key: str, default_ms: int) -> float:
    value = options.get(key, default_ms)
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"liveQueryServerOptions.{key} must be a positive number of milliseconds")
    return value / 1000


def live_query_options(config: ServerConfig) -> LiveQueryOptions | None:
    """The LiveQuery options of a server, or None when LiveQuery is off; ValueError when malformed."""
    live = config.liveQuery or {}
    server_opts = config.liveQueryServerOptions or {}
    if not isinstance(live, dict) or not isinstance(server_opts, dict):
        raise ValueError("liveQuery and liveQueryServerOptions must be objects")
    patterns = _class_patterns(live.get("classNames"))
    serve = config.startLiveQueryServer if config.startLiveQueryServer is not None else bool(patterns)
    if not patterns and not serve:
        return None
    key_pairs = server_opts.get("keyPairs")
    if key_pairs is not None and (not isinstance(key_pairs, dict)
                                  or not all(isinstance(v, str) for v in key_pairs.values())):
        raise ValueError("liveQueryServerOptions.keyPairs must map key names to strings")
    port = server_opts.get("port")
    if port is not None:
        port = int(port)
    queue_size = server_opts.get("sendQueueSize", DEFAULT_SEND_QUEUE_SIZE)
    if not isinstance(queue_size, int) or isinstance(queue_size, bool) or queue_size < 1:
        raise ValueError("liveQueryServerOptions.sendQueueSize must be a positive integer")
    return LiveQueryOptions(
        app_id=config.appId,
        class_patterns=patterns,
        redis_url=server_opts.get("redisURL") or live.get("redisURL") or None,
        serve=serve,
        port=port,
        host=config.host,
        key_pairs=dict(key_pairs) if key_pairs else None,
        websocket_timeout=_positive_ms(server_opts, "websocketTimeout", DEFAULT_WEBSOCKET_TIMEOUT_MS),
        send_queue_size=queue_size,
        hook_timeout=_hook_timeout(config, server_opts),
    )


def _hook_timeout(config: ServerConfig, server_opts: dict[str, Any]) -> float | None:
    if "hookTimeout" in server_opts:
        return _positive_ms(server_opts, "hookTimeout", 0)
    cloud_ms = getattr(config, "cloudCodeTimeout", 0)
    return cloud_ms / 1000 if isinstance(cloud_ms, (int, float)) and cloud_ms > 0 else None
