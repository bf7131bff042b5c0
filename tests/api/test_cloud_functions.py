"""POST /functions/:name: results, the request a function sees, error mapping, validators, timeouts."""

from __future__ import annotations

import asyncio
import logging
import threading
from datetime import datetime, timezone

import pytest

from parse_clone.cloud import CloudObject, Field, GeoPoint, ParseError, RateLimit
from tests.support.users import sign_up


@pytest.fixture
def config_overrides():
    return {"cloudCodeTimeout": 300}


@pytest.fixture
def cloud(api):
    return api.server.cloud


async def test_a_function_answers_its_result(api, cloud):
    cloud.define("hello", lambda req: f"Hello {req.params['name']}")
    assert await api.post("/functions/hello", {"name": "Ann"}) == (200, {"result": "Hello Ann"})


async def test_parse_types_in_the_result_are_encoded(api, cloud):
    @cloud.define
    async def typed(req):
        return {"at": datetime(2024, 5, 1, tzinfo=timezone.utc), "where": GeoPoint(1.5, 2.5),
                "job": CloudObject("Job", {"objectId": "j1", "title": "t"}), "list": (1, None)}

    status, body = await api.post("/functions/typed", {})
    assert status == 200
    assert body == {"result": {
        "at": {"__type": "Date", "iso": "2024-05-01T00:00:00.000Z"},
        "where": {"__type": "GeoPoint", "latitude": 1.5, "longitude": 2.5},
        "job": {"objectId": "j1", "title": "t", "__type": "Object", "className": "Job"},
        "list": [1, None]}}


async def test_a_function_returning_nothing_answers_null(api, cloud):
    cloud.define("nothing", lambda req: None)
    assert await api.post("/functions/nothing") == (200, {"result": None})


async def test_an_unknown_function_is_141(api):
    assert await api.post("/functions/nope", {}) == (400, {"code": 141, "error": 'Invalid function: "nope"'})


async def test_params_merge_body_and_query_string(api, cloud):
    cloud.define("echo", lambda req: req.params)
    status, body = await api.post("/functions/echo", {"a": 1, "d": {"__type": "Date", "iso": "2024-01-01T00:00:00.000Z"}},
                                  params={"b": "2"})
    assert body == {"result": {"a": 1, "b": 2, "d": {"__type": "Date", "iso": "2024-01-01T00:00:00.000Z"}}}


async def test_the_request_describes_the_caller(api, cloud):
    seen = {}

    @cloud.define
    def who(req):
        seen.update(master=req.master, user=req.user and req.user.get("username"), iid=req.installation_id,
                    ip=req.ip, ctx=req.context, header=req.headers.get("x-custom"), name=req.function_name)

    user = await sign_up(api, "ann")
    headers = {**api.headers(session=user["sessionToken"]), "X-Parse-Installation-Id": "inst-1",
               "X-Parse-Cloud-Context": '{"source": "test"}', "X-Custom": "yes"}
    await api.post("/functions/who", {}, headers=headers)
    assert seen == {"master": False, "user": "ann", "iid": "inst-1", "ip": "127.0.0.1", "ctx": {"source": "test"},
                    "header": "yes", "name": "who"}
    await api.post("/functions/who", {}, master=True)
    assert seen["master"] is True and seen["user"] is None


async def test_context_from_the_js_sdk_body(api, cloud):
    cloud.define("ctx", lambda req: req.context)
    body = {"_ApplicationId": "test", "_JavaScriptKey": "test", "_context": {"k": 1}}
    status, answer = await api.post("/functions/ctx", body, headers={"Content-Type": "text/plain"})
    assert (status, answer) == (200, {"result": {"k": 1}})


async def test_a_parse_error_keeps_its_code(api, cloud):
    def refuse(req):
        raise ParseError(ParseError.OBJECT_NOT_FOUND, "no such job")

    cloud.define("refuse", refuse)
    assert await api.post("/functions/refuse") == (404, {"code": 101, "error": "no such job"})


