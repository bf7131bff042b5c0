"""LiveQuery cloud hooks: before_connect, before_subscribe and after_live_query_event."""

from __future__ import annotations

import asyncio

import pytest

from parse_clone.errors import ParseError
from parse_clone.livequery import live_query_hooks


@pytest.fixture
def hooks(live):
    return live_query_hooks(live.server)


async def test_before_connect_sees_the_connection_and_its_user(live, hooks):
    user = await live.sign_up("dispatcher")
    seen = []
    hooks.before_connect(seen.append)
    await live.socket(sessionToken=user["sessionToken"], installationId="i-1")
    req = seen[0]
    assert (req.event, req.session_token, req.installation_id, req.use_master_key) == \
        ("connect", user["sessionToken"], "i-1", False)
    assert req.user["objectId"] == user["objectId"] and (req.clients, req.subscriptions) == (0, 0)


async def test_before_connect_can_refuse_with_a_parse_error(live, hooks):
    @hooks.before_connect
    def refuse(req):
        raise ParseError(ParseError.OPERATION_FORBIDDEN, "not today")

    sock = await live.socket(connect=False)
    await sock.send({"op": "connect", "applicationId": "test", "javascriptKey": "test"})
    assert await sock.recv() == {"op": "error", "error": "not today", "code": 119, "reconnect": False,
                                 "requestId": None}
    await sock.send({"op": "subscribe", "requestId": 1, "query": {"className": "Job", "where": {}}})
    assert (await sock.recv())["code"] == 2  # the client was not registered


async def test_any_other_exception_in_a_hook_is_141_with_its_message(live, hooks):
    @hooks.before_connect
    async def refuse(req):
        raise ValueError("you are not authorized")

    sock = await live.socket(connect=False)
    await sock.send({"op": "connect", "applicationId": "test", "javascriptKey": "test"})
    assert await sock.recv() == {"op": "error", "error": "you are not authorized", "code": 141,
                                 "reconnect": False, "requestId": None}


async def test_a_hook_that_hangs_times_out_with_141(live, hooks):
    live.server.extras["livequery"].options.hook_timeout = 0.05  # ms option hookTimeout, in seconds here

    @hooks.before_connect
    async def hang(req):
        await asyncio.sleep(10)

    sock = await live.socket(connect=False)
    await sock.send({"op": "connect", "applicationId": "test", "javascriptKey": "test"})
    reply = await sock.recv()
    assert reply["code"] == 141 and "timed out" in reply["error"]


async def test_before_subscribe_can_refuse_that_request(live, hooks):
    @hooks.before_subscribe("Job")
    def refuse(req):
        raise ParseError(ParseError.VALIDATION_ERROR, "no jobs for you")

    sock = await live.socket()
    assert await sock.subscribe(3, "Job", {}) == {"op": "error", "error": "no jobs for you", "code": 142,
                                                  "reconnect": False, "requestId": 3}
    assert (await sock.subscribe(4, "Note", {}))["op"] == "subscribed"


async def test_before_subscribe_sees_the_query_and_user(live, hooks):
    user = await live.sign_up("u")
    seen = []
    hooks.before_subscribe("Job")(seen.append)
    sock = await live.socket()
    await sock.subscribe(1, "Job", {"n": 1}, session_token=user["sessionToken"], keys=["n"])
    req = seen[0]
    assert req.op == "subscribe" and req.request_id == 1 and req.session_token == user["sessionToken"]
    assert req.query == {"className": "Job", "where": {"n": 1}, "keys": ["n"]}
    assert req.user["objectId"] == user["objectId"]


async def test_before_subscribe_can_rewrite_the_query_in_place(live, hooks):
    @hooks.before_subscribe("Job")
    def only_open(req):
        req.query["where"]["status"] = "open"
        req.query["keys"] = ["status"]

    sock = await live.socket()
    await sock.subscribe(1, "Job", {})
    await live.create("Job", {"status": "closed"})
    await live.create("Job", {"status": "open", "extra": 1})
    frame = await sock.expect_event("create")
    assert frame["object"]["status"] == "open" and "extra" not in frame["object"]


