"""graphql-ws subscriptions for LiveQuery classes: events, where filters, ACL checks, errors."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import APP_ID, REST_KEY
from tests.support.users import sign_up

SUB = """subscription($w: JobWhereInput) { job(where: $w) { event object { objectId title } original { title } } }"""


@pytest.fixture
def config_overrides():
    return {"mountGraphQL": True, "liveQuery": {"classNames": ["Job"]}}


async def _connect(api, **keys: str):
    ws = await api.client.ws_connect("/graphql", protocols=("graphql-transport-ws",))
    await ws.send_json({"type": "connection_init", "payload": {
        "X-Parse-Application-Id": APP_ID, "X-Parse-REST-API-Key": REST_KEY, **keys}})
    return ws


async def _settled(ws) -> None:
    """Messages are handled in order: the pong comes once the subscribe before it is in place."""
    await ws.send_json({"type": "ping"})
    assert await _next(ws) == {"type": "pong"}


async def _next(ws) -> dict:
    return await asyncio.wait_for(ws.receive_json(), 5)


async def test_schema_has_subscriptions_for_live_classes_only(gql, api):
    await api.post("/classes/Job", {"title": "x"})
    await api.post("/classes/Other", {"title": "x"})
    out = await gql.data("{ __schema { subscriptionType { fields { name } } } }", master=True)
    assert out == {"__schema": {"subscriptionType": {"fields": [{"name": "job"}]}}}


async def test_events_follow_the_where_filter(gql, api):
    await api.post("/schemas/Job", {"className": "Job", "fields": {"title": {"type": "String"},
                                                                  "open": {"type": "Boolean"}}}, master=True)
    ws = await _connect(api)
    assert await _next(ws) == {"type": "connection_ack"}
    await ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": SUB,
                                                                    "variables": {"w": {"open": {"equalTo": True}}}}})
    await _settled(ws)
    await api.post("/classes/Job", {"title": "closed", "open": False})
    status, job = await api.post("/classes/Job", {"title": "a", "open": True})
    assert await _next(ws) == {"id": "1", "type": "next", "payload": {"data": {"job": {
        "event": "create", "object": {"objectId": job["objectId"], "title": "a"}, "original": None}}}}
    await api.put(f"/classes/Job/{job['objectId']}", {"title": "b"})
    assert await _next(ws) == {"id": "1", "type": "next", "payload": {"data": {"job": {
        "event": "update", "object": {"objectId": job["objectId"], "title": "b"}, "original": {"title": "a"}}}}}
    await api.put(f"/classes/Job/{job['objectId']}", {"open": False})
    assert (await _next(ws))["payload"]["data"]["job"]["event"] == "leave"
    await ws.send_json({"id": "1", "type": "complete"})
    await ws.send_json({"type": "ping"})
    assert await _next(ws) == {"type": "pong"}
    await ws.close()


async def test_acl_applies_to_events(gql, api):
    await api.post("/schemas/Job", {"className": "Job", "fields": {"title": {"type": "String"}}}, master=True)
    owner = await sign_up(api, "owner")
    other = await sign_up(api, "other")
    ws = await _connect(api, **{"X-Parse-Session-Token": other["sessionToken"]})
    assert await _next(ws) == {"type": "connection_ack"}
    await ws.send_json({"id": "s", "type": "subscribe", "payload": {"query": SUB}})
    await _settled(ws)
    await api.post("/classes/Job", {"title": "private", "ACL": {owner["objectId"]: {"read": True, "write": True}}},
                   session=owner["sessionToken"])
    await api.post("/classes/Job", {"title": "public"})
    message = await _next(ws)
    assert message["payload"]["data"]["job"]["object"]["title"] == "public", message
    await ws.close()


async def test_bad_keys_and_bad_operations(gql, api):
    ws = await api.client.ws_connect("/graphql", protocols=("graphql-transport-ws",))
    await ws.send_json({"type": "connection_init", "payload": {"X-Parse-Application-Id": "wrong"}})
    closed = await asyncio.wait_for(ws.receive(), 5)
    assert (closed.type.name, ws.close_code) in (("CLOSE", 4403), ("CLOSED", 4403))

    ws = await _connect(api)
    assert await _next(ws) == {"type": "connection_ack"}
    await ws.send_json({"id": "q", "type": "subscribe", "payload": {"query": "{ health }"}})
    assert await _next(ws) == {"id": "q", "type": "error", "payload": [
        {"message": "Only subscription operations are served over graphql-ws here."}]}
    await ws.send_json({"id": "v", "type": "subscribe", "payload": {"query": "subscription { nope { event } }"}})
    assert await _next(ws) == {"id": "v", "type": "error", "payload": [
        {"message": "No class is enabled for LiveQuery: there is nothing to subscribe to."}]}
    await api.post("/schemas/Job", {"className": "Job", "fields": {"title": {"type": "String"}}}, master=True)
    await ws.send_json({"id": "w", "type": "subscribe", "payload": {"query": "subscription { nope { event } }"}})
    error = await _next(ws)
    assert error["id"] == "w" and error["type"] == "error"
    assert error["payload"][0]["message"] == "Cannot query field 'nope'."
    await ws.close()
