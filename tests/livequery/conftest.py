"""LiveQuery fixtures: a server with liveQuery on, REST access to it, and LiveQuery sockets.

Every receive has a timeout. "Receives nothing" is asserted with a marker: after the write
that must not reach a socket, a write it may see is made, and the next frame must be the
marker's (so no test sleeps to prove a negative).
"""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest
from aiohttp import ClientWSTimeout

from parse_clone.app import build_app, build_server
from parse_clone.core.auth.passwords import PasswordHasher
from tests.conftest import APP_ID, Api, make_config, make_storage

RECEIVE_TIMEOUT_S = 3.0
LIVE_CLASSES = ["Job", "Note", "Test.*", "_User", "_Session", "_Installation"]


class LiveSocket:
    """A LiveQuery WebSocket client speaking raw protocol frames."""

    def __init__(self, ws, app_id: str = APP_ID) -> None:
        self.ws = ws
        self.app_id = app_id
        self.client_id: str | None = None

    async def send(self, message: dict[str, Any] | str | bytes) -> None:
        if isinstance(message, dict):
            await self.ws.send_str(orjson.dumps(message).decode())
        elif isinstance(message, bytes):
            await self.ws.send_bytes(message)
        else:
            await self.ws.send_str(message)

    async def recv(self, timeout: float = RECEIVE_TIMEOUT_S) -> dict[str, Any]:
        msg = await asyncio.wait_for(self.ws.receive(), timeout)
        assert msg.type.name == "TEXT", f"expected a text frame, got {msg.type.name} {msg.data!r}"
        return orjson.loads(msg.data)

    async def connect(self, **fields: Any) -> dict[str, Any]:
        await self.send({"op": "connect", "applicationId": self.app_id, "javascriptKey": "test", **fields})
        reply = await self.recv()
        assert reply["op"] == "connected", reply
        self.client_id = reply["clientId"]
        return reply

    async def subscribe(self, request_id: Any, class_name: str, where: dict[str, Any] | None = None,
                        session_token: str | None = None, op: str = "subscribe", **query: Any) -> dict[str, Any]:
        message: dict[str, Any] = {"op": op, "requestId": request_id,
                                   "query": {"className": class_name, "where": where or {}, **query}}
        if session_token:
            message["sessionToken"] = session_token
        await self.send(message)
        return await self.recv()

    async def expect_event(self, op: str, request_id: Any = 1) -> dict[str, Any]:
        frame = await self.recv()
        assert frame["op"] == op and frame.get("requestId") == request_id, frame
        return frame

    async def expect_closed(self, timeout: float = RECEIVE_TIMEOUT_S) -> None:
        while True:
            msg = await asyncio.wait_for(self.ws.receive(), timeout)
            if msg.type.name in ("CLOSE", "CLOSED", "CLOSING", "ERROR"):
                return

    async def close(self) -> None:
        await self.ws.close()


class LiveApp(Api):
    """REST access plus LiveQuery sockets on one server."""

    def headers(self, master: bool = False, session: str | None = None, **extra: str) -> dict[str, str]:
        return {**super().headers(master, session, **extra), "X-Parse-Application-Id": self.server.config.appId}

    async def socket(self, path: str = "/1", connect: bool = True, ws_options: dict[str, Any] | None = None,
                     **connect_fields: Any) -> LiveSocket:
        ws = await self.client.ws_connect(path, timeout=ClientWSTimeout(ws_close=RECEIVE_TIMEOUT_S), **(ws_options or {}))
        sock = LiveSocket(ws, self.server.config.appId)
        if connect:
            await sock.connect(**connect_fields)
        return sock

    async def sign_up(self, username: str, **fields: Any) -> dict[str, Any]:
        status, body = await self.post("/users", {"username": username, "password": "pass", **fields})
        assert status == 201, body
        return body

    async def create(self, class_name: str, body: dict[str, Any], **kw: Any) -> dict[str, Any]:
        status, created = await self.post(f"/classes/{class_name}", body, **kw)
        assert status == 201, created
        return created

    async def update(self, class_name: str, object_id: str, body: dict[str, Any], **kw: Any) -> None:
        status, answer = await self.put(f"/classes/{class_name}/{object_id}", body, **kw)
        assert status == 200, answer

    async def set_clp(self, class_name: str, clp: dict[str, Any], fields: dict[str, Any] | None = None) -> None:
        """Create the class with these fields (String by default) if needed, then set its CLP."""
        status, _ = await self.get(f"/schemas/{class_name}", master=True)
        if status != 200:
            status, body = await self.post(f"/schemas/{class_name}", {"className": class_name}, master=True)
            assert status == 200, body
        if fields:
            status, body = await self.put(f"/schemas/{class_name}", {"className": class_name, "fields": fields},
                                          master=True)
            assert status == 200, body
        status, body = await self.put(f"/schemas/{class_name}",
                                      {"className": class_name, "classLevelPermissions": clp}, master=True)
        assert status == 200, body


@pytest.fixture
def live_query_config() -> dict[str, Any]:
    """Override in a test module to change the LiveQuery options."""
    return {"liveQuery": {"classNames": LIVE_CLASSES}}


@pytest.fixture
async def live(aiohttp_client, tmp_path, live_query_config) -> LiveApp:
    """A fresh SQLite-backed server with LiveQuery on."""
    server = build_server(make_config(**live_query_config), make_storage("sqlite", tmp_path))
    server.extras["password_hasher"] = PasswordHasher(rounds=4)
    client = await aiohttp_client(build_app(server))
    return LiveApp(client, server)
