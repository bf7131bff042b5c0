"""rateLimit: requests over `requestCount` per `requestTimeWindow` on a matching path answer 429 code 100.

Windows are 10 minutes long, or driven by a fake clock: no test depends on timing.
"""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest

from parse_clone.app import build_server
from parse_clone.config import load_config
from parse_clone.http.rate_limit import RateLimited, build_rate_limits
from parse_clone.http.request import ClientInfo, ParseRequest
from parse_clone.core.runtime.auth import Auth
from tests.conftest import make_config

LONG = 600_000  # ms
TOO_MANY = (429, {"code": 100, "error": "Too many requests."})


def limit(request_path: str, count: int = 1, **extra):
    return {"requestPath": request_path, "requestTimeWindow": LONG, "requestCount": count, **extra}


@pytest.fixture
def config_overrides(request):
    marker = request.node.get_closest_marker("rate_limit")
    return {"rateLimit": marker.args[0] if marker else []}


rate_limit = pytest.mark.rate_limit


async def sign_up(api, name: str) -> str:
    status, body = await api.post("/users", {"username": name, "password": "pw"}, master=True)
    assert status == 201
    return body["sessionToken"]


@rate_limit([limit("/classes/*path")])
async def test_the_request_over_the_count_is_refused_with_429_code_100(api):
    assert (await api.post("/classes/Score", {"n": 1}))[0] == 201
    assert await api.post("/classes/Score", {"n": 2}) == TOO_MANY
    assert await api.get("/classes/Score") == TOO_MANY  # every method counts by default
    status, body = await api.get("/classes/Score", master=True)
    assert (status, len(body["results"])) == (200, 1)


@rate_limit([limit("/classes/*path")])
async def test_counted_responses_carry_rate_limit_headers(api):
    headers = api.headers()
    first = await api.client.post("/1/classes/Score", data=b"{}", headers=headers)
    assert first.status == 201
    assert (first.headers["X-RateLimit-Limit"], first.headers["X-RateLimit-Remaining"]) == ("1", "0")
    assert int(first.headers["X-RateLimit-Reset"]) > 0
    second = await api.client.post("/1/classes/Score", data=b"{}", headers=headers)
    assert second.status == 429
    assert second.headers["X-RateLimit-Remaining"] == "0"
    assert 0 < int(second.headers["Retry-After"]) <= LONG // 1000


@rate_limit([limit("/classes/Score", errorResponseMessage="Slow down")])
async def test_only_matching_paths_are_counted_and_the_message_is_configurable(api):
    assert (await api.post("/classes/Score", {}))[0] == 201
    assert (await api.post("/classes/Other", {}))[0] == 201
    assert (await api.post("/classes/Other", {}))[0] == 201
    assert await api.get("/classes/score/") == (429, {"code": 100, "error": "Slow down"})  # case, trailing slash


@rate_limit([limit("/classes/*path")])
async def test_the_master_key_is_not_limited(api):
    for _ in range(3):
        assert (await api.post("/classes/Score", {}, master=True))[0] == 201
    assert (await api.post("/classes/Score", {}))[0] == 201
    assert await api.post("/classes/Score", {}) == TOO_MANY


@rate_limit([limit("/classes/*path", includeMasterKey=True)])
async def test_include_master_key_limits_the_master_key_too(api):
    assert (await api.post("/classes/Score", {}, master=True))[0] == 201
    assert await api.post("/classes/Score", {}, master=True) == TOO_MANY


@rate_limit([limit("/classes/*path", requestMethods=["POST"])])
async def test_request_methods_narrow_what_is_counted(api):
    assert (await api.post("/classes/Score", {}))[0] == 201
    for _ in range(3):
        assert (await api.get("/classes/Score"))[0] == 200
    assert await api.post("/classes/Score", {}) == TOO_MANY


@rate_limit([limit("/classes/*path", requestMethods="PUT|DELETE")])
async def test_request_methods_may_be_a_regular_expression(api):
    _, a = await api.post("/classes/Score", {})
    _, b = await api.post("/classes/Score", {})
    assert (await api.put(f"/classes/Score/{a['objectId']}", {"n": 1}))[0] == 200
    assert await api.delete(f"/classes/Score/{b['objectId']}") == TOO_MANY


@rate_limit([limit("/functions/:name")])
async def test_cloud_functions_are_limited(api):
    api.server.cloud.define("hello", lambda req: "hi")
    assert await api.post("/functions/hello", {}) == (200, {"result": "hi"})
    assert await api.post("/functions/hello", {}) == TOO_MANY


@rate_limit([limit("/classes/*path", count=2)])
async def test_batch_sub_requests_are_counted_and_an_over_limit_batch_runs_nothing(api):
    requests = [{"method": "POST", "path": "/1/classes/Score", "body": {"n": i}} for i in range(3)]
    assert await api.post("/batch", {"requests": requests}) == (400, {"code": 100, "error": "Too many requests."})
    status, body = await api.get("/classes/Score", master=True)
    assert body["results"] == []


