"""Every event is checked per subscriber: ACL, roles, CLP (find/get), pointer permissions,
protected fields, `_User` and `_Session` rules, and sessions that end."""

from __future__ import annotations

import orjson
import pytest

PRIVATE = {"ACL": {}}


def only(user, write=True):
    return {"ACL": {user["objectId"]: {"read": True, "write": write}}}


async def watcher(live, user=None, where=None, class_name="Job", token_on="subscribe", **query):
    """A socket subscribed (requestId 1) with the user's token on the subscription or the connection."""
    token = user["sessionToken"] if user else None
    sock = await live.socket(**({"sessionToken": token} if token and token_on == "connect" else {}))
    reply = await sock.subscribe(1, class_name, where, session_token=token if token_on == "subscribe" else None,
                                 **query)
    assert reply["op"] == "subscribed", reply
    return sock


async def next_is(sock, created):
    frame = await sock.recv()
    assert frame["object"]["objectId"] == created["objectId"], frame
    return frame


async def test_an_object_only_its_owner_can_read_reaches_only_the_owner(live):
    owner, other = await live.sign_up("owner"), await live.sign_up("other")
    mine, theirs, anon = await watcher(live, owner), await watcher(live, other), await watcher(live)
    private = await live.create("Job", {"n": 1, **only(owner)}, session=owner["sessionToken"])
    public = await live.create("Job", {"n": 2})
    await next_is(mine, private)
    await next_is(mine, public)
    await next_is(theirs, public)
    await next_is(anon, public)


async def test_the_connect_session_token_is_used_when_the_subscription_has_none(live):
    owner = await live.sign_up("owner")
    sock = await watcher(live, owner, token_on="connect")
    created = await live.create("Job", only(owner), session=owner["sessionToken"])
    await next_is(sock, created)


async def test_the_subscription_session_token_wins_over_the_connect_one(live):
    owner, other = await live.sign_up("owner"), await live.sign_up("other")
    sock = await live.socket(sessionToken=owner["sessionToken"])
    await sock.subscribe(1, "Job", {}, session_token=other["sessionToken"])
    await live.create("Job", only(owner), session=owner["sessionToken"])
    public = await live.create("Job", {})
    await next_is(sock, public)


async def test_read_through_a_role_is_delivered(live):
    member, outsider = await live.sign_up("member"), await live.sign_up("outsider")
    status, body = await live.post("/roles", {"name": "Dispatch", "ACL": {"*": {"read": True}},
                                              "users": {"__op": "AddRelation", "objects": [
                                                  {"__type": "Pointer", "className": "_User",
                                                   "objectId": member["objectId"]}]}}, master=True)
    assert status == 201, body
    a, b = await watcher(live, member), await watcher(live, outsider)
    created = await live.create("Job", {"ACL": {"role:Dispatch": {"read": True}}}, master=True)
    public = await live.create("Job", {})
    await next_is(a, created)
    await next_is(b, public)


async def test_joining_a_role_later_opens_its_objects(live):
    user = await live.sign_up("late")
    status, role = await live.post("/roles", {"name": "Crew", "ACL": {"*": {"read": True}}}, master=True)
    assert status == 201
    sock = await watcher(live, user)
    job = await live.create("Job", {"n": 1, "ACL": {"role:Crew": {"read": True}}}, master=True)
    await live.update("Job", job["objectId"], {"n": 2}, master=True)
    public = await live.create("Job", {})
    await next_is(sock, public)
    status, _ = await live.put(f"/roles/{role['objectId']}", {"users": {"__op": "AddRelation", "objects": [
        {"__type": "Pointer", "className": "_User", "objectId": user["objectId"]}]}}, master=True)
    assert status == 200
    await live.update("Job", job["objectId"], {"n": 3}, master=True)
    frame = await sock.expect_event("update")
    assert frame["object"]["n"] == 3


async def test_a_session_that_logs_out_stops_receiving(live):
    user = await live.sign_up("leaver")
    sock = await watcher(live, user, token_on="connect")
    await sock.subscribe(2, "Job", {}, session_token=user["sessionToken"])
    first = await live.create("Job", {"n": 1})
    assert {(await sock.recv())["requestId"], (await sock.recv())["requestId"]} == {1, 2}
    status, _ = await live.post("/logout", {}, session=user["sessionToken"])
    assert status == 200
    await live.create("Job", {"n": 2, **only(user)}, master=True)
    await live.create("Job", {"n": 3})
    other = await watcher(live, where={"n": 4})  # a fresh anonymous socket sees the next public write
    # (only n=4: the event of n=3 may still be on its way when this socket subscribes)
    last = await live.create("Job", {"n": 4})
    await next_is(other, last)
    await sock.send({"op": "unsubscribe", "requestId": 2})
    assert (await sock.recv())["op"] == "unsubscribed"  # nothing was queued before this answer
    assert first["objectId"]


