"""Third-party logins: anonymous users, linking and unlinking, providers from the `auth` option, JWT/JWKS."""

from __future__ import annotations

import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.support.users import sign_up

FACEBOOK = {"id": "8675309", "access_token": "jenny"}
UNSUPPORTED = {"code": 252, "error": "This authentication method is unsupported."}
ALREADY_LINKED = {"code": 208, "error": "this auth is already used"}

_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
_OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
_JWK = {**jwt.algorithms.RSAAlgorithm.to_jwk(_KEY.public_key(), as_dict=True), "kid": "k1", "alg": "RS256"}
ISSUER, AUDIENCE = "https://login.acme.test/", "my-app"


def id_token(sub: str, key=_KEY, **claims) -> str:
    """A token as the identity provider would sign it."""
    payload = {"sub": sub, "iss": ISSUER, "aud": AUDIENCE, "exp": int(time.time()) + 300, **claims}
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": "k1"})


_FAKE = "tests.support.fake_auth_providers"
AUTH = {
    "facebook": {"module": _FAKE, "options": {"provider": "facebook"}},
    "custom": {"module": _FAKE, "options": {"provider": "custom"}},
    "acme": {"module": "parse_clone.core.auth.jwt_provider",
             "options": {"jwks": {"keys": [_JWK]}, "issuer": ISSUER, "audience": AUDIENCE}},
}


@pytest.fixture
def config_overrides():
    return {"auth": AUTH}


# ----- anonymous -----

async def test_anonymous_sign_up_gets_a_generated_username_and_a_session(api):
    status, body = await api.post("/users", {"authData": {"anonymous": {"id": "c0ffee"}}})
    assert status == 201
    assert set(body) == {"objectId", "createdAt", "username", "sessionToken", "authDataResponse"}  # as 9.10
    assert body["authDataResponse"] == {}
    assert len(body["username"]) == 25
    _, session = await api.get("/sessions/me", session=body["sessionToken"])
    assert session["createdWith"] == {"action": "login", "authProvider": "anonymous"}


async def test_the_same_anonymous_id_logs_the_user_back_in(api):
    _, first = await api.post("/users", {"authData": {"anonymous": {"id": "c0ffee"}}})
    resp = await api.client.post("/1/users", data=b'{"authData":{"anonymous":{"id":"c0ffee"}}}',
                                  headers=api.headers())
    body = await resp.json()
    assert resp.status == 200
    assert resp.headers["Location"] == f"http://localhost:8378/1/users/{first['objectId']}"
    assert body["objectId"] == first["objectId"]
    assert body["authData"] == {"anonymous": {"id": "c0ffee"}}
    assert body["sessionToken"] != first["sessionToken"]


async def test_anonymous_users_can_be_switched_off(api):
    api.server.config.enableAnonymousUsers = False
    api.server.extras.pop("auth_providers", None)
    status, body = await api.post("/users", {"authData": {"anonymous": {"id": "c0ffee"}}})
    assert (status, body) == (400, UNSUPPORTED)


async def test_an_unknown_provider_is_252(api):
    status, body = await api.post("/users", {"authData": {"myspace": {"id": "1", "token": "x"}}})
    assert (status, body) == (400, UNSUPPORTED)


async def test_null_auth_data_is_252(api):
    status, body = await api.post("/users", {"username": "ann", "password": "x", "authData": None})
    assert (status, body) == (400, UNSUPPORTED)


async def test_auth_data_without_an_id_is_252(api):
    status, body = await api.post("/users", {"authData": {"facebook": {"access_token": "jenny"}}})
    assert (status, body) == (400, UNSUPPORTED)


# ----- configured providers -----

async def test_a_valid_provider_login_signs_up(api):
    status, body = await api.post("/users", {"authData": {"facebook": FACEBOOK}})
    assert status == 201
    _, me = await api.get("/users/me", session=body["sessionToken"])
    assert me["authData"] == {"facebook": FACEBOOK}


async def test_rejected_credentials_are_101(api):
    status, body = await api.post("/users", {"authData": {"facebook": {"id": "8675309", "access_token": "bad"}}})
    assert (status, body) == (404, {"code": 101, "error": "not validated"})


async def test_a_disabled_provider_is_252(api):
    api.server.config.auth = {**api.server.config.auth, "facebook": {**api.server.config.auth["facebook"],
                                                                     "enabled": False}}
    api.server.extras.pop("auth_providers", None)
    status, body = await api.post("/users", {"authData": {"facebook": FACEBOOK}})
    assert (status, body) == (400, UNSUPPORTED)


async def test_linking_a_provider_to_a_user(api):
    ann = await sign_up(api, "ann")
    status, body = await api.put(f"/users/{ann['objectId']}", {"authData": {"facebook": FACEBOOK}},
                                 session=ann["sessionToken"])
    assert (status, list(body)) == (200, ["updatedAt"])
    status, login = await api.post("/users", {"authData": {"facebook": FACEBOOK}})
    assert (status, login["objectId"], login["username"]) == (200, ann["objectId"], "ann")


