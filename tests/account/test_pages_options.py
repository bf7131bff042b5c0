"""Page options: customPages (default router), pagesPath, localizationJsonPath, placeholders, forceRedirect."""

from __future__ import annotations

import json

import aiohttp
import pytest
from yarl import URL

from .conftest import link_in


async def _sign_up(api):
    status, _ = await api.post("/users", {"username": "ann", "password": "pw1", "email": "ann@example.test"})
    assert status == 201


@pytest.mark.parametrize("account_overrides", [{"customPages": {
    "verifyEmailSuccess": "https://example.test/welcome", "invalidLink": "https://example.test/oops"}}])
async def test_custom_pages_of_the_default_router(mail_api, smtp, account_overrides):
    await _sign_up(mail_api)
    [mail] = await smtp[0].wait(1)
    async with aiohttp.ClientSession() as http:
        async with http.get(link_in(mail), allow_redirects=False) as resp:
            assert (resp.status, resp.headers["Location"]) == (302, "https://example.test/welcome?username=ann")
        async with http.get(mail_api.server.config.publicServerURL + "/apps/test/request_password_reset",
                            allow_redirects=False) as resp:
            assert resp.headers["Location"] == "https://example.test/oops"


@pytest.fixture
def own_pages(tmp_path):
    folder = tmp_path / "pages"
    (folder / "fr").mkdir(parents=True)
    (folder / "email_verification_success.html").write_text("<p>{{greeting}} {{username}} ({{appName}}) {{brand}}</p>")
    (folder / "fr" / "email_verification_success.html").write_text("<p>FR {{greeting}} {{username}}</p>")
    strings = tmp_path / "strings.json"
    strings.write_text(json.dumps({"en": {"translation": {"greeting": "Welcome to {{appName}},"}},
                                   "fr": {"translation": {"greeting": "Bienvenue,"}}}))
    return {"pages": {"enableRouter": True, "enableLocalization": True, "pagesPath": str(folder),
                      "localizationJsonPath": str(strings), "placeholders": {"brand": "ACME"}}}


@pytest.fixture
def account_overrides(own_pages):
    return own_pages


async def test_own_pages_with_translations_and_placeholders(mail_api, smtp):
    await _sign_up(mail_api)
    [mail] = await smtp[0].wait(1)
    link = link_in(mail)
    async with aiohttp.ClientSession() as http:
        async with http.get(link) as resp:
            assert await resp.text() == "<p>Welcome to Homework, ann (Homework) ACME</p>"
    async with aiohttp.ClientSession() as http:
        async with http.get(link + "&locale=fr-CA") as resp:  # verified already: success again, in French
            assert await resp.text() == "<p>FR Bienvenue, ann</p>"
        outside = URL(mail_api.server.config.publicServerURL + "/apps/%2e%2e/strings.json", encoded=True)
        async with http.get(outside) as resp:  # nothing outside pagesPath is served
            assert (resp.status, await resp.text()) == (404, "Not found.")


@pytest.mark.parametrize("quiet, page", [(True, "email_verification_send_success.html"),
                                         (False, "email_verification_send_fail.html")])
@pytest.mark.parametrize("account_overrides", [{"pages": {"enableRouter": True}}])
async def test_resend_for_an_unknown_user_follows_email_verify_success_on_invalid_email(
        mail_api, smtp, account_overrides, quiet, page):
    mail_api.server.config.emailVerifySuccessOnInvalidEmail = quiet
    url = mail_api.server.config.publicServerURL + "/apps/test/resend_verification_email"
    async with aiohttp.ClientSession() as http:
        async with http.post(url, data={"username": "nobody"}, allow_redirects=False) as resp:
            assert resp.status == 303
            assert resp.headers["Location"].split("?")[0] == f"{mail_api.server.config.publicServerURL}/apps/{page}"
    assert smtp[0].messages == []
