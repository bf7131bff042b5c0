"""One WebSocket client: its connect state, its subscriptions, and a bounded send queue.

Everything sent to a client goes through its queue and one sender task, so a slow reader only
delays itself: when its queue is full the client is dropped (close code 1013) instead of
holding up the events of everyone else.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import orjson
from aiohttp import WSCloseCode, web

from ..core.auth import Auth

if TYPE_CHECKING:
    from .subscriptions import SubscriptionInfo

log = logging.getLogger("parse_clone.livequery")

_CLOSE = object()


class Client:
    """A WebSocket peer; `connected` once its connect message was accepted."""

    def __init__(self, ws: web.WebSocketResponse, remote: str, queue_size: int) -> None:
        self.ws = ws
        self.remote = remote
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
        self._sender = asyncio.create_task(self._send_loop(), name="livequery-client-send")

    def push(self, frame: dict[str, Any]) -> bool:
        """Queue a frame; a client whose queue is full is dropped (False)."""
        return self.push_text(orjson.dumps(frame).decode())

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
        asyncio.get_running_loop().create_task(self.ws.close(code=code, message=reason.encode()))

    async def _send_loop(self) -> None:
        while True:
            text = await self._queue.get()
            if text is _CLOSE:
                return
            try:
                await self.ws.send_str(text)
            except (ConnectionError, RuntimeError) as e:  # peer gone, socket closing
                log.debug("LiveQuery: send to %s failed: %s", self.remote, e)
                self.dropped = True
                return

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
