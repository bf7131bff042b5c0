"""Small routes and request anatomy: /health, /serverInfo, /purge, /push, CORS, body forms, keys and IPs."""

from __future__ import annotations

import base64
from typing import Any

import orjson
import pytest

CORS_HEADERS = ("X-Parse-Master-Key, X-Parse-REST-API-Key, X-Parse-Javascript-Key, X-Parse-Application-Id, "
                "X-Parse-Client-Version, X-Parse-Session-Token, X-Requested-With, X-Parse-Revocable-Session, "
                "X-Parse-Request-Id, Content-Type, Pragma, Cache-Control")
READ_ONLY = {"readOnlyMasterKey": "read-only"}


async def count(api, class_name: str) -> int:
    status, body = await api.get(f"/classes/{class_name}", params={"count": 1, "limit": 0}, master=True)
    assert status == 200, body
    return body["count"]


async def raw_post(api, path: str, body: dict[str, Any], content_type: str = "text/plain") -> tuple[int, Any]:
    """A POST without X-Parse headers, the way the JS SDK sends everything (credentials in the body)."""
    resp = await api.client.post("/1" + path, data=orjson.dumps(body), headers={"Content-Type": content_type})
    return resp.status, await resp.json()


def basic(credentials: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(credentials.encode()).decode()}


# ----- /health -----
async def test_health_needs_no_keys(api):
    resp = await api.client.get("/1/health")
    assert resp.status == 200
    assert await resp.json() == {"status": "ok"}


async def test_health_answers_post_too(api):
    resp = await api.client.post("/1/health")
    assert (resp.status, await resp.json()) == (200, {"status": "ok"})


# ----- /serverInfo -----
async def test_server_info_needs_the_master_key(api):
    assert await api.get("/serverInfo") == (403, {"error": "unauthorized: master key is required"})


async def test_server_info_describes_the_server(api):
    status, body = await api.get("/serverInfo", master=True)
    assert status == 200
    assert set(body) == {"parseServerVersion", "features"}
    assert isinstance(body["parseServerVersion"], str) and body["parseServerVersion"]
    assert set(body["features"]) >= {"globalConfig", "hooks", "cloudCode", "logs", "push", "schemas", "settings"}
    for group in body["features"].values():
        assert all(isinstance(v, bool) for v in group.values())
    assert body["features"]["schemas"]["addClass"] is True


async def test_server_info_features_are_parse_servers_without_push(api):
    """Parse Server's FeaturesRouter, except push: no push adapter and no /push_audiences here, so
    Parse Dashboard offers no Push pages (Parse Server always claims audiences and localization)."""
    _, body = await api.get("/serverInfo", master=True)
    assert body["features"] == {
        "globalConfig": {"create": True, "read": True, "update": True, "delete": True},
        "hooks": {"create": True, "read": True, "update": True, "delete": True},
        "cloudCode": {"jobs": True},
        "logs": {"level": True, "size": True, "order": True, "until": True, "from": True},
        "push": {"immediatePush": False, "scheduledPush": False, "storedPushData": False,
                 "pushAudiences": False, "localization": False},
        "schemas": {"addField": True, "removeField": True, "addClass": True, "removeClass": True,
                    "clearAllDataFromClass": True, "exportClass": False, "editClassLevelPermissions": True,
                    "editPointerPermissions": True},
        "settings": {"securityCheck": False},
    }


# ----- /purge -----
async def test_purge_deletes_every_object_and_keeps_the_schema(api):
    for i in range(3):
        await api.post("/classes/Junk", {"i": i})
    assert await api.delete("/purge/Junk", master=True) == (200, {})
    assert await count(api, "Junk") == 0
    status, schema = await api.get("/schemas/Junk", master=True)
    assert status == 200 and "i" in schema["fields"]


async def test_purge_of_an_unknown_class_is_fine(api):
    assert await api.delete("/purge/Nothing", master=True) == (200, {})


