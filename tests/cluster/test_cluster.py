"""The `cluster` option: a real `serve --cluster 2` on a temporary SQLite file.

Each check makes many requests on fresh connections (the kernel spreads them over the workers by
SO_REUSEPORT), after warming both workers' caches, with cacheTTL long enough that only an explicit
invalidation from the other worker can make every answer right. Invalidations travel through the
parent's relay (well under a millisecond), so a check after a change polls briefly (`settled`) before
it asserts that every worker answers right.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

HEADERS = {"X-Parse-Application-Id": "test", "X-Parse-REST-API-Key": "rest", "Content-Type": "application/json"}
MASTER = {**HEADERS, "X-Parse-Master-Key": "test"}
FRESH = 24  # requests on new connections: both workers answer some, unless the kernel is very unlucky


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(c) for c in (task / "children").read_text().split()}
    return found


def _start(db: Path, *extra: str) -> tuple[subprocess.Popen, str]:
    """`serve --cluster 2` on `db`, once both workers are up."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "parse_clone", "serve", "--port", str(port), "--mountPath", "/1", "--appId", "test",
         "--masterKey", "test", "--restAPIKey", "rest", "--databaseURI", f"sqlite:///{db}", "--no-schema",
         "--no-cloud", "--cluster", "2", "--cacheTTL", "600000", *extra],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/1"
    deadline = time.monotonic() + 60
    while len(_children(proc.pid)) < 2 or not _healthy(url):
        assert proc.poll() is None and time.monotonic() < deadline, "the cluster did not start"
        time.sleep(0.2)
    return proc, url


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    proc, url = _start(tmp_path_factory.mktemp("cluster") / "c.sqlite3", "--liveQuery", '{"classNames": ["Job"]}')
    yield proc, url
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


def _healthy(url: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(url + "/health", timeout=1) as resp:
            return resp.status == 200
    except OSError:
        return False


async def fresh(method: str, url: str, headers=HEADERS, json=None) -> list[tuple[int, dict]]:
    """The same request FRESH times, each on its own connection."""
    out = []
    for _ in range(FRESH):
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True)) as http:
            async with http.request(method, url, headers=headers, json=json) as resp:
                out.append((resp.status, await resp.json()))
    return out


async def settled(method: str, url: str, headers, expected) -> set:
    """What FRESH requests answer (status and `expected`'s projection), once they all agree or 10 s passed
    (a generous bound: on a loaded 2-core CI machine a worker may be descheduled for a while)."""
    deadline = time.monotonic() + 10
    while True:
        seen = {expected(s, b) for s, b in await fresh(method, url, headers)}
        if len(seen) == 1 or time.monotonic() > deadline:
            return seen
        await asyncio.sleep(0.02)


async def _one(method: str, url: str, headers, json) -> tuple[int, dict]:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True)) as http:
        async with http.request(method, url, headers=headers, json=json) as resp:
            return resp.status, await resp.json()


async def test_two_workers_serve_the_port(cluster):
    proc, url = cluster
    assert len(_children(proc.pid)) == 2
    assert {s for s, _ in await fresh("GET", url + "/health")} == {200}


async def test_a_class_made_on_one_worker_is_seen_by_every_worker(cluster):
    _, url = cluster
    assert {s for s, _ in await fresh("GET", url + "/schemas/Visit", MASTER)} == {400}  # both cache "no class"
    status, _ = await _one("POST", url + "/schemas/Visit", MASTER, {"className": "Visit", "fields": {"n": {"type": "Number"}}})
    assert status == 200
    assert await settled("GET", url + "/schemas/Visit", MASTER, lambda s, b: s) == {200}


