"""The request pipeline: read, authenticate, route, run, and turn results or errors into responses."""

from __future__ import annotations

import logging
import re
import time
from typing import Any
from urllib.parse import parse_qsl

import orjson
from aiohttp import web

from ..core.runtime.call import CallInfo, bind_call, unbind_call
from ..errors import ParseError, Unauthorized
from ..storage.base import QueryTimeoutError
from ..core.runtime.server import Server
from ..route_allow_list import normalized_route, route_allowed
from ..trust_proxy import request_ip
from .access_log import log_access, log_parse_error, log_request, log_response, verbose_enabled
from .keys import key_auth
from .prepared_response import PreparedHead, PreparedJsonResponse
from .idempotency import ensure_idempotency
from .rate_limit import RateLimited, enforce_rate_limit, rate_limits_of
from .sanitize import client_message
from .request import (
    ParseRequest,
    client_info_from_headers,
    decode_query_string,
    parse_json_body,
    strip_transport_keys,
    take_body_twins,
)
from .router import Reply, Router
from .streaming import limited_body, stream_reply

log = logging.getLogger("parse_clone.http")

CORS_ALLOW_HEADERS = ("X-Parse-Master-Key, X-Parse-REST-API-Key, X-Parse-Javascript-Key, X-Parse-Application-Id, "
                      "X-Parse-Client-Version, X-Parse-Session-Token, X-Requested-With, X-Parse-Revocable-Session, "
                      "X-Parse-Request-Id, Content-Type, Pragma, Cache-Control")
_METHODS = ("GET", "PUT", "POST", "DELETE")
_SLASHES = re.compile(r"/{2,}")
_ANY_ORIGIN = ["*"]
_UNMATCHED: Any = object()  # dispatch's `matched` when the caller has not asked the router


def cors_headers(server: Server, origin: str | None) -> dict[str, str]:
    """The CORS headers every response carries."""
    cfg = server.config
    allowed = cfg.allowOrigin or ["*"]
    allow_origin = origin if origin and origin in allowed else allowed[0]
    allow_headers = CORS_ALLOW_HEADERS + "".join(", " + h for h in cfg.allowHeaders) if cfg.allowHeaders \
        else CORS_ALLOW_HEADERS
    return {
        "Access-Control-Allow-Origin": allow_origin,
        "Access-Control-Allow-Methods": "GET,PUT,POST,DELETE,OPTIONS",
        "Access-Control-Allow-Headers": allow_headers,
        "Access-Control-Expose-Headers": "X-Parse-Job-Status-Id, X-Parse-Push-Status-Id",
    }


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """A JSON response encoded with orjson."""
    return web.Response(body=orjson.dumps(body), status=status, headers=headers,
                        content_type="application/json", charset="utf-8")


def error_reply(exc: BaseException, sanitize: bool = False) -> Reply:
    """Map an exception to Parse's status and body (`sanitize`: enableSanitizedErrorResponse)."""
    if isinstance(exc, ParseError):
        status = exc.http_status or (500 if exc.code == ParseError.INTERNAL_SERVER_ERROR
                                     else 404 if exc.code == 101 else 400)
        return Reply({"code": exc.code, "error": client_message(exc.message, sanitize)}, status)
    if isinstance(exc, Unauthorized):
        return Reply({"error": client_message(exc.message, sanitize)}, 403)
    return Reply({"code": ParseError.INTERNAL_SERVER_ERROR, "message": "Internal server error."}, 500)


