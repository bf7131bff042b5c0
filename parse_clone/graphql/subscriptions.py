"""GraphQL subscriptions over the graphql-ws protocol (`graphql-transport-ws`) on graphQLPath, for the
classes enabled for LiveQuery (beyond Parse Server, which has none).

Each GraphQL subscription becomes a LiveQuery subscription of this server's LiveQuery server, made
through a bridge client: so the keys, session token, CLP, ACL, protectedFields and LiveQuery hooks are
exactly LiveQuery's. Every LiveQuery event (create, update, delete, enter, leave) is executed against the
subscription's selection set and sent as a graphql-ws `next` message.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import orjson
from aiohttp import WSMsgType, web
from graphql import GraphQLError, OperationType, execute, get_operation_ast, parse, validate
from graphql.execution.values import get_argument_values, get_variable_values

from ..errors import ParseError, Unauthorized
from ..http.request import ParseRequest, client_info_from_headers
from ..livequery.client import Client
from ..trust_proxy import request_ip
from .context import GraphQLContext
from .execution import ParseExecutionContext
from .introspection import redact_errors
from .results import RULES, format_error
from .where import to_parse_where

if TYPE_CHECKING:
    from ..livequery.server import LiveQueryServer

log = logging.getLogger("parse_clone.graphql")

PROTOCOL = "graphql-transport-ws"
LIVE_EVENTS = ("create", "update", "delete", "enter", "leave")
_CONNECT_KEYS = {"x-parse-application-id": "applicationId", "x-parse-javascript-key": "javascriptKey",
                 "x-parse-client-key": "clientKey", "x-parse-rest-api-key": "restAPIKey",
                 "x-parse-windows-key": "windowsKey", "x-parse-master-key": "masterKey",
                 "x-parse-session-token": "sessionToken", "x-parse-installation-id": "installationId"}


class _Subscription:
    """One active GraphQL subscription: its document and the LiveQuery request id behind it."""

    def __init__(self, graphql_id: str, request_id: int, document: Any, variables: dict[str, Any] | None,
                 operation_name: str | None) -> None:
        self.graphql_id = graphql_id
        self.request_id = request_id
        self.document = document
        self.variables = variables
        self.operation_name = operation_name
        self.subscribed: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()


class _Bridge:
    """Stands in for a WebSocket towards the LiveQuery server: its frames arrive in `send_str`."""

    def __init__(self, connection: "_Connection") -> None:
        self.connection = connection

    async def send_str(self, text: str) -> None:
        await self.connection.on_live_frame(orjson.loads(text))

    async def close(self, code: int = 1000, message: bytes = b"") -> None:
        await self.connection.ws.close(code=4500, message=b"LiveQuery dropped the subscription client")


class _Connection:
    """One graphql-ws connection; `endpoint` is the http.GraphQLEndpoint (server and schema cache)."""

    def __init__(self, endpoint: Any, live: "LiveQueryServer", ws: web.WebSocketResponse,
                 request: web.Request) -> None:
        self.endpoint = endpoint
        self.live = live
        self.ws = ws
        self.request = request
        self.preq: ParseRequest | None = None
        self.client: Client | None = None
        self.connected: asyncio.Future[dict[str, Any]] | None = None
        self.by_graphql_id: dict[str, _Subscription] = {}
        self.by_request_id: dict[int, _Subscription] = {}
        self.next_request_id = 1

    async def send(self, message: dict[str, Any]) -> None:
        if not self.ws.closed:
            await self.ws.send_str(orjson.dumps(message).decode())

    async def live_frame(self, frame: dict[str, Any]) -> None:
        """Hand one LiveQuery protocol message to the LiveQuery server, as from a socket."""
        assert self.client is not None
        await self.live._on_frame(self.client, orjson.dumps(frame).decode())  # noqa: SLF001 - the bridge

    async def on_live_frame(self, frame: dict[str, Any]) -> None:
        """A LiveQuery frame for the bridge client: connected/subscribed replies, errors, events."""
        op = frame.get("op")
        sub = self.by_request_id.get(frame.get("requestId")) if frame.get("requestId") is not None else None
        if op == "connected" and self.connected is not None and not self.connected.done():
            self.connected.set_result(frame)
        elif op == "error":
            if sub is None and self.connected is not None and not self.connected.done():
                self.connected.set_result(frame)
            elif sub is not None and not sub.subscribed.done():
                sub.subscribed.set_result(frame)
            elif sub is not None:
                await self._error(sub.graphql_id, frame.get("code", 1), frame.get("error", ""))
        elif op == "subscribed" and sub is not None and not sub.subscribed.done():
            sub.subscribed.set_result(frame)
        elif op in LIVE_EVENTS and sub is not None:
            await self._next(sub, {"event": op, "object": frame.get("object"), "original": frame.get("original")})

    async def _error(self, graphql_id: str, code: Any, message: str) -> None:
        await self.send({"id": graphql_id, "type": "error",
                         "payload": [{"message": message, "extensions": {"code": code}}]})

    async def _next(self, sub: _Subscription, root: dict[str, Any]) -> None:
        assert self.preq is not None
        built = await self.endpoint.cache.get()
        ctx = GraphQLContext(self.endpoint.server, self.preq.auth, self.preq, built.models)
        result = execute(built.schema, sub.document, root_value=root, variable_values=sub.variables,
                         operation_name=sub.operation_name, context_value=ctx,
                         execution_context_class=ParseExecutionContext)
        if not hasattr(result, "data"):
            result = await result  # type: ignore[misc]
        payload: dict[str, Any] = {"data": result.data}
        if result.errors:
            payload["errors"] = [format_error(e) for e in result.errors]
        await self.send({"id": sub.graphql_id, "type": "next", "payload": payload})

    async def connection_init(self, payload: Any) -> None:
        """Authenticate as a REST request with these keys would, then connect to LiveQuery."""
        keys = {str(k).lower(): str(v) for k, v in (payload or {}).items() if v is not None} \
            if isinstance(payload, dict) else {}
        ip = request_ip(self.request, self.endpoint.server.extras.get("trust_proxy"))
        info = client_info_from_headers(keys, ip)
        self.preq = ParseRequest("GET", "/graphql", {}, {}, info, keys, mount_prefix=self.endpoint.server.config.mount)
        try:
            self.preq.auth = await self.endpoint.server.extras["pipeline"].authenticate(self.preq)
        except (ParseError, Unauthorized):
            await self.ws.close(code=4403, message=b"Forbidden")
            return
        queue = self.live.options.send_queue_size
        self.client = Client(_Bridge(self), ip, queue)  # type: ignore[arg-type]
        self.connected = asyncio.get_running_loop().create_future()
        connect = {"op": "connect", **{name: keys[h] for h, name in _CONNECT_KEYS.items() if h in keys}}
        await self.live_frame(connect)
        reply = await asyncio.wait_for(self.connected, 10)
        if reply.get("op") != "connected":
            await self.ws.close(code=4403, message=b"Forbidden")
            return
        await self.send({"type": "connection_ack"})

    async def subscribe(self, graphql_id: str, payload: dict[str, Any]) -> None:
        """Check the operation, then subscribe through LiveQuery."""
        built = await self.endpoint.cache.get()
        try:
            document = parse(payload.get("query") or "")
        except GraphQLError as exc:
            await self.send({"id": graphql_id, "type": "error", "payload": [format_error(exc)]})
            return
        errors = validate(built.schema, document, RULES)
        operation = get_operation_ast(document, payload.get("operationName"))
        if not errors and (operation is None or operation.operation != OperationType.SUBSCRIPTION):
            errors = [GraphQLError("Only subscription operations are served over graphql-ws here.")]
        if not errors and built.schema.subscription_type is None:
            errors = [GraphQLError("No class is enabled for LiveQuery: there is nothing to subscribe to.")]
        variables = payload.get("variables") or {}
        if not errors and operation is not None:
            coerced = get_variable_values(built.schema, operation.variable_definitions or [], variables)
            if isinstance(coerced, list):
                errors = coerced
        if errors:
            body = {"errors": [format_error(e) for e in errors]}
            if self.endpoint.guarded(self.preq):
                redact_errors(body, payload.get("query"))
            await self.send({"id": graphql_id, "type": "error", "payload": body["errors"]})
            return
        assert operation is not None and self.preq is not None
        root_field = operation.selection_set.selections[0]
        field_name = root_field.name.value  # type: ignore[union-attr]
        subscription_type = built.schema.subscription_type
        assert subscription_type is not None
        args = get_argument_values(subscription_type.fields[field_name], root_field, coerced)  # type: ignore[arg-type]
        model = next(m for m in built.models.values() if m.get_query == field_name)
        where = to_parse_where(args.get("where"), model, built.models)
        sub = _Subscription(graphql_id, self.next_request_id, document, variables, payload.get("operationName"))
        self.next_request_id += 1
        self.by_graphql_id[graphql_id] = sub
        self.by_request_id[sub.request_id] = sub
        frame: dict[str, Any] = {"op": "subscribe", "requestId": sub.request_id,
                                 "query": {"className": model.class_name, "where": where}}
        if self.preq.info.session_token:
            frame["sessionToken"] = self.preq.info.session_token
        await self.live_frame(frame)
        reply = await asyncio.wait_for(sub.subscribed, 10)
        if reply.get("op") == "error":
            self._forget(sub)
            await self._error(graphql_id, reply.get("code", 1), reply.get("error", ""))

    def _forget(self, sub: _Subscription) -> None:
        self.by_graphql_id.pop(sub.graphql_id, None)
        self.by_request_id.pop(sub.request_id, None)

    async def complete(self, graphql_id: str) -> None:
        """The client stopped one subscription."""
        sub = self.by_graphql_id.get(graphql_id)
        if sub is not None:
            self._forget(sub)
            await self.live_frame({"op": "unsubscribe", "requestId": sub.request_id})

    async def close(self) -> None:
        """The socket closed: LiveQuery forgets the bridge client."""
        if self.client is not None:
            self.live._forget(self.client)  # noqa: SLF001 - the bridge
            await self.client.close()


async def _serve(connection: _Connection) -> None:
    async for frame in connection.ws:
        if frame.type != WSMsgType.TEXT:
            continue
        try:
            message = orjson.loads(frame.data)
        except orjson.JSONDecodeError:
            await connection.ws.close(code=4400, message=b"Invalid message")
            return
        kind = message.get("type") if isinstance(message, dict) else None
        if kind == "connection_init":
            if connection.client is not None:
                await connection.ws.close(code=4429, message=b"Too many initialisation requests")
                return
            await connection.connection_init(message.get("payload"))
        elif kind == "ping":
            await connection.send({"type": "pong"})
        elif kind in ("subscribe", "complete") and connection.client is None:
            await connection.ws.close(code=4401, message=b"Unauthorized")
            return
        elif kind == "subscribe" and isinstance(message.get("payload"), dict) and isinstance(message.get("id"), str):
            if message["id"] in connection.by_graphql_id:
                await connection.ws.close(code=4409, message=f"Subscriber for {message['id']} already exists".encode())
                return
            await connection.subscribe(message["id"], message["payload"])
        elif kind == "complete":
            await connection.complete(str(message.get("id")))
        elif kind != "pong":
            await connection.ws.close(code=4400, message=b"Invalid message")
            return


async def handle_graphql_ws(endpoint: Any, live: "LiveQueryServer", request: web.Request) -> web.StreamResponse:
    """Serve one graphql-ws connection until it closes."""
    ws = web.WebSocketResponse(protocols=(PROTOCOL,), heartbeat=live.options.websocket_timeout)
    await ws.prepare(request)
    if ws.ws_protocol != PROTOCOL:
        await ws.close(code=4406, message=b"Subprotocol not acceptable")
        return ws
    connection = _Connection(endpoint, live, ws, request)
    try:
        await _serve(connection)
    except Exception:  # noqa: BLE001 - a fault closes this socket, never the server
        log.exception("graphql-ws connection failed")
        await ws.close(code=4500, message=b"Internal server error")
    finally:
        await connection.close()
    return ws
