"""Email verification and password reset end to end: real SMTP on loopback, links followed over HTTP."""

from __future__ import annotations

import re
from html import unescape

import aiohttp
import pytest

from parse_clone.core.auth.account_emails import find_users, set_user_fields

from .conftest import link_in

NOT_CONFIGURED = ("An appName, publicServerURL, and emailAdapter are required for password reset "
                  "and email verification functionality.")


async def sign_up(api, username="ann", email="ann@example.test", password="secret1"):
    status, body = await api.post("/users", {"username": username, "password": password, "email": email})
    assert status == 201, body
    return body


async def stored(api, username="ann"):
    return (await find_users(api.server, {"username": username}, limit=1))[0]


def form_fields(page: str) -> tuple[str, dict[str, str]]:
    action = unescape(re.search(r'<form id="form" action="([^"]+)"', page).group(1))
    fields = {m.group(1): unescape(m.group(2)) for m in re.finditer(r'name="([^"]+)" type="hidden"[^>]*value="([^"]*)"', page)}
    return action, fields


async def test_sign_up_mails_a_verification_link_that_verifies_the_email(mail_api, smtp):
    inbox, _ = smtp
    user = await sign_up(mail_api)
    assert "sessionToken" in user and "emailVerified" not in user
    doc = await stored(mail_api)
    assert doc["emailVerified"] is False and len(doc["_email_verify_token"]) == 25
    [mail] = await inbox.wait(1)
    assert mail["To"] == "ann@example.test" and mail["From"] == "noreply@example.test"
    assert "Homework" in mail["Subject"]
    link = link_in(mail)
    assert link.startswith(mail_api.server.config.publicServerURL + "/apps/test/verify_email?token=")
    async with aiohttp.ClientSession() as http:
        async with http.get(link) as resp:
            assert resp.status == 200
            assert resp.url.path == "/1/apps/verify_email_success.html"
            assert resp.url.query["username"] == "ann"
            assert "<strong>ann</strong>" in await resp.text()
        doc = await stored(mail_api)
        assert doc["emailVerified"] is True and "_email_verify_token" not in doc
        async with http.get(link) as resp:  # a used link reports success again, as in Parse Server
            assert resp.url.path == "/1/apps/verify_email_success.html"
    status, body = await mail_api.get(f"/users/{user['objectId']}", master=True)
    assert (status, body["emailVerified"]) == (200, True)


async def test_wrong_or_missing_token_goes_to_the_invalid_pages(mail_api, smtp):
    await sign_up(mail_api)
    base = mail_api.server.config.publicServerURL
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{base}/apps/test/verify_email?token=nope&username=ann", allow_redirects=False) as resp:
            assert resp.status == 302
            assert resp.headers["Location"] == f"{base}/apps/invalid_verification_link.html?username=ann&appId=test"
        async with http.get(f"{base}/apps/test/verify_email?token=nope&username=ann") as resp:
            assert (resp.status, resp.url.path) == (200, "/1/apps/invalid_verification_link.html")
            page = await resp.text()
            assert 'action="' + base + '/apps/test/resend_verification_email"' in page
        async with http.get(f"{base}/apps/test/verify_email", allow_redirects=False) as resp:
            assert (resp.status, resp.headers["Location"]) == (302, f"{base}/apps/invalid_link.html")
        async with http.get(f"{base}/apps/other/verify_email?token=a&username=b") as resp:
            assert (resp.status, await resp.json()) == (403, {"error": "unauthorized"})


@pytest.mark.parametrize("account_overrides", [{"emailVerifyTokenValidityDuration": 60}])
async def test_an_expired_verify_link_is_refused_and_the_page_resends_one(mail_api, smtp, account_overrides):
    inbox, _ = smtp
    await sign_up(mail_api)
    [mail] = await inbox.wait(1)
    doc = await stored(mail_api)
    assert doc["_email_verify_token_expires_at"]["__type"] == "Date"
    await set_user_fields(mail_api.server, doc["objectId"],
                          {"_email_verify_token_expires_at": {"__type": "Date", "iso": "2020-01-01T00:00:00.000Z"}})
    async with aiohttp.ClientSession() as http:
        async with http.get(link_in(mail)) as resp:
            assert resp.url.path == "/1/apps/invalid_verification_link.html"
        assert (await stored(mail_api))["emailVerified"] is False
        base = mail_api.server.config.publicServerURL
        async with http.post(f"{base}/apps/test/resend_verification_email", data={"username": "ann"}) as resp:
            assert resp.url.path == "/1/apps/link_send_success.html"
    mails = await inbox.wait(2)
    assert link_in(mails[1]) != link_in(mail)
    async with aiohttp.ClientSession() as http:
        async with http.get(link_in(mails[1])) as resp:
            assert resp.url.path == "/1/apps/verify_email_success.html"


