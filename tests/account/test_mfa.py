"""The mfa auth adapter (TOTP), as Parse Server's: enrolment, recovery codes, logins needing a code."""

from __future__ import annotations

import pyotp
import pytest

from parse_clone.app import build_server
from parse_clone.core.auth.account_emails import find_users
from tests.conftest import make_config, make_storage

MFA = {"auth": {"mfa": {"enabled": True, "options": ["TOTP"], "algorithm": "SHA1", "digits": 6, "period": 30}}}
pytestmark = pytest.mark.parametrize("account_overrides", [MFA])


async def enrolled(api):
    status, user = await api.post("/users", {"username": "ann", "password": "pw"})
    secret = pyotp.random_base32(32)
    totp = pyotp.TOTP(secret)
    status, body = await api.put(f"/users/{user['objectId']}", {"authData": {"mfa": {"secret": secret,
                                                                                  "token": totp.now()}}},
                                 session=user["sessionToken"])
    assert status == 200, body
    return user, totp, body


async def test_enrol_answers_recovery_codes_and_hides_the_secret(mail_api, account_overrides):
    user, totp, body = await enrolled(mail_api)
    recovery = body["authDataResponse"]["mfa"]["recovery"].split(", ")
    assert len(recovery) == 2 and all(len(code) == 30 for code in recovery)
    stored = (await find_users(mail_api.server, {"username": "ann"}))[0]
    assert stored["authData"]["mfa"] == {"secret": totp.secret, "recovery": recovery}
    status, me = await mail_api.get("/users/me", session=user["sessionToken"])
    assert me["authData"] == {"mfa": {"status": "enabled"}}
    status, got = await mail_api.get(f"/users/{user['objectId']}", session=user["sessionToken"])
    assert got["authData"] == {"mfa": {"status": "enabled"}}
    status, got = await mail_api.get(f"/users/{user['objectId']}", master=True)
    assert got["authData"]["mfa"]["secret"] == totp.secret


async def test_login_needs_a_valid_code_or_a_recovery_code(mail_api, account_overrides):
    user, totp, body = await enrolled(mail_api)
    assert await mail_api.post("/login", {"username": "ann", "password": "pw"}) == (
        400, {"code": -1, "error": "Missing additional authData mfa"})
    assert await mail_api.post("/login", {"username": "ann", "password": "pw", "authData": {"mfa": {"token": "abcd"}}}) == (
        400, {"code": 141, "error": "Invalid MFA token"})
    status, body2 = await mail_api.post("/login", {"username": "ann", "password": "pw",
                                                   "authData": {"mfa": {"token": totp.now()}}})
    assert status == 200
    assert sorted(body2) == sorted(["objectId", "username", "createdAt", "updatedAt", "authData", "ACL",
                                    "sessionToken", "authDataResponse"])
    assert body2["authData"] == {"mfa": {"status": "enabled"}}
    code = body["authDataResponse"]["mfa"]["recovery"].split(", ")[0]
    status, _ = await mail_api.post("/login", {"username": "ann", "password": "pw", "authData": {"mfa": {"token": code}}})
    assert status == 200


async def test_changing_the_secret_needs_the_old_code(mail_api, account_overrides):
    user, totp, _ = await enrolled(mail_api)
    new = pyotp.TOTP(pyotp.random_base32(32))
    path = f"/users/{user['objectId']}"
    assert await mail_api.put(path, {"authData": {"mfa": {"secret": new.secret, "token": new.now(), "old": "123"}}},
                              session=user["sessionToken"]) == (400, {"code": -1, "error": "Invalid MFA token"})
    assert (await find_users(mail_api.server, {"username": "ann"}))[0]["authData"]["mfa"]["secret"] == totp.secret
    status, _ = await mail_api.put(path, {"authData": {"mfa": {"secret": new.secret, "token": new.now(),
                                                               "old": totp.now()}}}, session=user["sessionToken"])
    assert status == 200
    assert (await find_users(mail_api.server, {"username": "ann"}))[0]["authData"]["mfa"]["secret"] == new.secret


async def test_bad_enrolments(mail_api, account_overrides):
    status, user = await mail_api.post("/users", {"username": "ann", "password": "pw"})
    path, token = f"/users/{user['objectId']}", user["sessionToken"]
    assert await mail_api.put(path, {"authData": {"mfa": {"secret": "SHORT", "token": "123456"}}}, session=token) == (
        400, {"code": -1, "error": "Invalid MFA data"})
    secret = pyotp.random_base32(32)
    wrong = next(c for c in ("000000", "111111", "222222", "333333") if not pyotp.TOTP(secret).verify(c, valid_window=1))
    assert await mail_api.put(path, {"authData": {"mfa": {"secret": secret, "token": wrong}}}, session=token) == (400, {"code": -1, "error": "Invalid MFA token"})
    status, body = await mail_api.post("/login", {"username": "ann", "password": "pw"})
    assert status == 200  # not enrolled: no code needed


def test_bad_mfa_options(tmp_path, account_overrides):
    with pytest.raises(ValueError, match="mfa.digits must be between 4 and 10"):
        build_server(make_config(auth={"mfa": {"options": ["TOTP"], "digits": 3}}), make_storage("sqlite", tmp_path))
    with pytest.raises(ValueError, match="mfa.options must be an array"):
        build_server(make_config(auth={"mfa": {"options": "TOTP"}}), make_storage("sqlite", tmp_path))
