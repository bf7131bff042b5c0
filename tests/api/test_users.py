"""Users: sign-up, login, /users/me, logout, updates, deletes, loginAs, verifyPassword, email routes."""

from __future__ import annotations

import asyncio
import re

import bcrypt

from parse_clone.core.auth.passwords import PasswordHasher
from tests.support.users import log_in, sign_up

TOKEN = re.compile(r"^r:[0-9a-f]{32}$")
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
INVALID_LOGIN = {"code": 101, "error": "Invalid username/password."}


async def stored_user(api, object_id: str) -> dict:
    """The user row as storage keeps it (internals included)."""
    schema = await api.server.schema.get("_User")
    from parse_clone.storage.base import FindOptions

    rows = await api.server.storage.find("_User", schema, {"objectId": object_id}, FindOptions(limit=1))
    return rows[0]


# ----- sign-up -----

async def test_sign_up_answers_201_with_id_date_and_session_token(api):
    status, body = await api.post("/users", {"username": "ann", "password": "secret"})
    assert status == 201
    assert set(body) == {"objectId", "createdAt", "sessionToken"}
    assert ISO.match(body["createdAt"])
    assert TOKEN.match(body["sessionToken"])


async def test_sign_up_location_is_under_users(api):
    resp = await api.client.post("/1/users", data=b'{"username":"ann","password":"pw"}', headers=api.headers())
    body = await resp.json()
    assert resp.headers["Location"] == f"http://localhost:8378/1/users/{body['objectId']}"


async def test_sign_up_without_username_is_200(api):
    status, body = await api.post("/users", {"password": "secret"})
    assert (status, body) == (400, {"code": 200, "error": "bad or missing username"})


async def test_sign_up_without_password_is_201(api):
    status, body = await api.post("/users", {"username": "ann"})
    assert (status, body) == (400, {"code": 201, "error": "password is required"})


async def test_sign_up_with_empty_password_is_201(api):
    status, body = await api.post("/users", {"username": "ann", "password": ""})
    assert (status, body) == (400, {"code": 201, "error": "password is required"})


async def test_username_is_unique_case_insensitively(api):
    await sign_up(api, "Ann")
    status, body = await api.post("/users", {"username": "aNN", "password": "x"})
    assert (status, body) == (400, {"code": 202, "error": "Account already exists for this username."})


async def test_email_is_unique_case_insensitively(api):
    await sign_up(api, "ann", email="Ann@Example.com")
    status, body = await api.post("/users", {"username": "bob", "password": "x", "email": "ann@example.COM"})
    assert (status, body) == (400, {"code": 203, "error": "Account already exists for this email address."})


async def test_username_with_regex_characters_is_compared_literally(api):
    await sign_up(api, "a.b")
    status, _ = await api.post("/users", {"username": "axb", "password": "x"})
    assert status == 201


async def test_malformed_email_is_125(api):
    status, body = await api.post("/users", {"username": "ann", "password": "x", "email": "not-an-email"})
    assert (status, body) == (400, {"code": 125, "error": "Email address format is invalid."})


async def test_concurrent_sign_ups_with_one_username_create_one_user(api):
    names = ["Dup", "dup", "DUP", "dUp", "duP"]
    results = await asyncio.gather(*(api.post("/users", {"username": n, "password": "x"}) for n in names))
    statuses = sorted(s for s, _ in results)
    assert statuses == [201, 400, 400, 400, 400]
    assert all(b == {"code": 202, "error": "Account already exists for this username."}
               for s, b in results if s == 400)
    _, found = await api.get("/users", master=True)
    assert len(found["results"]) == 1


async def test_storage_unique_index_rejects_an_exact_duplicate_username(api):
    from parse_clone.storage.base import DuplicateValueError

    user = await sign_up(api, "ann")
    schema = await api.server.schema.get("_User")
    row = {**await stored_user(api, user["objectId"]), "objectId": "otherId123"}
    try:
        await api.server.storage.create_object("_User", schema, row)
    except DuplicateValueError:
        return
    raise AssertionError("a second 'ann' was stored")


