"""PreparedJsonResponse writes the bytes aiohttp writes for the same JSON response (the Date aside)."""

from __future__ import annotations

import asyncio
import re

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from parse_clone.http.pipeline import CORS_ALLOW_HEADERS, json_response
from parse_clone.http.prepared_response import PreparedHead, PreparedJsonResponse

CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET,PUT,POST,DELETE,OPTIONS",
        "Access-Control-Allow-Headers": CORS_ALLOW_HEADERS}
BODY = {"objectId": "abc", "name": "ünïcode", "n": 1}
_DATE = re.compile(rb"Date: [^\r]*\r\n")


def _app() -> web.Application:
    async def plain(request: web.Request) -> web.StreamResponse:
        return json_response(BODY, int(request.match_info["status"]), dict(CORS))

    async def prepared(request: web.Request) -> web.StreamResponse:
        status = int(request.match_info["status"])
        return PreparedJsonResponse(json_response(BODY).body, status, PreparedHead(status, dict(CORS)))

    app = web.Application()
    app.router.add_route("*", "/plain/{status}", plain)
    app.router.add_route("*", "/prepared/{status}", prepared)
    return app


async def _exchange(port: int, request: bytes, responses: int = 1) -> bytes:
    """Send `request`, read `responses` complete responses (by their Content-Length; none for HEAD)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    await writer.drain()
    out = []
    for _ in range(responses):
        head = await reader.readuntil(b"\r\n\r\n")
        length = re.search(rb"Content-Length: (\d+)", head)
        body = b"" if request.startswith(b"HEAD") or not length else await reader.readexactly(int(length[1]))
        out.append(head + body)
    writer.close()
    return _DATE.sub(b"Date: -\r\n", b"".join(out))


@pytest.mark.parametrize("status", [200, 201, 400, 404])
@pytest.mark.parametrize("request_line, extra", [
    ("GET {} HTTP/1.1", ""),
    ("GET {} HTTP/1.0", ""),
    ("GET {} HTTP/1.0", "Connection: keep-alive\r\n"),
    ("GET {} HTTP/1.1", "Connection: close\r\n"),
    ("HEAD {} HTTP/1.1", ""),
    ("POST {} HTTP/1.1", "Content-Length: 2\r\n\r\n{}"),
])
async def test_same_bytes_as_aiohttp(status, request_line, extra) -> None:
    async with TestServer(_app()) as server:
        def request(path: str) -> bytes:
            head = request_line.format(path) + "\r\nHost: x\r\n" + extra
            return (head if head.endswith("{}") else head + "\r\n").encode()

        plain = await _exchange(server.port, request(f"/plain/{status}"))
        prepared = await _exchange(server.port, request(f"/prepared/{status}"))
    assert prepared == plain
    assert plain.startswith(b"HTTP/1.")


async def test_two_responses_on_one_connection() -> None:
    async with TestServer(_app()) as server:
        twice = b"GET /prepared/200 HTTP/1.1\r\nHost: x\r\n\r\n" * 2
        got = await _exchange(server.port, twice, responses=2)
        expected = await _exchange(server.port, b"GET /plain/200 HTTP/1.1\r\nHost: x\r\n\r\n" * 2, responses=2)
    assert got == expected and got.count(b"HTTP/1.1 200 OK\r\n") == 2


def test_headers_read_before_sending_are_the_full_set() -> None:
    resp = PreparedJsonResponse(b"{}", 200, PreparedHead(200, dict(CORS)))
    resp.headers["X-Extra"] = "1"
    assert list(resp.headers.items()) == [*CORS.items(), ("Content-Type", "application/json; charset=utf-8"),
                                          ("X-Extra", "1")]


def test_a_header_value_with_a_line_break_is_left_to_aiohttp() -> None:
    assert PreparedHead(200, {"Access-Control-Allow-Origin": "a\r\nX-Injected: 1"}).prefix is None
    assert PreparedHead(200, dict(CORS)).prefix.startswith(b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\n")