async def test_a_role_change_on_one_worker_is_seen_by_every_worker(cluster):
    _, url = cluster
    status, user = await _one("POST", url + "/users", HEADERS, {"username": "ann", "password": "pw"})
    assert status == 201
    status, role = await _one("POST", url + "/roles", MASTER, {"name": "staff", "ACL": {"*": {"read": True}}})
    assert status == 201
    status, _ = await _one("POST", url + "/classes/Note", MASTER, {"t": "x", "ACL": {"role:staff": {"read": True}}})
    assert status == 201
    as_ann = {**HEADERS, "X-Parse-Session-Token": user["sessionToken"]}
    assert {len(b["results"]) for _, b in await fresh("GET", url + "/classes/Note", as_ann)} == {0}
    add = {"users": {"__op": "AddRelation", "objects": [{"__type": "Pointer", "className": "_User",
                                                            "objectId": user["objectId"]}]}}
    assert (await _one("PUT", url + f"/roles/{role['objectId']}", MASTER, add))[0] == 200
    assert await settled("GET", url + "/classes/Note", as_ann, lambda s, b: len(b["results"])) == {1}


async def test_a_logout_on_one_worker_ends_the_session_on_every_worker(cluster):
    _, url = cluster
    status, user = await _one("POST", url + "/users", HEADERS, {"username": "bob", "password": "pw"})
    assert status == 201
    as_bob = {**HEADERS, "X-Parse-Session-Token": user["sessionToken"]}
    assert {s for s, _ in await fresh("GET", url + "/users/me", as_bob)} == {200}
    assert (await _one("POST", url + "/logout", as_bob, {}))[0] == 200
    assert await settled("GET", url + "/users/me", as_bob, lambda s, b: (s, b.get("code"))) == {(400, 209)}


async def test_a_save_on_one_worker_reaches_live_query_subscribers_on_every_worker(cluster):
    _, url = cluster
    ws_url = url.replace("http://", "ws://")
    sessions, sockets = [], []
    for i in range(8):
        http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True))
        ws = await http.ws_connect(ws_url)
        await ws.send_json({"op": "connect", "applicationId": "test", "restAPIKey": "rest"})
        assert (await ws.receive_json(timeout=10))["op"] == "connected"
        await ws.send_json({"op": "subscribe", "requestId": 1, "query": {"className": "Job", "where": {"n": 7}}})
        assert (await ws.receive_json(timeout=10))["op"] == "subscribed"
        sessions.append(http)
        sockets.append(ws)
    try:
        assert (await _one("POST", url + "/classes/Job", MASTER, {"n": 7}))[0] == 201
        events = [await ws.receive_json(timeout=10) for ws in sockets]
        assert {(e["op"], e["object"]["n"]) for e in events} == {("create", 7)}
    finally:
        for ws, http in zip(sockets, sessions):
            await ws.close()
            await http.close()


async def test_a_dead_worker_is_replaced(cluster):
    proc, url = cluster
    victim = min(_children(proc.pid))
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while True:
        children = _children(proc.pid)
        if len(children) == 2 and victim not in children and _healthy(url):
            break
        assert time.monotonic() < deadline, "no worker replaced the dead one"
        await asyncio.sleep(0.2)
    assert {s for s, _ in await fresh("GET", url + "/health")} == {200}


async def test_without_live_query_the_workers_still_share_invalidations(tmp_path):
    proc, url = _start(tmp_path / "n.sqlite3")
    try:
        status, user = await _one("POST", url + "/users", HEADERS, {"username": "cy", "password": "pw"})
        assert status == 201
        as_cy = {**HEADERS, "X-Parse-Session-Token": user["sessionToken"]}
        assert {s for s, _ in await fresh("GET", url + "/users/me", as_cy)} == {200}
        assert (await _one("POST", url + "/logout", as_cy, {}))[0] == 200
        assert await settled("GET", url + "/users/me", as_cy, lambda s, b: (s, b.get("code"))) == {(400, 209)}
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


def test_sigterm_stops_every_worker(tmp_path):
    proc, _ = _start(tmp_path / "d.sqlite3")
    workers = _children(proc.pid)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
