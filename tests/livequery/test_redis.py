"""Several instances, one Redis: a write on instance A reaches subscribers on instance B.

Needs a Redis server (PARSE_CLONE_TEST_REDIS_URL, default redis://127.0.0.1:6379; .ci/run starts
one); skipped with that reason when none answers. Each test uses its own application id, so its
channels (`<appId>afterSave`, ...) never see another run's messages.
"""

from __future__ import annotations

import asyncio
import os
import uuid

import orjson
import pytest

from parse_clone.app import build_app, build_server
from parse_clone.core.auth.passwords import PasswordHasher
from parse_clone.storage.sqlite import SQLiteAdapter
from tests.conftest import make_config

from .conftest import LiveApp

REDIS_URL = os.environ.get("PARSE_CLONE_TEST_REDIS_URL", "redis://127.0.0.1:6379")


@pytest.fixture
async def redis_client():
    import redis.asyncio as redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        await asyncio.wait_for(client.ping(), 2)
    except Exception as e:  # noqa: BLE001 - any failure means no usable Redis
        await client.aclose()
        pytest.skip(f"no Redis server at {REDIS_URL} ({e.__class__.__name__}): the multi-instance tests need one")
    yield client
    await client.aclose()


@pytest.fixture
def app_id() -> str:
    return "lq" + uuid.uuid4().hex[:10]


@pytest.fixture
async def instances(aiohttp_client, tmp_path, redis_client, app_id):
    """Two servers on one database file and one Redis (with long cache TTLs: only Redis invalidates)."""
    database = str(tmp_path / "shared.sqlite3")
    apps = []
    for _ in range(2):
        config = make_config(appId=app_id, cacheTTL=60_000,
                             liveQuery={"classNames": ["Job", "_Role"], "redisURL": REDIS_URL})
        server = build_server(config, SQLiteAdapter(database))
        server.extras["password_hasher"] = PasswordHasher(rounds=4)
        apps.append(LiveApp(await aiohttp_client(build_app(server)), server))
    return apps


async def test_a_write_on_one_instance_reaches_a_subscriber_on_another(instances):
    a, b = instances
    sock_b, sock_a = await b.socket(), await a.socket()
    for sock in (sock_a, sock_b):
        await sock.subscribe(1, "Job", {"status": "open"})
    job = await a.create("Job", {"status": "open"})
    frame = await sock_b.expect_event("create")
    assert frame["object"]["objectId"] == job["objectId"] and frame["object"]["className"] == "Job"
    assert (await sock_a.expect_event("create"))["object"]["objectId"] == job["objectId"]
    await a.update("Job", job["objectId"], {"status": "done"})
    assert (await sock_b.expect_event("leave"))["original"]["status"] == "open"
    assert (await sock_a.expect_event("leave"))["object"]["status"] == "done"  # once: no local echo


async def test_updates_and_deletes_cross_instances_with_their_originals(instances):
    a, b = instances
    sock = await b.socket()
    await sock.subscribe(1, "Job", {})
    job = await a.create("Job", {"n": 1})  # after subscribing: a create published earlier may still be in flight
    assert (await sock.expect_event("create"))["object"]["objectId"] == job["objectId"]
    await a.update("Job", job["objectId"], {"n": 2})
    frame = await sock.expect_event("update")
    assert (frame["object"]["n"], frame["original"]["n"]) == (2, 1)
    status, _ = await a.delete(f"/classes/Job/{job['objectId']}")
    assert status == 200
    assert (await sock.expect_event("delete"))["object"]["objectId"] == job["objectId"]


async def test_permissions_are_checked_on_the_receiving_instance(instances):
    a, b = instances
    owner = await a.sign_up("owner")
    other = await a.sign_up("other")
    mine, theirs = await b.socket(), await b.socket()
    await mine.subscribe(1, "Job", {}, session_token=owner["sessionToken"])
    await theirs.subscribe(1, "Job", {}, session_token=other["sessionToken"])
    private = await a.create("Job", {"ACL": {owner["objectId"]: {"read": True, "write": True}}},
                             session=owner["sessionToken"])
    public = await a.create("Job", {})
    assert (await mine.expect_event("create"))["object"]["objectId"] == private["objectId"]
    assert (await theirs.expect_event("create"))["object"]["objectId"] == public["objectId"]


