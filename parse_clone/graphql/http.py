"""The GraphQL endpoint (graphQLPath, beside the REST mount): POST with a JSON body or a GraphQL
multipart request (file uploads), and GET with the query in the query string. Keys and session
tokens are checked by the REST pipeline's own authenticate step."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson
from aiohttp import web
from graphql import ExecutionResult, GraphQLError, OperationType, execute, get_operation_ast

from ..core.runtime.call import CallInfo, bind_call, unbind_call
from ..errors import ParseError, Unauthorized
from ..http.pipeline import cors_headers, error_reply, json_response
from ..http.request import ParseRequest, client_info_from_headers
from ..http.sanitize import client_message
from ..trust_proxy import request_ip
from .context import GraphQLContext
from .execution import ParseExecutionContext
from .documents import check_document
from .introspection import redact_errors, refusal
from ..core.request_complexity import complexity_of
from .limits import complexity_error
from .results import BadRequest, failure, format_error
from .schema import SchemaCache
from .subscriptions import handle_graphql_ws
from .uploads import UploadedFile

if TYPE_CHECKING:
    from ..core.runtime.server import Server
    from ..livequery.server import LiveQueryServer

def _set_path(target: Any, path: str, value: Any) -> None:
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[int(key)] if isinstance(target, list) else target[key]
    last = keys[-1]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value


async def _read_multipart(request: web.Request) -> dict[str, Any]:
    """The GraphQL multipart request spec: `operations`, then `map`, then the files."""
    reader = await request.multipart()
    operations: Any = None
    mapping: dict[str, list[str]] = {}
    while True:
        part = await reader.next()
        if part is None:
            break
        name = getattr(part, "name", None)
        if name == "operations":
            operations = orjson.loads(await part.read())
        elif name == "map":
            mapping = orjson.loads(await part.read())
        elif name in mapping and operations is not None:
            data = bytes(await part.read())
            upload = UploadedFile(part.filename or name, part.headers.get("Content-Type"), data)
            for path in mapping[name]:
                try:
                    _set_path(operations, path, upload)
                except (KeyError, IndexError, ValueError, TypeError):
                    raise BadRequest(f"Invalid file map path: {path}") from None
    if not isinstance(operations, dict):
        raise BadRequest("Missing multipart field 'operations'.")
    return operations


async def _read_request(request: web.Request) -> dict[str, Any]:
    """{query, variables, operationName} from a GET query string or a POST body."""
    if request.method == "GET":
        params: dict[str, Any] = dict(request.query)
        if isinstance(params.get("variables"), str) and params["variables"]:
            try:
                params["variables"] = orjson.loads(params["variables"])
            except orjson.JSONDecodeError:
                raise BadRequest("Variables are invalid JSON.") from None
        return params
    if request.content_type == "multipart/form-data":
        return await _read_multipart(request)
    raw = await request.read()
    try:
        body = orjson.loads(raw) if raw else {}
    except orjson.JSONDecodeError:
        raise BadRequest("POST body sent invalid JSON.") from None
    if not isinstance(body, dict):
        raise BadRequest("POST body must be a JSON object.")
    return body


class GraphQLEndpoint:
    """Answers requests on graphQLPath for one Server."""

    def __init__(self, server: "Server", live: "LiveQueryServer | None" = None) -> None:
        self.server = server
        self.cache = SchemaCache(server)
        self.live = live
        if live is not None:
            patterns = live.options.class_patterns
            self.cache.is_live = lambda name: any(p.fullmatch(name) for p in patterns)
        server.extras["graphql_schema"] = self.cache

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """The aiohttp handler."""
        cors = cors_headers(self.server, request.headers.get("Origin"))
        if request.method == "OPTIONS":
            return web.Response(status=204, headers=cors)
        if self.live is not None and request.method == "GET" and \
                request.headers.get("Upgrade", "").lower() == "websocket":
            return await handle_graphql_ws(self, self.live, request)
        if request.method not in ("GET", "POST"):
            return json_response({"errors": [{"message": "GraphQL only supports GET and POST requests."}]},
                                 405, {**cors, "Allow": "GET, POST"})
        info = client_info_from_headers(request.headers, request_ip(request, self.server.extras.get("trust_proxy")))
        preq = ParseRequest(request.method, "/graphql", {}, {}, info, dict(request.headers),
                            mount_prefix=self.server.config.mount)
        try:
            preq.auth = await self.server.extras["pipeline"].authenticate(preq)
            params = await _read_request(request)
        except (ParseError, Unauthorized) as exc:
            reply = error_reply(exc, self.server.config.enableSanitizedErrorResponse)
            return json_response(reply.body, reply.status, cors)
        except BadRequest as exc:
            return json_response({"errors": [{"message": str(exc), "extensions": {"code": "BAD_REQUEST"}}]},
                                 400, cors)
        body, status = await self.run(preq, params, request.method)
        return json_response(body, status, cors)

    def guarded(self, preq: ParseRequest | None) -> bool:
        """Whether this caller may not introspect (no master or maintenance key, no public introspection)."""
        auth = preq.auth if preq is not None else None
        return not (self.server.config.graphQLPublicIntrospection or
                    (auth is not None and (auth.is_master or auth.is_maintenance)))

    async def run(self, preq: ParseRequest, params: dict[str, Any], method: str = "POST") -> tuple[dict[str, Any], int]:
        """Parse, validate and execute one operation: (response body, HTTP status). Without the master
        or maintenance key (and graphQLPublicIntrospection off), introspection is refused and error
        messages lose the schema identifiers the caller did not write."""
        guarded = self.guarded(preq)
        body, status = await self._run(preq, params, method, guarded)
        if "errors" in body:
            if guarded:
                source = params.get("query")
                redact_errors(body, source if isinstance(source, str) else None)
            if self.server.config.enableSanitizedErrorResponse:
                for error in body["errors"]:
                    error["message"] = client_message(error["message"], True)
        return body, status

    async def _run(self, preq: ParseRequest, params: dict[str, Any], method: str,
                   guarded: bool) -> tuple[dict[str, Any], int]:
        source = params.get("query")
        if not isinstance(source, str) or not source.strip():
            return {"errors": [{"message": "GraphQL operations must contain a non-empty `query`.",
                                "extensions": {"code": "BAD_REQUEST"}}]}, 400
        variables = params.get("variables")
        if variables is not None and not isinstance(variables, dict):
            return {"errors": [{"message": "`variables` in a POST body should be an object.",
                                "extensions": {"code": "BAD_REQUEST"}}]}, 400
        operation_name = params.get("operationName") or None
        built = await self.cache.get()
        checked = built.documents.get(source)
        if checked is None:
            try:
                checked = check_document(built.schema, source)
            except GraphQLError as exc:
                return failure([exc], "GRAPHQL_PARSE_FAILED")
            built.documents.put(source, checked)
        document = checked.document
        if checked.errors:
            return failure(checked.errors, "GRAPHQL_VALIDATION_FAILED")
        if guarded and checked.introspects:
            return refusal()
        operation = get_operation_ast(document, operation_name)
        if method == "GET" and operation is not None and operation.operation != OperationType.QUERY:
            return {"errors": [{"message": "Can only perform a mutation operation from a POST request.",
                                "extensions": {"code": "BAD_REQUEST"}}]}, 405
        refused = self._too_complex(preq, operation, document)
        if refused is not None:
            return refused
        ctx = GraphQLContext(self.server, preq.auth, preq, built.models, checked)
        token = bind_call(CallInfo(ip=preq.info.ip, headers=preq.headers, context=preq.info.context))
        try:
            result = execute(built.schema, document, variable_values=variables, operation_name=operation_name,
                             context_value=ctx, execution_context_class=ParseExecutionContext)
            if not isinstance(result, ExecutionResult):
                result = await result
        finally:
            unbind_call(token)
        if result.errors and result.data is None and not any(e.path for e in result.errors):
            return failure(result.errors, "BAD_USER_INPUT")  # bad variables: nothing ran
        body: dict[str, Any] = {}
        if result.errors:
            body["errors"] = [format_error(e) for e in result.errors]
        body["data"] = result.data
        return body, 200

    def _too_complex(self, preq: ParseRequest, operation: Any, document: Any) -> tuple[dict[str, Any], int] | None:
        """requestComplexity.graphQLDepth / graphQLFields, for callers without the master or maintenance key."""
        if operation is None or preq.auth.is_master or preq.auth.is_maintenance:
            return None
        limits = complexity_of(self.server)
        message = complexity_error(operation, document, limits.graphQLDepth, limits.graphQLFields)
        if message is None:
            return None
        # What Apollo answers for Parse Server's refusal: the error has no code of its own.
        return {"errors": [{"message": message, "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]}, 400


def mount_graphql(app: web.Application, server: "Server", live: "LiveQueryServer | None" = None) -> GraphQLEndpoint:
    """Serve the GraphQL API on graphQLPath (call before the REST catch-all route is added); with a
    LiveQuery server, graphql-ws subscriptions on the same path."""
    endpoint = GraphQLEndpoint(server, live)
    path = "/" + server.config.graphQLPath.strip("/")
    app.router.add_route("*", path, endpoint.handle)
    return endpoint