async def test_purge_needs_the_master_key(api):
    await api.post("/classes/Junk", {"i": 1})
    assert await api.delete("/purge/Junk") == (403, {"error": "unauthorized: master key is required"})
    assert await count(api, "Junk") == 1


@pytest.mark.parametrize("config_overrides", [READ_ONLY])
async def test_purge_with_the_read_only_master_key_is_119(api):
    await api.post("/classes/Junk", {"i": 1})
    status, body = await api.delete("/purge/Junk", headers=api.headers(**{"X-Parse-Master-Key": "read-only"}))
    assert (status, body) == (400, {"code": 119, "error": "read-only masterKey isn't allowed to purge a schema."})
    assert await count(api, "Junk") == 1


# ----- /push -----
async def test_push_needs_the_master_key(api):
    status, body = await api.post("/push", {"channels": ["news"], "data": {"alert": "hi"}})
    assert (status, body) == (403, {"error": "unauthorized: master key is required"})


async def test_push_without_a_push_adapter_is_115(api):
    status, body = await api.post("/push", {"channels": ["news"], "data": {"alert": "hi"}}, master=True)
    assert (status, body) == (400, {"code": 115, "error": "Push controller is not set"})


@pytest.mark.parametrize("config_overrides", [READ_ONLY])
async def test_push_with_the_read_only_master_key_is_119(api):
    status, body = await api.post("/push", {"channels": ["news"], "data": {"alert": "hi"}},
                                  headers=api.headers(**{"X-Parse-Master-Key": "read-only"}))
    assert (status, body) == (400, {"code": 119, "error":
                                    "read-only masterKey isn't allowed to send push notifications."})


# ----- read-only master key -----
@pytest.mark.parametrize("config_overrides", [READ_ONLY])
async def test_read_only_master_key_reads_everything_and_writes_nothing(api):
    headers = api.headers(**{"X-Parse-Master-Key": "read-only"})
    _, created = await api.post("/classes/Doc", {"ACL": {}, "x": 1}, master=True)
    status, body = await api.get(f"/classes/Doc/{created['objectId']}", headers=headers)
    assert (status, body["x"]) == (200, 1)
    status, body = await api.post("/classes/Doc", {"x": 2}, headers=headers)
    assert (status, body) == (400, {"code": 119, "error":
                                    "read-only masterKey isn't allowed to perform the create operation."})
    assert await count(api, "Doc") == 1


# ----- CORS -----
async def test_every_response_carries_cors_headers(api):
    resp = await api.client.get("/1/classes/Nope/missing", headers=api.headers())
    assert resp.status == 404
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert resp.headers["Access-Control-Allow-Methods"] == "GET,PUT,POST,DELETE,OPTIONS"
    assert resp.headers["Access-Control-Allow-Headers"] == CORS_HEADERS
    assert resp.headers["Access-Control-Expose-Headers"] == "X-Parse-Job-Status-Id, X-Parse-Push-Status-Id"


async def test_preflight_needs_no_keys(api):
    resp = await api.client.options("/1/classes/Anything", headers={"Origin": "http://x.example",
                                                                   "Access-Control-Request-Method": "POST"})
    assert resp.status == 200
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert resp.headers["Access-Control-Allow-Methods"] == "GET,PUT,POST,DELETE,OPTIONS"


async def test_unauthorized_responses_carry_cors_headers(api):
    resp = await api.client.get("/1/classes/Anything", headers={"Origin": "http://x.example"})
    assert resp.status == 403
    assert resp.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("config_overrides", [{"allowOrigin": ["http://a.example", "http://b.example"],
                                               "allowHeaders": ["X-Custom"]}])
@pytest.mark.parametrize("origin, allowed", [("http://b.example", "http://b.example"),
                                             ("http://evil.example", "http://a.example")])
async def test_configured_origins_and_headers(api, origin, allowed):
    resp = await api.client.options("/1/classes/Anything", headers={"Origin": origin})
    assert resp.headers["Access-Control-Allow-Origin"] == allowed
    assert resp.headers["Access-Control-Allow-Headers"] == CORS_HEADERS + ", X-Custom"


