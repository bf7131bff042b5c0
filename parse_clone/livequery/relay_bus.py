"""The bus between the workers of one `cluster` (no Redis needed): the parent process runs a relay on a
Unix socket, each worker connects to it; a message a worker publishes reaches its own handlers at once
and every other worker through the relay. Frames: a 4-byte big-endian length, then the channel name,
a NUL byte and the payload.
"""

from __future__ import annotations

import asyncio
import logging
import struct

from .bus import MAX_PENDING_PUBLISHES, PubSub

log = logging.getLogger("parse_clone.cluster")

_LENGTH = struct.Struct(">I")


def frame(name: str, payload: bytes) -> bytes:
    """One message as it travels on the relay socket."""
    body = name.encode() + b"\0" + payload
    return _LENGTH.pack(len(body)) + body


async def read_frame(reader: asyncio.StreamReader) -> bytes:
    """The next frame's body (IncompleteReadError at the end of the stream)."""
    (length,) = _LENGTH.unpack(await reader.readexactly(_LENGTH.size))
    return await reader.readexactly(length)


class RelayBus(PubSub):
    """A worker's end of the cluster relay."""

    distributed = True

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        self._writer: asyncio.StreamWriter | None = None
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        """Connect to the parent's relay."""
        reader, self._writer = await asyncio.open_unix_connection(self.path)
        self._tasks = [asyncio.create_task(self._read(reader), name="cluster-relay-read")]

    def publish(self, name: str, payload: bytes) -> None:
        """Deliver here at once, and hand the frame to the socket now (so that it leaves before the
        response of the request that caused it); past MAX_PENDING_PUBLISHES unsent bytes it is dropped."""
        self._deliver(name, payload)
        writer = self._writer
        if writer is None or writer.is_closing():
            return
        if writer.transport.get_write_buffer_size() > MAX_PENDING_PUBLISHES * 100:
            log.warning("cluster relay is not keeping up: a message on %s was dropped", name)
            return
        writer.write(frame(name, payload))

    async def _read(self, reader: asyncio.StreamReader) -> None:
        try:
            while True:
                name, _, payload = (await read_frame(reader)).partition(b"\0")
                self._deliver(name.decode(), payload)
        except (asyncio.IncompleteReadError, ConnectionError):
            log.warning("cluster relay closed: other workers' messages no longer reach this one")

    async def close(self) -> None:
        """Disconnect."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._writer is not None:
            self._writer.close()
        self._handlers.clear()


class Relay:
    """The parent's side: every frame a worker sends goes to every other connected worker."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._clients: set[asyncio.StreamWriter] = set()
        self._server: asyncio.AbstractServer | None = None

    async def start(self) -> None:
        """Listen on the Unix socket."""
        self._server = await asyncio.start_unix_server(self._serve, self.path)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._clients.add(writer)
        try:
            while True:
                body = await read_frame(reader)
                data = _LENGTH.pack(len(body)) + body
                for other in list(self._clients):
                    if other is not writer:
                        other.write(data)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self._clients.discard(writer)
            writer.close()

    async def close(self) -> None:
        """Stop listening and drop the workers' connections."""
        if self._server is not None:
            self._server.close()
        for writer in list(self._clients):
            writer.close()
