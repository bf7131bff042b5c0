"""before_login, after_login and after_logout; file triggers through the cloud registry."""

from __future__ import annotations

import pytest

from parse_clone.cloud import ParseError
from tests.support.users import log_in, sign_up


@pytest.fixture
def cloud(api):
    return api.server.cloud


async def test_before_login_may_refuse_before_a_session_exists(api, cloud):
    await sign_up(api, "ann")

    def banned(req):
        if req.object["username"] == "ann":
            raise ParseError(ParseError.OBJECT_NOT_FOUND, "banned")

    cloud.before_login(banned)
    _, sessions_before = await api.get("/classes/_Session", master=True)
    assert await api.post("/login", {"username": "ann", "password": "pass"}) == (
        404, {"code": 101, "error": "banned"})
    _, sessions_after = await api.get("/classes/_Session", master=True)
    assert len(sessions_after["results"]) == len(sessions_before["results"])


async def test_before_login_does_not_run_for_a_wrong_password(api, cloud):
    await sign_up(api, "ann")
    calls = []
    cloud.before_login(lambda req: calls.append(1))
    status, _ = await api.post("/login", {"username": "ann", "password": "wrong"})
    assert status == 404 and calls == []


async def test_after_login_sees_the_user_with_its_session(api, cloud):
    await sign_up(api, "ann")
    seen = []
    cloud.after_login(lambda req: seen.append((req.object["username"], req.user.get("username"),
                                               req.object["sessionToken"].startswith("r:"))))
    user = await log_in(api, "ann")
    assert seen == [("ann", "ann", True)]
    assert user["sessionToken"]


async def test_after_logout_gets_the_deleted_session(api, cloud):
    user = await sign_up(api, "ann")
    seen = []
    cloud.after_logout(lambda req: seen.append((req.object.class_name, req.object["sessionToken"],
                                                req.user.get("username") if req.user else None)))
    assert await api.post("/logout", {}, session=user["sessionToken"]) == (200, {})
    assert seen == [("_Session", user["sessionToken"], "ann")]


async def test_file_hooks_can_rename_uploads_and_refuse_deletes(api, cloud):
    def rename(req):
        req.file.name = "renamed.txt"
        req.file.metadata = {"by": "hook"}

    cloud.before_save_file(rename)
    saved = []
    cloud.after_save_file(lambda req: saved.append((req.file.name, req.file_size)))

    def refuse(req):
        raise ParseError(ParseError.FILE_DELETE_ERROR, "keep it")

    cloud.before_delete_file(refuse)
    resp = await api.client.post("/1/files/original.txt", data=b"hello",
                                 headers={**api.headers(master=True), "Content-Type": "text/plain"})
    body = await resp.json()
    assert resp.status == 201 and body["name"].endswith("_renamed.txt")
    assert saved == [(body["name"], 5)]
    assert await api.delete(f"/files/{body['name']}", master=True) == (400, {"code": 153, "error": "keep it"})


async def test_a_failing_file_hook_maps_to_the_file_error_code(api, cloud):
    def broken(req):
        raise RuntimeError("scanner offline")

    cloud.before_save_file(broken)
    status, body = await api.request("POST", "/files/a.txt", data=b"x",
                                     headers={**api.headers(master=True), "Content-Type": "text/plain"})
    assert (status, body) == (400, {"code": 130, "error": "scanner offline"})