async def test_linking_keeps_the_other_providers(api):
    _, ann = await api.post("/users", {"authData": {"anonymous": {"id": "c0ffee"}}})
    await api.put(f"/users/{ann['objectId']}", {"authData": {"facebook": FACEBOOK}}, session=ann["sessionToken"])
    _, me = await api.get("/users/me", session=ann["sessionToken"])
    assert me["authData"] == {"anonymous": {"id": "c0ffee"}, "facebook": FACEBOOK}


async def test_linking_an_id_another_user_has_is_208(api):
    await api.post("/users", {"authData": {"facebook": FACEBOOK}})
    bob = await sign_up(api, "bob")
    status, body = await api.put(f"/users/{bob['objectId']}", {"authData": {"facebook": FACEBOOK}},
                                 session=bob["sessionToken"])
    assert (status, body) == (400, ALREADY_LINKED)


async def test_signing_up_while_logged_in_with_someone_elses_auth_data_is_208(api):
    await api.post("/users", {"authData": {"facebook": FACEBOOK}})
    bob = await sign_up(api, "bob")
    status, body = await api.post("/users", {"authData": {"facebook": FACEBOOK}}, session=bob["sessionToken"])
    assert (status, body) == (400, ALREADY_LINKED)


async def test_unlinking_a_provider(api):
    ann = await sign_up(api, "ann")
    await api.put(f"/users/{ann['objectId']}", {"authData": {"facebook": FACEBOOK}}, session=ann["sessionToken"])
    status, _ = await api.put(f"/users/{ann['objectId']}", {"authData": {"facebook": None}},
                              session=ann["sessionToken"])
    assert status == 200
    _, me = await api.get("/users/me", session=ann["sessionToken"])
    assert "authData" not in me
    status, _ = await api.post("/users", {"authData": {"facebook": FACEBOOK}})
    assert status == 201  # a new user now


async def test_others_never_see_auth_data(api):
    _, ann = await api.post("/users", {"authData": {"facebook": FACEBOOK}, "ACL": {"*": {"read": True}}})
    bob = await sign_up(api, "bob")
    _, body = await api.get(f"/users/{ann['objectId']}", session=bob["sessionToken"])
    assert "authData" not in body


async def test_a_login_with_auth_data_of_a_locked_user_is_208(api):
    _, ann = await api.post("/users", {"authData": {"facebook": FACEBOOK}})
    await api.put(f"/users/{ann['objectId']}", {"ACL": {}}, master=True)
    # Parse Server 9.10 (checked against it): the locked account is not found, and the sign-up that
    # follows meets the unique index on authData.facebook.id (databaseOptions.createIndexAuthDataUniqueness)
    assert await api.post("/users", {"authData": {"facebook": FACEBOOK}}) == (
        400, {"code": 208, "error": "this auth is already used"})


@pytest.mark.parametrize("config_overrides", [{"auth": AUTH, "databaseOptions": {"createIndexAuthDataUniqueness": False}}])
async def test_without_the_index_a_locked_users_auth_data_signs_up_anew(api):
    _, ann = await api.post("/users", {"authData": {"facebook": FACEBOOK}})
    await api.put(f"/users/{ann['objectId']}", {"ACL": {}}, master=True)
    status, body = await api.post("/users", {"authData": {"facebook": FACEBOOK}})
    assert status == 201
    assert body["objectId"] != ann["objectId"]


# ----- JWT against a JWKS -----

async def test_a_jwt_signed_by_the_key_set_signs_up(api):
    status, body = await api.post("/users", {"authData": {"acme": {"id": "sub-1", "token": id_token("sub-1")}}})
    assert status == 201
    status, again = await api.post("/users", {"authData": {"acme": {"id": "sub-1", "token": id_token("sub-1")}}})
    assert (status, again["objectId"]) == (200, body["objectId"])


@pytest.mark.parametrize("token", [
    id_token("sub-2"),  # issued for someone else
    id_token("sub-1", key=_OTHER_KEY),  # not signed by the key set
    id_token("sub-1", exp=int(time.time()) - 10),  # expired
    id_token("sub-1", aud="another-app"),  # for another audience
    id_token("sub-1", iss="https://evil.test/"),  # from another issuer
    "not-a-jwt",
], ids=["subject", "key", "expired", "audience", "issuer", "garbage"])
async def test_a_bad_jwt_is_101(api, token):
    status, body = await api.post("/users", {"authData": {"acme": {"id": "sub-1", "token": token}}})
    assert (status, body["code"]) == (404, 101)


async def test_a_bad_auth_module_fails_at_start(tmp_path):
    from parse_clone.core.auth.providers import AuthRegistry

    with pytest.raises(ModuleNotFoundError):
        AuthRegistry({"x": {"module": "no.such.module"}})
    (tmp_path / "p.py").write_text("def nothing():\n    pass\n")
    with pytest.raises(ValueError):
        AuthRegistry({"x": {"module": str(tmp_path / "p.py")}})
