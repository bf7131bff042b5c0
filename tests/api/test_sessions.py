"""Sessions: tokens, expiry, /sessions routes, revocation and the session cache."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from parse_clone.language.values import to_iso
from tests.support.users import log_in, pointer, sign_up

TOKEN = re.compile(r"^r:[0-9a-f]{32}$")
INVALID = {"code": 209, "error": "Invalid session token"}


async def test_sign_up_stores_a_session_with_expiry_and_creation_details(api):
    ann = await sign_up(api, "ann")
    status, body = await api.get("/sessions", master=True)
    assert status == 200
    [session] = body["results"]
    assert TOKEN.match(session["sessionToken"])
    assert session["user"] == pointer("_User", ann["objectId"])
    assert session["createdWith"] == {"action": "signup", "authProvider": "password"}
    expires = datetime.fromisoformat(session["expiresAt"]["iso"].replace("Z", "+00:00"))
    expected = datetime.now(timezone.utc) + timedelta(seconds=api.server.config.sessionLength)
    assert abs((expires - expected).total_seconds()) < 60
    assert "installationId" not in session


async def test_login_session_is_created_with_action_login(api):
    await sign_up(api, "ann")
    user = await log_in(api, "ann")
    _, session = await api.get("/sessions/me", session=user["sessionToken"])
    assert session["createdWith"] == {"action": "login", "authProvider": "password"}


async def test_sessions_me_answers_the_requests_session(api):
    ann = await sign_up(api, "ann")
    status, body = await api.get("/sessions/me", session=ann["sessionToken"])
    assert status == 200
    assert body["sessionToken"] == ann["sessionToken"]
    assert body["user"] == pointer("_User", ann["objectId"])


async def test_sessions_me_without_token_is_209(api):
    status, body = await api.get("/sessions/me")
    assert (status, body) == (400, {"code": 209, "error": "Session token required."})


async def test_sessions_me_with_unknown_token_is_209(api):
    status, body = await api.get("/sessions/me", session="r:ffffffffffffffffffffffffffffffff")
    assert (status, body) == (400, {"code": 209, "error": "Session token not found."})


async def test_find_sessions_shows_a_user_only_its_own(api):
    ann = await sign_up(api, "ann")
    await sign_up(api, "bob")
    second = await log_in(api, "ann")
    _, body = await api.get("/sessions", session=ann["sessionToken"])
    assert sorted(s["sessionToken"] for s in body["results"]) == sorted([ann["sessionToken"],
                                                                          second["sessionToken"]])


async def test_find_sessions_without_a_user_is_209(api):
    status, body = await api.get("/sessions")
    assert (status, body) == (400, INVALID)


async def test_get_of_another_users_session_is_101(api):
    ann = await sign_up(api, "ann")
    bob = await sign_up(api, "bob")
    _, bob_session = await api.get("/sessions/me", session=bob["sessionToken"])
    status, body = await api.get(f"/sessions/{bob_session['objectId']}", session=ann["sessionToken"])
    assert (status, body) == (404, {"code": 101, "error": "Object not found."})


async def test_post_sessions_creates_a_session_for_the_caller(api):
    ann = await sign_up(api, "ann")
    status, body = await api.post("/sessions", {"installationId": "abc"}, session=ann["sessionToken"])
    assert status == 201
    assert TOKEN.match(body["sessionToken"]) and body["sessionToken"] != ann["sessionToken"]
    assert body["user"] == pointer("_User", ann["objectId"])
    assert body["createdWith"] == {"action": "create"}
    assert body["installationId"] == "abc"
    status, _ = await api.get("/users/me", session=body["sessionToken"])
    assert status == 200


async def test_post_sessions_cannot_choose_the_token_or_user(api):
    ann = await sign_up(api, "ann")
    bob = await sign_up(api, "bob")
    body = {"sessionToken": "r:chosen", "user": pointer("_User", bob["objectId"])}
    _, created = await api.post("/sessions", body, session=ann["sessionToken"])
    assert created["sessionToken"] != "r:chosen"
    assert created["user"] == pointer("_User", ann["objectId"])


async def test_post_sessions_without_a_user_is_209(api):
    status, body = await api.post("/sessions", {})
    assert (status, body) == (400, {"code": 209, "error": "Session token required."})


async def test_a_session_cannot_have_an_acl(api):
    ann = await sign_up(api, "ann")
    status, body = await api.post("/sessions", {"ACL": {"*": {"read": True}}}, session=ann["sessionToken"])
    assert (status, body) == (400, {"code": 105, "error": "Cannot set ACL on a Session."})


async def test_update_of_another_users_session_is_101(api):
    ann = await sign_up(api, "ann")
    bob = await sign_up(api, "bob")
    _, bob_session = await api.get("/sessions/me", session=bob["sessionToken"])
    status, body = await api.put(f"/sessions/{bob_session['objectId']}", {"extra": 1}, session=ann["sessionToken"])
    assert (status, body) == (404, {"code": 101, "error": "Object not found."})


async def test_a_session_token_cannot_be_rewritten(api):
    ann = await sign_up(api, "ann")
    _, mine = await api.get("/sessions/me", session=ann["sessionToken"])
    status, body = await api.put(f"/sessions/{mine['objectId']}", {"sessionToken": "r:x"}, session=ann["sessionToken"])
    assert (status, body["code"]) == (400, 105)


async def test_delete_of_another_users_session_is_101(api):
    ann = await sign_up(api, "ann")
    bob = await sign_up(api, "bob")
    _, bob_session = await api.get("/sessions/me", session=bob["sessionToken"])
    status, body = await api.delete(f"/sessions/{bob_session['objectId']}", session=ann["sessionToken"])
    assert (status, body) == (404, {"code": 101, "error": "Object not found for delete."})
    status, _ = await api.get("/users/me", session=bob["sessionToken"])
    assert status == 200


async def test_deleting_a_session_revokes_its_token_at_once(api):
    ann = await sign_up(api, "ann")
    _, mine = await api.get("/sessions/me", session=ann["sessionToken"])  # now cached
    status, body = await api.delete(f"/sessions/{mine['objectId']}", master=True)
    assert (status, body) == (200, {})
    status, body = await api.get("/classes/Thing", session=ann["sessionToken"])
    assert (status, body) == (400, INVALID)


async def test_an_expired_session_is_209(api):
    ann = await sign_up(api, "ann")
    _, mine = await api.get("/sessions/me", session=ann["sessionToken"])
    past = {"__type": "Date", "iso": to_iso(datetime.now(timezone.utc) - timedelta(minutes=1))}
    await api.put(f"/sessions/{mine['objectId']}", {"expiresAt": past}, master=True)
    status, body = await api.get("/classes/Thing", session=ann["sessionToken"])
    assert (status, body) == (400, {"code": 209, "error": "Session token is expired."})


async def test_session_length_sets_the_expiry(api):
    api.server.config.sessionLength = 60
    ann = await sign_up(api, "ann")
    _, mine = await api.get("/sessions/me", session=ann["sessionToken"])
    expires = datetime.fromisoformat(mine["expiresAt"]["iso"].replace("Z", "+00:00"))
    assert abs((expires - datetime.now(timezone.utc)).total_seconds() - 60) < 10


async def test_a_new_session_replaces_the_users_session_on_the_same_installation(api):
    await sign_up(api, "ann")
    headers = api.headers(**{"X-Parse-Installation-Id": "device-1"})
    first = await api.request("POST", "/login", json={"username": "ann", "password": "pass"}, headers=headers)
    second = await api.request("POST", "/login", json={"username": "ann", "password": "pass"}, headers=headers)
    _, body = await api.get("/sessions", master=True, params={"where": {"installationId": "device-1"}})
    assert [s["sessionToken"] for s in body["results"]] == [second[1]["sessionToken"]]
    status, err = await api.get("/users/me", session=first[1]["sessionToken"])
    assert (status, err) == (400, INVALID)


async def test_the_master_key_wins_over_a_bad_session_token(api):
    status, _ = await api.get("/classes/Thing", master=True, session="r:bogus")
    assert status == 200


async def test_upgrade_to_revocable_session_replaces_a_legacy_token(api):
    ann = await sign_up(api, "ann")
    schema = await api.server.schema.get("_User")
    await api.server.storage.find_one_and_update("_User", schema, {"objectId": ann["objectId"]},
                                                 {"sessionToken": "legacy-token-1"})
    status, body = await api.post("/upgradeToRevocableSession", {}, session="legacy-token-1")
    assert status == 200
    assert TOKEN.match(body["sessionToken"])
    assert body["createdWith"] == {"action": "upgrade"}
    assert body["user"] == pointer("_User", ann["objectId"])
    status, err = await api.post("/upgradeToRevocableSession", {}, session="legacy-token-1")
    assert (status, err) == (400, {"code": 209, "error": "invalid legacy session token"})


async def test_upgrade_without_a_session_is_101(api):
    status, body = await api.post("/upgradeToRevocableSession", {})
    assert (status, body) == (404, {"code": 101, "error": "invalid session"})


async def test_a_cached_session_sees_the_users_renamed_username(api):
    ann = await sign_up(api, "ann")
    await api.get("/users/me", session=ann["sessionToken"])
    await api.put(f"/users/{ann['objectId']}", {"username": "anne"}, master=True)
    _, me = await api.get("/users/me", session=ann["sessionToken"])
    assert me["username"] == "anne"