# ----- method override and the JS SDK's body form -----
async def test_method_override_put(api):
    _, created = await api.post("/classes/Doc", {"x": 1})
    status, body = await api.post(f"/classes/Doc/{created['objectId']}", {"_method": "PUT", "x": 2})
    assert (status, set(body)) == (200, {"updatedAt"})
    _, obj = await api.get(f"/classes/Doc/{created['objectId']}")
    assert obj["x"] == 2 and "_method" not in obj


async def test_method_override_delete(api):
    _, created = await api.post("/classes/Doc", {"x": 1})
    assert await api.post(f"/classes/Doc/{created['objectId']}", {"_method": "DELETE"}) == (200, {})
    assert await count(api, "Doc") == 0


async def test_method_override_get_with_options_in_the_body(api):
    await api.post("/classes/Doc", {"x": 1})
    await api.post("/classes/Doc", {"x": 2})
    status, body = await api.post("/classes/Doc", {"_method": "GET", "where": {"x": {"$gt": 1}}, "keys": "x",
                                                   "count": 1})
    assert status == 200
    assert body["count"] == 1 and [r["x"] for r in body["results"]] == [2]


async def test_js_sdk_body_form_create(api):
    status, body = await raw_post(api, "/classes/Doc", {
        "x": 1, "_ApplicationId": "test", "_JavaScriptKey": "test", "_ClientVersion": "js5.3.0",
        "_InstallationId": "inst-1", "_RevocableSession": "1", "_noBody": True})
    assert status == 201, body
    _, obj = await api.get(f"/classes/Doc/{body['objectId']}")
    assert {k: v for k, v in obj.items() if k not in ("createdAt", "updatedAt")} == {"objectId": body["objectId"],
                                                                                     "x": 1}


async def test_js_sdk_body_form_with_the_master_key(api):
    status, body = await raw_post(api, "/schemas", {"_method": "GET", "_ApplicationId": "test", "_MasterKey": "test"})
    assert status == 200 and "results" in body


async def test_js_sdk_body_form_with_a_wrong_application_id_is_403(api):
    status, body = await raw_post(api, "/classes/Doc", {"x": 1, "_ApplicationId": "wrong", "_JavaScriptKey": "test"})
    assert (status, body) == (403, {"error": "unauthorized"})
    assert await count(api, "Doc") == 0


async def test_js_sdk_body_form_with_a_wrong_javascript_key_is_403(api):
    status, body = await raw_post(api, "/classes/Doc", {"x": 1, "_ApplicationId": "test", "_JavaScriptKey": "bad"})
    assert (status, body) == (403, {"error": "unauthorized"})
    assert await count(api, "Doc") == 0


async def test_urlencoded_body(api):
    resp = await api.client.post("/1/classes/Doc", data="x=1&y=two", headers={
        **api.headers(), "Content-Type": "application/x-www-form-urlencoded"})
    body = await resp.json()
    assert resp.status == 201, body
    _, obj = await api.get(f"/classes/Doc/{body['objectId']}")
    assert (obj["x"], obj["y"]) == ("1", "two")


# ----- X-Parse-Cloud-Context -----
@pytest.mark.parametrize("context", ["not json", "[1, 2]", "\"text\"", "5"])
async def test_invalid_cloud_context_header_is_107(api, context):
    status, body = await api.post("/classes/Doc", {"x": 1},
                                  headers=api.headers(**{"X-Parse-Cloud-Context": context}))
    assert (status, body) == (400, {"code": 107, "error": "Invalid object for context."})
    assert await count(api, "Doc") == 0


async def test_object_cloud_context_header_is_accepted(api):
    status, _ = await api.post("/classes/Doc", {"x": 1}, headers=api.headers(**{"X-Parse-Cloud-Context": '{"a":1}'}))
    assert status == 201


