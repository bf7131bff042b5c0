"""Event selection: create, enter, update, leave and delete, with keys, watch and every query kind."""

from __future__ import annotations

import pytest

PRIVATE = {"ACL": {}}


async def subscribed(live, where=None, class_name="Job", request_id=1, **query):
    sock = await live.socket()
    reply = await sock.subscribe(request_id, class_name, where, **query)
    assert reply["op"] == "subscribed", reply
    return sock


async def marker(live, sock, class_name="Job", **fields):
    """A write the socket sees; the next frame must be its create (so nothing came before)."""
    created = await live.create(class_name, {"marker": True, **fields})
    frame = await sock.recv()
    assert frame["op"] == "create" and frame["object"]["objectId"] == created["objectId"], frame


async def test_a_matching_create_is_a_create_event_with_the_whole_object(live):
    sock = await subscribed(live, {"status": "open"})
    created = await live.create("Job", {"status": "open", "n": 3})
    frame = await sock.expect_event("create")
    _, stored = await live.get(f"/classes/Job/{created['objectId']}")
    assert frame["object"] == {**stored, "className": "Job"}
    assert "original" not in frame


async def test_a_create_that_does_not_match_sends_nothing(live):
    sock = await subscribed(live, {"status": "open"})
    await live.create("Job", {"status": "done"})
    await marker(live, sock, status="open")


async def test_an_update_inside_the_query_is_an_update_with_the_original(live):
    created = await live.create("Job", {"status": "open", "n": 1})
    sock = await subscribed(live, {"status": "open"})
    await live.update("Job", created["objectId"], {"n": {"__op": "Increment", "amount": 1}})
    frame = await sock.expect_event("update")
    assert frame["object"]["n"] == 2 and frame["original"]["n"] == 1
    assert frame["object"]["className"] == frame["original"]["className"] == "Job"
    assert frame["object"]["updatedAt"] > frame["original"]["updatedAt"]


async def test_an_update_into_the_query_is_enter(live):
    created = await live.create("Job", {"status": "new"})
    sock = await subscribed(live, {"status": "open"})
    await live.update("Job", created["objectId"], {"status": "open"})
    frame = await sock.expect_event("enter")
    assert frame["object"]["status"] == "open" and frame["original"]["status"] == "new"


async def test_an_update_out_of_the_query_is_leave(live):
    created = await live.create("Job", {"status": "open"})
    sock = await subscribed(live, {"status": "open"})
    await live.update("Job", created["objectId"], {"status": "done"})
    frame = await sock.expect_event("leave")
    assert frame["object"]["status"] == "done" and frame["original"]["status"] == "open"


async def test_an_update_outside_the_query_sends_nothing(live):
    created = await live.create("Job", {"status": "new"})
    sock = await subscribed(live, {"status": "open"})
    await live.update("Job", created["objectId"], {"status": "done"})
    await marker(live, sock, status="open")


async def test_a_delete_of_a_matching_object_is_delete(live):
    created = await live.create("Job", {"status": "open"})
    sock = await subscribed(live, {"status": "open"})
    status, _ = await live.delete(f"/classes/Job/{created['objectId']}")
    assert status == 200
    frame = await sock.expect_event("delete")
    assert frame["object"]["objectId"] == created["objectId"] and frame["object"]["status"] == "open"
    assert "original" not in frame


async def test_a_delete_of_an_object_outside_the_query_sends_nothing(live):
    created = await live.create("Job", {"status": "done"})
    sock = await subscribed(live, {"status": "open"})
    await live.delete(f"/classes/Job/{created['objectId']}")
    await marker(live, sock, status="open")


async def test_gaining_read_access_is_enter_and_losing_it_is_leave(live):
    user = await live.sign_up("reader")
    created = await live.create("Job", {"n": 1, **PRIVATE}, master=True)
    sock = await subscribed(live, {}, session_token=user["sessionToken"])
    readable = {"ACL": {user["objectId"]: {"read": True}}}
    await live.update("Job", created["objectId"], readable, master=True)
    assert (await sock.expect_event("enter"))["object"]["ACL"] == readable["ACL"]
    await live.update("Job", created["objectId"], PRIVATE, master=True)
    frame = await sock.expect_event("leave")
    assert frame["object"]["ACL"] == {} and frame["original"]["ACL"] == readable["ACL"]


async def test_keys_limit_object_and_original_to_those_fields(live):
    created = await live.create("Job", {"title": "a", "secret": "s", "n": 1,
                                      "ACL": {"*": {"read": True, "write": True}}})
    sock = await subscribed(live, {}, keys=["title"])
    await live.update("Job", created["objectId"], {"title": "b"})
    frame = await sock.expect_event("update")
    for obj in (frame["object"], frame["original"]):
        assert set(obj) == {"className", "objectId", "createdAt", "updatedAt", "ACL", "title"}
    assert frame["object"]["title"] == "b" and frame["original"]["title"] == "a"


