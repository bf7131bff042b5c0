"""/batch: many requests in one, each answered {"success": ...} or {"error": {code, error}}."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from ...core.errors import ParseError, Unauthorized
from ...core.server import Server
from ..request import ParseRequest
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
    if len(requests) > MAX_BATCH:
        raise ParseError(ParseError.INVALID_JSON, f"too many requests in batch (max {MAX_BATCH})")
    pipeline = server.extras["pipeline"]
    prefixes = _prefixes(server, req)
    for sub in requests:
        if not isinstance(sub, dict):
            raise ParseError(ParseError.INVALID_JSON, "each batch request must be an object")
        routable_path(sub.get("path"), prefixes)
    results: list[dict[str, Any]] = []
    for sub in requests:
        method = str(sub.get("method", "")).upper()
        path = routable_path(sub.get("path"), prefixes)
        path, _, qs = path.partition("?")
        sub_body = sub.get("body") if sub.get("body") is not None else {}
        sub_req = ParseRequest(method, path, sub_body, {}, req.info, req.headers, auth=req.auth,
                               mount_prefix=req.mount_prefix)
        try:
            if path.rstrip("/") == "/batch":
                raise ParseError(ParseError.INVALID_JSON, "nested batch requests are not allowed")
            reply = await pipeline.dispatch(sub_req, authenticate=False)
            if reply.status >= 400 and isinstance(reply.body, dict) and "error" in reply.body:
                results.append({"error": {"code": reply.body.get("code", ParseError.INVALID_JSON),
                                          "error": reply.body["error"]}})
            else:
                results.append({"success": reply.body if reply.body is not None else {}})
        except ParseError as e:
            results.append({"error": {"code": e.code, "error": e.message}})
        except Unauthorized as e:
            results.append({"error": {"code": ParseError.OPERATION_FORBIDDEN, "error": e.message}})
    return Reply(results)


def register(router: Router) -> None:
    """Mount /batch."""
    router.add("POST", "/batch", handle)
