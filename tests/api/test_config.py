"""/config: Parse.Config parameters; reads for everyone, writes with the master key, masterKeyOnly params."""

from __future__ import annotations

from typing import Any

import pytest


async def put_config(api, **body: Any) -> None:
    status, answer = await api.put("/config", body, master=True)
    assert (status, answer) == (200, {"result": True})


async def params(api, master: bool = False) -> dict[str, Any]:
    status, body = await api.get("/config", master=master)
    assert status == 200, body
    return body["params"]


async def test_empty_config(api):
    assert await api.get("/config") == (200, {"params": {}})


async def test_put_then_get(api):
    await put_config(api, params={"companies": ["US", "DK"], "welcome": "hi", "max": 3})
    assert await params(api) == {"companies": ["US", "DK"], "welcome": "hi", "max": 3}


async def test_put_merges_with_existing_params(api):
    await put_config(api, params={"a": 1, "b": 2})
    await put_config(api, params={"b": 3, "c": 4})
    assert await params(api) == {"a": 1, "b": 3, "c": 4}


async def test_put_needs_the_master_key(api):
    status, body = await api.put("/config", {"params": {"a": 1}})
    assert (status, body) == (403, {"error": "unauthorized: master key is required"})
    assert await api.get("/config") == (200, {"params": {}})


@pytest.mark.parametrize("config_overrides", [{"readOnlyMasterKey": "read-only"}])
async def test_read_only_master_key_cannot_put_119(api):
    headers = api.headers(**{"X-Parse-Master-Key": "read-only"})
    status, body = await api.put("/config", {"params": {"a": 1}}, headers=headers)
    assert (status, body) == (400, {"code": 119, "error": "read-only masterKey isn't allowed to update the config."})
    status, body = await api.get("/config", headers=headers)
    assert (status, body["params"]) == (200, {})


async def test_master_key_only_params_are_hidden_from_clients(api):
    await put_config(api, params={"internal": "secret", "public": "ok"}, masterKeyOnly={"internal": True})
    assert await params(api) == {"public": "ok"}
    status, body = await api.get("/config", master=True)
    assert status == 200
    assert body["params"] == {"internal": "secret", "public": "ok"}
    assert body["masterKeyOnly"]["internal"] is True
    assert not body["masterKeyOnly"].get("public")


async def test_clients_get_the_public_params_with_their_false_flags(api):
    # Parse Server's GET /config without the master key drops each master-key-only param from params and
    # from masterKeyOnly, and answers the other flags as stored.
    await put_config(api, params={"internal": "secret", "public": "ok"}, masterKeyOnly={"internal": True})
    assert await api.get("/config") == (200, {"params": {"public": "ok"}, "masterKeyOnly": {"public": False}})


async def test_clients_get_empty_params_when_every_param_is_master_key_only(api):
    await put_config(api, params={"internal": "secret"}, masterKeyOnly={"internal": True})
    assert await api.get("/config") == (200, {"params": {}, "masterKeyOnly": {}})


async def test_never_written_config_has_no_master_key_only_flags(api):
    assert await api.get("/config", master=True) == (200, {"params": {}})


async def test_master_key_only_can_be_lifted(api):
    await put_config(api, params={"internal": "secret"}, masterKeyOnly={"internal": True})
    await put_config(api, params={"internal": "secret"}, masterKeyOnly={"internal": False})
    assert await params(api) == {"internal": "secret"}


async def test_delete_op_removes_a_param(api):
    await put_config(api, params={"a": 1, "b": 2})
    await put_config(api, params={"a": {"__op": "Delete"}})
    assert await params(api) == {"b": 2}


async def test_increment_op(api):
    await put_config(api, params={"counter": 20})
    await put_config(api, params={"counter": {"__op": "Increment", "amount": 49}})
    assert (await params(api))["counter"] == 69


@pytest.mark.parametrize("op, expected", [
    ({"__op": "Add", "objects": ["PA", "US"]}, ["US", "DK", "PA", "US"]),
    ({"__op": "AddUnique", "objects": ["PA", "US", "RS"]}, ["US", "DK", "PA", "RS"]),
    ({"__op": "Remove", "objects": ["US"]}, ["DK"]),
])
async def test_array_ops(api, op, expected):
    await put_config(api, params={"companies": ["US", "DK"]})
    await put_config(api, params={"companies": op})
    assert (await params(api))["companies"] == expected


@pytest.mark.parametrize("value", [
    {"__type": "Date", "iso": "2024-05-01T12:00:00.000Z"},
    {"__type": "GeoPoint", "latitude": 40.1, "longitude": -73.9},
    {"__type": "Pointer", "className": "Post", "objectId": "Ab12Cd34Ef"},
    {"nested": {"deep": [1, {"x": True}]}},
])
async def test_typed_values_round_trip(api, value):
    await put_config(api, params={"v": value})
    assert (await params(api))["v"] == value


async def test_file_values_get_their_url(api):
    await put_config(api, params={"logo": {"__type": "File", "name": "abc_logo.png"}})
    assert (await params(api))["logo"] == {"__type": "File", "name": "abc_logo.png",
                                          "url": "http://localhost:8378/1/files/test/abc_logo.png"}


async def test_unknown_op_is_108(api):
    await put_config(api, params={"a": 1})
    status, body = await api.put("/config", {"params": {"a": {"__op": "Explode"}}}, master=True)
    assert (status, body) == (400, {"code": 108, "error": "The Explode operator is not supported yet."})
    assert await params(api) == {"a": 1}


async def test_master_key_only_delete_op_clears_the_flag(api):
    await api.put("/config", {"params": {"counter": 1}, "masterKeyOnly": {"counter": True}}, master=True)
    await api.put("/config", {"masterKeyOnly": {"counter": {"__op": "Delete"}}}, master=True)
    status, body = await api.get("/config")
    assert (status, body) == (200, {"params": {"counter": 1}, "masterKeyOnly": {}})


async def test_each_param_written_records_its_master_key_only_flag(api):
    # Parse Server's PUT /config sets masterKeyOnly.<key> for every key of params: the flag sent, else false.
    await put_config(api, params={"a": 1, "b": 2}, masterKeyOnly={"b": True})
    status, body = await api.get("/config", master=True)
    assert (status, body) == (200, {"params": {"a": 1, "b": 2}, "masterKeyOnly": {"a": False, "b": True}})


async def test_rewriting_a_param_without_its_flag_makes_it_public_again(api):
    await put_config(api, params={"a": 1}, masterKeyOnly={"a": True})
    await put_config(api, params={"a": 2})
    status, body = await api.get("/config", master=True)
    assert (status, body) == (200, {"params": {"a": 2}, "masterKeyOnly": {"a": False}})
    assert await params(api) == {"a": 2}


async def test_deleting_a_param_leaves_its_flag_false(api):
    await put_config(api, params={"a": 1, "b": 2}, masterKeyOnly={"a": True})
    await put_config(api, params={"a": {"__op": "Delete"}})
    status, body = await api.get("/config", master=True)
    assert (status, body) == (200, {"params": {"b": 2}, "masterKeyOnly": {"a": False, "b": False}})


async def test_deleting_a_param_with_its_flag_deleted_removes_both(api):
    # Parse Dashboard deletes a parameter so: both sent as {"__op": "Delete"}.
    await put_config(api, params={"a": 1, "b": 2}, masterKeyOnly={"a": True})
    await put_config(api, params={"a": {"__op": "Delete"}}, masterKeyOnly={"a": {"__op": "Delete"}})
    status, body = await api.get("/config", master=True)
    assert (status, body) == (200, {"params": {"b": 2}, "masterKeyOnly": {"b": False}})