async def test_password_reset_through_the_mail_and_the_pages(mail_api, smtp):
    inbox, _ = smtp
    await sign_up(mail_api)
    await inbox.wait(1)  # the verification mail
    status, body = await mail_api.post("/requestPasswordReset", {"email": "ann@example.test"})
    assert (status, body) == (200, {})
    mail = (await inbox.wait(2))[1]
    assert mail["Subject"] == "Password Reset for Homework"
    link = link_in(mail)
    assert "/apps/test/request_password_reset?token=" in link and link.endswith("&username=ann")
    async with aiohttp.ClientSession() as http:
        async with http.get(link) as resp:
            assert (resp.status, resp.url.path) == (200, "/1/apps/choose_password")
            action, fields = form_fields(await resp.text())
        assert action == mail_api.server.config.publicServerURL + "/apps/test/request_password_reset"
        assert fields["username"] == "ann" and len(fields["token"]) == 25
        async with http.post(action, data={**fields, "new_password": "brandnew2"}) as resp:
            assert (resp.status, resp.url.path, resp.url.query["username"]) == (
                200, "/1/apps/password_reset_success.html", "ann")
        async with http.get(link, allow_redirects=False) as resp:  # the token is spent
            assert resp.headers["Location"].endswith("/1/apps/invalid_link.html")
        async with http.post(action, data={**fields, "new_password": "again3"}, allow_redirects=False) as resp:
            location = resp.headers["Location"]
            assert "/1/apps/choose_password?username=ann&token=" in location
            assert "error=Failed%20to%20reset%20password%3A%20username%20%2F%20email%20%2F%20token%20is%20invalid" \
                in location
    status, _ = await mail_api.post("/login", {"username": "ann", "password": "secret1"})
    assert status == 404
    status, body = await mail_api.post("/login", {"username": "ann", "password": "brandnew2"})
    assert status == 200 and body["sessionToken"]
    assert "_perishable_token" not in await stored(mail_api)


async def test_reset_form_posted_by_xhr_answers_json(mail_api, smtp):
    await sign_up(mail_api)
    await mail_api.post("/requestPasswordReset", {"email": "ann@example.test"})
    token = (await stored(mail_api))["_perishable_token"]
    base = mail_api.server.config.publicServerURL
    xhr = {"X-Requested-With": "XMLHttpRequest"}
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{base}/apps/test/request_password_reset", data={"token": token}, headers=xhr) as resp:
            assert (resp.status, await resp.json()) == (400, {"code": 200, "error": "Missing username"})
        async with http.post(f"{base}/apps/test/request_password_reset",
                             data={"username": "ann", "token": "bad", "new_password": "x1"}, headers=xhr) as resp:
            assert (resp.status, await resp.json()) == (
                400, {"code": -1, "error": "Failed to reset password: username / email / token is invalid"})
        async with http.post(f"{base}/apps/test/request_password_reset",
                             data={"username": "ann", "token": token, "new_password": "x1"}, headers=xhr) as resp:
            assert (resp.status, await resp.json()) == (200, "Password successfully reset")


async def test_unknown_email_is_not_revealed_by_default(mail_api, smtp):
    inbox, _ = smtp
    status, body = await mail_api.post("/requestPasswordReset", {"email": "nobody@example.test"})
    assert (status, body) == (200, {})
    assert inbox.messages == []
    mail_api.server.config.passwordPolicy = {"resetPasswordSuccessOnInvalidEmail": False}
    mail_api.server.extras.pop("password_policy", None)
    status, body = await mail_api.post("/requestPasswordReset", {"email": "nobody@example.test"})
    assert (status, body) == (404, {"code": 101, "error": "A user with that email does not exist."})


async def test_bad_email_arguments(mail_api):
    for route in ("/requestPasswordReset", "/verificationEmailRequest"):
        assert await mail_api.post(route, {}) == (400, {"code": 204, "error": "you must provide an email"})
        assert await mail_api.post(route, {"email": 5}) == (
            400, {"code": 125, "error": "you must provide a valid email string"})
    assert await mail_api.post("/verificationEmailRequest", {"email": "x@y.z"}) == (200, {})  # Parse 9's default
    mail_api.server.config.emailVerifySuccessOnInvalidEmail = False
    assert await mail_api.post("/verificationEmailRequest", {"email": "x@y.z"}) == (
        400, {"code": 205, "error": "No user found with email x@y.z"})


