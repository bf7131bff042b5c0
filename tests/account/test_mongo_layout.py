"""Account fields in Parse Server's MongoDB layout: what we write, and rows Parse Server wrote keep working."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import aiohttp
import bcrypt
import pytest


@pytest.fixture
def backend() -> str:
    return "mongomock"


ACCOUNT = {"emailVerifyTokenValidityDuration": 3600, "accountLockout": {"duration": 5, "threshold": 3},
           "passwordPolicy": {"resetTokenValidityDuration": 600, "maxPasswordAge": 30, "maxPasswordHistory": 3}}


@pytest.mark.parametrize("account_overrides", [ACCOUNT])
async def test_rows_hold_parse_servers_fields_and_types(mail_api, smtp, account_overrides):
    _, ann = await mail_api.post("/users", {"username": "ann", "password": "pw1", "email": "ann@example.test"})
    await mail_api.post("/login", {"username": "ann", "password": "nope"})
    await mail_api.post("/requestPasswordReset", {"email": "ann@example.test"})
    await mail_api.put(f"/users/{ann['objectId']}", {"password": "pw2"}, session=ann["sessionToken"])
    row = await mail_api.server.storage.database["_User"].find_one({"_id": ann["objectId"]})
    assert row["emailVerified"] is False and isinstance(row["_email_verify_token"], str)
    assert isinstance(row["_email_verify_token_expires_at"], datetime)
    assert row["_failed_login_count"] == 1
    assert isinstance(row["_password_changed_at"], datetime)
    assert len(row["_password_history"]) == 1 and row["_password_history"][0].startswith("$2")
    assert "_perishable_token" not in row  # a password change drops the reset token, as in Parse Server
    await smtp[0].wait(2)


@pytest.mark.parametrize("account_overrides", [ACCOUNT])
async def test_a_row_parse_server_wrote_verifies_resets_and_unlocks(mail_api, smtp, account_overrides):
    soon = datetime.now(timezone.utc) + timedelta(minutes=10)
    await mail_api.server.schema.enforce_class("_User", can_create=True)
    await mail_api.server.storage.database["_User"].insert_one({
        "_id": "PsUser0001", "username": "old", "email": "old@example.test", "emailVerified": False,
        "_hashed_password": bcrypt.hashpw(b"legacy1", bcrypt.gensalt(4)).decode(),
        "_email_verify_token": "ParseServerVerifyToken123", "_email_verify_token_expires_at": soon,
        "_perishable_token": "ParseServerResetToken1234", "_perishable_token_expires_at": soon,
        "_failed_login_count": 3, "_account_lockout_expires_at": soon,
        "_rperm": ["PsUser0001"], "_wperm": ["PsUser0001"],
        "_created_at": datetime.now(timezone.utc), "_updated_at": datetime.now(timezone.utc)})
    assert (await mail_api.post("/login", {"username": "old", "password": "legacy1"}))[1]["code"] == 101  # locked
    base = mail_api.server.config.publicServerURL
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{base}/apps/test/verify_email?token=ParseServerVerifyToken123&username=old") as resp:
            assert resp.url.path == "/1/apps/verify_email_success.html"
        async with http.get(f"{base}/apps/test/request_password_reset?token=ParseServerResetToken1234&username=old") as r:
            assert r.url.path == "/1/apps/choose_password"
        async with http.post(f"{base}/apps/test/request_password_reset",
                             data={"username": "old", "token": "ParseServerResetToken1234", "new_password": "new1"}) as r:
            assert r.url.path == "/1/apps/password_reset_success.html"
    row = await mail_api.server.storage.database["_User"].find_one({"_id": "PsUser0001"})
    assert row["emailVerified"] is True and "_email_verify_token" not in row and "_perishable_token" not in row
    mail_api.server.config.accountLockout = {"duration": 5, "threshold": 3, "unlockOnPasswordReset": True}
    await mail_api.server.storage.database["_User"].update_one(
        {"_id": "PsUser0001"}, {"$set": {"_perishable_token": "AnotherResetToken12345678"}})
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{base}/apps/test/request_password_reset",
                             data={"username": "old", "token": "AnotherResetToken12345678", "new_password": "new2"}):
            pass
    status, body = await mail_api.post("/login", {"username": "old", "password": "new2"})
    assert status == 200, body