async def test_client_cannot_set_email_verified_on_sign_up(api):
    status, body = await api.post("/users", {"username": "ann", "password": "x", "emailVerified": True})
    assert (status, body) == (400, {"code": 119,
                                    "error": "Clients aren't allowed to manually update email verification."})


async def test_password_is_stored_as_a_cost_10_bcrypt_hash(api):
    api.server.extras["password_hasher"] = PasswordHasher()
    user = await sign_up(api, "ann", "secret")
    row = await stored_user(api, user["objectId"])
    assert row["_hashed_password"].startswith("$2b$10$")
    assert bcrypt.checkpw(b"secret", row["_hashed_password"].encode())
    assert "password" not in row


async def test_users_migrated_with_2a_and_2y_hashes_log_in(api):
    for prefix, name in (("$2a$", "old_a"), ("$2y$", "old_y")):
        user = await sign_up(api, name, "pw")
        legacy = prefix + bcrypt.hashpw(b"migrated", bcrypt.gensalt(4)).decode()[4:]
        schema = await api.server.schema.get("_User")
        await api.server.storage.find_one_and_update("_User", schema, {"objectId": user["objectId"]},
                                                     {"_hashed_password": legacy})
        status, body = await api.post("/login", {"username": name, "password": "migrated"})
        assert status == 200, body


async def test_new_users_are_private_by_default(api):
    user = await sign_up(api, "ann")
    _, obj = await api.get(f"/users/{user['objectId']}", master=True)
    assert obj["ACL"] == {user["objectId"]: {"read": True, "write": True}}
    status, body = await api.get(f"/users/{user['objectId']}")
    assert (status, body) == (404, {"code": 101, "error": "Object not found."})


async def test_enforce_private_users_off_makes_new_users_publicly_readable(api):
    api.server.config.enforcePrivateUsers = False
    user = await sign_up(api, "ann")
    _, obj = await api.get(f"/users/{user['objectId']}", master=True)
    assert obj["ACL"] == {"*": {"read": True}, user["objectId"]: {"read": True, "write": True}}


async def test_a_sign_up_acl_always_keeps_the_user_able_to_read_and_write_itself(api):
    status, user = await api.post("/users", {"username": "ann", "password": "x", "ACL": {"*": {"read": True}}})
    _, obj = await api.get(f"/users/{user['objectId']}", master=True)
    assert obj["ACL"] == {"*": {"read": True}, user["objectId"]: {"read": True, "write": True}}


async def test_passwords_and_internal_fields_never_appear_in_responses(api):
    user = await sign_up(api, "ann", email="a@x.io")
    session = user["sessionToken"]
    bodies = [
        (await api.get("/users/me", session=session))[1],
        (await api.get(f"/users/{user['objectId']}", session=session))[1],
        (await api.get("/users", master=True))[1]["results"][0],
        (await api.get(f"/classes/_User/{user['objectId']}", master=True))[1],
        await log_in(api, "ann"),
    ]
    for body in bodies:
        assert "password" not in body and not any(k.startswith("_") for k in body), body


# ----- login -----

async def test_login_answers_the_user_with_a_new_session_token(api):
    user = await sign_up(api, "ann", email="a@x.io")
    status, body = await api.post("/login", {"username": "ann", "password": "pass"})
    assert status == 200
    assert TOKEN.match(body.pop("sessionToken"))
    assert body == {"objectId": user["objectId"], "username": "ann", "email": "a@x.io",
                    "createdAt": user["createdAt"], "updatedAt": user["createdAt"],
                    "ACL": {user["objectId"]: {"read": True, "write": True}}}


async def test_login_by_get_with_query_parameters(api):
    await sign_up(api, "ann", "123456")
    status, body = await api.get("/login", params={"username": "ann", "password": "123456"})
    assert status == 200
    assert body["username"] == "ann"


async def test_login_with_the_email_in_the_username_field(api):
    await sign_up(api, "ann", email="a@x.io")
    status, body = await api.post("/login", {"username": "a@x.io", "password": "pass"})
    assert (status, body["username"]) == (200, "ann")


