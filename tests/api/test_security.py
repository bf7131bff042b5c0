"""An attacker's attempts: every one must fail, and nothing may leak.

Mallory (a signed-up user) and anonymous clients go after Alice's private data and
account through every path the REST API offers.
"""

from __future__ import annotations

import pytest

from tests.support.users import log_in, pointer, sign_up

NOT_FOUND = {"code": 101, "error": "Object not found."}
INVALID_SESSION = {"code": 209, "error": "Invalid session token"}


@pytest.fixture
async def scene(api):
    """Alice with a private diary entry (and a public post pointing at it); Mallory with her own session."""
    alice = await sign_up(api, "alice", "alice-pw", email="alice@x.io")
    mallory = await sign_up(api, "mallory", "mallory-pw")
    private = {alice["objectId"]: {"read": True, "write": True}}
    _, diary = await api.post("/classes/Diary", {"text": "secret", "ACL": private}, session=alice["sessionToken"])
    _, post = await api.post("/classes/Post", {"diary": pointer("Diary", diary["objectId"]),
                                               "ACL": {"*": {"read": True}, **private}},
                             session=alice["sessionToken"])
    return {"alice": alice, "mallory": mallory, "diary": diary["objectId"], "post": post["objectId"],
            "token": mallory["sessionToken"]}


async def test_by_id(api, scene):
    assert await api.get(f"/classes/Diary/{scene['diary']}", session=scene["token"]) == (404, NOT_FOUND)


async def test_by_query(api, scene):
    for where in ({"objectId": scene["diary"]}, {"text": "secret"}, {"text": {"$regex": "^sec"}},
                  {"$or": [{"text": "secret"}, {"objectId": scene["diary"]}]}):
        assert await api.get("/classes/Diary", session=scene["token"], params={"where": where}) == (
            200, {"results": []}), where


async def test_by_count(api, scene):
    assert await api.get("/classes/Diary", session=scene["token"], params={"count": 1, "limit": 0}) == (
        200, {"results": [], "count": 0})


async def test_by_include(api, scene):
    status, body = await api.get(f"/classes/Post/{scene['post']}", session=scene["token"],
                                 params={"include": "diary"})
    assert status == 200
    assert "diary" not in body and "secret" not in str(body)


async def test_by_in_query(api, scene):
    where = {"diary": {"$inQuery": {"className": "Diary", "where": {"text": "secret"}}}}
    assert await api.get("/classes/Post", session=scene["token"], params={"where": where}) == (
        200, {"results": []})


async def test_by_select_on_the_secret_value(api, scene):
    await api.post("/classes/Probe", {"text": "secret"}, session=scene["token"])
    where = {"text": {"$select": {"query": {"className": "Diary", "where": {}}, "key": "text"}}}
    assert await api.get("/classes/Probe", session=scene["token"], params={"where": where}) == (
        200, {"results": []})


async def test_by_batch(api, scene):
    status, body = await api.post("/batch", {"requests": [
        {"method": "GET", "path": f"/1/classes/Diary/{scene['diary']}"},
        {"method": "PUT", "path": f"/1/classes/Diary/{scene['diary']}", "body": {"text": "pwned"}},
        {"method": "DELETE", "path": f"/1/classes/Diary/{scene['diary']}"},
    ]}, session=scene["token"])
    assert status == 200
    assert body == [{"error": NOT_FOUND}] * 3
    _, diary = await api.get(f"/classes/Diary/{scene['diary']}", master=True)
    assert diary["text"] == "secret"


async def test_with_a_logged_out_session_token(api, scene):
    alice = await log_in(api, "alice", "alice-pw")
    await api.post("/logout", {}, session=alice["sessionToken"])
    assert await api.get(f"/classes/Diary/{scene['diary']}", session=alice["sessionToken"]) == (
        400, INVALID_SESSION)


