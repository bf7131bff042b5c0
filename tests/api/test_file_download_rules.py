"""fileDownload: who may download files (anonymous users, users, the public), as Parse Server 9."""

from __future__ import annotations

from typing import Any

import pytest

from parse_clone.core.files.service import download_rules
from tests.api.test_files import download, upload
from tests.support.users import sign_up

UPLOAD = {"enableForPublic": True, "enableForAnonymousUser": True}


def _refused(who: str) -> tuple[int, Any]:
    return 400, {"code": 119, "error": f"File download by {who} is disabled."}


async def _stored(api) -> str:
    status, body, _ = await upload(api, "a.txt")
    assert status == 201, body
    return body["name"]


async def _get(api, name: str, **headers: str) -> tuple[int, Any]:
    status, data, resp = await download(api, name, **headers)
    return status, (await resp.json() if status != 200 else data)


@pytest.mark.parametrize("config_overrides", [{"fileUpload": UPLOAD, "fileDownload": {"enableForPublic": False}}])
async def test_public_downloads_can_be_disabled(api):
    name = await _stored(api)
    assert await _get(api, name) == _refused("public")
    user = await sign_up(api, "ann")
    assert await _get(api, name, **{"X-Parse-Session-Token": user["sessionToken"]}) == (200, b"argle bargle")
    assert await _get(api, name, **{"X-Parse-Session-Token": "r:nope"}) == (
        400, {"code": 209, "error": "Invalid session token"})


@pytest.mark.parametrize("config_overrides", [{"fileUpload": UPLOAD, "fileDownload": {
    "enableForAuthenticatedUser": False, "enableForAnonymousUser": False}}])
async def test_user_and_anonymous_downloads_can_be_disabled(api):
    name = await _stored(api)
    user = await sign_up(api, "ann")
    assert await _get(api, name, **{"X-Parse-Session-Token": user["sessionToken"]}) == _refused("authenticated user")
    status, anon = await api.post("/users", {"authData": {"anonymous": {"id": "9f3b1c7e"}}})
    assert status == 201
    assert await _get(api, name, **{"X-Parse-Session-Token": anon["sessionToken"]}) == _refused("anonymous user")
    assert await _get(api, name) == (200, b"argle bargle")  # the public still may


@pytest.mark.parametrize("config_overrides", [{"fileUpload": UPLOAD}])
async def test_everyone_downloads_by_default(api):
    name = await _stored(api)
    assert await _get(api, name) == (200, b"argle bargle")


@pytest.mark.parametrize("bad, message", [
    ([], "fileDownload must be an object value."),
    ({"enableForPublic": "no"}, "fileDownload.enableForPublic must be a boolean value."),
])
def test_malformed_option(bad, message):
    class Config:
        fileDownload = bad
    with pytest.raises(ValueError) as e:
        download_rules(Config())
    assert str(e.value) == message