async def test_an_invalid_session_token_receives_nothing(live):
    """Not even public objects: a REST query with that token would be refused (209)."""
    sock = await watcher(live, {"sessionToken": "r:bogus"})
    await sock.subscribe(2, "Job", {})
    first = await live.create("Job", {})
    second = await live.create("Job", {})
    for created in (first, second):
        frame = await sock.recv()
        assert frame["requestId"] == 2 and frame["object"]["objectId"] == created["objectId"], frame


async def test_clp_find_denied_sends_nothing(live):
    await live.set_clp("Job", {"find": {}, "get": {"*": True}, "create": {"*": True}, "update": {"*": True}},
                       fields={"n": {"type": "Number"}})
    sock = await watcher(live)
    await sock.subscribe(2, "Note", {})
    await live.create("Job", {"n": 1})
    note = await live.create("Note", {"n": 1})
    frame = await sock.recv()
    assert frame["requestId"] == 2 and frame["object"]["objectId"] == note["objectId"]


async def test_a_query_on_one_object_id_is_judged_by_the_get_permission(live):
    await live.set_clp("Job", {"find": {}, "get": {"*": True}, "create": {"*": True}, "update": {"*": True}},
                       fields={"n": {"type": "Number"}})
    job = await live.create("Job", {"n": 1})
    sock = await watcher(live, None, {"objectId": job["objectId"]})
    await live.update("Job", job["objectId"], {"n": 2})
    assert (await sock.expect_event("update"))["object"]["n"] == 2


async def test_clp_requires_authentication(live):
    await live.set_clp("Job", {"find": {"requiresAuthentication": True}, "create": {"*": True}})
    user = await live.sign_up("authed")
    anon, authed = await watcher(live), await watcher(live, user)
    await anon.subscribe(2, "Note", {})
    job = await live.create("Job", {})
    note = await live.create("Note", {})
    await next_is(authed, job)
    frame = await anon.recv()
    assert frame["requestId"] == 2 and frame["object"]["objectId"] == note["objectId"]


async def test_clp_role_grant(live):
    member, outsider = await live.sign_up("m"), await live.sign_up("o")
    status, _ = await live.post("/roles", {"name": "Staff", "ACL": {}, "users": {"__op": "AddRelation", "objects": [
        {"__type": "Pointer", "className": "_User", "objectId": member["objectId"]}]}}, master=True)
    assert status == 201
    await live.set_clp("Job", {"find": {"role:Staff": True}, "create": {"*": True}})
    a, b = await watcher(live, member), await watcher(live, outsider)
    await b.subscribe(2, "Note", {})
    job = await live.create("Job", {})
    note = await live.create("Note", {})
    await next_is(a, job)
    assert (await b.recv())["object"]["objectId"] == note["objectId"]


async def test_pointer_permissions_deliver_only_to_the_pointed_user(live):
    tech, other = await live.sign_up("tech"), await live.sign_up("someone")
    await live.set_clp("Job", {"find": {"pointerFields": ["assignee"]}, "get": {"pointerFields": ["assignee"]},
                               "create": {"*": True}, "update": {"*": True}},
                       fields={"assignee": {"type": "Pointer", "targetClass": "_User"}})
    a, b = await watcher(live, tech), await watcher(live, other)
    await b.subscribe(2, "Note", {})
    assignee = {"__type": "Pointer", "className": "_User", "objectId": tech["objectId"]}
    job = await live.create("Job", {"assignee": assignee})
    note = await live.create("Note", {})
    await next_is(a, job)
    assert (await b.recv())["object"]["objectId"] == note["objectId"]


async def test_protected_fields_are_removed_from_object_and_original(live):
    await live.set_clp("Job", {"find": {"*": True}, "get": {"*": True}, "create": {"*": True},
                               "update": {"*": True}, "protectedFields": {"*": ["secret"]}},
                       fields={"secret": {"type": "String"}, "open": {"type": "String"}})
    job = await live.create("Job", {"secret": "s", "open": "o"})
    sock = await watcher(live)
    await live.update("Job", job["objectId"], {"secret": "t", "open": "p"})
    frame = await sock.expect_event("update")
    assert "secret" not in frame["object"] and "secret" not in frame["original"]
    assert frame["object"]["open"] == "p" and frame["original"]["open"] == "o"


