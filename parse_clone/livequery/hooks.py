"""The LiveQuery cloud hooks and where the LiveQuery server finds them.

Three hooks, as in Parse Server (async functions, or plain ones that run in a worker thread, as
every cloud hook; raise ParseError to reject with its code, any other exception rejects with 141):

- `before_connect(req: ConnectRequest)`: runs before a client is registered; raising refuses
  the connection (`{"op":"error", code, reconnect:false}`).
- `before_subscribe(class_name)(req: SubscribeRequest)`: may edit `req.query` (a dict with
  className, where, keys, watch) or return a new query dict; raising refuses that subscription.
- `after_live_query_event(class_name)(req: LiveQueryEventRequest)`: runs per subscriber before
  an event is sent; may edit or replace `req.object` / `req.original`, or set
  `req.send_event = False` to suppress it. An exception sends an error for that requestId.

Lookup: first the server's cloud registry, `server.cloud.trigger(kind, class_name)` with kinds
`before_connect` (class `@Connect`), `before_subscribe` and `after_live_query_event` (Parse's
beforeConnect, beforeSubscribe, afterLiveQueryEvent), so that decorators of those names on
`parse_clone.cloud.Cloud` are all it takes; then this module's `LiveQueryHooks`, kept per server at
`server.extras["livequery_hooks"]` (`live_query_hooks(server).before_subscribe("Job")(fn)`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from ..cloud.errors import HookTimeout, as_parse_error
from ..cloud.runner import call_hook
from ..errors import ParseError

if TYPE_CHECKING:
    from ..core.runtime.server import Server

log = logging.getLogger("parse_clone.livequery")

Hook = Callable[[Any], Any]
BEFORE_CONNECT = "before_connect"
BEFORE_SUBSCRIBE = "before_subscribe"
AFTER_EVENT = "after_live_query_event"
CONNECT_CLASS = "@Connect"  # Parse's pseudo class name for beforeConnect


@dataclass
class ConnectRequest:
    """What a before_connect hook sees."""

    session_token: str | None
    use_master_key: bool
    installation_id: str | None
    user: dict[str, Any] | None
    clients: int
    subscriptions: int
    event: str = "connect"


@dataclass
class SubscribeRequest:
    """What a before_subscribe hook sees; `query` may be edited or replaced."""

    query: dict[str, Any]
    request_id: Any
    session_token: str | None
    use_master_key: bool
    installation_id: str | None
    user: dict[str, Any] | None
    op: str = "subscribe"


@dataclass
class LiveQueryEventRequest:
    """What an after_live_query_event hook sees; `object`, `original` and `send_event` may be changed."""

    event: str
    object: dict[str, Any]
    original: dict[str, Any] | None
    session_token: str | None
    use_master_key: bool
    installation_id: str | None
    user: dict[str, Any] | None
    clients: int
    subscriptions: int
    send_event: bool = True


@dataclass
class LiveQueryHooks:
    """A per-server registry of the three LiveQuery hooks."""

    _hooks: dict[tuple[str, str], Hook] = field(default_factory=dict)

    def before_connect(self, fn: Hook) -> Hook:
        """Register the before_connect hook (decorator)."""
        self._hooks[(BEFORE_CONNECT, CONNECT_CLASS)] = fn
        return fn

    def before_subscribe(self, class_name: str) -> Callable[[Hook], Hook]:
        """Register a before_subscribe hook for a class (decorator factory)."""
        def register(fn: Hook) -> Hook:
            self._hooks[(BEFORE_SUBSCRIBE, class_name)] = fn
            return fn
        return register

    def after_live_query_event(self, class_name: str) -> Callable[[Hook], Hook]:
        """Register an after_live_query_event hook for a class (decorator factory)."""
        def register(fn: Hook) -> Hook:
            self._hooks[(AFTER_EVENT, class_name)] = fn
            return fn
        return register

    def live_query_hook(self, kind: str, class_name: str) -> Hook | None:
        """The hook of this kind for a class, or None."""
        return self._hooks.get((kind, class_name))


def live_query_hooks(server: "Server") -> LiveQueryHooks:
    """This server's own LiveQuery hook registry (created on first use)."""
    hooks = server.extras.get("livequery_hooks")
    if hooks is None:
        hooks = server.extras["livequery_hooks"] = LiveQueryHooks()
    return hooks


def find_hook(server: "Server", kind: str, class_name: str) -> Hook | None:
    """The registered hook: the cloud registry's if it has one of this kind, else ours."""
    cloud = getattr(server, "cloud", None)
    lookup = getattr(cloud, "trigger", None)
    if lookup is not None:
        found = lookup(kind, class_name)
        if found is not None:
            return getattr(found, "handler", found)
    hooks = server.extras.get("livequery_hooks")
    return hooks.live_query_hook(kind, class_name) if hooks is not None else None


async def run_hook(hook: Hook, request: Any, timeout: float | None) -> Any:
    """Call a hook within `timeout` seconds (None: no limit); a failure is a ParseError (141 unless it raised one)."""
    try:
        return await call_hook(hook, request, timeout, f"LiveQuery hook {getattr(hook, '__name__', '')}".strip())
    except ParseError:
        raise
    except HookTimeout as e:
        raise ParseError(ParseError.SCRIPT_FAILED, str(e)) from None
    except Exception as e:  # noqa: BLE001 - any failure of user code rejects, with its message
        log.exception("LiveQuery hook %s failed", getattr(hook, "__name__", hook))
        raise as_parse_error(e) from None
