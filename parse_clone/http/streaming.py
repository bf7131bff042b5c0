"""Bodies that are never held whole: request bodies read as a size-limited chunk stream, streamed replies."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from aiohttp import web

from ..errors import ParseError
from .router import Reply

log = logging.getLogger("parse_clone.http")

READ_SIZE = 256 * 1024


def too_large(limit: int) -> ParseError:
    """The error for a body over maxUploadSize (Parse's wording for a streamed upload, HTTP 413)."""
    return ParseError(ParseError.FILE_SAVE_ERROR, f"File size exceeds maximum allowed: {limit} bytes.",
                      http_status=413)


def limited_body(request: web.Request, limit: int) -> AsyncIterator[bytes]:
    """The request body in chunks; raises `too_large` as soon as it exceeds `limit` bytes.

    Nothing is read until the consumer asks, so a request refused before that (keys,
    permissions, name rules) never has its body read at all.
    """
    async def chunks() -> AsyncIterator[bytes]:
        if request.content_length is not None and request.content_length > limit:
            raise too_large(limit)
        if not request.can_read_body:
            return
        size = 0
        async for chunk in request.content.iter_chunked(READ_SIZE):
            size += len(chunk)
            if size > limit:
                raise too_large(limit)
            yield chunk

    return chunks()


async def stream_reply(request: web.Request, reply: Reply, headers: dict[str, str]) -> web.StreamResponse:
    """Send `reply.stream` chunk by chunk (headers only for HEAD)."""
    assert reply.stream is not None
    resp = web.StreamResponse(status=reply.status, headers=headers)
    if reply.content_type:
        resp.content_type = reply.content_type
    try:
        await resp.prepare(request)
        if request.method != "HEAD":
            async for chunk in reply.stream:
                await resp.write(chunk)
        await resp.write_eof()
    except (ConnectionError, web.HTTPException):
        pass  # the client went away mid-download; nothing left to answer
    except Exception:  # headers are sent: all that is left is to log and cut the response short
        log.exception("streaming %s %s failed", request.method, request.path)
        if request.transport is not None:
            request.transport.close()
    finally:
        close = getattr(reply.stream, "aclose", None)
        if close is not None:
            await close()
    return resp
