"""One WebSocket client: its connect state, its subscriptions, and a bounded send queue.

Frames are written at once while the socket keeps up (its transport buffer nearly empty and
nothing queued before them: the write then completes without waiting). Otherwise they go to the
client's bounded queue, which one sender task drains, so a slow reader only delays itself: when
its queue is full the client is dropped (close code 1013) instead of holding up everyone else.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any, Callable

import orjson
from aiohttp import WSCloseCode, web

from ..core.runtime.auth import Auth

if TYPE_CHECKING:
    from .subscriptions import SubscriptionInfo

log = logging.getLogger("parse_clone.livequery")

_CLOSE = object()
# A frame is written at once only if the transport buffer stays far below its high-water mark
# (64 KiB by default) even with it: then the write cannot wait for the peer. A character of text
# is at most 4 bytes of UTF-8.
DIRECT_WRITE_MAX_BUFFERED = 16 * 1024
DIRECT_WRITE_MAX_CHARS = 8 * 1024
CLOSE_TIMEOUT_S = 1.0  # a dropped client gets this long to take the close frame, then the socket is cut


class Client:
    """A WebSocket peer; `connected` once its connect message was accepted."""

    def __init__(self, ws: web.WebSocketResponse, remote: str, queue_size: int,
                 transport: asyncio.BaseTransport | None = None) -> None:
        self.ws = ws
        self.remote = remote
        self._transport = transport
        self.id = ""
        self.connected = False
        self.has_master_key = False
        self.session_token: str | None = None
        self.installation_id: str | None = None
        self.base_auth = Auth()
        self.ident = ""  # the encoded clientId/installationId of event frames (set on connect)
        self.subscriptions: dict[Any, "SubscriptionInfo"] = {}
        self.dropped = False
        self._queue: asyncio.Queue[Any] = asyncio.Queue(queue_size)
        self._sending = False
        self.on_drop: Callable[["Client"], None] | None = None  # the server forgets a dropped client
        self._closing: asyncio.Task[None] | None = None
        self._sender = asyncio.create_task(self._send_loop(), name="livequery-client-send")

    def push(self, frame: dict[str, Any]) -> bool:
        """Queue a frame; a client whose queue is full is dropped (False)."""
        return self.push_text(orjson.dumps(frame).decode())

    async def deliver(self, text: str) -> None:
        """Send an encoded frame now if the socket keeps up, else queue it (see the module doc)."""
        if self.dropped:
            return
        transport = self._transport
        if (len(text) <= DIRECT_WRITE_MAX_CHARS and not self._sending and self._queue.empty()
                and transport is not None and not transport.is_closing()
                and transport.get_write_buffer_size() < DIRECT_WRITE_MAX_BUFFERED):
            try:
                await self.ws.send_str(text)
            except (ConnectionError, RuntimeError) as e:  # peer gone, socket closing
                log.debug("LiveQuery: send to %s failed: %s", self.remote, e)
                self.dropped = True
            return
        self.push_text(text)

    def push_text(self, text: str) -> bool:
        """Queue an already encoded frame; a client whose queue is full is dropped (False)."""
        if self.dropped:
            return False
        try:
            self._queue.put_nowait(text)
            return True
        except asyncio.QueueFull:
            self.drop(WSCloseCode.TRY_AGAIN_LATER, "send queue full")
            return False

    def drop(self, code: int, reason: str) -> None:
        """Close the connection without waiting for what is still queued."""
        if self.dropped:
            return
        self.dropped = True
        log.info("LiveQuery: dropping client %s (%s): %s", self.id or "-", self.remote, reason)
        self._sender.cancel()
        if self.on_drop is not None:
            self.on_drop(self)
        self._closing = asyncio.get_running_loop().create_task(self._close(code, reason))

    async def _close(self, code: int, reason: str) -> None:
        try:
            await asyncio.wait_for(self.ws.close(code=code, message=reason.encode()), CLOSE_TIMEOUT_S)
        except (asyncio.TimeoutError, ConnectionError, RuntimeError):
            pass
        if self._transport is not None and not self._transport.is_closing():
            self._transport.abort()

    async def _send_loop(self) -> None:
        while True:
            text = await self._queue.get()
            if text is _CLOSE:
                return
            self._sending = True
            try:
                await self.ws.send_str(text)
            except (ConnectionError, RuntimeError) as e:  # peer gone, socket closing
                log.debug("LiveQuery: send to %s failed: %s", self.remote, e)
                self.dropped = True
                return
            finally:
                self._sending = False

    async def close(self) -> None:
        """Refuse new frames; stop the sender once those already queued are written (at most a second)."""
        flush = not self.dropped and not self._sender.done()
        self.dropped = True
        if flush:
            try:
                self._queue.put_nowait(_CLOSE)
                await asyncio.wait({self._sender}, timeout=1.0)
            except asyncio.QueueFull:
                pass
        self._sender.cancel()
