"""The LiveQuery server: WebSocket clients in, bus messages in, events out.

Clients speak Parse's LiveQuery protocol (see protocol.py). Messages from the bus
(`<appId>afterSave`, `<appId>afterDelete`, `<appId>clearCache`) are handled one at a time, in
order, by one dispatcher task; each is matched once per distinct query, then checked per
subscriber (permissions.py) and queued on that client's bounded send queue.

Event selection (Parse Server's): `origOK` = an original exists, matches and is readable by the
subscriber; `currOK` = the same for the current object. Both -> update; original only -> leave;
current only -> enter when there is an original, else create. A delete is sent when the object
matches and is readable. With `watch`, create and update are only sent when a watched field
changed.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import TYPE_CHECKING, Any

import orjson
from aiohttp import WSMsgType, web

from ..core.request_complexity import check_live_query_where
from ..core.runtime.auth import Auth
from ..core.auth.cache import role_cache
from ..errors import ParseError
from ..language.values import pointer_json
from ..trust_proxy import request_ip
from . import protocol
from .bus import AFTER_DELETE, AFTER_SAVE, CLEAR_CACHE, PubSub, channel
from .client import Client
from .hooks import (
    AFTER_EVENT,
    BEFORE_CONNECT,
    BEFORE_SUBSCRIBE,
    CONNECT_CLASS,
    ConnectRequest,
    LiveQueryEventRequest,
    SubscribeRequest,
    find_hook,
    run_hook,
)
from .options import LiveQueryOptions
from .permissions import class_readable, object_readable, resolve_auth, visible
from .protocol import LiveQuerySpec, ProtocolError
from .subscriptions import (
    Subscription,
    SubscriptionIndex,
    SubscriptionInfo,
    check_live_query,
    compile_live_query,
    matchable,
)

if TYPE_CHECKING:
    from ..core.runtime.server import Server

log = logging.getLogger("parse_clone.livequery")

MAX_MESSAGE_BYTES = 4 * 1024 * 1024
MAX_PENDING_MESSAGES = 100_000


class _Change:
    """One bus message, decoded once for every subscription."""

    __slots__ = ("class_name", "deleted", "current", "original", "current_doc", "original_doc", "clp",
                 "owner_exempt")

    def __init__(self, message: dict[str, Any], deleted: bool) -> None:
        current = message["currentParseObject"]
        original = message.get("originalParseObject")
        self.class_name: str = current["className"]
        self.deleted = deleted
        self.current = _event_object(current)
        self.original = _event_object(original) if isinstance(original, dict) else None
        self.current_doc = matchable(current)
        self.original_doc = matchable(original) if isinstance(original, dict) else None
        self.clp: dict[str, Any] | None = message.get("classLevelPermissions")
        self.owner_exempt = True  # protectedFieldsOwnerExempt, set by the server


def _event_object(obj: dict[str, Any]) -> dict[str, Any]:
    """The object as clients get it: REST form with className, no `__type`, no `_` fields."""
    return {k: v for k, v in obj.items() if k != "__type" and not k.startswith("_")}


def _watched_changed(watch: list[str] | None, current: dict[str, Any], original: dict[str, Any] | None) -> bool:
    if not watch:
        return True
    before = original or {}
    return any(current.get(f, _ABSENT) != before.get(f, _ABSENT) for f in watch)


_ABSENT = object()


class LiveQueryServer:
    """LiveQuery for one Server: its clients, its subscriptions and its bus."""

    def __init__(self, server: "Server", options: LiveQueryOptions, bus: PubSub) -> None:
        self.server = server
        self.options = options
        self.bus = bus
        self.clients: dict[str, Client] = {}
        self.index = SubscriptionIndex()
        self._sockets: set[Client] = set()
        self._inbox: asyncio.Queue[tuple[str, bytes]] | None = None
        self._dispatcher: asyncio.Task[None] | None = None
        app_id = options.app_id
        self._channels = {channel(app_id, AFTER_SAVE): AFTER_SAVE, channel(app_id, AFTER_DELETE): AFTER_DELETE,
                          channel(app_id, CLEAR_CACHE): CLEAR_CACHE}
        for name in self._channels:
            bus.subscribe(name, self._on_bus_message)

    # ----- lifecycle -----

    async def start(self) -> None:
        """Start the dispatcher (the bus is started by whoever owns it)."""
        self._inbox = asyncio.Queue(MAX_PENDING_MESSAGES)
        self._dispatcher = asyncio.create_task(self._dispatch_loop(), name="livequery-dispatch")

    async def stop(self) -> None:
        """Close every client and stop dispatching."""
        for client in list(self._sockets):
            client.drop(1001, "server shutting down")  # 1001 = going away
        if self._dispatcher is not None:
            self._dispatcher.cancel()
            await asyncio.wait({self._dispatcher}, timeout=1.0)
            self._dispatcher = None

    @property
    def subscription_count(self) -> int:
        """Client subscriptions (requestIds) held, over all clients."""
        return sum(len(c.subscriptions) for c in self.clients.values())

    # ----- WebSocket side -----

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """Serve one LiveQuery WebSocket until it closes."""
        ws = web.WebSocketResponse(heartbeat=self.options.websocket_timeout, compress=False,
                                   max_msg_size=MAX_MESSAGE_BYTES)
        await ws.prepare(request)
        ip = request_ip(request, self.server.extras.get("trust_proxy"))
        client = Client(ws, ip, self.options.send_queue_size, request.transport)
        client.on_drop = self._forget
        self._sockets.add(client)
        try:
            async for frame in ws:
                if frame.type == WSMsgType.TEXT:
                    await self._on_frame(client, frame.data)
                elif frame.type == WSMsgType.BINARY:
                    await self._on_frame(client, frame.data)
                elif frame.type == WSMsgType.ERROR:
                    log.debug("LiveQuery: socket error from %s: %s", client.remote, ws.exception())
                    break
        finally:
            self._sockets.discard(client)
            self._forget(client)
            await client.close()
        return ws

    async def _on_frame(self, client: Client, data: str | bytes) -> None:
        request_id = None
        try:
            message = protocol.parse_message(data)
            request_id = message.get("requestId")
            op = message["op"]
            if op == "connect":
                await self._connect(client, message)
            elif op == "subscribe":
                await self._subscribe(client, message)
            elif op == "update":
                self._unsubscribe(client, message, notify=False, missing_ok=True)
                await self._subscribe(client, message)
            else:
                self._unsubscribe(client, message, notify=True, missing_ok=False)
        except ProtocolError as e:
            client.push(protocol.error_frame(e.code, e.message, e.reconnect, e.request_id))
        except ParseError as e:
            client.push(protocol.error_frame(e.code, e.message, False, request_id))
        except Exception:  # noqa: BLE001 - a server fault answers the client, never kills the socket
            log.exception("LiveQuery: failed to handle a message from %s", client.remote)
            client.push(protocol.error_frame(ParseError.INTERNAL_SERVER_ERROR, "Internal server error.",
                                             False, request_id))

    def _check_keys(self, message: dict[str, Any]) -> bool:
        """Parse's keyPairs rule when configured; otherwise the REST rule for this server's keys.

        Returns whether the client is master: only through a configured `masterKey` key pair, as
        in Parse Server (SDKs initialised with the master key send it on every connect).
        """
        pairs = self.options.key_pairs
        if pairs:
            if not any(message.get(name) == secret for name, secret in pairs.items()):
                raise ProtocolError(protocol.INVALID_KEYS, "Key in request is not valid")
            return "masterKey" in pairs and message.get("masterKey") == pairs["masterKey"]
        cfg = self.server.config
        if message.get("applicationId") != cfg.appId:
            raise ProtocolError(protocol.INVALID_KEYS, "Key in request is not valid")
        if message.get("masterKey") is not None and message.get("masterKey") == cfg.masterKey:
            return False
        configured = [(cfg.clientKey, message.get("clientKey")), (cfg.javascriptKey, message.get("javascriptKey")),
                      (cfg.dotNetKey, message.get("windowsKey")), (cfg.restAPIKey, message.get("restAPIKey"))]
        if any(c is not None for c, _ in configured) and not any(c is not None and g == c for c, g in configured):
            raise ProtocolError(protocol.INVALID_KEYS, "Key in request is not valid")
        return False

    async def _connect(self, client: Client, message: dict[str, Any]) -> None:
        is_master = self._check_keys(message)
        token = message.get("sessionToken")
        installation_id = message.get("installationId")
        base = Auth(is_master=is_master, installation_id=installation_id)
        hook = find_hook(self.server, BEFORE_CONNECT, CONNECT_CLASS)
        if hook is not None:
            auth = await resolve_auth(self.server, base, token)
            request = ConnectRequest(token, is_master, installation_id, auth.user if auth else None,
                                     len(self.clients), self.subscription_count)
            await run_hook(hook, request, self.options.hook_timeout)
        if client.connected:  # a second connect on one socket starts over
            self._forget(client)
        client.id = str(uuid.uuid4())
        client.connected = True
        client.has_master_key = is_master
        client.session_token = token
        client.installation_id = installation_id
        client.base_auth = base
        client.ident = protocol.client_ident(client.id, installation_id)
        self.clients[client.id] = client
        client.push(protocol.reply_frame("connected", client.id, installation_id))

    async def _subscribe(self, client: Client, message: dict[str, Any]) -> None:
        if not client.connected:
            raise ProtocolError(protocol.NOT_CONNECTED,
                                "Can not find this client, make sure you connect to server before subscribing")
        request_id = message["requestId"]
        token = message.get("sessionToken")
        spec = protocol.query_spec(message["query"])
        auth: Auth | None = None
        hook = find_hook(self.server, BEFORE_SUBSCRIBE, spec.class_name)
        if hook is not None:
            auth = await resolve_auth(self.server, client.base_auth, token or client.session_token)
            request = SubscribeRequest(spec.to_json(), request_id, token, client.has_master_key,
                                       client.installation_id, auth.user if auth else None)
            returned = await run_hook(hook, request, self.options.hook_timeout)
            query = returned if isinstance(returned, dict) else request.query
            spec = protocol.query_spec({**query, "className": spec.class_name})
        if spec.class_name == "_Session" and not client.has_master_key:
            spec = await self._own_sessions(client, spec, token, auth)
        check_live_query(spec.where, client.has_master_key)
        check_live_query_where(self.server, client.has_master_key, spec.where)  # requestComplexity
        schema = await self.server.schema.get(spec.class_name)
        fields = schema["fields"] if schema else {}
        subscription = self.index.get_or_add(spec.class_name, spec.where,
                                             lambda: compile_live_query(spec.where, fields))
        previous = client.subscriptions.pop(request_id, None)
        if previous is not None:  # a repeated requestId replaces the earlier subscription
            self.index.detach(previous)
        info = SubscriptionInfo(client, request_id, subscription, spec.keys, spec.watch, token)
        client.subscriptions[request_id] = info
        self.index.attach(info)
        client.push(protocol.reply_frame("subscribed", client.id, client.installation_id, request_id))

    async def _own_sessions(self, client: Client, spec: LiveQuerySpec, token: str | None,
                            auth: Auth | None) -> LiveQuerySpec:
        """A `_Session` subscription only ever sees the subscriber's own sessions (209 without a user)."""
        if auth is None:
            auth = await resolve_auth(self.server, client.base_auth, token or client.session_token)
        if auth is None or not auth.user_id:
            raise ParseError(ParseError.INVALID_SESSION_TOKEN, "Invalid session token")
        where = {**spec.where, "user": pointer_json("_User", auth.user_id)}
        return LiveQuerySpec(spec.class_name, where, spec.keys, spec.watch)

    def _unsubscribe(self, client: Client, message: dict[str, Any], notify: bool, missing_ok: bool) -> None:
        if not client.connected:
            raise ProtocolError(protocol.NOT_CONNECTED,
                                "Can not find this client, make sure you connect to server before unsubscribing")
        request_id = message["requestId"]
        info = client.subscriptions.pop(request_id, None)
        if info is None:
            if missing_ok:
                return
            raise ProtocolError(protocol.NOT_CONNECTED,
                                f"Cannot find subscription with clientId {client.id} subscriptionId {request_id}. "
                                "Make sure you subscribe to live query server before unsubscribing.")
        self.index.detach(info)
        if notify:
            client.push(protocol.reply_frame("unsubscribed", client.id, client.installation_id, request_id))

    def _forget(self, client: Client) -> None:
        """Remove a client and all its subscriptions."""
        for info in client.subscriptions.values():
            self.index.detach(info)
        client.subscriptions.clear()
        if client.connected and self.clients.get(client.id) is client:
            del self.clients[client.id]

    # ----- bus side -----

    def _on_bus_message(self, name: str, payload: bytes) -> None:
        if self._inbox is None:
            return
        try:
            self._inbox.put_nowait((name, payload))
        except asyncio.QueueFull:
            log.error("LiveQuery: dispatcher is %d messages behind; dropping one", MAX_PENDING_MESSAGES)

    async def _dispatch_loop(self) -> None:
        assert self._inbox is not None
        while True:
            name, payload = await self._inbox.get()
            try:
                await self.dispatch(name, payload)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - one bad message must not stop LiveQuery
                log.exception("LiveQuery: failed to dispatch a message on %s", name)

    async def dispatch(self, name: str, payload: bytes) -> None:
        """Handle one bus message (public for tests and for embedding without a bus)."""
        kind = self._channels.get(name)
        if kind is None:
            return
        try:
            message = orjson.loads(payload)
        except orjson.JSONDecodeError:
            log.error("LiveQuery: unreadable message on %s", name)
            return
        if kind == CLEAR_CACHE:
            role_cache(self.server).clear()  # a _Role changed somewhere: roles must be looked up again
            return
        current = message.get("currentParseObject") if isinstance(message, dict) else None
        if not isinstance(current, dict) or not isinstance(current.get("className"), str):
            log.error("LiveQuery: message without currentParseObject.className on %s", name)
            return
        subscriptions = self.index.for_class(current["className"])
        if not subscriptions:
            return
        change = _Change(message, deleted=kind == AFTER_DELETE)
        change.owner_exempt = self.server.config.protectedFieldsOwnerExempt
        if "classLevelPermissions" not in message:  # a publisher that sent none: judge by our schema
            change.clp = await self.server.schema.clp(change.class_name)
        fanout = _Fanout(change, find_hook(self.server, AFTER_EVENT, change.class_name))
        for subscription in subscriptions:
            if change.deleted:
                original_matches, current_matches = False, subscription.matches(change.current_doc)
            else:
                original_matches = subscription.matches(change.original_doc)
                current_matches = subscription.matches(change.current_doc)
            if not (original_matches or current_matches):
                continue
            views: dict[tuple[Any, ...], _View | None] = {}
            for info in list(subscription.infos.values()):
                if info.client.dropped:
                    continue
                auth = await self._subscriber_auth(fanout, info)
                if auth is None:
                    continue  # logged out or expired: a REST query with this token would fail too
                if fanout.hook is not None:
                    await self._deliver_through_hook(fanout, subscription, info, auth, original_matches,
                                                     current_matches)
                    continue
                # Subscribers with the same identity, keys and watch see the same thing: render once.
                key = (auth.user_id, tuple(auth.roles), auth.bypasses_permissions,
                       tuple(info.keys) if info.keys else None, tuple(info.watch) if info.watch else None)
                view = views[key] if key in views else views.setdefault(
                    key, _render(change, subscription, auth, info, original_matches, current_matches))
                if view is not None:
                    await info.client.deliver(protocol.event_text(view.event, info.client.ident, info.request_id,
                                                                  view.object_json, view.original_json))

    async def _subscriber_auth(self, fanout: "_Fanout", info: SubscriptionInfo) -> Auth | None:
        """The subscription's (else the connection's) requester, resolved once per token per message."""
        client = info.client
        token = info.session_token or client.session_token
        key = (token, client.has_master_key)
        if key not in fanout.auths:
            fanout.auths[key] = await resolve_auth(self.server, client.base_auth, token)
        return fanout.auths[key]

    async def _deliver_through_hook(self, fanout: "_Fanout", subscription: Subscription, info: SubscriptionInfo,
                                    auth: Auth, original_matches: bool, current_matches: bool) -> None:
        """One subscriber's event, passed through the after_live_query_event hook first."""
        change, client = fanout.change, info.client
        selected = _select(change, subscription, auth, info, original_matches, current_matches)
        if selected is None:
            return
        event, obj, original = selected
        request = LiveQueryEventRequest(event, dict(obj), dict(original) if original else None,
                                        info.session_token or client.session_token, client.has_master_key,
                                        client.installation_id, auth.user, len(self.clients),
                                        self.subscription_count)
        assert fanout.hook is not None
        try:
            await run_hook(fanout.hook, request, self.options.hook_timeout)
        except ParseError as e:
            client.push(protocol.error_frame(e.code, e.message, False, info.request_id))
            return
        if not request.send_event:
            return
        view = _view(event, request.object, request.original if original is not None else None, change, auth,
                     info.keys)
        await client.deliver(protocol.event_text(event, client.ident, info.request_id, view.object_json,
                                                 view.original_json))