async def test_invalid_context_in_the_js_sdk_body_is_107(api):
    status, body = await raw_post(api, "/classes/Doc", {"x": 1, "_ApplicationId": "test", "_JavaScriptKey": "test",
                                                        "_context": "nope"})
    assert (status, body) == (400, {"code": 107, "error": "Invalid object for context."})
    assert await count(api, "Doc") == 0


# ----- Authorization: Basic -----
async def test_basic_auth_with_the_master_key(api):
    resp = await api.client.get("/1/schemas", headers=basic("test:test"))
    assert resp.status == 200
    assert "results" in await resp.json()


async def test_basic_auth_with_the_javascript_key(api):
    await api.post("/classes/Doc", {"x": 1})
    resp = await api.client.get("/1/classes/Doc", headers=basic("test:javascript-key=test"))
    assert resp.status == 200
    assert len((await resp.json())["results"]) == 1
    resp = await api.client.get("/1/schemas", headers=basic("test:javascript-key=test"))
    assert (resp.status, await resp.json()) == (403, {"error": "unauthorized: master key is required"})


async def test_basic_auth_with_an_unknown_application_is_403(api):
    resp = await api.client.get("/1/classes/Doc", headers=basic("other:test"))
    assert (resp.status, await resp.json()) == (403, {"error": "unauthorized"})


# ----- masterKeyIps -----
@pytest.mark.parametrize("config_overrides", [{"masterKeyIps": ["10.0.0.1"]}])
async def test_master_key_from_an_address_outside_master_key_ips_is_403(api):
    status, body = await api.get("/schemas", master=True)
    assert (status, body) == (403, {"error": "unauthorized"})
    status, body = await api.post("/classes/Doc", {"x": 1}, master=True)
    assert (status, body) == (403, {"error": "unauthorized"})
    assert await api.get("/classes/Doc") == (200, {"results": []})


@pytest.mark.parametrize("config_overrides", [{"masterKeyIps": ["10.0.0.0/8", "127.0.0.0/8"]}])
async def test_master_key_ips_accept_ranges(api):
    status, _ = await api.get("/schemas", master=True)
    assert status == 200


@pytest.mark.parametrize("config_overrides", [{"readOnlyMasterKey": "ro", "readOnlyMasterKeyIps": ["10.0.0.1"]}])
async def test_read_only_master_key_from_outside_its_ips_is_403(api):
    resp = await api.client.get("/1/schemas", headers=api.headers(**{"X-Parse-Master-Key": "ro"}))
    assert (resp.status, await resp.json()) == (403, {"error": "unauthorized"})


@pytest.mark.parametrize("config_overrides", [{"readOnlyMasterKey": "ro"}])
async def test_read_only_master_key_from_any_ip_by_default(api):
    resp = await api.client.get("/1/schemas", headers=api.headers(**{"X-Parse-Master-Key": "ro"}))
    assert resp.status == 200
    resp = await api.client.post("/1/classes/Doc", json={"x": 1}, headers=api.headers(**{"X-Parse-Master-Key": "ro"}))
    assert resp.status == 400 and (await resp.json())["code"] == 119


@pytest.mark.parametrize("name", ["masterKeyIps", "maintenanceKeyIps", "readOnlyMasterKeyIps"])
@pytest.mark.parametrize("bad, shown", [("1.2.3", "1.2.3"), ("10.0.0.0/99", "10.0.0.0"), ("localhost", "localhost")])
def test_an_invalid_ip_option_stops_the_start(name, bad, shown):
    from parse_clone.config import ServerConfig, check_ip_options
    from parse_clone.option_spec import ConfigError

    config = ServerConfig()
    setattr(config, name, ["127.0.0.1", bad])
    with pytest.raises(ConfigError) as e:
        check_ip_options(config)
    assert str(e.value) == f'The Parse Server option "{name}" contains an invalid IP address "{shown}".'


# ----- routing -----
async def test_unknown_route_is_404(api):
    resp = await api.client.get("/1/nothing/here", headers=api.headers())
    assert resp.status == 404
    assert await resp.json() == {"error": "Cannot GET /1/nothing/here"}
