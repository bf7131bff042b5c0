"""POST /challenge: auth providers' challenge steps, with the user named by password, authData or not at all."""

from __future__ import annotations

import pytest

from tests.support.users import sign_up

CUSTOM = {"id": "fastrde", "password": "password1"}


@pytest.fixture
def config_overrides():
    return {"auth": {"custom": {"module": "tests.support.challenge_auth_provider", "options": {"provider": "custom"}},
                     "facebook": {"module": "tests.support.fake_auth_providers", "options": {"provider": "facebook"}}}}


def other(message: str) -> tuple[int, dict]:
    return 400, {"code": -1, "error": message}


async def test_a_challenge_without_a_user(api):
    assert await api.post("/challenge", {"challengeData": {"custom": {"to": "a phone"}, "facebook": {}}}) == \
        (200, {"challengeData": {"custom": {"code": "sent to a phone", "user": None}}})


async def test_a_challenge_for_a_user_named_by_password(api):
    await sign_up(api, "ann", "pw")
    assert await api.post("/challenge", {"username": "ann", "password": "pw",
                                         "challengeData": {"custom": {"to": "x"}}}) == \
        (200, {"challengeData": {"custom": {"code": "sent to x", "user": "ann"}}})
    assert await api.post("/challenge", {"username": "ann", "password": "bad", "challengeData": {"custom": {}}}) == \
        (404, {"code": 101, "error": "Invalid username/password."})


async def test_a_challenge_for_a_user_named_by_auth_data(api):
    status, created = await api.post("/users", {"authData": {"custom": CUSTOM}})
    assert status == 201
    _, stored = await api.get(f"/users/{created['objectId']}", master=True)
    body = {"authData": {"custom": CUSTOM}, "challengeData": {"custom": {"to": "y"}}}
    assert await api.post("/challenge", body) == \
        (200, {"challengeData": {"custom": {"code": "sent to y", "user": stored["username"]}}})
    wrong = {"authData": {"custom": {"id": "fastrde", "password": "nope"}}, "challengeData": {"custom": {}}}
    assert await api.post("/challenge", wrong) == (404, {"code": 101, "error": "User not found."})
    unknown = {"authData": {"custom": {"id": "someone", "password": "password1"}}, "challengeData": {"custom": {}}}
    assert await api.post("/challenge", unknown) == (404, {"code": 101, "error": "User not found."})


async def test_an_answer_of_nothing_is_true(api):
    assert await api.post("/challenge", {"challengeData": {"custom": {"to": "quiet"}}}) == \
        (200, {"challengeData": {"custom": True}})


async def test_a_refused_or_crashed_step(api):
    assert await api.post("/challenge", {"challengeData": {"custom": {"to": "nobody"}}}) == \
        (400, {"code": 141, "error": "No one to send a code to."})
    assert await api.post("/challenge", {"challengeData": {"custom": {"to": "crash"}}}) == \
        (400, {"code": 141, "error": "Challenge failed. Unknown error."})


@pytest.mark.parametrize(("body", "message"), [
    ({}, "Nothing to challenge."),
    ({"challengeData": "sms"}, "challengeData should be an object."),
    ({"username": "ann", "challengeData": {}}, "You provided username or email, you need to also provide password."),
    ({"authData": "x", "challengeData": {"custom": {}}}, "authData should be an object."),
    ({"authData": {"custom": 3}, "challengeData": {"custom": {}}}, "authData.custom should be an object."),
    ({"authData": {"custom": {"id": "a"}, "facebook": {"id": "b"}}, "challengeData": {"custom": {}}},
     "You cannot provide more than one authData provider with an id."),
])
async def test_bad_requests_are_named(api, body, message):
    assert await api.post("/challenge", body) == other(message)


async def test_password_and_auth_data_together_are_refused(api):
    await sign_up(api, "ann", "pw")
    body = {"username": "ann", "password": "pw", "authData": {"custom": CUSTOM}, "challengeData": {"custom": {}}}
    assert await api.post("/challenge", body) == \
        other("You cannot provide username/email and authData, only use one identification method.")


@pytest.mark.parametrize("config_overrides", [{"mountGraphQL": True, "auth": {
    "custom": {"module": "tests.support.challenge_auth_provider", "options": {"provider": "custom"}}}}])
async def test_the_graphql_challenge_mutation(api):
    query = 'mutation { challenge(input: {challengeData: {custom: {to: "z"}}, clientMutationId: "c1"}) ' \
            "{ challengeData clientMutationId } }"
    resp = await api.client.post("/graphql", json={"query": query}, headers=api.headers())
    assert (resp.status, await resp.json()) == (200, {"data": {"challenge": {
        "challengeData": {"custom": {"code": "sent to z", "user": None}}, "clientMutationId": "c1"}}})
    bad = 'mutation { challenge(input: {}) { challengeData } }'
    resp = await api.client.post("/graphql", json={"query": bad}, headers=api.headers())
    body = await resp.json()
    assert (body["errors"][0]["message"], body["errors"][0]["extensions"]) == ("Nothing to challenge.", {"code": -1})