async def test_verification_email_request_resends_and_refuses_verified_users(mail_api, smtp):
    inbox, _ = smtp
    user = await sign_up(mail_api)
    await inbox.wait(1)
    assert await mail_api.post("/verificationEmailRequest", {"email": "ann@example.test"}) == (200, {})
    mails = await inbox.wait(2)
    assert link_in(mails[0]) != link_in(mails[1])
    await mail_api.put(f"/users/{user['objectId']}", {"emailVerified": True}, master=True)
    assert await mail_api.post("/verificationEmailRequest", {"email": "ann@example.test"}) == (200, {})
    assert len(inbox.messages) == 2  # answered as a success, but no mail sent
    mail_api.server.config.emailVerifySuccessOnInvalidEmail = False
    assert await mail_api.post("/verificationEmailRequest", {"email": "ann@example.test"}) == (
        400, {"code": -1, "error": "Email ann@example.test is already verified."})


async def test_smtp_down_is_a_clear_error_and_writes_nothing(mail_api, smtp):
    await sign_up(mail_api)
    await smtp[0].wait(1)
    before = await stored(mail_api)
    mail_api.server.extras["email_adapter"].port = 1  # nothing listens there
    status, body = await mail_api.post("/requestPasswordReset", {"email": "ann@example.test"})
    assert status == 500 and body["code"] == 1
    assert body["error"].startswith("The password reset email could not be sent: SMTP server 127.0.0.1:1:")
    assert "_perishable_token" not in await stored(mail_api)
    status, body = await mail_api.post("/verificationEmailRequest", {"email": "ann@example.test"})
    assert status == 500 and body["error"].startswith("The verification email could not be sent")
    assert (await stored(mail_api))["_email_verify_token"] == before["_email_verify_token"]


@pytest.mark.parametrize("account_overrides", [{"preventLoginWithUnverifiedEmail": True}])
async def test_unverified_users_cannot_log_in(mail_api, smtp, account_overrides):
    body = await sign_up(mail_api)
    assert "sessionToken" not in body
    assert await mail_api.post("/login", {"username": "ann", "password": "secret1"}) == (
        400, {"code": 205, "error": "User email is not verified."})
    [mail] = await smtp[0].wait(1)
    async with aiohttp.ClientSession() as http:
        await (await http.get(link_in(mail))).read()
    status, body = await mail_api.post("/login", {"username": "ann", "password": "secret1"})
    assert status == 200 and body["emailVerified"] is True


@pytest.mark.parametrize("account_overrides", [{"preventLoginWithUnverifiedEmail": True,
                                                "preventSignupWithUnverifiedEmail": True}])
async def test_prevent_signup_answers_205_and_keeps_the_user(mail_api, smtp, account_overrides):
    status, body = await mail_api.post("/users", {"username": "ann", "password": "p", "email": "ann@example.test"})
    assert (status, body) == (400, {"code": 205, "error": "User email is not verified."})
    assert (await stored(mail_api))["emailVerified"] is False
    await smtp[0].wait(1)


async def test_email_routes_need_the_configuration(api):
    assert await api.post("/requestPasswordReset", {"email": "a@b.c"}) == (500, {"code": 1, "error": NOT_CONFIGURED})


@pytest.mark.parametrize("account_overrides", [{"pages": {"enableRouter": True, "enableLocalization": True}}])
async def test_pages_router_renders_pages_with_params_and_locales(mail_api, smtp, account_overrides):
    await sign_up(mail_api)
    await smtp[0].wait(1)  # the verification mail first, so the reset mail is the second one
    await mail_api.post("/requestPasswordReset", {"email": "ann@example.test"})
    mail = (await smtp[0].wait(2))[1]
    async with aiohttp.ClientSession() as http:
        async with http.get(link_in(mail) + "&locale=de") as resp:
            assert resp.status == 200 and resp.url.path == "/1/apps/test/request_password_reset"
            assert resp.headers["x-parse-page-param-username"] == "ann"
            assert resp.headers["x-parse-page-param-locale"] == "de"
            page = await resp.text()
            assert "Neues Passwort" in page
            action, fields = form_fields(page)
        async with http.post(action, data={**fields, "new_password": "brandnew2"}) as resp:
            assert resp.status == 200 and "wurde geändert" in await resp.text()
        async with http.get(link_in(mail)) as resp:
            assert resp.status == 200 and "does not work" in await resp.text()
        async with http.post(action, data={"username": "ann", "locale": "de"}, allow_redirects=False) as resp:
            assert resp.status == 303
            assert "/1/apps/de/password_reset_link_invalid.html?" in resp.headers["Location"]


@pytest.mark.parametrize("account_overrides", [{"pages": {"enableRouter": True, "customUrls": {
    "emailVerificationSuccess": "https://example.test/verified"}}}])
async def test_pages_router_custom_urls(mail_api, smtp, account_overrides):
    await sign_up(mail_api)
    [mail] = await smtp[0].wait(1)
    async with aiohttp.ClientSession() as http:
        async with http.get(link_in(mail), allow_redirects=False) as resp:
            assert resp.status == 303
            assert resp.headers["Location"].startswith("https://example.test/verified?username=ann&appId=test")