@rate_limit([limit("/classes/*path", count=2)])
async def test_a_batch_within_the_limit_uses_up_the_window(api):
    requests = [{"method": "POST", "path": "/1/classes/Score", "body": {"n": i}} for i in range(2)]
    status, body = await api.post("/batch", {"requests": requests})
    assert status == 200 and all("success" in r for r in body)
    assert await api.post("/classes/Score", {}) == TOO_MANY


@rate_limit([limit("/classes/*path", requestMethods=["POST"])])
async def test_a_batch_counts_as_post_for_request_methods(api):
    requests = [{"method": "GET", "path": "/1/classes/Score"}, {"method": "GET", "path": "/1/classes/Score"}]
    assert await api.post("/batch", {"requests": requests}) == (400, {"code": 100, "error": "Too many requests."})


@rate_limit([limit("/classes/*path", zone="session")])
async def test_session_zone_counts_per_session_token(api):
    alice, bob = await sign_up(api, "alice"), await sign_up(api, "bob")
    assert (await api.get("/classes/Score", session=alice))[0] == 200
    assert (await api.get("/classes/Score", session=bob))[0] == 200
    assert await api.get("/classes/Score", session=alice) == TOO_MANY


@rate_limit([limit("/classes/*path", zone="user")])
async def test_user_zone_counts_per_user_across_sessions(api):
    first = await sign_up(api, "carol")
    _, login = await api.get("/login", params={"username": "carol", "password": "pw"})
    other = await sign_up(api, "dave")
    assert (await api.get("/classes/Score", session=first))[0] == 200
    assert (await api.get("/classes/Score", session=other))[0] == 200
    assert await api.get("/classes/Score", session=login["sessionToken"]) == TOO_MANY


@rate_limit([limit("/classes/*path", zone="global")])
async def test_global_zone_counts_every_caller_together(api):
    alice = await sign_up(api, "erin")
    assert (await api.get("/classes/Score", session=alice))[0] == 200
    assert await api.get("/classes/Score") == TOO_MANY


def _request(ip: str, token: str | None = None, user: str | None = None) -> ParseRequest:
    auth = Auth(user={"objectId": user}) if user else Auth()
    return ParseRequest("GET", "/classes/Score", {}, {}, ClientInfo(ip=ip, session_token=token), {}, auth=auth)


async def test_ip_zone_counts_each_address_and_falls_back_for_the_other_zones():
    server = build_server(make_config(), storage=_memory_storage())
    limits = build_rate_limits([limit("/classes/*path"), limit("/functions/*name", zone="session")])
    await limits.hit(server, _request("10.0.0.1"), "/classes/Score", "GET")
    await limits.hit(server, _request("10.0.0.2"), "/classes/Score", "GET")
    with pytest.raises(RateLimited):
        await limits.hit(server, _request("10.0.0.1"), "/classes/Score", "GET")
    await limits.hit(server, _request("10.0.0.3", token="r:a"), "/functions/f", "POST")
    await limits.hit(server, _request("10.0.0.3"), "/functions/f", "POST")  # no token: counted by ip
    with pytest.raises(RateLimited):
        await limits.hit(server, _request("10.0.0.3"), "/functions/f", "POST")


async def test_a_new_window_starts_when_the_old_one_ends():
    now = [1000.0]
    server = build_server(make_config(), storage=_memory_storage())
    limits = build_rate_limits([{"requestPath": "*path", "requestTimeWindow": 2000, "requestCount": 1}])
    limits.clock = lambda: now[0]
    await limits.hit(server, _request("1.1.1.1"), "/classes/Score", "GET")
    now[0] += 1.999
    with pytest.raises(RateLimited) as info:
        await limits.hit(server, _request("1.1.1.1"), "/classes/Score", "GET")
    assert (info.value.code, info.value.message, info.value.http_status) == (100, "Too many requests.", 429)
    now[0] += 0.001
    headers = await limits.hit(server, _request("1.1.1.1"), "/classes/Score", "GET")
    assert headers["X-RateLimit-Remaining"] == "0"


def _memory_storage():
    from mongomock_motor import AsyncMongoMockClient

    from parse_clone.storage.mongo import MongoAdapter

    return MongoAdapter("mongodb://mock/rl", client=AsyncMongoMockClient())


