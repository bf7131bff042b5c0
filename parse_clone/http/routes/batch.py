"""/batch: many requests in one, each answered {"success": ...} or {"error": {code, error}}."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from ...errors import ParseError, Unauthorized
from ...core.request_complexity import check_batch_size
from ...core.runtime.server import Server
from ...storage.write_group import SEQUENTIAL, WriteGroup
from ..rate_limit import RateLimited, rate_limits_of
from ..request import ParseRequest
from ..sanitize import client_message
from ..router import Reply, Router

MAX_BATCH = 1000


def _prefixes(server: Server, req: ParseRequest) -> list[str]:
    """Path prefixes a sub-request may start with: the mount path, and serverURL/publicServerURL paths."""
    found = [req.mount_prefix]
    for url in (server.config.serverURL, server.config.publicServerURL):
        if url:
            found.append(urlparse(url).path.rstrip("/"))
    return sorted({p for p in found if p}, key=len, reverse=True)


def routable_path(path: Any, prefixes: list[str]) -> str:
    """A sub-request path relative to the mount; 107 when it is not a string path."""
    if not isinstance(path, str) or not path.startswith("/"):
        raise ParseError(ParseError.INVALID_JSON, f"cannot route batch path {path}")
    for prefix in prefixes:
        if path == prefix or path.startswith(prefix + "/"):
            return path[len(prefix):] or "/"
    return path


async def handle(server: Server, req: ParseRequest) -> Reply:
    """Run each sub-request with the outer request's auth, in order."""
    body = req.body if isinstance(req.body, dict) else {}
    requests = body.get("requests")
    if not isinstance(requests, list):
        raise ParseError(ParseError.INVALID_JSON, "requests must be an array")
    check_batch_size(server, req.auth, len(requests))  # requestComplexity.batchRequestLimit
    if len(requests) > MAX_BATCH:
        raise ParseError(ParseError.INVALID_JSON, f"too many requests in batch (max {MAX_BATCH})")
    prefixes = _prefixes(server, req)
    for sub in requests:
        if not isinstance(sub, dict):
            raise ParseError(ParseError.INVALID_JSON, "each batch request must be an object")
        routable_path(sub.get("path"), prefixes)
    await _count_sub_requests(server, req, requests, prefixes)
    if body.get("transaction") is True:
        return await _run_transaction(server, req, requests, prefixes)
    async with server.storage.write_group() as group:
        results = await _run_grouped(server, req, requests, prefixes, group or SEQUENTIAL)
    return Reply(results)


async def _count_sub_requests(server: Server, req: ParseRequest, requests: list[Any], prefixes: list[str]) -> None:
    """rateLimit counts each sub-request, before any runs; one over the limit fails the batch (code 100)."""
    limits = rate_limits_of(server)
    if limits is None:
        return
    for sub in requests:
        path = routable_path(sub.get("path"), prefixes).partition("?")[0]
        method = str(sub.get("method") or "GET").upper()
        try:
            await limits.hit(server, req, path, method, batch=True)
        except RateLimited as exc:
            raise ParseError(ParseError.CONNECTION_FAILED, exc.message) from None


class _Abort(Exception):
    def __init__(self, error: dict[str, Any]) -> None:
        super().__init__(error.get("error"))
        self.error = error


async def _run_transaction(server: Server, req: ParseRequest, requests: list[Any], prefixes: list[str]) -> Reply:
    """All sub-requests in one storage transaction: the first failure rolls everything back."""
    try:
        async with server.storage.transaction():
            results = await _run_all(server, req, requests, prefixes, stop_on_error=True)
            failed = next((r["error"] for r in results if "error" in r), None)
            if failed is not None:
                raise _Abort(failed)
    except _Abort as abort:
        return Reply({"code": abort.error["code"], "error": abort.error["error"]}, 400)
    return Reply(results)


async def _run_all(server: Server, req: ParseRequest, requests: list[Any], prefixes: list[str],
                   stop_on_error: bool = False) -> list[dict[str, Any]]:
    """Each sub-request to its end before the next (a transaction stops at the first failure)."""
    results: list[dict[str, Any]] = []
    for sub in requests:
        results.append(await _run_one(server, req, sub, prefixes))
        if stop_on_error and "error" in results[-1]:
            break
    return results


async def _run_grouped(server: Server, req: ParseRequest, requests: list[Any], prefixes: list[str],
                       group: WriteGroup) -> list[dict[str, Any]]:
    """The sub-requests admitted in order by the storage's write group; results in request order."""
    steps = [await group.admit(_run_one(server, req, sub, prefixes)) for sub in requests]
    await group.finish()
    return [await step for step in steps]


async def _run_one(server: Server, req: ParseRequest, sub: dict[str, Any], prefixes: list[str]) -> dict[str, Any]:
    """One sub-request's {"success": ...} or {"error": {code, error}}."""
    sanitize = server.config.enableSanitizedErrorResponse
    method = str(sub.get("method", "")).upper()
    path = routable_path(sub.get("path"), prefixes)
    path, _, qs = path.partition("?")
    sub_body = sub.get("body") if sub.get("body") is not None else {}
    sub_req = ParseRequest(method, path, sub_body, {}, req.info, req.headers, auth=req.auth,
                           mount_prefix=req.mount_prefix)
    try:
        if path.rstrip("/") == "/batch":
            raise ParseError(ParseError.INVALID_JSON, "nested batch requests are not allowed")
        reply = await server.extras["pipeline"].dispatch(sub_req, authenticate=False)
        if reply.status >= 400 and isinstance(reply.body, dict) and "error" in reply.body:
            return {"error": {"code": reply.body.get("code", ParseError.INVALID_JSON),
                              "error": client_message(reply.body["error"], sanitize)}}
        return {"success": reply.body if reply.body is not None else {}}
    except ParseError as e:
        return {"error": {"code": e.code, "error": client_message(e.message, sanitize)}}
    except Unauthorized as e:
        return {"error": {"code": ParseError.OPERATION_FORBIDDEN, "error": client_message(e.message, sanitize)}}


def register(router: Router) -> None:
    """Mount /batch."""
    router.add("POST", "/batch", handle)
