"""routeAllowList: clients without the master key reach only the listed REST routes; also
allowAggregationForReadOnlyMasterKey."""

from __future__ import annotations

import pytest

from parse_clone.option_spec import ConfigError
from parse_clone.route_allow_list import compile_route_allow_list

ALLOW = {"routeAllowList": ["classes/Chat.*", "users", "login", "functions/.*"]}


def _refused(method: str, route: str) -> tuple[int, dict]:
    return 400, {"code": 119, "error": f"Route not allowed by routeAllowList: {method} {route}"}


@pytest.mark.parametrize("config_overrides", [ALLOW])
async def test_listed_routes_pass_and_others_are_refused(api):
    status, created = await api.post("/classes/ChatMessage", {"text": "hi"})
    assert status == 201
    assert (await api.get(f"/classes/ChatMessage/{created['objectId']}"))[0] == 200
    assert await api.post("/classes/Secret", {"x": 1}) == _refused("POST", "classes/Secret")
    assert await api.get("/classes/Secret") == _refused("GET", "classes/Secret")
    assert await api.get("/config") == _refused("GET", "config")
    assert await api.get("/users/me") == _refused("GET", "users/me")  # anchored: "users" is that route only
    assert (await api.post("/users", {"username": "ann", "password": "pw"}))[0] == 201


@pytest.mark.parametrize("config_overrides", [ALLOW])
async def test_master_key_is_not_limited(api):
    status, _ = await api.post("/classes/Secret", {"x": 1}, master=True)
    assert status == 201
    assert (await api.get("/config", master=True))[0] == 200


@pytest.mark.parametrize("config_overrides", [ALLOW])
async def test_batch_sub_requests_are_checked_too(api):
    status, body = await api.post("/batch", {"requests": [
        {"method": "POST", "path": "/1/classes/ChatRoom", "body": {"n": 1}},
        {"method": "POST", "path": "/1/classes/Secret", "body": {"n": 2}}]})
    assert status == 400 and body["code"] == 119  # /batch itself is not listed
    allowed = {"routeAllowList": ["batch", "classes/Chat.*"]}
    api.server.extras["route_allow_list"] = compile_route_allow_list(allowed["routeAllowList"])
    status, body = await api.post("/batch", {"requests": [
        {"method": "POST", "path": "/1/classes/ChatRoom", "body": {"n": 1}},
        {"method": "POST", "path": "/1/classes/Secret", "body": {"n": 2}}]})
    assert status == 200
    assert "success" in body[0]
    assert body[1] == {"error": {"code": 119, "error": "Route not allowed by routeAllowList: POST classes/Secret"}}


@pytest.mark.parametrize("config_overrides", [{"routeAllowList": [], "enableSanitizedErrorResponse": True}])
async def test_empty_list_locks_the_rest_api_with_a_sanitized_message(api):
    assert await api.get("/classes/Anything") == (400, {"code": 119, "error": "Permission denied"})
    assert await api.get("/health") == (400, {"code": 119, "error": "Permission denied"})


async def test_unset_means_every_route_is_open(api):
    assert (await api.get("/config"))[0] == 200


@pytest.mark.parametrize("bad, message", [
    ("users", "Parse Server option routeAllowList must be an array of strings."),
    ([5], "Parse Server option routeAllowList contains a non-string value."),
    (["classes/("], 'Parse Server option routeAllowList contains an invalid regex pattern: "classes/(".'),
])
def test_malformed_option(bad, message):
    with pytest.raises(ConfigError) as e:
        compile_route_allow_list(bad)
    assert str(e.value) == message


@pytest.mark.parametrize("config_overrides", [{"readOnlyMasterKey": "ro", "allowAggregationForReadOnlyMasterKey": False}])
async def test_read_only_master_key_aggregation_can_be_refused(api):
    await api.post("/classes/Item", {"n": 1}, master=True)
    resp = await api.client.get("/1/aggregate/Item", params={"pipeline": '[{"$match": {"n": 1}}]'},
                                headers=api.headers(**{"X-Parse-Master-Key": "ro"}))
    assert (resp.status, await resp.json()) == (400, {
        "code": 119, "error": "Cannot run an aggregation pipeline when using the readOnlyMasterKey"})
    assert (await api.get("/aggregate/Item", params={"pipeline": '[{"$match": {"n": 1}}]'}, master=True))[0] == 200


@pytest.mark.parametrize("config_overrides", [{"readOnlyMasterKey": "ro"}])
async def test_read_only_master_key_aggregates_by_default(api):
    await api.post("/classes/Item", {"n": 1}, master=True)
    resp = await api.client.get("/1/aggregate/Item", params={"pipeline": '[{"$match": {"n": 1}}]'},
                                headers=api.headers(**{"X-Parse-Master-Key": "ro"}))
    assert resp.status == 200 and len((await resp.json())["results"]) == 1