BAD = [
    ("a", "rateLimit must be an array or object"),
    (["a"], "rateLimit must be an array of objects"),
    ([{"requestPath": []}], "rateLimit.requestPath must be a string"),
    ([{"requestCount": 3, "requestTimeWindow": 3}], "rateLimit.requestPath must be defined"),
    ([{"requestTimeWindow": [], "requestPath": "a"}], "rateLimit.requestTimeWindow must be a number"),
    ([{"requestCount": 3, "requestPath": "abc"}], "rateLimit.requestTimeWindow must be defined"),
    ([{"requestTimeWindow": 3, "requestPath": "abc"}], "rateLimit.requestCount must be defined"),
    ([{"requestCount": [], "requestTimeWindow": 1000, "requestPath": "a"}], "rateLimit.requestCount must be a number"),
    ([limit("a", includeInternalRequests="yes")], "rateLimit.includeInternalRequests must be a boolean"),
    ([limit("a", errorResponseMessage=[1])], "rateLimit.errorResponseMessage must be a string"),
    ([limit("a", zone="abc")], "rateLimit.zone must be one of global, session, user, or ip"),
    ([limit("a", path="abc")], 'Invalid rate limit option "path"'),
    ([limit("/functions/*")], 'rateLimit.requestPath "/functions/*" is not valid: Missing parameter name at '
                              "index 12: /functions/*; visit https://git.new/pathToRegexpError for info"),
    ([limit("/classes/(.*)")], 'rateLimit.requestPath "/classes/(.*)" is not valid: Unexpected ( at index 9: '
                               "/classes/(.*); visit https://git.new/pathToRegexpError for info"),
    ([limit("a", requestMethods="(")], "rateLimit.requestMethods '(' is not a regular expression: "
                                       "missing ), unterminated subpattern at position 0"),
]


@pytest.mark.parametrize("value, message", BAD)
def test_a_bad_rate_limit_stops_the_start(value, message):
    with pytest.raises(ValueError) as info:
        build_server(make_config(rateLimit=value), storage=_memory_storage())
    assert str(info.value) == message


def test_a_single_object_is_one_rule():
    assert [r.request_path for r in build_rate_limits(limit("/login")).rules] == ["/login"]


def test_the_environment_variable_holds_the_json_array():
    config = load_config(environ={"PARSE_SERVER_RATE_LIMIT": '[{"requestPath": "/login", "requestTimeWindow": '
                                                             '1000, "requestCount": 5, "zone": "ip"}]'})
    assert config.rateLimit == [{"requestPath": "/login", "requestTimeWindow": 1000, "requestCount": 5,
                                 "zone": "ip"}]


REDIS_URL = os.environ.get("PARSE_CLONE_TEST_REDIS_URL", "redis://127.0.0.1:6379")


@pytest.fixture
async def redis_client():
    import redis.asyncio as redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        await asyncio.wait_for(client.ping(), 2)
    except Exception as e:  # noqa: BLE001 - any failure means no usable Redis
        await client.aclose()
        pytest.skip(f"no Redis server at {REDIS_URL} ({e.__class__.__name__}): the redisUrl tests need one")
    yield client
    await client.aclose()


async def test_instances_with_one_redis_url_share_the_count(redis_client):
    app_id = "rl" + uuid.uuid4().hex[:10]  # the global zone counts per application id
    server = build_server(make_config(appId=app_id), storage=_memory_storage())
    rule = {**limit("/classes/*path", count=2, zone="global"), "redisUrl": REDIS_URL}
    first, second = build_rate_limits([rule]), build_rate_limits([rule])
    try:
        await first.hit(server, _request("1.1.1.1"), "/classes/Score", "GET")
        await second.hit(server, _request("2.2.2.2"), "/classes/Score", "GET")
        with pytest.raises(RateLimited):
            await first.hit(server, _request("3.3.3.3"), "/classes/Score", "GET")
        # Parse Server's layout: rl:<client key>, expiring with the window.
        assert await redis_client.get(f"rl:{app_id}") == b"3"
        assert 0 < await redis_client.pttl(f"rl:{app_id}") <= LONG
    finally:
        await redis_client.delete(f"rl:{app_id}")
        await first.close()
        await second.close()


@rate_limit([{**limit("/classes/*path", zone="session"), "redisUrl": REDIS_URL}])
async def test_a_server_counts_in_redis_with_redis_url(api, redis_client):
    token = await sign_up(api, "frank")
    try:
        assert (await api.get("/classes/Score", session=token))[0] == 200
        assert await api.get("/classes/Score", session=token) == TOO_MANY
        assert await redis_client.get(f"rl:{token}") == b"2"
    finally:
        await redis_client.delete(f"rl:{token}")


async def test_an_unreachable_redis_logs_and_lets_the_request_through(caplog):
    server = build_server(make_config(), storage=_memory_storage())
    limits = build_rate_limits([{**limit("*path"), "redisUrl": "redis://127.0.0.1:1"}])
    try:
        for _ in range(2):  # over the count, yet not refused: the store is not there
            assert await limits.hit(server, _request("1.1.1.1"), "/classes/Score", "GET") == {}
        assert "rate limit store redis://127.0.0.1:1 failed: ConnectionError" in caplog.text
        assert "GET /classes/Score is not rate limited" in caplog.text
    finally:
        await limits.close()
