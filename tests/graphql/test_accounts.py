"""GraphQL user operations: signUp, logIn, logInWith, viewer, logOut, resetPassword,
confirmResetPassword, sendVerificationEmail; the same rules and codes as their REST routes."""

from __future__ import annotations

import pytest

from parse_clone.core.auth.account_emails import find_users
from parse_clone.graphql.relay import to_global_id

VIEWER = "viewer { sessionToken user { id objectId username email } }"


@pytest.fixture
def config_overrides():
    return {"mountGraphQL": True, "appName": "GQL", "publicServerURL": "http://localhost:8378/1",
            "emailAdapter": "log"}


def only_error(payload: dict) -> tuple[int, str]:
    [error] = payload["errors"]
    return error["extensions"]["code"], error["message"]


async def test_sign_up_log_in_viewer_log_out(gql, api):
    out = await gql.data(f"""mutation {{ signUp(input: {{clientMutationId: "s", fields: {{username: "ann",
        password: "pw", email: "ann@example.com"}}}}) {{ clientMutationId {VIEWER} }} }}""")
    viewer = out["signUp"]["viewer"]
    uid = viewer["user"]["objectId"]
    assert out["signUp"]["clientMutationId"] == "s"
    assert viewer["sessionToken"].startswith("r:")
    assert viewer["user"] == {"id": to_global_id("_User", uid), "objectId": uid, "username": "ann",
                              "email": "ann@example.com"}
    status, me = await api.get("/users/me", session=viewer["sessionToken"])
    assert status == 200 and me["objectId"] == uid

    dup = await gql('mutation { signUp(input: {fields: {username: "ann", password: "x"}}) { viewer { sessionToken } } }')
    assert only_error(dup) == (202, "Account already exists for this username.")

    bad = await gql('mutation { logIn(input: {username: "ann", password: "wrong"}) { viewer { sessionToken } } }')
    assert only_error(bad) == (101, "Invalid username/password.")
    out = await gql.data(f'mutation {{ logIn(input: {{username: "ann", password: "pw"}}) {{ {VIEWER} }} }}')
    token = out["logIn"]["viewer"]["sessionToken"]
    assert token != viewer["sessionToken"] and out["logIn"]["viewer"]["user"]["username"] == "ann"

    assert await gql.data(f"{{ {VIEWER} }}", session=token) == {"viewer": {"sessionToken": token, "user": {
        "id": to_global_id("_User", uid), "objectId": uid, "username": "ann", "email": "ann@example.com"}}}
    no_session = await gql(f"{{ {VIEWER} }}")
    assert only_error(no_session) == (209, "Invalid session token")

    assert await gql.data('mutation { logOut(input: {clientMutationId: "o"}) { ok clientMutationId } }',
                          session=token) == {"logOut": {"ok": True, "clientMutationId": "o"}}
    status, body = await gql.raw({"query": "{ health }"}, gql.headers(session=token))
    assert (status, body) == (400, {"code": 209, "error": "Invalid session token"})


async def test_log_in_with_anonymous_auth_data(gql):
    query = """mutation($a: Object!) { logInWith(input: {authData: $a}) { viewer { sessionToken user { objectId authData } } } }"""
    first = (await gql.data(query, {"a": {"anonymous": {"id": "00000000-0000-0000-0000-000000000001"}}}))["logInWith"]
    again = (await gql.data(query, {"a": {"anonymous": {"id": "00000000-0000-0000-0000-000000000001"}}}))["logInWith"]
    assert first["viewer"]["user"]["objectId"] == again["viewer"]["user"]["objectId"]
    assert first["viewer"]["sessionToken"] != again["viewer"]["sessionToken"]
    bad = await gql(query, {"a": {"nope": {"id": "1"}}})
    assert only_error(bad)[0] == 252


async def test_reset_password_and_confirm(gql, api):
    await gql.data('mutation { signUp(input: {fields: {username: "bo", password: "old", email: "bo@example.com"}}) { viewer { sessionToken } } }')
    assert await gql.data('mutation { resetPassword(input: {email: "bo@example.com"}) { ok } }') == {
        "resetPassword": {"ok": True}}
    [doc] = await find_users(api.server, {"username": "bo"}, limit=1)
    token = doc["_perishable_token"]
    wrong = await gql('mutation { confirmResetPassword(input: {username: "bo", password: "new", token: "nope"}) { ok } }')
    assert only_error(wrong)[0] == -1
    out = await gql.data('mutation($t: String!) { confirmResetPassword(input: {username: "bo", password: "new", token: $t}) { ok } }',
                         {"t": token})
    assert out == {"confirmResetPassword": {"ok": True}}
    assert (await api.post("/login", {"username": "bo", "password": "new"}))[0] == 200
    # as POST /requestPasswordReset: an unknown email is not revealed, an empty one is refused
    assert await gql.data('mutation { resetPassword(input: {email: "nobody@example.com"}) { ok } }') == {
        "resetPassword": {"ok": True}}
    empty = await gql('mutation { resetPassword(input: {email: ""}) { ok } }')
    assert only_error(empty) == tuple((await api.post("/requestPasswordReset", {"email": ""}))[1].values())


async def test_send_verification_email(gql):
    assert await gql.data('mutation { sendVerificationEmail(input: {email: "x@y.z"}) { ok } }') == {
        "sendVerificationEmail": {"ok": True}}  # emailVerifySuccessOnInvalidEmail: Parse 9's default
    gql.api.server.config.emailVerifySuccessOnInvalidEmail = False
    out = await gql('mutation { sendVerificationEmail(input: {email: "x@y.z"}) { ok } }')
    assert only_error(out) == (205, "No user found with email x@y.z")
    gql.api.server.config.emailVerifySuccessOnInvalidEmail = True
    await gql.data('mutation { signUp(input: {fields: {username: "cy", password: "pw", email: "cy@example.com"}}) { viewer { sessionToken } } }')
    assert await gql.data('mutation { sendVerificationEmail(input: {email: "cy@example.com"}) { ok } }') == {
        "sendVerificationEmail": {"ok": True}}