async def test_with_a_logged_out_token_in_the_body(api, scene):
    alice = await log_in(api, "alice", "alice-pw")
    await api.post("/logout", {}, session=alice["sessionToken"])
    raw = (b'{"_method":"GET","_ApplicationId":"test","_JavaScriptKey":"test","_SessionToken":"'
           + alice["sessionToken"].encode() + b'"}')
    resp = await api.client.post(f"/1/classes/Diary/{scene['diary']}", data=raw,
                                 headers={"Content-Type": "text/plain"})
    assert (resp.status, await resp.json()) == (400, INVALID_SESSION)


async def test_method_override_to_get(api, scene):
    status, body = await api.post("/classes/Diary", {"_method": "GET", "where": {"text": "secret"}},
                                  session=scene["token"])
    assert (status, body) == (200, {"results": []})


async def test_method_override_to_delete(api, scene):
    status, body = await api.post(f"/classes/Diary/{scene['diary']}", {"_method": "DELETE"}, session=scene["token"])
    assert (status, body) == (404, NOT_FOUND)


async def test_method_override_to_change_alices_password(api, scene):
    status, body = await api.post(f"/users/{scene['alice']['objectId']}", {"_method": "PUT", "password": "x"},
                                  session=scene["token"])
    assert (status, body) == (400, {"code": 206, "error": "Insufficient auth."})
    assert (await api.post("/login", {"username": "alice", "password": "alice-pw"}))[0] == 200


async def test_a_body_master_key_that_is_wrong(api, scene):
    raw = b'{"_method":"GET","_ApplicationId":"test","_JavaScriptKey":"test","_MasterKey":"guess"}'
    resp = await api.client.post("/1/classes/Diary", data=raw, headers={"Content-Type": "text/plain"})
    assert (resp.status, await resp.json()) == (200, {"results": []})


async def test_regex_on_the_password_hash(api, scene):
    for key in ("_hashed_password", "_session_token", "_perishable_token", "_rperm"):
        where = {key: {"$regex": "^"}} if key != "_rperm" else {"_rperm": {"$in": [scene["alice"]["objectId"]]}}
        status, body = await api.get("/users", session=scene["token"], params={"where": where})
        if key == "_rperm":  # allowed as a key, but only ever narrows what the ACL lets through
            assert (status, body) == (200, {"results": []})
        else:
            assert (status, body) == (400, {"code": 105, "error": f"Invalid key name: {key}"}), key


async def test_querying_the_password_field(api, scene):
    for where in ({"password": {"$exists": True}}, {"password": {"$regex": "^\\$2"}}, {"password": "alice-pw"}):
        status, body = await api.get("/users", master=True, params={"where": where})
        assert (status, body) == (200, {"results": []}), where


async def test_asking_for_internal_keys(api, scene):
    params = {"keys": "_hashed_password,password,sessionToken,authData,email"}
    _, body = await api.get(f"/users/{scene['mallory']['objectId']}", session=scene["token"], params=params)
    assert set(body) <= {"objectId", "createdAt", "updatedAt", "ACL", "email", "sessionToken"}
    _, body = await api.get("/users", master=True, params=params)
    for user in body["results"]:
        assert not {"_hashed_password", "password", "sessionToken"} & set(user)


async def test_ordering_by_the_password_hash(api, scene):
    status, body = await api.get("/users", session=scene["token"], params={"order": "_hashed_password"})
    assert (status, body) == (400, {"code": 105, "error": "Invalid field name: _hashed_password."})


async def test_writing_internal_fields(api, scene):
    me = scene["mallory"]["objectId"]
    for field in ("_hashed_password", "_rperm", "_wperm", "_email_verify_token"):
        status, body = await api.put(f"/users/{me}", {field: "x"}, session=scene["token"])
        assert (status, body) == (400, {"code": 105, "error": f"Invalid field name: {field}."}), field


async def test_taking_over_alices_account(api, scene):
    alice = scene["alice"]["objectId"]
    for change in ({"password": "x"}, {"username": "mallory2"}, {"email": "m@x.io"}, {"ACL": {"*": {"write": True}}}):
        status, body = await api.put(f"/users/{alice}", change, session=scene["token"])
        assert (status, body) == (400, {"code": 206, "error": "Insufficient auth."}), change
    assert await api.delete(f"/users/{alice}", session=scene["token"]) == (
        400, {"code": 206, "error": "Insufficient auth."})


