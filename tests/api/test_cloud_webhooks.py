"""The /hooks API and webhook calls, against a small local HTTP receiver."""

from __future__ import annotations

import pytest
from aiohttp import web

from parse_clone.cloud import Cloud
from parse_clone.core.hooks.runtime import start_cloud


@pytest.fixture
def config_overrides():
    return {"webhookKey": "hook-secret", "cloudCodeTimeout": 2000}


class Receiver:
    """Records what the server POSTs and answers per path."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict, str | None]] = []
        self.base = ""

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.calls.append((request.path, body, request.headers.get("X-Parse-Webhook-Key")))
        path = request.path
        if path == "/hello":
            return web.json_response({"success": f"hello {body['params']['name']}"})
        if path == "/error":
            return web.json_response({"error": "the receiver refused"})
        if path == "/malformed":
            return web.Response(text="<html>oops</html>")
        if path == "/before-save":
            obj = dict(body["object"])
            obj["title"] = obj["title"].upper()
            obj["checked"] = True
            return web.json_response({"success": obj})
        if path == "/after-find":
            return web.json_response({"success": [{"objectId": "x1", "title": "from webhook"}]})
        return web.json_response({"success": None})


@pytest.fixture
async def receiver(aiohttp_server):
    rec = Receiver()
    app = web.Application()
    app.router.add_post("/{tail:.*}", rec.handle)
    server = await aiohttp_server(app)
    rec.base = str(server.make_url("")).rstrip("/")
    return rec


async def test_create_list_get_update_and_delete_a_function_webhook(api, receiver):
    url = receiver.base + "/hello"
    assert await api.post("/hooks/functions", {"functionName": "hello", "url": url}, master=True) == (
        200, {"functionName": "hello", "url": url})
    assert await api.get("/hooks/functions", master=True) == (200, [{"functionName": "hello", "url": url}])
    assert await api.get("/hooks/functions/hello", master=True) == (200, {"functionName": "hello", "url": url})
    new_url = receiver.base + "/error"
    assert await api.put("/hooks/functions/hello", {"url": new_url}, master=True) == (
        200, {"functionName": "hello", "url": new_url})
    assert await api.put("/hooks/functions/hello", {"__op": "Delete"}, master=True) == (200, {})
    assert await api.get("/hooks/functions", master=True) == (200, [])
    assert await api.post("/functions/hello", {}) == (400, {"code": 141, "error": 'Invalid function: "hello"'})


async def test_function_webhook_errors_are_143(api, receiver):
    url = receiver.base + "/hello"
    await api.post("/hooks/functions", {"functionName": "hello", "url": url}, master=True)
    assert await api.post("/hooks/functions", {"functionName": "hello", "url": url}, master=True) == (
        400, {"code": 143, "error": "function name: hello already exists"})
    assert await api.get("/hooks/functions/nope", master=True) == (
        400, {"code": 143, "error": "no function named: nope is defined"})
    assert await api.put("/hooks/functions/nope", {"url": url}, master=True) == (
        400, {"code": 143, "error": "no function named: nope is defined"})
    assert await api.post("/hooks/functions", {"functionName": "f"}, master=True) == (
        400, {"code": 143, "error": "invalid hook declaration"})


async def test_trigger_webhooks_crud_and_errors(api, receiver):
    url = receiver.base + "/before-save"
    hook = {"className": "Job", "triggerName": "beforeSave", "url": url}
    assert await api.post("/hooks/triggers", hook, master=True) == (200, hook)
    assert await api.post("/hooks/triggers", hook, master=True) == (
        400, {"code": 143, "error": "class Job already has trigger beforeSave"})
    assert await api.get("/hooks/triggers", master=True) == (200, [hook])
    assert await api.get("/hooks/triggers/Job/beforeSave", master=True) == (200, hook)
    assert await api.get("/hooks/triggers/Job/afterSave", master=True) == (
        400, {"code": 143, "error": "class Job does not exist"})
    assert await api.put("/hooks/triggers/Other/beforeSave", {"url": url}, master=True) == (
        400, {"code": 143, "error": "class Other does not exist"})
    assert await api.post("/hooks/triggers", {**hook, "triggerName": "beforeNothing"}, master=True) == (
        400, {"code": 143, "error": "invalid hook declaration"})
    assert await api.post("/hooks/triggers", {**hook, "className": "_Session"}, master=True) == (
        400, {"code": 143, "error": "Only the afterLogout trigger is allowed for the _Session class."})
    assert await api.put("/hooks/triggers/Job/beforeSave", {"__op": "Delete"}, master=True) == (200, {})
    assert await api.get("/hooks/triggers", master=True) == (200, [])


async def test_the_hooks_api_needs_the_master_key(api):
    assert await api.get("/hooks/functions") == (403, {"error": "unauthorized: master key is required"})
    assert await api.post("/hooks/triggers", {}) == (403, {"error": "unauthorized: master key is required"})


async def test_a_function_webhook_is_called_with_the_request_and_the_key(api, receiver):
    await api.post("/hooks/functions", {"functionName": "hello", "url": receiver.base + "/hello"}, master=True)
    assert await api.post("/functions/hello", {"name": "Ann"}) == (200, {"result": "hello Ann"})
    path, body, key = receiver.calls[-1]
    assert (path, key) == ("/hello", "hook-secret")
    assert body["functionName"] == "hello" and body["params"] == {"name": "Ann"} and body["master"] is False


async def test_a_webhook_error_reaches_the_client_as_141(api, receiver):
    await api.post("/hooks/functions", {"functionName": "f", "url": receiver.base + "/error"}, master=True)
    assert await api.post("/functions/f", {}) == (400, {"code": 141, "error": "the receiver refused"})


async def test_a_malformed_webhook_reply_is_141(api, receiver):
    await api.post("/hooks/functions", {"functionName": "f", "url": receiver.base + "/malformed"}, master=True)
    assert await api.post("/functions/f", {}) == (400, {"code": 141, "error": "Malformed response"})


async def test_an_unreachable_webhook_is_141(api):
    await api.post("/hooks/functions", {"functionName": "f", "url": "http://127.0.0.1:9/none"}, master=True)
    status, body = await api.post("/functions/f", {})
    assert (status, body["code"]) == (400, 141)
    assert body["error"].startswith("Webhook http://127.0.0.1:9/none failed:")


async def test_a_before_save_webhook_changes_the_stored_object(api, receiver):
    await api.post("/hooks/triggers", {"className": "Job", "triggerName": "beforeSave",
                                       "url": receiver.base + "/before-save"}, master=True)
    status, body = await api.post("/classes/Job", {"title": "fix"})
    assert status == 201 and body["title"] == "FIX" and body["checked"] is True
    _, saved = await api.get(f"/classes/Job/{body['objectId']}")
    assert saved["title"] == "FIX"
    _, sent, _ = receiver.calls[-1]
    assert sent["triggerName"] == "beforeSave" and sent["object"] == {"title": "fix", "className": "Job"}


async def test_a_before_save_webhook_error_rejects_the_write(api, receiver):
    await api.post("/hooks/triggers", {"className": "Job", "triggerName": "beforeSave",
                                       "url": receiver.base + "/error"}, master=True)
    assert await api.post("/classes/Job", {"title": "fix"}) == (400, {"code": 141, "error": "the receiver refused"})


async def test_an_after_find_webhook_replaces_results(api, receiver):
    await api.post("/classes/Job", {"title": "stored"})
    await api.post("/hooks/triggers", {"className": "Job", "triggerName": "afterFind",
                                       "url": receiver.base + "/after-find"}, master=True)
    _, body = await api.get("/classes/Job")
    assert body["results"] == [{"objectId": "x1", "title": "from webhook"}]


async def test_a_webhook_overrides_a_python_function_until_deleted(api, receiver):
    api.server.cloud.define("hello", lambda req: "python")
    await api.post("/hooks/functions", {"functionName": "hello", "url": receiver.base + "/hello"}, master=True)
    assert await api.post("/functions/hello", {"name": "x"}) == (200, {"result": "hello x"})
    await api.put("/hooks/functions/hello", {"__op": "Delete"}, master=True)
    assert await api.post("/functions/hello", {}) == (200, {"result": "python"})


async def test_stored_webhooks_are_routed_when_the_server_starts(api, receiver):
    await api.post("/hooks/functions", {"functionName": "hello", "url": receiver.base + "/hello"}, master=True)
    api.server.cloud = Cloud()  # as after a restart
    await start_cloud(api.server)
    assert await api.post("/functions/hello", {"name": "again"}) == (200, {"result": "hello again"})
