"""The LiveQuery wire protocol: connect, subscribe, update, unsubscribe, and bad messages."""

from __future__ import annotations

import re

import pytest

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def error(code: int, message: str, reconnect: bool = True, request_id=None) -> dict:
    return {"op": "error", "error": message, "code": code, "reconnect": reconnect, "requestId": request_id}


async def test_connect_answers_connected_with_a_client_id(live):
    sock = await live.socket(connect=False)
    await sock.send({"op": "connect", "applicationId": "test", "javascriptKey": "test"})
    reply = await sock.recv()
    assert set(reply) == {"op", "clientId"}
    assert reply["op"] == "connected" and UUID.match(reply["clientId"])


async def test_connect_echoes_the_installation_id(live):
    sock = await live.socket(connect=False)
    reply = await sock.connect(installationId="inst-1")
    assert reply["installationId"] == "inst-1"
    subscribed = await sock.subscribe(1, "Job")
    assert subscribed == {"op": "subscribed", "clientId": reply["clientId"], "installationId": "inst-1",
                          "requestId": 1}


async def test_every_client_gets_its_own_id(live):
    a = await live.socket(connect=False)
    b = await live.socket(connect=False)
    assert (await a.connect())["clientId"] != (await b.connect())["clientId"]


async def test_subscribe_update_and_unsubscribe_answer_with_the_request_id(live):
    sock = await live.socket(connect=False)
    client_id = (await sock.connect())["clientId"]
    assert await sock.subscribe(7, "Job", {"n": 1}) == {"op": "subscribed", "clientId": client_id, "requestId": 7}
    assert await sock.subscribe(7, "Job", {"n": 2}, op="update") == {"op": "subscribed", "clientId": client_id,
                                                                     "requestId": 7}
    await sock.send({"op": "unsubscribe", "requestId": 7})
    assert await sock.recv() == {"op": "unsubscribed", "clientId": client_id, "requestId": 7}
    assert live.server.extras["livequery"].server.subscription_count == 0


async def test_malformed_json_is_error_1(live):
    """Parse Server ignores such a frame; an answer tells a hand-written client what went wrong."""
    sock = await live.socket()
    await sock.send("{not json")
    assert await sock.recv() == error(1, "Invalid JSON")


async def test_a_message_that_is_not_an_object_is_error_1(live):
    sock = await live.socket()
    await sock.send("[1, 2]")
    assert await sock.recv() == error(1, "Invalid type: array (expected object)")


async def test_a_message_without_op_is_error_1(live):
    sock = await live.socket()
    await sock.send({"requestId": 1})
    assert await sock.recv() == error(1, "Missing required property: op")


async def test_an_unknown_op_is_error_1_as_parse_server_answers_it(live):
    """Parse Server defines code 3 for this, but its schema check answers first, with code 1."""
    sock = await live.socket()
    await sock.send({"op": "dance"})
    assert await sock.recv() == error(1, 'No enum match for: "dance"')


async def test_an_op_that_is_not_a_string_is_error_1(live):
    sock = await live.socket()
    await sock.send({"op": 5})
    assert await sock.recv() == error(1, "Invalid type: number (expected string)")


async def test_additional_properties_are_error_1_with_the_text_the_sdk_reacts_to(live):
    sock = await live.socket(connect=False)
    await sock.send({"op": "connect", "applicationId": "test", "favouriteColour": "blue"})
    assert await sock.recv() == error(1, "Additional properties not allowed")


async def test_connect_without_application_id_is_error_1(live):
    sock = await live.socket(connect=False)
    await sock.send({"op": "connect"})
    assert await sock.recv() == error(1, "Missing required property: applicationId")


@pytest.mark.parametrize("message, text", [
    ({"op": "subscribe", "requestId": "1", "query": {"className": "Job", "where": {}}},
     "Invalid type: string (expected number)"),
    ({"op": "subscribe", "requestId": 1}, "Missing required property: query"),
    ({"op": "subscribe", "requestId": 1, "query": {"className": "Job"}}, "Missing required property: where"),
    ({"op": "subscribe", "requestId": 1, "query": {"className": "Job", "where": {}, "limit": 1}},
     "Additional properties not allowed"),
    ({"op": "subscribe", "requestId": 1, "query": {"className": "Job", "where": {}, "keys": []}},
     "Array is too short (0), minimum 1"),
    ({"op": "subscribe", "requestId": 1, "query": {"className": "Job", "where": {}, "watch": ["a", "a"]}},
     "Array items are not unique (indices 0 and 1)"),
    ({"op": "unsubscribe"}, "Missing required property: requestId"),
])
async def test_malformed_requests_are_error_1(live, message, text):
    sock = await live.socket()
    await sock.send(message)
    assert await sock.recv() == error(1, text)


async def test_subscribe_before_connect_is_error_2(live):
    sock = await live.socket(connect=False)
    await sock.send({"op": "subscribe", "requestId": 1, "query": {"className": "Job", "where": {}}})
    assert await sock.recv() == error(
        2, "Can not find this client, make sure you connect to server before subscribing")


async def test_unsubscribe_before_connect_is_error_2(live):
    sock = await live.socket(connect=False)
    await sock.send({"op": "unsubscribe", "requestId": 1})
    assert await sock.recv() == error(
        2, "Can not find this client, make sure you connect to server before unsubscribing")