async def test_signing_up_as_alice_in_another_case(api, scene):
    status, body = await api.post("/users", {"username": "ALICE", "password": "x"})
    assert (status, body) == (400, {"code": 202, "error": "Account already exists for this username."})


async def test_guessing_alices_password(api, scene):
    for guess in ("alice", "", None, {"$ne": "x"}, ["alice-pw"]):
        status, body = await api.post("/login", {"username": "alice", "password": guess})
        assert status in (400, 404) and "sessionToken" not in body, guess


async def test_reading_alices_session_token(api, scene):
    _, body = await api.get("/sessions", session=scene["token"])
    assert scene["alice"]["sessionToken"] not in str(body)
    where = {"user": pointer("_User", scene["alice"]["objectId"])}
    assert await api.get("/sessions", session=scene["token"], params={"where": where}) == (200, {"results": []})
    _, body = await api.get("/users", master=True)
    assert scene["alice"]["sessionToken"] not in str(body)


async def test_moving_ones_session_to_alice(api, scene):
    _, mine = await api.get("/sessions/me", session=scene["token"])
    status, body = await api.put(f"/sessions/{mine['objectId']}", {"user": pointer("_User", scene["alice"]["objectId"])},
                                 session=scene["token"])
    assert (status, body["code"]) == (400, 105)


async def test_revoking_alices_session(api, scene):
    _, sessions = await api.get("/sessions", master=True, params={"where": {
        "user": pointer("_User", scene["alice"]["objectId"])}})
    target = sessions["results"][0]["objectId"]
    assert await api.delete(f"/sessions/{target}", session=scene["token"]) == (
        404, {"code": 101, "error": "Object not found for delete."})


async def test_reading_alices_email(api, scene):
    await api.put(f"/users/{scene['alice']['objectId']}", {"ACL": {"*": {"read": True}}}, master=True)
    _, body = await api.get(f"/users/{scene['alice']['objectId']}", session=scene["token"])
    assert "email" not in body
    status, _ = await api.get("/users", session=scene["token"], params={"where": {"email": {"$regex": "^a"}}})
    assert status == 400


async def test_impersonating_with_login_as(api, scene):
    status, body = await api.post("/loginAs", {"userId": scene["alice"]["objectId"]}, session=scene["token"])
    assert (status, body) == (400, {"code": 119, "error": "master key is required"})


async def test_changing_the_schema_or_permissions(api, scene):
    status, body = await api.put("/schemas/Diary", {"classLevelPermissions": {"find": {"*": True}}},
                                 session=scene["token"])
    assert (status, body) == (403, {"error": "unauthorized: master key is required"})


async def test_where_with_javascript(api, scene):
    status, body = await api.get("/classes/Diary", session=scene["token"], params={"where": {"$where": "1"}})
    assert (status, body) == (400, {"code": 105, "error": "Invalid key name: $where"})


async def test_redirecting_a_relation_query_to_a_private_class(api, scene):
    await api.post("/classes/Box", {"items": {"__op": "AddRelation", "objects": [pointer("Diary", scene["diary"])]}},
                   master=True)
    status, body = await api.get("/classes/Box", session=scene["token"],
                                 params={"redirectClassNameForKey": "items"})
    assert (status, body) == (200, {"results": []})


async def test_an_included_user_shows_no_private_fields(api, scene):
    await api.put(f"/users/{scene['alice']['objectId']}", {"ACL": {"*": {"read": True}}}, master=True)
    _, note = await api.post("/classes/Note", {"author": pointer("_User", scene["alice"]["objectId"])}, master=True)
    _, body = await api.get(f"/classes/Note/{note['objectId']}", session=scene["token"], params={"include": "author"})
    assert set(body["author"]) == {"__type", "className", "objectId", "username", "createdAt", "updatedAt", "ACL"}


async def test_an_empty_acl_user_is_invisible_and_cannot_log_in(api, scene):
    await api.put(f"/users/{scene['alice']['objectId']}", {"ACL": {}}, master=True)
    assert (await api.post("/login", {"username": "alice", "password": "alice-pw"}))[0] == 404
