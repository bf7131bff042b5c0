"""LiveQuery configuration: which classes publish, where the WebSocket endpoint listens."""

from __future__ import annotations

import socket

import orjson
import pytest
from aiohttp import ClientSession, ClientWSTimeout

from parse_clone.app import build_app, build_server
from parse_clone.config import load_config
from parse_clone.livequery.options import live_query_options
from tests.conftest import make_config, make_storage


def options(**overrides):
    return live_query_options(make_config(**overrides))


def test_live_query_is_off_without_class_names():
    assert options() is None
    assert options(liveQuery={"classNames": []}) is None


def test_class_names_are_whole_name_patterns():
    opts = options(liveQuery={"classNames": ["Job", "Test.*"]})
    assert opts.serve and opts.publishing
    assert [opts.publishes(c) for c in ("Job", "Jobs", "TestObject", "Test", "MyTest")] == \
        [True, False, True, True, False]


@pytest.mark.parametrize("bad", ["Job", [1], {"Job": True}])
def test_class_names_must_be_a_list_of_strings(bad):
    with pytest.raises(ValueError, match="classNames should be an array of string"):
        options(liveQuery={"classNames": bad})


def test_server_options_are_read_in_parse_units():
    opts = options(liveQuery={"classNames": ["Job"], "redisURL": "redis://a"},
                   liveQueryServerOptions={"websocketTimeout": 2500, "port": 1400, "keyPairs": {"masterKey": "m"}})
    assert (opts.websocket_timeout, opts.port, opts.key_pairs, opts.redis_url) == \
        (2.5, 1400, {"masterKey": "m"}, "redis://a")


def test_start_live_query_server_alone_serves_without_publishing():
    opts = options(startLiveQueryServer=True)
    assert opts.serve and not opts.publishing


def test_start_live_query_server_false_publishes_without_serving():
    opts = options(liveQuery={"classNames": ["Job"]}, startLiveQueryServer=False)
    assert opts.publishing and not opts.serve


def test_options_come_from_env_vars_and_flags_as_json():
    cfg = load_config(environ={"PARSE_SERVER_LIVE_QUERY": '{"classNames": ["Job"], "redisURL": "redis://r"}',
                               "PARSE_SERVER_START_LIVE_QUERY_SERVER": "true"})
    assert cfg.liveQuery == {"classNames": ["Job"], "redisURL": "redis://r"} and cfg.startLiveQueryServer is True
    cfg = load_config(overrides={"liveQueryServerOptions": '{"port": 1401}'}, environ={})
    assert cfg.liveQueryServerOptions == {"port": 1401}


async def connected(ws) -> dict:
    await ws.send_str(orjson.dumps({"op": "connect", "applicationId": "test", "javascriptKey": "test"}).decode())
    return await ws.receive_json(timeout=3)


async def test_upgrades_work_on_any_path_of_the_server(live):
    for path in ("/1", "/1/", "/1/classes/Job", "/", "/anything/else"):
        sock = await live.socket(path, connect=False)
        assert (await sock.connect())["op"] == "connected", path
        await sock.close()


async def test_plain_requests_off_the_mount_path_are_still_404(live):
    resp = await live.client.get("/elsewhere")
    assert resp.status == 404


async def test_rest_requests_on_the_mount_path_are_unaffected(live):
    status, body = await live.get("/health")
    assert status == 200 and body == {"status": "ok"}


async def test_without_a_websocket_endpoint_an_upgrade_is_just_a_request(aiohttp_client, tmp_path):
    server = build_server(make_config(liveQuery={"classNames": ["Job"]}, startLiveQueryServer=False),
                          make_storage("sqlite", tmp_path))
    client = await aiohttp_client(build_app(server))
    resp = await client.get("/1/health", headers={"Upgrade": "websocket", "Connection": "Upgrade"})
    assert resp.status == 200


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_a_separate_port_serves_live_query_on_any_path(aiohttp_client, tmp_path):
    port = free_port()
    server = build_server(make_config(liveQuery={"classNames": ["Job"]}, host="127.0.0.1",
                                      liveQueryServerOptions={"port": port}), make_storage("sqlite", tmp_path))
    client = await aiohttp_client(build_app(server))
    async with ClientSession() as session:
        async with session.ws_connect(f"http://127.0.0.1:{port}/whatever",
                                      timeout=ClientWSTimeout(ws_close=3)) as ws:
            assert (await connected(ws))["op"] == "connected"
            await ws.send_str(orjson.dumps({"op": "subscribe", "requestId": 1,
                                            "query": {"className": "Job", "where": {}}}).decode())
            assert (await ws.receive_json(timeout=3))["op"] == "subscribed"
            resp = await client.post("/1/classes/Job", data=b'{"n": 1}',
                                     headers={"X-Parse-Application-Id": "test", "X-Parse-REST-API-Key": "rest"})
            assert resp.status == 201
            assert (await ws.receive_json(timeout=3))["op"] == "create"
        async with session.get(f"http://127.0.0.1:{port}/1/health") as resp:
            assert resp.status == 404


async def test_two_servers_in_one_process_keep_their_events_apart(aiohttp_client, tmp_path):
    apps = []
    for name in ("a", "b"):
        server = build_server(make_config(liveQuery={"classNames": ["Job"]}),
                              make_storage("sqlite", tmp_path))
        apps.append(await aiohttp_client(build_app(server)))
    a, b = apps
    socks = []
    for client in apps:
        ws = await client.ws_connect("/1")
        await connected(ws)
        await ws.send_str('{"op":"subscribe","requestId":1,"query":{"className":"Job","where":{}}}')
        assert (await ws.receive_json(timeout=3))["op"] == "subscribed"
        socks.append(ws)
    headers = {"X-Parse-Application-Id": "test", "X-Parse-REST-API-Key": "rest"}
    await a.post("/1/classes/Job", data=b'{"from": "a"}', headers=headers)
    await b.post("/1/classes/Job", data=b'{"from": "b"}', headers=headers)
    assert (await socks[0].receive_json(timeout=3))["object"]["from"] == "a"
    assert (await socks[1].receive_json(timeout=3))["object"]["from"] == "b"