async def test_unsubscribe_of_an_unknown_request_is_error_2(live):
    sock = await live.socket(connect=False)
    client_id = (await sock.connect())["clientId"]
    await sock.send({"op": "unsubscribe", "requestId": 9})
    assert await sock.recv() == error(
        2, f"Cannot find subscription with clientId {client_id} subscriptionId 9. "
           "Make sure you subscribe to live query server before unsubscribing.")


async def test_a_wrong_application_id_is_error_4(live):
    sock = await live.socket(connect=False)
    await sock.send({"op": "connect", "applicationId": "other", "javascriptKey": "test"})
    assert await sock.recv() == error(4, "Key in request is not valid")


async def test_a_wrong_client_key_is_error_4(live):
    sock = await live.socket(connect=False)
    await sock.send({"op": "connect", "applicationId": "test", "javascriptKey": "nope"})
    assert await sock.recv() == error(4, "Key in request is not valid")


async def test_the_rest_key_or_the_master_key_also_open_a_connection(live):
    sock = await live.socket(connect=False)
    await sock.connect(javascriptKey="nope", restAPIKey="rest")
    other = await live.socket(connect=False)
    await other.send({"op": "connect", "applicationId": "test", "masterKey": "test"})
    assert (await other.recv())["op"] == "connected"


async def test_a_client_rejected_for_its_keys_can_still_connect_properly(live):
    sock = await live.socket(connect=False)
    await sock.send({"op": "connect", "applicationId": "test", "javascriptKey": "nope"})
    assert (await sock.recv())["code"] == 4
    await sock.connect()


async def test_an_invalid_where_is_answered_with_its_parse_code_for_that_request(live):
    sock = await live.socket()
    reply = await sock.subscribe(3, "Job", {"bad-key": 1})
    assert reply == error(105, "Invalid key name: bad-key", reconnect=False, request_id=3)
    reply = await sock.subscribe(4, "Job", {"n": {"$bogus": 1}})
    assert reply == error(107, "bad constraint: $bogus", reconnect=False, request_id=4)


async def test_binary_frames_are_read_as_text(live):
    sock = await live.socket(connect=False)
    await sock.send(b'{"op": "connect", "applicationId": "test", "javascriptKey": "test"}')
    assert (await sock.recv())["op"] == "connected"


async def test_fields_is_accepted_for_keys(live):
    sock = await live.socket()
    assert (await sock.subscribe(1, "Job", fields=["title"]))["op"] == "subscribed"
    await live.create("Job", {"title": "t", "secret": "s"})
    frame = await sock.expect_event("create")
    assert set(frame["object"]) == {"className", "objectId", "createdAt", "updatedAt", "title"}


async def test_a_second_connect_on_one_socket_starts_over(live):
    sock = await live.socket()
    await sock.subscribe(1, "Job")
    lq = live.server.extras["livequery"].server
    assert lq.subscription_count == 1
    await sock.connect()
    assert lq.subscription_count == 0 and len(lq.clients) == 1


async def test_a_repeated_request_id_replaces_the_subscription(live):
    sock = await live.socket()
    await sock.subscribe(1, "Job", {"n": 1})
    await sock.subscribe(1, "Job", {"n": 2})
    await live.create("Job", {"n": 1})
    await live.create("Job", {"n": 2})
    frame = await sock.expect_event("create")
    assert frame["object"]["n"] == 2
    assert live.server.extras["livequery"].server.index.count == 1


class TestKeyPairs:
    @pytest.fixture
    def live_query_config(self):
        return {"liveQuery": {"classNames": ["Job"]},
                "liveQueryServerOptions": {"keyPairs": {"javascriptKey": "js-pair", "masterKey": "master-pair"}}}

    async def test_one_configured_key_pair_must_match(self, live):
        sock = await live.socket(connect=False)
        await sock.send({"op": "connect", "applicationId": "test", "javascriptKey": "test"})
        assert await sock.recv() == error(4, "Key in request is not valid")
        await sock.send({"op": "connect", "applicationId": "anything", "javascriptKey": "js-pair"})
        assert (await sock.recv())["op"] == "connected"

    async def test_the_master_key_pair_makes_the_client_master(self, live):
        private = {"ACL": {}}
        master = await live.socket(connect=False)
        await master.send({"op": "connect", "applicationId": "test", "masterKey": "master-pair"})
        assert (await master.recv())["op"] == "connected"
        await master.subscribe(1, "Job")
        created = await live.create("Job", {"n": 1, **private}, master=True)
        frame = await master.expect_event("create")
        assert frame["object"]["objectId"] == created["objectId"]
        assert frame["object"]["ACL"] == {}


async def test_the_master_key_without_a_key_pair_does_not_make_a_client_master(live):
    """As in Parse Server: SDKs initialised with the master key send it on every connect."""
    sock = await live.socket(masterKey="test")
    await sock.subscribe(1, "Job")
    await live.create("Job", {"n": 1, "ACL": {}}, master=True)
    marker = await live.create("Job", {"n": 2})
    frame = await sock.expect_event("create")
    assert frame["object"]["objectId"] == marker["objectId"]
