"""accountLockout and passwordPolicy: Parse Server's codes, messages and stored fields."""

from __future__ import annotations

import pytest

from parse_clone.app import build_server
from parse_clone.core.auth.account_emails import find_users, set_user_fields
from tests.conftest import make_config, make_storage

LOCKED = {"code": 101, "error": "Your account is locked due to multiple failed login attempts. "
                               "Please try again after 1 minute(s)"}
INVALID = {"code": 101, "error": "Invalid username/password."}


def strong(password: str) -> bool:
    """A validatorCallback: at least one digit."""
    return any(c.isdigit() for c in password)


async def stored(api, username="ann"):
    return (await find_users(api.server, {"username": username}, limit=1))[0]


@pytest.mark.parametrize("account_overrides", [{"accountLockout": {"duration": 1, "threshold": 2,
                                                                   "unlockOnPasswordReset": True}}])
async def test_lockout_after_threshold_failures_and_unlock_on_reset(mail_api, smtp, account_overrides):
    await mail_api.post("/users", {"username": "ann", "password": "right1", "email": "ann@example.test"})
    assert await mail_api.post("/login", {"username": "ann", "password": "wrong"}) == (404, INVALID)
    assert (await stored(mail_api))["_failed_login_count"] == 1
    assert await mail_api.post("/login", {"username": "ann", "password": "wrong"}) == (404, INVALID)
    doc = await stored(mail_api)
    assert doc["_failed_login_count"] == 2 and doc["_account_lockout_expires_at"]["__type"] == "Date"
    assert await mail_api.post("/login", {"username": "ann", "password": "right1"}) == (404, LOCKED)
    # a password reset unlocks the account
    await mail_api.post("/requestPasswordReset", {"email": "ann@example.test"})
    token = (await stored(mail_api))["_perishable_token"]
    status, _ = await mail_api.request(
        "POST", "/apps/test/request_password_reset", headers={"Content-Type": "application/x-www-form-urlencoded"},
        data=f"username=ann&token={token}&new_password=fresh2")
    assert status == 200  # the redirect to the success page, followed
    doc = await stored(mail_api)
    assert "_failed_login_count" not in doc and "_account_lockout_expires_at" not in doc
    status, body = await mail_api.post("/login", {"username": "ann", "password": "fresh2"})
    assert status == 200 and (await stored(mail_api))["_failed_login_count"] == 0


@pytest.mark.parametrize("account_overrides", [{"accountLockout": {"duration": 1, "threshold": 1}}])
async def test_lockout_expires(mail_api, account_overrides):
    await mail_api.post("/users", {"username": "ann", "password": "right1"})
    await mail_api.post("/login", {"username": "ann", "password": "wrong"})
    assert await mail_api.post("/login", {"username": "ann", "password": "right1"}) == (404, LOCKED)
    doc = await stored(mail_api)
    await set_user_fields(mail_api.server, doc["objectId"],
                          {"_account_lockout_expires_at": {"__type": "Date", "iso": "2020-01-01T00:00:00.000Z"}})
    status, _ = await mail_api.post("/login", {"username": "ann", "password": "right1"})
    assert status == 200


POLICY = {"validatorPattern": "^(?=.*[a-z])(?=.*[0-9]).{6,}$", "doNotAllowUsername": True,
          "maxPasswordHistory": 2, "validationError": "Use 6+ characters with a digit."}


