"""The server-wide protectedFields option (and the deprecated userSensitiveFields), as Parse Server merges them."""

from __future__ import annotations

import pytest

from parse_clone.core.schema.protected_option import server_protected_fields
from parse_clone.option_spec import ConfigError

OPTION = {"_User": {"*": ["phone"]}, "Note": {"*": ["secret"], "authenticated": []}}


async def _user(api, name: str, **fields) -> tuple[str, str]:
    acl = {"*": {"read": True}}  # enforcePrivateUsers makes a new user private otherwise
    status, body = await api.post("/users", {"username": name, "password": "pw", "ACL": acl, **fields})
    assert status == 201, body
    return body["objectId"], body["sessionToken"]


@pytest.mark.parametrize("config_overrides", [{"protectedFields": OPTION}])
async def test_option_hides_fields_and_keeps_the_email_default(api):
    ann, _ = await _user(api, "ann", email="ann@example.com", phone="555")
    _, ben_token = await _user(api, "ben")
    status, body = await api.get(f"/users/{ann}", session=ben_token)
    assert status == 200 and "phone" not in body and "email" not in body and body["username"] == "ann"
    status, body = await api.get(f"/users/{ann}", master=True)
    assert status == 200 and body["phone"] == "555" and body["email"] == "ann@example.com"

    status, created = await api.post("/classes/Note", {"secret": "s", "title": "t"})
    assert status == 201
    status, body = await api.get(f"/classes/Note/{created['objectId']}")
    assert status == 200 and "secret" not in body and body["title"] == "t"
    status, body = await api.get(f"/classes/Note/{created['objectId']}", session=ben_token)  # authenticated: []
    assert status == 200 and body["secret"] == "s"


@pytest.mark.parametrize("config_overrides", [{"userSensitiveFields": ["phone"]}])
async def test_user_sensitive_fields_join_the_user_star_entry(api):
    ann, _ = await _user(api, "ann", email="ann@example.com", phone="555")
    status, body = await api.get(f"/users/{ann}")
    assert status == 200 and "phone" not in body and "email" not in body
    status, body = await api.get(f"/users/{ann}", master=True)
    assert status == 200 and body["phone"] == "555"


def test_merge_rules():
    assert server_protected_fields(None) == {"_User": {"*": ["email"]}}
    assert server_protected_fields({"_User": {"*": []}}) == {"_User": {"*": ["email"]}}  # email cannot be dropped
    assert server_protected_fields({"_User": {"authenticated": ["a"]}}, ["b", "a"]) == {
        "_User": {"authenticated": ["a"], "*": ["b", "a", "email"]}}
    assert server_protected_fields({"X": {"role:R": ["f", "f"]}}) == {
        "X": {"role:R": ["f"]}, "_User": {"*": ["email"]}}


@pytest.mark.parametrize("bad", [[], {"_User": ["email"]}, {"_User": {"*": "email"}}, {"_User": {"*": [1]}}])
def test_malformed_option_is_a_config_error_naming_it(bad):
    with pytest.raises(ConfigError, match=r"^option protectedFields \(PARSE_SERVER_PROTECTED_FIELDS\): expected"):
        server_protected_fields(bad)


def test_malformed_user_sensitive_fields():
    with pytest.raises(ConfigError, match=r"^option userSensitiveFields \(PARSE_SERVER_USER_SENSITIVE_FIELDS\)"):
        server_protected_fields(None, "phone")


@pytest.mark.parametrize("config_overrides", [{"protectedFields": {"_User": {"*": ["phone"]}}}])
async def test_the_owner_sees_their_own_protected_fields_by_default(api):
    ann, token = await _user(api, "ann", email="ann@example.com", phone="555")
    status, body = await api.get(f"/users/{ann}", session=token)
    assert status == 200 and body["phone"] == "555" and body["email"] == "ann@example.com"


@pytest.mark.parametrize("config_overrides", [{"protectedFields": {"_User": {"*": ["phone"]}},
                                               "protectedFieldsOwnerExempt": False}])
async def test_owner_exempt_false_applies_protected_fields_to_the_owner_too(api):
    ann, token = await _user(api, "ann", email="ann@example.com", phone="555")
    status, body = await api.get(f"/users/{ann}", session=token)
    # as Parse Server: no exemption, and the configured "*" entry replaces the default (email shown)
    assert status == 200 and "phone" not in body and body["email"] == "ann@example.com"
    status, body = await api.get("/users", params={"where": {"objectId": ann}}, session=token)
    assert status == 200 and "phone" not in body["results"][0]


def test_owner_exempt_false_keeps_configured_entries_as_given():
    assert server_protected_fields({"_User": {"*": ["phone"]}}, owner_exempt=False) == {"_User": {"*": ["phone"]}}
    assert server_protected_fields(None, owner_exempt=False) == {"_User": {"*": ["email"]}}