async def test_login_with_email_and_password(api):
    await sign_up(api, "ann", email="a@x.io")
    status, body = await api.post("/login", {"email": "a@x.io", "password": "pass"})
    assert (status, body["username"]) == (200, "ann")


async def test_login_with_a_wrong_password_is_101(api):
    await sign_up(api, "ann")
    status, body = await api.post("/login", {"username": "ann", "password": "nope"})
    assert (status, body) == (404, INVALID_LOGIN)


async def test_login_of_an_unknown_user_is_101(api):
    status, body = await api.post("/login", {"username": "ghost", "password": "x"})
    assert (status, body) == (404, INVALID_LOGIN)


async def test_login_without_username_is_200(api):
    status, body = await api.post("/login", {"password": "x"})
    assert (status, body) == (400, {"code": 200, "error": "username/email is required."})


async def test_login_without_password_is_201(api):
    status, body = await api.post("/login", {"username": "ann"})
    assert (status, body) == (400, {"code": 201, "error": "password is required."})


async def test_login_with_an_operator_instead_of_a_password_is_101(api):
    await sign_up(api, "ann")
    status, body = await api.post("/login", {"username": "ann", "password": {"$ne": None}})
    assert (status, body) == (404, INVALID_LOGIN)


async def test_login_with_an_operator_instead_of_a_username_is_101(api):
    await sign_up(api, "ann")
    status, body = await api.post("/login", {"username": {"$regex": ".*"}, "password": "pass"})
    assert (status, body) == (404, INVALID_LOGIN)


async def test_a_user_locked_with_an_empty_acl_cannot_log_in(api):
    user = await sign_up(api, "ann")
    await api.put(f"/users/{user['objectId']}", {"ACL": {}}, master=True)
    status, body = await api.post("/login", {"username": "ann", "password": "pass"})
    assert (status, body) == (404, INVALID_LOGIN)


async def test_login_ignores_the_session_token_header(api):
    await sign_up(api, "ann")
    status, _ = await api.post("/login", {"username": "ann", "password": "pass"}, session="r:not-a-session")
    assert status == 200


# ----- me, logout -----

async def test_users_me_answers_the_user_and_its_token(api):
    user = await sign_up(api, "ann", email="a@x.io")
    status, body = await api.get("/users/me", session=user["sessionToken"])
    assert status == 200
    assert body["objectId"] == user["objectId"]
    assert body["email"] == "a@x.io"
    assert body["sessionToken"] == user["sessionToken"]


async def test_users_me_without_a_token_is_209(api):
    status, body = await api.get("/users/me")
    assert (status, body) == (400, {"code": 209, "error": "Invalid session token"})


async def test_an_unknown_session_token_is_209_on_any_route(api):
    for method, path in (("GET", "/users/me"), ("GET", "/classes/Thing"), ("POST", "/classes/Thing")):
        status, body = await api.request(method, path, json={}, session="r:00000000000000000000000000000000")
        assert (status, body) == (400, {"code": 209, "error": "Invalid session token"}), path


async def test_logout_revokes_the_session(api):
    user = await sign_up(api, "ann")
    status, body = await api.post("/logout", {}, session=user["sessionToken"])
    assert (status, body) == (200, {})
    status, body = await api.get("/users/me", session=user["sessionToken"])
    assert (status, body) == (400, {"code": 209, "error": "Invalid session token"})


async def test_logout_without_a_session_is_a_no_op(api):
    status, body = await api.post("/logout", {})
    assert (status, body) == (200, {})


# ----- get / find -----

async def test_get_of_oneself_carries_the_session_token(api):
    user = await sign_up(api, "ann")
    _, body = await api.get(f"/users/{user['objectId']}", session=user["sessionToken"])
    assert body["sessionToken"] == user["sessionToken"]


async def test_others_do_not_see_a_readable_users_email_or_auth_data(api):
    status, ann = await api.post("/users", {"authData": {"anonymous": {"id": "a1"}}, "email": "a@x.io",
                                            "ACL": {"*": {"read": True}}})
    assert status == 201
    bob = await sign_up(api, "bob")
    _, body = await api.get(f"/users/{ann['objectId']}", session=bob["sessionToken"])
    assert set(body) == {"objectId", "username", "createdAt", "updatedAt", "ACL"}