async def test_any_other_exception_is_141_with_its_message_and_a_logged_traceback(api, cloud, caplog):
    def broken(req):
        raise KeyError("tech")

    cloud.define("broken", broken)
    with caplog.at_level(logging.ERROR, logger="parse_clone.cloud"):
        assert await api.post("/functions/broken") == (400, {"code": 141, "error": "'tech'"})
    assert "function broken failed" in caplog.text
    assert "Traceback" in caplog.text and "KeyError" in caplog.text


async def test_an_exception_without_a_message_is_script_failed(api, cloud):
    def broken(req):
        raise RuntimeError()

    cloud.define("broken", broken)
    assert await api.post("/functions/broken") == (400, {"code": 141, "error": "Script failed. Unknown error."})


async def test_a_result_that_cannot_be_encoded_is_a_clear_141(api, cloud):
    cloud.define("weird", lambda req: {"x": object()})
    status, body = await api.post("/functions/weird")
    assert status == 400 and body["code"] == 141
    assert body["error"].startswith("function weird returned an invalid result: a object cannot be sent")


async def test_a_hanging_async_function_times_out(api, cloud):
    async def hang(req):
        await asyncio.sleep(5)

    cloud.define("hang", hang)
    assert await api.post("/functions/hang") == (400, {"code": 141, "error": "function hang timed out"})


async def test_a_blocking_sync_function_times_out(api, cloud):
    """The answer comes while the function's thread is still blocked (no clock involved)."""
    release, finished = threading.Event(), threading.Event()

    def block(req):
        release.wait(10)
        finished.set()

    cloud.define("block", block)
    try:
        assert await api.post("/functions/block") == (400, {"code": 141, "error": "function block timed out"})
        assert not finished.is_set()
    finally:
        release.set()


async def test_functions_query_with_the_callers_permissions_or_the_master_key(api, cloud):
    await api.post("/classes/Secret", {"v": 1, "ACL": {}}, master=True)

    @cloud.define
    async def peek(req):
        return [await req.query("Secret").count(), await req.query("Secret", use_master_key=True).count(),
                len(await req.db.master.query("Secret").find())]

    assert await api.post("/functions/peek") == (200, {"result": [0, 1, 1]})


async def test_functions_save_and_delete_through_the_sdk(api, cloud):
    @cloud.define
    async def make(req):
        job = req.db.object("Job", title=req.params["title"])
        await job.save()
        job.increment("visits", 2)
        await job.save()
        fetched = await req.db.get("Job", job.id)
        await req.db.delete("Job", job.id)
        return {"id": job.id, "visits": fetched["visits"], "left": await req.db.query("Job").count()}

    status, body = await api.post("/functions/make", {"title": "t"})
    assert status == 200 and body["result"]["visits"] == 2 and body["result"]["left"] == 0


async def test_validator_require_user(api, cloud):
    cloud.define("private", lambda req: "ok", require_user=True)
    assert await api.post("/functions/private") == (
        400, {"code": 142, "error": "Validation failed. Please login to continue."})
    user = await sign_up(api, "ann")
    assert await api.post("/functions/private", session=user["sessionToken"]) == (200, {"result": "ok"})


async def test_validator_require_master(api, cloud):
    cloud.define("admin", lambda req: "ok", require_master=True)
    assert await api.post("/functions/admin") == (
        400, {"code": 142, "error": "Validation failed. Master key is required to complete this request."})
    assert await api.post("/functions/admin", master=True) == (200, {"result": "ok"})


async def test_validator_fields_type_options_default(api, cloud):
    cloud.define("visit", lambda req: req.params, fields={
        "minutes": Field(type=int, required=True), "kind": Field(options=["home", "clinic"], default="home")})
    assert await api.post("/functions/visit", {"minutes": "ten"}) == (
        400, {"code": 142, "error": "Validation failed. Invalid type for minutes. Expected: number"})
    assert await api.post("/functions/visit", {"minutes": 10, "kind": "moon"}) == (
        400, {"code": 142, "error": "Validation failed. Invalid option for kind. Expected: home, clinic"})
    assert await api.post("/functions/visit", {}) == (
        400, {"code": 142, "error": "Validation failed. Please specify data for minutes."})
    assert await api.post("/functions/visit", {"minutes": 10}) == (200, {"result": {"minutes": 10, "kind": "home"}})


