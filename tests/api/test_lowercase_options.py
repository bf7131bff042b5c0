"""convertEmailToLowercase / convertUsernameToLowercase: a _User's email and username are stored lowercased."""

from __future__ import annotations

import pytest

BOTH = {"convertEmailToLowercase": True, "convertUsernameToLowercase": True}


async def _stored(api, object_id: str) -> dict:
    status, body = await api.get(f"/users/{object_id}", master=True)
    assert status == 200, body
    return body


@pytest.mark.parametrize("config_overrides", [BOTH])
async def test_create_and_update_store_lowercase(api):
    status, body = await api.post("/users", {"username": "Ann.SMITH", "password": "pw", "email": "Ann@Example.COM"})
    assert status == 201, body
    user = await _stored(api, body["objectId"])
    assert (user["username"], user["email"]) == ("ann.smith", "ann@example.com")
    status, _ = await api.put(f"/users/{body['objectId']}", {"username": "ANN2", "email": "A2@X.ORG"}, master=True)
    assert status == 200
    user = await _stored(api, body["objectId"])
    assert (user["username"], user["email"]) == ("ann2", "a2@x.org")
    status, login = await api.post("/login", {"username": "ann2", "password": "pw"})
    assert status == 200 and login["username"] == "ann2"


@pytest.mark.parametrize("config_overrides", [{"convertEmailToLowercase": True}])
async def test_each_option_on_its_own_and_other_classes_untouched(api):
    status, body = await api.post("/users", {"username": "Ben", "password": "pw", "email": "Ben@X.ORG"})
    assert status == 201
    user = await _stored(api, body["objectId"])
    assert (user["username"], user["email"]) == ("Ben", "ben@x.org")
    status, obj = await api.post("/classes/Contact", {"email": "Ben@X.ORG", "username": "Ben"})
    assert status == 201
    status, got = await api.get(f"/classes/Contact/{obj['objectId']}")
    assert (got["email"], got["username"]) == ("Ben@X.ORG", "Ben")


async def test_off_by_default(api):
    status, body = await api.post("/users", {"username": "Cy", "password": "pw", "email": "Cy@X.ORG"})
    assert status == 201
    user = await _stored(api, body["objectId"])
    assert (user["username"], user["email"]) == ("Cy", "Cy@X.ORG")