async def test_watch_sends_updates_only_when_a_watched_field_changes(live):
    created = await live.create("Job", {"status": "open", "note": "x"})
    sock = await subscribed(live, {}, watch=["status"])
    await live.update("Job", created["objectId"], {"note": "y"})
    await live.update("Job", created["objectId"], {"status": "done"})
    frame = await sock.expect_event("update")
    assert frame["object"]["status"] == "done" and frame["object"]["note"] == "y"


async def test_watch_sends_a_create_only_with_a_watched_field(live):
    sock = await subscribed(live, {}, watch=["status"])
    await live.create("Job", {"note": "no status"})
    created = await live.create("Job", {"status": "open"})
    frame = await sock.expect_event("create")
    assert frame["object"]["objectId"] == created["objectId"]


async def test_watch_does_not_hold_back_enter_and_leave(live):
    created = await live.create("Job", {"status": "open", "n": 1})
    sock = await subscribed(live, {"n": 1}, watch=["status"])
    await live.update("Job", created["objectId"], {"n": 2})
    await sock.expect_event("leave")


async def test_update_op_replaces_the_query(live):
    sock = await subscribed(live, {"status": "open"})
    assert (await sock.subscribe(1, "Job", {"status": "done"}, op="update"))["op"] == "subscribed"
    await live.create("Job", {"status": "open"})
    created = await live.create("Job", {"status": "done"})
    assert (await sock.expect_event("create"))["object"]["objectId"] == created["objectId"]


async def test_after_unsubscribe_no_more_events(live):
    sock = await subscribed(live, {"status": "open"})
    await sock.subscribe(2, "Job", {"marker": True})
    await sock.send({"op": "unsubscribe", "requestId": 1})
    assert (await sock.recv())["op"] == "unsubscribed"
    await live.create("Job", {"status": "open"})
    created = await live.create("Job", {"marker": True})
    frame = await sock.expect_event("create", request_id=2)
    assert frame["object"]["objectId"] == created["objectId"]


async def test_each_request_on_the_same_query_gets_its_own_event(live):
    sock = await subscribed(live, {"status": "open"})
    await sock.subscribe(2, "Job", {"status": "open"})
    other = await subscribed(live, {"status": "open"}, request_id=5)
    assert live.server.extras["livequery"].server.index.count == 1
    await live.create("Job", {"status": "open"})
    assert sorted([(await sock.recv())["requestId"], (await sock.recv())["requestId"]]) == [1, 2]
    await other.expect_event("create", request_id=5)


async def test_classes_not_in_class_names_publish_nothing(live):
    sock = await subscribed(live, {}, class_name="Secretless")
    await sock.subscribe(2, "Job", {})
    await live.create("Secretless", {"n": 1})
    created = await live.create("Job", {"n": 1})
    frame = await sock.expect_event("create", request_id=2)
    assert frame["object"]["objectId"] == created["objectId"]


async def test_class_names_are_patterns(live):
    sock = await subscribed(live, {}, class_name="TestObject")
    await live.create("TestObject", {"n": 1})
    assert (await sock.expect_event("create"))["object"]["className"] == "TestObject"


async def test_events_carry_typed_values_in_rest_form(live):
    sock = await subscribed(live, {})
    values = {"when": {"__type": "Date", "iso": "2024-05-01T12:00:00.000Z"},
              "owner": {"__type": "Pointer", "className": "_User", "objectId": "u1"},
              "where": {"__type": "GeoPoint", "latitude": 1.0, "longitude": 2.0},
              "file": {"__type": "File", "name": "f.txt"}}
    await live.create("Job", values)
    obj = (await sock.expect_event("create"))["object"]
    assert obj["when"] == values["when"] and obj["owner"] == values["owner"] and obj["where"] == values["where"]
    assert obj["file"] == {"__type": "File", "name": "f.txt", "url": "http://localhost:8378/1/files/test/f.txt"}
    assert "__type" not in obj