async def test_a_user_sees_its_own_email_and_auth_data(api):
    _, ann = await api.post("/users", {"authData": {"anonymous": {"id": "a1"}}, "email": "a@x.io"})
    _, body = await api.get(f"/users/{ann['objectId']}", session=ann["sessionToken"])
    assert body["email"] == "a@x.io"
    assert body["authData"] == {"anonymous": {"id": "a1"}}


async def test_find_users_shows_only_readable_users(api):
    ann = await sign_up(api, "ann")
    await sign_up(api, "bob")
    _, body = await api.get("/users", session=ann["sessionToken"])
    assert [u["username"] for u in body["results"]] == ["ann"]


# ----- update -----

async def test_update_without_a_session_is_206(api):
    user = await sign_up(api, "ann")
    status, body = await api.put(f"/users/{user['objectId']}", {"nick": "x"})
    assert (status, body) == (400, {"code": 206, "error": f"Cannot modify user {user['objectId']}."})


async def test_update_of_another_user_is_206(api):
    ann = await sign_up(api, "ann")
    bob = await sign_up(api, "bob")
    status, body = await api.put(f"/users/{ann['objectId']}", {"nick": "x"}, session=bob["sessionToken"])
    assert (status, body) == (400, {"code": 206, "error": "Insufficient auth."})


async def test_update_of_oneself_answers_updated_at(api):
    ann = await sign_up(api, "ann")
    status, body = await api.put(f"/users/{ann['objectId']}", {"nick": "x"}, session=ann["sessionToken"])
    assert status == 200
    assert list(body) == ["updatedAt"]


async def test_renaming_to_a_taken_username_is_202(api):
    await sign_up(api, "bob")
    ann = await sign_up(api, "ann")
    status, body = await api.put(f"/users/{ann['objectId']}", {"username": "BOB"}, session=ann["sessionToken"])
    assert (status, body) == (400, {"code": 202, "error": "Account already exists for this username."})


async def test_keeping_ones_own_username_in_another_case_is_allowed(api):
    ann = await sign_up(api, "ann")
    status, _ = await api.put(f"/users/{ann['objectId']}", {"username": "ANN"}, session=ann["sessionToken"])
    assert status == 200


async def test_client_cannot_set_email_verified_on_update(api):
    ann = await sign_up(api, "ann")
    status, body = await api.put(f"/users/{ann['objectId']}", {"emailVerified": True}, session=ann["sessionToken"])
    assert (status, body) == (400, {"code": 119,
                                    "error": "Clients aren't allowed to manually update email verification."})


async def test_master_may_set_email_verified(api):
    ann = await sign_up(api, "ann")
    status, _ = await api.put(f"/users/{ann['objectId']}", {"emailVerified": True}, master=True)
    assert status == 200
    _, body = await api.get(f"/users/{ann['objectId']}", master=True)
    assert body["emailVerified"] is True


async def test_password_change_revokes_sessions_and_returns_a_new_token(api):
    ann = await sign_up(api, "ann", "old")
    other = await log_in(api, "ann", "old")
    status, body = await api.put(f"/users/{ann['objectId']}", {"password": "new"}, session=ann["sessionToken"])
    assert status == 200
    assert set(body) == {"updatedAt", "sessionToken"}
    for token in (ann["sessionToken"], other["sessionToken"]):
        status, err = await api.get("/users/me", session=token)
        assert (status, err) == (400, {"code": 209, "error": "Invalid session token"})
    status, me = await api.get("/users/me", session=body["sessionToken"])
    assert (status, me["username"]) == (200, "ann")
    status, _ = await api.post("/login", {"username": "ann", "password": "new"})
    assert status == 200


async def test_password_change_by_master_returns_no_token(api):
    ann = await sign_up(api, "ann", "old")
    status, body = await api.put(f"/users/{ann['objectId']}", {"password": "new"}, master=True)
    assert (status, list(body)) == (200, ["updatedAt"])