async def test_validator_roles(api, cloud):
    cloud.define("nurses", lambda req: req.roles, require_any_user_roles=["Nurse"])
    user = await sign_up(api, "ann")
    assert await api.post("/functions/nurses", session=user["sessionToken"]) == (
        400, {"code": 142, "error": "Validation failed. User does not match the required roles."})
    await api.post("/roles", {"name": "Nurse", "ACL": {"*": {"read": True}},
                              "users": {"__op": "AddRelation", "objects": [
                                  {"__type": "Pointer", "className": "_User", "objectId": user["objectId"]}]}},
                   master=True)
    assert await api.post("/functions/nurses", session=user["sessionToken"]) == (200, {"result": ["Nurse"]})


async def test_validator_function_error_is_142(api, cloud):
    def business_hours(req):
        raise ValueError("closed")

    cloud.define("open", lambda req: "ok", validator=business_hours)
    assert await api.post("/functions/open") == (400, {"code": 142, "error": "closed"})


async def test_rate_limit_answers_429_code_100(api, cloud):
    cloud.define("limited", lambda req: "ok", rate_limit=RateLimit(requests=1, window=60))
    assert await api.post("/functions/limited") == (200, {"result": "ok"})
    assert await api.post("/functions/limited") == (429, {"code": 100, "error": "Too many requests."})
    assert await api.post("/functions/limited", master=True) == (200, {"result": "ok"})


async def test_server_info_announces_hooks_and_jobs(api):
    status, body = await api.get("/serverInfo", master=True)
    assert body["features"]["hooks"] == {"create": True, "read": True, "update": True, "delete": True}
    assert body["features"]["cloudCode"] == {"jobs": True}


async def test_two_servers_in_one_process_have_their_own_functions(api, aiohttp_client, backend, tmp_path):
    from parse_clone.app import build_app, build_server
    from tests.conftest import Api, make_config, make_storage

    other_server = build_server(make_config(), make_storage(backend, tmp_path))
    other = Api(await aiohttp_client(build_app(other_server)), other_server)
    api.server.cloud.define("which", lambda req: "first")
    other_server.cloud.define("which", lambda req: "second")
    assert await api.post("/functions/which") == (200, {"result": "first"})
    assert await other.post("/functions/which") == (200, {"result": "second"})


async def test_new_or_changed_objects_in_a_result_are_sent_as_pointers(api, cloud):
    cloud.define("changed", lambda req: CloudObject("Job", {"objectId": "j1", "a": 1}).set("a", 2))
    cloud.define("unsaved", lambda req: CloudObject("Job").set("a", 2))
    assert await api.post("/functions/changed") == (
        200, {"result": {"__type": "Pointer", "className": "Job", "objectId": "j1"}})
    status, body = await api.post("/functions/unsaved")
    assert (status, body["code"]) == (400, 141) and "cannot point to an unsaved Job" in body["error"]


async def test_rate_limit_takes_parse_servers_validator_keys(api, cloud):
    cloud.define("parse_style", lambda req: "ok", rate_limit={
        "requestCount": 1, "requestTimeWindow": 600_000, "errorResponseMessage": "Wait", "includeMasterKey": True})
    assert await api.post("/functions/parse_style") == (200, {"result": "ok"})
    assert await api.post("/functions/parse_style", master=True) == (429, {"code": 100, "error": "Wait"})


def test_rate_limit_refuses_unknown_parse_keys(cloud):
    with pytest.raises(ValueError, match='Invalid rate limit option "requestPath"'):
        cloud.define("bad", lambda req: "ok", rate_limit={"requestCount": 1, "requestTimeWindow": 1000,
                                                          "requestPath": "/x"})
    with pytest.raises(ValueError, match="rateLimit.requestTimeWindow must be a number"):
        cloud.define("bad", lambda req: "ok", rate_limit={"requestCount": 1})
