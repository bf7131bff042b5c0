"""JSON responses whose fixed header lines are serialised once, not per request.

Every REST answer carries the same CORS lines and Content-Type; aiohttp rebuilds them into a
CIMultiDict and checks them character by character on each response (a twentieth of a get's CPU).
A PreparedHead holds them already serialised, and a PreparedJsonResponse writes
`<status line><fixed lines>Content-Length: n, Date, Server` itself: the bytes aiohttp writes for
the same response, in its order. Anything out of the common case (HTTP/1.0, `Connection: close`,
HEAD, cookies, compression) is answered by aiohttp's own path from the same headers.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from aiohttp.helpers import rfc822_formatted_time
from aiohttp.http import SERVER_SOFTWARE, HttpVersion11
from aiohttp.http_writer import StreamWriter

_CONTENT_TYPE = "application/json; charset=utf-8"
_TAIL = f"\r\nServer: {SERVER_SOFTWARE}\r\n\r\n".encode("utf-8")
_UNSAFE = ("\r", "\n", "\x00")


def _writer_has_header_buffer() -> bool:
    """Does this aiohttp's StreamWriter buffer the serialised headers in `_headers_buf` (3.11+)?"""
    probe = StreamWriter.__new__(StreamWriter)
    try:
        StreamWriter.__init__(probe, None, None)  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 - another signature: not the writer this module knows
        return False
    return hasattr(probe, "_headers_buf") and hasattr(probe, "_headers_written")


_FAST = _writer_has_header_buffer()


class PreparedHead:
    """A status and fixed header lines (name -> value, in order), serialised up to `Content-Length: `."""

    __slots__ = ("headers", "prefix")

    def __init__(self, status: int, headers: dict[str, str]) -> None:
        self.headers = {**headers, "Content-Type": _CONTENT_TYPE}
        reason = web.StreamResponse(status=status).reason
        text = f"HTTP/1.1 {status} {reason}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in self.headers.items())
        unsafe = any(c in k or c in v for k, v in self.headers.items() for c in _UNSAFE)
        # a value aiohttp would refuse (header injection) keeps aiohttp's path, and its error
        self.prefix: bytes | None = None if unsafe or not _FAST else (text + "Content-Length: ").encode("utf-8")


class PreparedJsonResponse(web.Response):
    """A JSON body with a PreparedHead; behaves as web.Response(body=..., headers=head.headers)."""

    def __init__(self, body: bytes, status: int, head: PreparedHead) -> None:
        web.StreamResponse.__init__(self, status=status)
        self._body = body
        self._compressed_body = None
        self._zlib_executor_size = 0
        self._zlib_executor = None
        self._head: PreparedHead | None = head

    def _materialize(self) -> None:
        """Put the fixed lines into the real headers (before anything reads or changes them)."""
        head = self._head
        if head is not None:
            self._head = None
            fixed = web.Response(headers=head.headers).headers
            fixed.extend(self._headers)
            self._headers = fixed

    @property
    def headers(self) -> Any:  # noqa: D102 - as StreamResponse.headers
        self._materialize()
        return self._headers

    async def _start(self, request: web.BaseRequest) -> Any:
        head = self._head
        if head is None or head.prefix is None or self._headers or self._cookies or self._compression \
                or self._must_be_empty_body or request.version != HttpVersion11 or not request.keep_alive:
            self._materialize()
            return await super()._start(request)
        self._req = request
        writer = self._payload_writer = request._payload_writer
        self._keep_alive = True
        body = self._body
        writer.length = len(body)
        await request._prepare_hook(self)
        writer._headers_buf = b"%s%d\r\nDate: %s%s" % (head.prefix, len(body), rfc822_formatted_time().encode(), _TAIL)
        writer._headers_written = False
        return writer