async def test_before_subscribe_can_return_a_new_query(live, hooks):
    @hooks.before_subscribe("Job")
    async def replace(req):
        return {"className": "Job", "where": {"n": {"$gt": 10}}}

    sock = await live.socket()
    await sock.subscribe(1, "Job", {"n": 1})
    await live.create("Job", {"n": 1})
    await live.create("Job", {"n": 11})
    assert (await sock.expect_event("create"))["object"]["n"] == 11


async def test_after_event_sees_the_event_and_can_change_the_object(live, hooks):
    seen = []

    @hooks.after_live_query_event("Job")
    def stamp(req):
        seen.append((req.event, req.original["n"] if req.original else None, req.send_event))
        req.object["stamped"] = True

    job = await live.create("Job", {"n": 1})
    sock = await live.socket()
    await sock.subscribe(1, "Job", {})
    await live.update("Job", job["objectId"], {"n": 2})
    frame = await sock.expect_event("update")
    assert frame["object"]["stamped"] is True and "stamped" not in frame["original"]
    assert seen == [("update", 1, True)]


async def test_after_event_can_replace_the_object(live, hooks):
    @hooks.after_live_query_event("Job")
    async def replace(req):
        req.object = {"className": "Job", "objectId": req.object["objectId"], "summary": "hidden"}

    sock = await live.socket()
    await sock.subscribe(1, "Job", {})
    job = await live.create("Job", {"n": 1, "secret": "s"})
    assert (await sock.expect_event("create"))["object"] == {"className": "Job", "objectId": job["objectId"],
                                                             "summary": "hidden"}


async def test_after_event_can_suppress_an_event(live, hooks):
    @hooks.after_live_query_event("Job")
    def quiet(req):
        req.send_event = req.object.get("n") != 1

    sock = await live.socket()
    await sock.subscribe(1, "Job", {})
    await live.create("Job", {"n": 1})
    job = await live.create("Job", {"n": 2})
    assert (await sock.expect_event("create"))["object"]["objectId"] == job["objectId"]


async def test_after_event_runs_per_subscriber_with_its_user(live, hooks):
    a, b = await live.sign_up("a"), await live.sign_up("b")
    users = []
    hooks.after_live_query_event("Job")(lambda req: users.append(req.user["username"] if req.user else None))
    for user in (a, b):
        sock = await live.socket()
        await sock.subscribe(1, "Job", {}, session_token=user["sessionToken"])
    sock_anon = await live.socket()
    await sock_anon.subscribe(1, "Job", {})
    await live.create("Job", {})
    await sock_anon.expect_event("create")
    assert users == ["a", "b", None]


async def test_after_event_failure_is_an_error_for_that_request(live, hooks):
    @hooks.after_live_query_event("Job")
    def boom(req):
        raise ParseError(ParseError.SCRIPT_FAILED, "boom")

    sock = await live.socket()
    await sock.subscribe(6, "Job", {})
    await live.create("Job", {})
    assert await sock.recv() == {"op": "error", "error": "boom", "code": 141, "reconnect": False, "requestId": 6}


async def test_hooks_registered_on_the_cloud_registry_run(live):
    """`server.cloud` (cloud code's registry) has before_connect / before_subscribe / after_live_query_event."""
    calls = []
    cloud = live.server.cloud
    cloud.before_connect(lambda req: calls.append(("connect", req.event)))
    cloud.before_subscribe("Job")(lambda req: calls.append(("subscribe", req.query["className"])))

    @cloud.after_live_query_event("Job")
    async def tag(req):
        calls.append(("event", req.event))
        req.object["via"] = "cloud"

    sock = await live.socket()
    assert (await sock.subscribe(1, "Job", {}))["op"] == "subscribed"
    await live.create("Job", {})
    assert (await sock.expect_event("create"))["object"]["via"] == "cloud"
    assert calls == [("connect", "connect"), ("subscribe", "Job"), ("event", "create")]


async def test_plain_function_hooks_run_off_the_event_loop(live, hooks):
    import threading

    threads = []
    hooks.before_subscribe("Job")(lambda req: threads.append(threading.current_thread()))
    sock = await live.socket()
    await sock.subscribe(1, "Job", {})
    assert threads and threads[0] is not threading.main_thread()