@pytest.mark.parametrize("where, hit, miss", [
    ({"n": {"$gt": 5}}, {"n": 6}, {"n": 5}),
    ({"n": {"$in": [1, 2]}}, {"n": 2}, {"n": 3}),
    ({"tags": "a"}, {"tags": ["b", "a"]}, {"tags": ["b"]}),
    ({"tags": {"$all": ["a", "b"]}}, {"tags": ["a", "b", "c"]}, {"tags": ["a"]}),
    ({"s": {"$regex": "^ab", "$options": "i"}}, {"s": "ABc"}, {"s": "cab"}),
    ({"s": {"$regex": "\\Qa.b\\E"}}, {"s": "xa.by"}, {"s": "axb"}),
    ({"s": {"$exists": True}}, {"s": ""}, {"n": 1}),
    ({"foo": {"$ne": None}}, {"foo": "bar"}, {"n": 1}),
    ({"o.x": 1}, {"o": {"x": 1}}, {"o": {"x": 2}}),
    ({"$or": [{"n": 1}, {"s": "a"}]}, {"s": "a"}, {"n": 2}),
    ({"when": {"$lt": {"__type": "Date", "iso": "2024-01-01T00:00:00.000Z"}}},
     {"when": {"__type": "Date", "iso": "2023-01-01T00:00:00.000Z"}},
     {"when": {"__type": "Date", "iso": "2025-01-01T00:00:00.000Z"}}),
    ({"owner": {"__type": "Pointer", "className": "_User", "objectId": "u1"}},
     {"owner": {"__type": "Pointer", "className": "_User", "objectId": "u1"}},
     {"owner": {"__type": "Pointer", "className": "_User", "objectId": "u2"}}),
    ({"where": {"$geoWithin": {"$centerSphere": [[-30.0, 40.0], 2 / 6371]}}},
     {"where": {"__type": "GeoPoint", "latitude": 40.0, "longitude": -30.0}},
     {"where": {"__type": "GeoPoint", "latitude": 41.0, "longitude": -30.0}}),
    ({"where": {"$nearSphere": {"__type": "GeoPoint", "latitude": 0, "longitude": 0},
                "$maxDistanceInKilometers": 200}},
     {"where": {"__type": "GeoPoint", "latitude": 1.0, "longitude": 0.0}},
     {"where": {"__type": "GeoPoint", "latitude": 3.0, "longitude": 0.0}}),
])
async def test_query_operators_select_events(live, where, hit, miss):
    sock = await subscribed(live, where)
    await live.create("Job", miss)
    created = await live.create("Job", hit)
    assert (await sock.expect_event("create"))["object"]["objectId"] == created["objectId"]


async def test_a_pointer_given_as_an_id_matches_a_pointer_field(live):
    await live.create("Job", {"owner": {"__type": "Pointer", "className": "_User", "objectId": "u0"}})
    sock = await subscribed(live, {"owner": "u1"})
    await live.create("Job", {"owner": {"__type": "Pointer", "className": "_User", "objectId": "u2"}})
    created = await live.create("Job", {"owner": {"__type": "Pointer", "className": "_User", "objectId": "u1"}})
    assert (await sock.expect_event("create"))["object"]["objectId"] == created["objectId"]


@pytest.mark.parametrize("where", [
    {"n": {"$inQuery": {"className": "Other", "where": {}}}},
    {"n": {"$select": {"query": {"className": "Other", "where": {}}, "key": "n"}}},
    {"$relatedTo": {"object": {"__type": "Pointer", "className": "Other", "objectId": "x"}, "key": "rel"}},
    {"title": {"$text": {"$search": {"$term": "a"}}}},
])
async def test_constraints_that_need_other_queries_never_match(live, where):
    sock = await subscribed(live, where)
    await sock.subscribe(2, "Job", {"marker": True})
    await live.create("Job", {"n": 1, "title": "a"})
    created = await live.create("Job", {"marker": True, "n": 1})
    assert (await sock.expect_event("create", request_id=2))["object"]["objectId"] == created["objectId"]


async def test_an_or_branch_with_a_subquery_still_lets_the_other_branch_match(live):
    sock = await subscribed(live, {"$or": [{"n": {"$inQuery": {"className": "Other", "where": {}}}}, {"n": 2}]})
    created = await live.create("Job", {"n": 2})
    assert (await sock.expect_event("create"))["object"]["objectId"] == created["objectId"]


async def test_an_objectid_query_follows_one_object(live):
    a = await live.create("Job", {"n": 1})
    b = await live.create("Job", {"n": 1})
    sock = await subscribed(live, {"objectId": b["objectId"]})
    await live.update("Job", a["objectId"], {"n": 2})
    await live.update("Job", b["objectId"], {"n": 2})
    assert (await sock.expect_event("update"))["object"]["objectId"] == b["objectId"]


async def test_batch_writes_publish_each_object(live):
    sock = await subscribed(live, {})
    requests = [{"method": "POST", "path": "/1/classes/Job", "body": {"i": i}} for i in range(3)]
    status, body = await live.post("/batch", {"requests": requests})
    assert status == 200, body
    got = sorted([(await sock.expect_event("create"))["object"]["i"] for _ in range(3)])
    assert got == [0, 1, 2]


async def test_events_flow_the_same_on_mongodb_storage(aiohttp_client, tmp_path):
    """The publisher only sees core write events: the storage backend makes no difference."""
    from parse_clone.app import build_app, build_server
    from tests.conftest import make_config, make_storage

    from .conftest import LiveApp

    server = build_server(make_config(liveQuery={"classNames": ["Job"]}), make_storage("mongomock", tmp_path))
    live = LiveApp(await aiohttp_client(build_app(server)), server)
    sock = await subscribed(live, {"n": {"$gte": 1}})
    job = await live.create("Job", {"n": 1})
    await sock.expect_event("create")
    await live.update("Job", job["objectId"], {"n": 0})
    assert (await sock.expect_event("leave"))["original"]["n"] == 1