async def test_a_role_change_on_one_instance_clears_role_caches_on_the_others(instances):
    a, b = instances
    user = await a.sign_up("crew")
    status, role = await a.post("/roles", {"name": "Crew", "ACL": {"*": {"read": True}}}, master=True)
    assert status == 201, role
    sock = await b.socket()
    await sock.subscribe(1, "Job", {}, session_token=user["sessionToken"])
    job = await a.create("Job", {"n": 1, "ACL": {"role:Crew": {"read": True}}}, master=True)
    await a.create("Job", {"n": 0})
    assert (await sock.expect_event("create"))["object"]["n"] == 0  # B cached: no roles
    status, _ = await a.put(f"/roles/{role['objectId']}", {"users": {"__op": "AddRelation", "objects": [
        {"__type": "Pointer", "className": "_User", "objectId": user["objectId"]}]}}, master=True)
    assert status == 200
    await a.update("Job", job["objectId"], {"n": 2}, master=True)
    assert (await sock.expect_event("update"))["object"]["n"] == 2


async def test_published_messages_have_parse_servers_channels_and_shape(instances, redis_client, app_id):
    a, _ = instances
    pubsub = redis_client.pubsub()
    await pubsub.subscribe(app_id + "afterSave", app_id + "afterDelete", app_id + "clearCache")
    await asyncio.wait_for(pubsub.get_message(timeout=2), 3)  # three subscribe confirmations
    await asyncio.wait_for(pubsub.get_message(timeout=2), 3)
    await asyncio.wait_for(pubsub.get_message(timeout=2), 3)

    async def next_message():
        while True:
            message = await asyncio.wait_for(pubsub.get_message(timeout=3), 4)
            if message and message["type"] == "message":
                return message["channel"].decode(), orjson.loads(message["data"])

    job = await a.create("Job", {"n": 1})
    name, message = await next_message()
    assert name == app_id + "afterSave" and set(message) == {"currentParseObject", "classLevelPermissions"}
    current = message["currentParseObject"]
    assert current == {"__type": "Object", "className": "Job", "objectId": job["objectId"], "n": 1,
                       "createdAt": job["createdAt"], "updatedAt": job["createdAt"]}
    await a.update("Job", job["objectId"], {"n": 2})
    name, message = await next_message()
    assert name == app_id + "afterSave" and message["originalParseObject"]["n"] == 1
    assert message["currentParseObject"]["n"] == 2
    await a.delete(f"/classes/Job/{job['objectId']}")
    name, message = await next_message()
    assert name == app_id + "afterDelete" and message["currentParseObject"]["n"] == 2
    await a.post("/roles", {"name": "R", "ACL": {}}, master=True)
    name, message = await next_message()
    assert name == app_id + "clearCache" and message == {"userId": None}
    await pubsub.aclose()


async def test_a_message_published_by_parse_server_is_delivered(instances, redis_client, app_id):
    """Mixed deployments: Parse Server's publisher shape, as its ParseCloudCodePublisher sends it."""
    _, b = instances
    sock = await b.socket()
    await sock.subscribe(1, "Job", {"foo": "bar"})
    message = {"currentParseObject": {"foo": "bar", "createdAt": "2024-05-01T12:00:00.000Z",
                                      "updatedAt": "2024-05-01T12:00:00.000Z", "ACL": {"*": {"read": True}},
                                      "__type": "Object", "className": "Job", "objectId": "fromParse1"},
               "classLevelPermissions": {"find": {"*": True}, "get": {"*": True}}}
    await redis_client.publish(app_id + "afterSave", orjson.dumps(message))
    frame = await sock.expect_event("create")
    assert frame["object"] == {"foo": "bar", "createdAt": "2024-05-01T12:00:00.000Z",
                               "updatedAt": "2024-05-01T12:00:00.000Z", "ACL": {"*": {"read": True}},
                               "className": "Job", "objectId": "fromParse1"}


async def test_an_unreachable_redis_fails_the_start(tmp_path):
    from parse_clone.livequery.bus import RedisBus

    bus = RedisBus("redis://127.0.0.1:1")
    bus.subscribe("x", lambda name, payload: None)
    with pytest.raises(RuntimeError, match="cannot reach Redis"):
        await bus.start()


async def test_a_schema_change_on_one_instance_reaches_the_others(instances):
    a, b = instances
    status, _ = await b.get("/schemas/Brand", master=True)
    assert status == 400  # B has loaded its schema cache: Brand does not exist
    status, body = await a.post("/schemas/Brand", {"className": "Brand", "fields": {"name": {"type": "String"}}},
                                master=True)
    assert status == 200, body
    for _ in range(100):
        status, body = await b.get("/schemas/Brand", master=True)
        if status == 200:
            break
        await asyncio.sleep(0.02)
    assert status == 200 and body["fields"]["name"] == {"type": "String"}
