"""Users, sessions and roles written here land in Parse Server's MongoDB layout (mongomock only)."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.support.users import make_role, sign_up


@pytest.fixture
def backend() -> str:
    """The layout is a MongoDB matter."""
    return "mongomock"


async def test_a_signed_up_user_row_is_parse_servers(api):
    status, ann = await api.post("/users", {"username": "ann", "password": "pw", "email": "a@x.io",
                                            "authData": {"anonymous": {"id": "c0ffee"}}})
    assert status == 201
    row = await api.server.storage.database["_User"].find_one({"_id": ann["objectId"]})
    assert row["username"] == "ann" and row["email"] == "a@x.io"
    assert row["_hashed_password"].startswith("$2b$")
    assert row["_auth_data_anonymous"] == {"id": "c0ffee"}
    assert row["_rperm"] == [ann["objectId"]] and row["_wperm"] == [ann["objectId"]]
    assert row["_acl"] == {ann["objectId"]: {"w": True, "r": True}}
    assert isinstance(row["_created_at"], datetime)
    assert not {"password", "authData", "sessionToken", "ACL"} & set(row)


async def test_unlinking_unsets_the_providers_key(api):
    _, ann = await api.post("/users", {"username": "ann", "password": "pw",
                                       "authData": {"anonymous": {"id": "c0ffee"}}})
    await api.put(f"/users/{ann['objectId']}", {"authData": {"anonymous": None}}, session=ann["sessionToken"])
    row = await api.server.storage.database["_User"].find_one({"_id": ann["objectId"]})
    assert "_auth_data_anonymous" not in row


async def test_a_session_row_is_parse_servers(api):
    ann = await sign_up(api, "ann")
    row = await api.server.storage.database["_Session"].find_one({"_session_token": ann["sessionToken"]})
    assert row["_p_user"] == f"_User${ann['objectId']}"
    assert row["createdWith"] == {"action": "signup", "authProvider": "password"}
    assert isinstance(row["expiresAt"], datetime)
    assert "sessionToken" not in row and "user" not in row


async def test_role_members_are_join_rows(api):
    ann = await sign_up(api, "ann")
    role = await make_role(api, "Staff", users=[ann["objectId"]])
    rows = await api.server.storage.database["_Join:users:_Role"].find({}, {"_id": 0}).to_list(None)
    assert rows == [{"owningId": role, "relatedId": ann["objectId"]}]


async def test_user_and_role_names_have_parse_servers_unique_indexes(api):
    users = await api.server.storage.database["_User"].index_information()
    roles = await api.server.storage.database["_Role"].index_information()
    assert users["username_1"].get("unique") and users["email_1"].get("unique")
    assert roles["name_1"].get("unique")