@pytest.mark.parametrize("account_overrides", [{"passwordPolicy": POLICY}])
async def test_password_policy_pattern_username_and_history(mail_api, account_overrides):
    bad = (400, {"code": 142, "error": "Use 6+ characters with a digit."})
    assert await mail_api.post("/users", {"username": "ann", "password": "short"}) == bad
    assert await mail_api.post("/users", {"username": "ann", "password": "xxann123"}) == (
        400, {"code": 142, "error": "Password cannot contain your username."})
    status, user = await mail_api.post("/users", {"username": "ann", "password": "first1"})
    assert status == 201
    uid, token = user["objectId"], user["sessionToken"]
    status, body = await mail_api.put(f"/users/{uid}", {"password": "second2"}, session=token)
    assert status == 200
    token = body["sessionToken"]
    assert (await stored(mail_api))["_password_history"][0].startswith("$2")
    repeat = (400, {"code": 142, "error": "New password should not be the same as last 2 passwords."})
    assert await mail_api.put(f"/users/{uid}", {"password": "first1"}, session=token) == repeat
    assert await mail_api.put(f"/users/{uid}", {"password": "second2"}, session=token) == repeat
    assert await mail_api.put(f"/users/{uid}", {"password": "annie99"}, session=token) == (
        400, {"code": 142, "error": "Password cannot contain your username."})
    status, _ = await mail_api.put(f"/users/{uid}", {"password": "third3"}, session=token)
    assert status == 200


@pytest.mark.parametrize("account_overrides", [{"passwordPolicy": {"validatorCallback": strong}}])
async def test_validator_callback(mail_api, account_overrides):
    assert await mail_api.post("/users", {"username": "ann", "password": "nodigits"}) == (
        400, {"code": 142, "error": "Password does not meet the Password Policy requirements."})
    status, _ = await mail_api.post("/users", {"username": "ann", "password": "digit1"})
    assert status == 201


@pytest.mark.parametrize("account_overrides", [{"passwordPolicy": {"maxPasswordAge": 1}}])
async def test_max_password_age(mail_api, account_overrides):
    await mail_api.post("/users", {"username": "ann", "password": "pw1"})
    doc = await stored(mail_api)
    assert doc["_password_changed_at"]["__type"] == "Date"
    await set_user_fields(mail_api.server, doc["objectId"],
                          {"_password_changed_at": {"__type": "Date", "iso": "2020-01-01T00:00:00.000Z"}})
    assert await mail_api.post("/login", {"username": "ann", "password": "pw1"}) == (
        404, {"code": 101, "error": "Your password has expired. Please reset your password."})


@pytest.mark.parametrize("options, message", [
    ({"accountLockout": {"duration": 0, "threshold": 3}},
     "Account lockout duration should be greater than 0 and less than 100000"),
    ({"accountLockout": {"duration": 5, "threshold": 1000}},
     "Account lockout threshold should be an integer greater than 0 and less than 1000"),
    ({"passwordPolicy": {"maxPasswordHistory": 21}}, "passwordPolicy.maxPasswordHistory must be an integer ranging 0 - 20"),
    ({"passwordPolicy": {"resetTokenReuseIfValid": True}},
     "You cannot use resetTokenReuseIfValid without resetTokenValidityDuration"),
    ({"passwordPolicy": {"validatorCallback": "nope"}}, "passwordPolicy.validatorCallback must be a function."),
    ({"verifyUserEmails": True}, "An emailAdapter is required for e-mail verification and password resets."),
    ({"verifyUserEmails": True, "emailAdapter": "log"},
     "An app name is required for e-mail verification and password resets."),
    ({"emailAdapter": {"module": "smtp", "options": {"host": "x"}}}, "emailAdapter smtp: options.fromAddress is required"),
    ({"pages": {"enableRouter": "yes"}}, "Parse Server option pages.enableRouter must be a boolean."),
])
def test_bad_options_stop_the_start(tmp_path, options, message):
    with pytest.raises(ValueError) as e:
        build_server(make_config(**options), make_storage("sqlite", tmp_path))
    assert str(e.value) == message


def test_validator_callback_by_module_path(tmp_path):
    server = build_server(make_config(passwordPolicy={"validatorCallback": "tests.account.test_lockout_and_policy:strong"}),
                          make_storage("sqlite", tmp_path))
    from parse_clone.core.auth.password_policy import policy_of
    assert policy_of(server)["validatorCallback"] is strong
