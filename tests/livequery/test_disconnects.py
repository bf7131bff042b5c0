"""Clients that leave, stall or die: their subscriptions go, and nobody else waits for them."""

from __future__ import annotations

import asyncio
import socket

import pytest
from aiohttp import WSMsgType


def live_server(live):
    return live.server.extras["livequery"].server


async def eventually(predicate, timeout=3.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.01)


async def test_a_closed_socket_takes_its_client_and_subscriptions_along(live):
    sock = await live.socket()
    await sock.subscribe(1, "Job", {"n": 1})
    await sock.subscribe(2, "Job", {"n": 2})
    lq = live_server(live)
    assert len(lq.clients) == 1 and lq.index.count == 2
    await sock.close()
    await eventually(lambda: not lq.clients and lq.index.count == 0)


async def test_others_keep_receiving_after_a_client_leaves(live):
    leaving, staying = await live.socket(), await live.socket()
    for sock in (leaving, staying):
        await sock.subscribe(1, "Job", {})
    await leaving.close()
    job = await live.create("Job", {})
    assert (await staying.expect_event("create"))["object"]["objectId"] == job["objectId"]


async def test_a_client_that_stops_reading_is_dropped_and_others_get_every_event(live):
    lq = live_server(live)
    lq.options.send_queue_size = 3
    slow, fast = await live.socket(), await live.socket()
    for sock in (slow, fast):
        await sock.subscribe(1, "Job", {})
    slow_client = lq.clients[slow.client_id]
    # Tiny socket buffers on both ends, so that a peer that does not read backs up quickly.
    slow_client._transport.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16384)
    slow_socket = slow.ws._response.connection.transport.get_extra_info("socket")
    slow_socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
    padding = "x" * 40_000
    for i in range(30):  # the slow socket never reads while these are sent
        await live.create("Job", {"i": i, "padding": padding})
    got = [(await fast.expect_event("create"))["object"]["i"] for _ in range(30)]
    assert got == list(range(30))
    assert slow_client.dropped
    await eventually(lambda: slow_client.id not in lq.clients)
    slow_socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    while True:  # what was sent before the drop, then the close frame
        frame = await asyncio.wait_for(slow.ws.receive(), 5)
        if frame.type != WSMsgType.TEXT:
            break
    assert frame.type == WSMsgType.CLOSE and frame.data == 1013


class TestPingPong:
    """With websocketTimeout 200 ms: a ping every 0.2 s, and no pong within 0.1 s drops the client."""

    @pytest.fixture
    def live_query_config(self):
        return {"liveQuery": {"classNames": ["Job"]}, "liveQueryServerOptions": {"websocketTimeout": 200}}

    async def test_a_client_that_does_not_answer_pings_is_dropped(self, live):
        lq = live_server(live)
        dead = await live.socket(ws_options={"autoping": False})
        await dead.subscribe(1, "Job", {})
        assert len(lq.clients) == 1
        await eventually(lambda: not lq.clients and lq.index.count == 0, timeout=3.0)

    async def test_a_client_that_answers_pings_stays(self, live):
        lq = live_server(live)
        sock = await live.socket()
        await sock.subscribe(1, "Job", {})
        reader = asyncio.create_task(sock.ws.receive())  # reading lets aiohttp answer pings
        await asyncio.sleep(0.6)
        assert len(lq.clients) == 1
        await live.create("Job", {})
        frame = await asyncio.wait_for(reader, 3)
        assert frame.type == WSMsgType.TEXT


async def test_stopping_live_query_closes_every_socket(live):
    sock = await live.socket()
    await sock.subscribe(1, "Job", {})
    await live.server.extras["livequery"].server.stop()
    await sock.expect_closed()