class Pipeline:
    """Turns aiohttp requests into ParseRequests and runs them through the router."""

    def __init__(self, server: Server, router: Router) -> None:
        self.server = server
        self.router = router
        self.mount = server.config.mount
        self._heads: dict[tuple[Any, ...], PreparedHead] = {}

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """The aiohttp entry point for everything under the mount path."""
        started = time.perf_counter()
        origin = request.headers.get("Origin")
        if request.method == "OPTIONS":
            log_access(request.method, request.path, request.query_string, 200,
                       (time.perf_counter() - started) * 1000)
            return web.Response(status=200, headers=cors_headers(self.server, origin))
        try:
            reply = await self._handle(request)
        except Exception as exc:  # noqa: BLE001 - every failure becomes a Parse error response
            if isinstance(exc, ParseError):
                log_parse_error(exc, self.server.config.logLevels)
            elif isinstance(exc, QueryTimeoutError):  # a server fault, answered as Parse Server does (500, code 1)
                log.error("%s %s: %s", request.method, request.path, exc)
            elif not isinstance(exc, Unauthorized):
                log.exception("unhandled error on %s %s", request.method, request.path)
            reply = error_reply(exc, self.server.config.enableSanitizedErrorResponse)
            if isinstance(exc, RateLimited):
                reply.headers.update(exc.headers)
        if reply.stream is None and reply.raw is None and not reply.headers \
                and (reply.body is not None or reply.status == 200):
            resp: web.StreamResponse = PreparedJsonResponse(
                orjson.dumps(reply.body if reply.body is not None else {}), reply.status,
                self._json_head(reply.status, origin))
        else:
            cors = cors_headers(self.server, origin)
            headers = {**cors, **reply.headers} if reply.headers else cors
            if reply.stream is not None:
                resp = await stream_reply(request, reply, headers)
            elif reply.raw is not None:
                resp = web.Response(body=reply.raw, status=reply.status, headers=headers,
                                    content_type=reply.content_type or "application/octet-stream")
            elif reply.body is None and reply.status != 200:
                resp = web.Response(status=reply.status, headers=headers)
            else:
                resp = json_response(reply.body if reply.body is not None else {}, reply.status, headers)
        log_access(request.method, request.path, request.query_string, reply.status,
                   (time.perf_counter() - started) * 1000)
        return resp

    def _json_head(self, status: int, origin: str | None) -> PreparedHead:
        """The serialised status line, CORS headers and Content-Type of a JSON reply (made once per
        status and CORS answer; the config's CORS options are read each time, so changes apply)."""
        cfg = self.server.config
        allowed = cfg.allowOrigin or _ANY_ORIGIN
        key = (status, origin if origin and origin in allowed else allowed[0],
               tuple(cfg.allowHeaders) if cfg.allowHeaders else None)
        head = self._heads.get(key)
        if head is None:
            if len(self._heads) >= 256:  # only a config changed over and over gets here
                self._heads.clear()
            head = self._heads[key] = PreparedHead(status, cors_headers(self.server, origin))
        return head

    async def _handle(self, request: web.Request) -> Reply:
        path = request.path[len(self.mount):] if self.mount else request.path
        if "//" in path or not path:
            path = _SLASHES.sub("/", path or "/")  # SDKs may send "/1//hooks/..." (Express routes it)
        ip = request_ip(request, self.server.extras.get("trust_proxy"))  # trustProxy applied
        info = client_info_from_headers(request.headers, ip)
        matched_raw = self.router.match(request.method, path)
        if matched_raw and matched_raw[0].stream and info.app_id is not None:
            # Uploads: the body goes to the handler unread (size-limited as it is read). Without an
            # app id header the body must be the JS SDK's JSON form, read below like any raw body.
            query = decode_query_string(request.query.items()) if request.query_string else {}
            preq = ParseRequest(request.method, path, {}, query, info, dict(request.headers),
                                mount_prefix=self.mount,
                                body_stream=limited_body(request, self.server.config.max_body_bytes))
            return await self.dispatch(preq, matched=matched_raw)
        raw = await self._read_body(request)
        method = request.method
        query = decode_query_string(request.query.items()) if request.query_string else {}
        if matched_raw and matched_raw[0].raw:
            body: Any = {}
            if info.app_id is None and raw[:1] == b"{":
                try:
                    body = parse_json_body(raw)
                except ParseError:
                    body = {}
                if isinstance(body, dict):
                    take_body_twins(info, body)
            preq = ParseRequest(method, path, body, query, info, dict(request.headers), raw_body=raw,
                                mount_prefix=self.mount)
            return await self.dispatch(preq, authenticate=not matched_raw[0].public, matched=matched_raw)
        if raw and request.content_type == "application/x-www-form-urlencoded":
            body: Any = dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
        else:
            body = parse_json_body(raw) if raw else {}
        if body and isinstance(body, dict):  # (an empty body has nothing to take out)
            override = body.pop("_method", None)
            if isinstance(override, str) and method == "POST" and override.upper() in _METHODS:
                method = override.upper()
            if info.app_id is None:
                take_body_twins(info, body)
            else:
                for key in ("_ApplicationId", "_JavaScriptKey", "_ClientVersion", "_InstallationId",
                            "_SessionToken", "_MasterKey", "_ContentType", "_context"):
                    body.pop(key, None)
            strip_transport_keys(body)
        preq = ParseRequest(method, path, body, query, info, dict(request.headers), raw_body=b"",
                            mount_prefix=self.mount)
        # the route matched above stands unless `_method` changed the method
        return await self.dispatch(preq, matched=matched_raw if method == request.method else _UNMATCHED)

    async def _read_body(self, request: web.Request) -> bytes:
        if not request.can_read_body:
            return b""
        limit = self.server.config.max_body_bytes
        if request.content_length is not None and request.content_length > limit:
            # Parse Server's body parser answers 413 (a client error SDKs do not retry).
            raise ParseError(ParseError.OBJECT_TOO_LARGE, "request entity too large", http_status=413)
        chunks = []
        size = 0
        async for chunk in request.content.iter_chunked(65536):
            size += len(chunk)
            if size > limit:
                raise ParseError(ParseError.OBJECT_TOO_LARGE, "request entity too large", http_status=413)
            chunks.append(chunk)
        return b"".join(chunks)

    async def dispatch(self, preq: ParseRequest, authenticate: bool = True, matched: Any = _UNMATCHED) -> Reply:
        """Authenticate (unless already done, as in batch), route and run one request (`matched`: the
        router's answer for its method and path when the caller already has it)."""
        if matched is _UNMATCHED:
            matched = self.router.match(preq.method, preq.path)
        if matched is None:
            if self.router.path_exists(preq.path):
                raise ParseError(ParseError.INVALID_JSON, f"cannot route {preq.method} {preq.path}")
            return Reply({"error": f"Cannot {preq.method} {preq.mount_prefix}{preq.path}"}, 404)
        route, params = matched
        preq.params = params
        limit_headers: dict[str, str] = {}
        if authenticate and not route.public:
            preq.auth = await self.authenticate(preq)
        allow = self.server.extras.get("route_allow_list")
        if allow is not None:  # before the rate limit, as in Parse Server
            self._check_route_allowed(allow, preq)
        if authenticate and not route.public and rate_limits_of(self.server) is not None:
            limit_headers = await enforce_rate_limit(self.server, preq)  # rateLimit: 429 over the limit
        if route.master and not preq.auth.is_master and not preq.auth.is_maintenance:
            raise Unauthorized("unauthorized: master key is required")
        if route.idempotent:
            await ensure_idempotency(self.server, preq)
        token = bind_call(CallInfo(ip=preq.info.ip, headers=preq.headers,
                                   context=preq.info.context))  # what cloud hooks see
        try:
            if not verbose_enabled():
                reply = await route.handler(self.server, preq)
            else:
                url = preq.mount_prefix + preq.path
                log_request(preq.method, url, preq.body)
                reply = await route.handler(self.server, preq)
                log_response(preq.method, url,
                             reply.body if reply.stream is None and reply.raw is None else "(binary)")
        finally:
            unbind_call(token)
        if limit_headers:
            reply.headers.update(limit_headers)
        return reply

    def _check_route_allowed(self, allow: Any, preq: ParseRequest) -> None:
        """routeAllowList: 119 for a route outside it, unless the master or maintenance key is used."""
        auth = preq.auth
        if auth is not None and (auth.is_master or auth.is_maintenance):
            return
        route = normalized_route(preq.path)
        pages = self.server.config.pages or {}
        if not route_allowed(allow, route, str(pages.get("pagesEndpoint") or "apps").strip("/")):
            raise ParseError(ParseError.OPERATION_FORBIDDEN, f"Route not allowed by routeAllowList: {preq.method} {route}")

    async def authenticate(self, preq: ParseRequest):
        """Keys first, then the session token (when a session resolver is installed)."""
        auth = key_auth(self.server.config, preq.info)
        token = preq.info.session_token
        resolver = self.server.extras.get("session_resolver")
        if token and resolver is not None and preq.path.rstrip("/") not in ("/login",):
            auth = await resolver(self.server, auth, token, preq)
        return auth