async def test_an_acl_update_cannot_lock_the_user_out_of_itself(api):
    ann = await sign_up(api, "ann")
    await api.put(f"/users/{ann['objectId']}", {"ACL": {"*": {"read": True}}}, session=ann["sessionToken"])
    _, body = await api.get(f"/users/{ann['objectId']}", master=True)
    assert body["ACL"] == {"*": {"read": True}, ann["objectId"]: {"read": True, "write": True}}


# ----- delete -----

async def test_delete_without_a_session_is_206(api):
    ann = await sign_up(api, "ann")
    status, body = await api.delete(f"/users/{ann['objectId']}")
    assert (status, body) == (400, {"code": 206, "error": "Insufficient auth to delete user"})


async def test_delete_of_another_user_is_206(api):
    ann = await sign_up(api, "ann")
    bob = await sign_up(api, "bob")
    status, body = await api.delete(f"/users/{ann['objectId']}", session=bob["sessionToken"])
    assert (status, body) == (400, {"code": 206, "error": "Insufficient auth."})


async def test_deleting_oneself_invalidates_the_session(api):
    ann = await sign_up(api, "ann")
    await api.get("/users/me", session=ann["sessionToken"])  # cached
    status, body = await api.delete(f"/users/{ann['objectId']}", session=ann["sessionToken"])
    assert (status, body) == (200, {})
    status, body = await api.get("/classes/Thing", session=ann["sessionToken"])
    assert (status, body) == (400, {"code": 209, "error": "Invalid session token"})


# ----- loginAs, verifyPassword, email flows -----

async def test_login_as_needs_the_master_key(api):
    ann = await sign_up(api, "ann")
    status, body = await api.post("/loginAs", {"userId": ann["objectId"]})
    assert (status, body) == (400, {"code": 119, "error": "master key is required"})


async def test_login_as_without_user_id_is_162(api):
    status, body = await api.post("/loginAs", {}, master=True)
    assert (status, body) == (400, {"code": 162, "error": "userId must not be empty, null, or undefined"})


async def test_login_as_an_unknown_user_is_101(api):
    status, body = await api.post("/loginAs", {"userId": "nobody1234"}, master=True)
    assert (status, body) == (404, {"code": 101, "error": "user not found"})


async def test_login_as_creates_a_masterkey_session(api):
    ann = await sign_up(api, "ann")
    status, body = await api.post("/loginAs", {"userId": ann["objectId"]}, master=True)
    assert (status, body["username"]) == (200, "ann")
    _, session = await api.get("/sessions/me", session=body["sessionToken"])
    assert session["createdWith"] == {"action": "login", "authProvider": "masterkey"}


async def test_verify_password_answers_the_user_without_a_session(api):
    ann = await sign_up(api, "ann")
    status, body = await api.post("/verifyPassword", {"username": "ann", "password": "pass"})
    assert (status, body["objectId"]) == (200, ann["objectId"])
    assert "sessionToken" not in body
    status, body = await api.get("/verifyPassword", params={"username": "ann", "password": "bad"})
    assert (status, body) == (404, INVALID_LOGIN)


async def test_password_reset_needs_an_email_adapter(api):
    status, body = await api.post("/requestPasswordReset", {"email": "a@x.io"})
    assert (status, body) == (500, {"code": 1, "error": "An appName, publicServerURL, and emailAdapter are "
                                    "required for password reset and email verification functionality."})


async def test_verification_email_needs_an_email_adapter(api):
    status, body = await api.post("/verificationEmailRequest", {"email": "a@x.io"})
    assert (status, body["code"]) == (500, 1)


async def test_a_user_hook_that_signs_up_another_user_does_not_deadlock(api):
    @api.server.cloud.before_save("_User")
    async def sidekick(req):
        if req.object["username"] == "ann":
            await req.db.master.object("_User", username="ann-sidekick", password="pw").save()

    status, _ = await asyncio.wait_for(api.post("/users", {"username": "ann", "password": "pw"}), timeout=5)
    assert status == 201
    _, found = await api.get("/users", master=True, params={"order": "username"})
    assert [u["username"] for u in found["results"]] == ["ann", "ann-sidekick"]