async def test_protected_fields_by_user_field_show_to_the_pointed_user(live):
    owner = await live.sign_up("owner")
    await live.set_clp("Job", {"find": {"*": True}, "create": {"*": True},
                               "protectedFields": {"*": ["secret"], "userField:owner": []}},
                       fields={"owner": {"type": "Pointer", "targetClass": "_User"}, "secret": {"type": "String"}})
    mine, anon = await watcher(live, owner), await watcher(live)
    owner_ptr = {"__type": "Pointer", "className": "_User", "objectId": owner["objectId"]}
    await live.create("Job", {"secret": "s", "owner": owner_ptr})
    assert (await mine.expect_event("create"))["object"]["secret"] == "s"
    assert "secret" not in (await anon.expect_event("create"))["object"]


async def test_master_clients_see_protected_fields_and_private_objects(live):
    live.server.config.liveQueryServerOptions = {}
    lq = live.server.extras["livequery"]
    lq.options.key_pairs = {"masterKey": "mk"}
    await live.set_clp("Job", {"find": {}, "create": {"*": True}, "protectedFields": {"*": ["secret"]}},
                       fields={"secret": {"type": "String"}})
    sock = await live.socket(connect=False)
    await sock.send({"op": "connect", "applicationId": "test", "masterKey": "mk"})
    assert (await sock.recv())["op"] == "connected"
    await sock.subscribe(1, "Job", {})
    await live.create("Job", {"secret": "s", **PRIVATE}, master=True)
    assert (await sock.expect_event("create"))["object"]["secret"] == "s"


async def test_user_events_never_carry_passwords_or_session_tokens_and_hide_email(live):
    sock = await watcher(live, None, {}, class_name="_User")
    user = await live.sign_up("newbie", email="n@example.com", foo="bar", ACL={"*": {"read": True}})
    obj = (await sock.expect_event("create"))["object"]
    assert obj["username"] == "newbie" and obj["foo"] == "bar"
    assert not {"password", "sessionToken", "email", "authData"} & set(obj)
    assert obj["objectId"] == user["objectId"]


async def test_a_user_sees_its_own_email(live):
    user = await live.sign_up("self", email="s@example.com")
    sock = await watcher(live, user, {}, class_name="_User")
    await live.put(f"/users/{user['objectId']}", {"foo": 1}, session=user["sessionToken"])
    frame = await sock.expect_event("update")
    assert frame["object"]["email"] == "s@example.com" and "sessionToken" not in frame["object"]


async def test_session_subscriptions_see_only_the_subscribers_own_sessions(live):
    user = await live.sign_up("sess")
    other = await live.sign_up("other")
    sock = await watcher(live, user, {}, class_name="_Session")
    status, _ = await live.post("/login", {"username": "other", "password": "pass"})
    assert status == 200
    status, login = await live.post("/login", {"username": "sess", "password": "pass"})
    assert status == 200
    obj = (await sock.expect_event("create"))["object"]
    assert obj["user"]["objectId"] == user["objectId"] and obj["sessionToken"] == login["sessionToken"]
    assert obj["createdWith"] == {"action": "login", "authProvider": "password"}
    assert other


async def test_session_subscription_without_a_user_is_209(live):
    sock = await live.socket()
    reply = await sock.subscribe(4, "_Session", {})
    assert reply == {"op": "error", "error": "Invalid session token", "code": 209, "reconnect": False,
                     "requestId": 4}


@pytest.mark.parametrize("class_name", ["_Installation"])
async def test_classes_clients_cannot_find_send_nothing_to_clients(live, class_name):
    sock = await watcher(live, None, {}, class_name=class_name)
    await sock.subscribe(2, "Job", {})
    status, _ = await live.post("/installations", {"deviceType": "ios", "installationId": "abc-123"})
    assert status == 201
    job = await live.create("Job", {})
    frame = await sock.recv()
    assert frame["requestId"] == 2 and frame["object"]["objectId"] == job["objectId"]


async def test_a_message_without_class_level_permissions_is_judged_by_the_local_schema(live):
    """Another publisher may leave them out; protected fields and CLP still apply."""
    await live.set_clp("Job", {"find": {"*": True}, "create": {"*": True}, "protectedFields": {"*": ["secret"]}},
                       fields={"secret": {"type": "String"}})
    sock = await watcher(live)
    message = {"currentParseObject": {"__type": "Object", "className": "Job", "objectId": "ext1", "secret": "s",
                                      "open": 1, "createdAt": "2024-05-01T12:00:00.000Z",
                                      "updatedAt": "2024-05-01T12:00:00.000Z"}}
    await live.server.extras["livequery"].server.dispatch("testafterSave", orjson.dumps(message))
    obj = (await sock.expect_event("create"))["object"]
    assert obj["open"] == 1 and "secret" not in obj