class _Fanout:
    """Per bus message: the change, its hook, and the requesters already resolved."""

    __slots__ = ("change", "hook", "auths")

    def __init__(self, change: _Change, hook: Any) -> None:
        self.change = change
        self.hook = hook
        self.auths: dict[tuple[str | None, bool], Auth | None] = {}


class _View:
    """An event as one kind of subscriber sees it, already encoded."""

    __slots__ = ("event", "object_json", "original_json")

    def __init__(self, event: str, object_json: str, original_json: str | None) -> None:
        self.event = event
        self.object_json = object_json
        self.original_json = original_json


def _select(change: _Change, subscription: Subscription, auth: Auth, info: SubscriptionInfo,
            original_matches: bool, current_matches: bool) -> tuple[str, dict[str, Any], dict[str, Any] | None] | None:
    """(event, object, original) this subscriber is due, or None (see the module docstring)."""
    allowed, pointer_fields = class_readable(change.clp, change.class_name, auth, subscription.operation)
    if not allowed:
        return None
    current_ok = current_matches and object_readable(change.current_doc, auth, pointer_fields)
    if change.deleted:
        return ("delete", change.current, None) if current_ok else None
    original_ok = original_matches and change.original_doc is not None and \
        object_readable(change.original_doc, auth, pointer_fields)
    event = _event_type(original_ok, current_ok, change.original is not None)
    if event is None:
        return None
    if event in ("create", "update") and not _watched_changed(info.watch, change.current, change.original):
        return None
    return event, change.current, change.original if event in ("update", "enter", "leave") else None


def _view(event: str, obj: dict[str, Any], original: dict[str, Any] | None, change: _Change, auth: Auth,
          keys: list[str] | None) -> _View:
    """Protected fields removed, `keys` applied, encoded."""
    shown = protocol.only_keys(visible(obj, change.clp, auth, change.class_name, change.owner_exempt), keys)
    shown_original = None
    if original is not None:
        shown_original = protocol.only_keys(visible(original, change.clp, auth, change.class_name,
                                                    change.owner_exempt), keys)
    return _View(event, orjson.dumps(shown).decode(),
                 orjson.dumps(shown_original).decode() if shown_original is not None else None)


def _render(change: _Change, subscription: Subscription, auth: Auth, info: SubscriptionInfo,
            original_matches: bool, current_matches: bool) -> _View | None:
    selected = _select(change, subscription, auth, info, original_matches, current_matches)
    if selected is None:
        return None
    return _view(*selected, change, auth, info.keys)


def _event_type(original_ok: bool, current_ok: bool, has_original: bool) -> str | None:
    if original_ok and current_ok:
        return "update"
    if original_ok:
        return "leave"
    if current_ok:
        return "enter" if has_original else "create"
    return None
