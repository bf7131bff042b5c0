"""idempotencyOptions: a request retried with the same X-Parse-Request-Id is refused with 159, not applied twice."""

from __future__ import annotations

import re

import pytest

from parse_clone.http.idempotency import IdempotencyGuard

DUPLICATE = (400, {"code": 159, "error": "Duplicate request"})


@pytest.fixture
def config_overrides():
    return {"idempotencyOptions": {"paths": ["classes/.*", "functions/.*", "users", "installations"], "ttl": 300}}


def with_id(api, request_id: str, **kw):
    return api.headers(**{"X-Parse-Request-Id": request_id}, **kw)


async def count(api, cls="Order"):
    status, body = await api.get(f"/classes/{cls}", params={"count": 1, "limit": 0}, master=True)
    return body["count"]


async def test_a_retried_create_is_applied_once(api):
    status, _ = await api.post("/classes/Order", {"n": 1}, headers=with_id(api, "req-1"))
    assert status == 201
    assert await api.post("/classes/Order", {"n": 1}, headers=with_id(api, "req-1")) == DUPLICATE
    assert await count(api) == 1
    status, _ = await api.post("/classes/Order", {"n": 2}, headers=with_id(api, "req-2"))
    assert status == 201 and await count(api) == 2


async def test_updates_functions_sign_ups_and_installations_are_guarded(api):
    api.server.cloud.define("hello", lambda req: "hi")
    _, order = await api.post("/classes/Order", {"n": 1})
    assert (await api.put(f"/classes/Order/{order['objectId']}", {"n": 2}, headers=with_id(api, "u")))[0] == 200
    assert await api.put(f"/classes/Order/{order['objectId']}", {"n": 3}, headers=with_id(api, "u")) == DUPLICATE
    assert await api.post("/functions/hello", {}, headers=with_id(api, "f")) == (200, {"result": "hi"})
    assert await api.post("/functions/hello", {}, headers=with_id(api, "f")) == DUPLICATE
    assert (await api.post("/users", {"username": "a", "password": "p"}, headers=with_id(api, "s")))[0] == 201
    assert await api.post("/users", {"username": "b", "password": "p"}, headers=with_id(api, "s")) == DUPLICATE
    body = {"deviceType": "ios", "installationId": "0d3c2b1a-0000-4000-8000-000000000001"}
    assert (await api.post("/installations", body, headers=with_id(api, "i")))[0] == 201
    assert await api.post("/installations", body, headers=with_id(api, "i")) == DUPLICATE


async def test_requests_without_an_id_or_off_the_paths_are_not_guarded(api):
    for _ in range(2):
        assert (await api.post("/classes/Order", {"n": 1}))[0] == 201
        assert (await api.post("/roles", {"name": "r" + str(await count(api, "_Role")), "ACL": {}},
                               headers=with_id(api, "role", master=True)))[0] == 201
    assert await count(api) == 2


async def test_an_expired_request_id_can_be_used_again(api):
    assert (await api.post("/classes/Order", {"n": 1}, headers=with_id(api, "old")))[0] == 201
    guard: IdempotencyGuard = api.server.extras["idempotency"]
    schema = await api.server.schema.get("_Idempotency")
    past = {"__type": "Date", "iso": "2020-01-01T00:00:00.000Z"}
    await api.server.storage.update_many("_Idempotency", schema, {"reqId": "old"}, {"expire": past})
    assert (await api.post("/classes/Order", {"n": 1}, headers=with_id(api, "old")))[0] == 201
    assert await api.post("/classes/Order", {"n": 1}, headers=with_id(api, "old")) == DUPLICATE
    assert guard.ttl == 300


def test_paths_match_from_the_start_without_the_mount(api):
    guard = IdempotencyGuard(api.server, {"paths": ["functions/.*", "^jobs/nightly$"]})
    assert guard.covers("/functions/hello") and guard.covers("/jobs/nightly")
    assert not guard.covers("/classes/functions/x") and not guard.covers("/jobs/other")


class TestOff:
    @pytest.fixture
    def config_overrides(self):
        return {}

    async def test_without_the_option_a_request_id_changes_nothing(self, api):
        for _ in range(2):
            assert (await api.post("/classes/Order", {"n": 1}, headers=with_id(api, "same")))[0] == 201


@pytest.mark.parametrize(("options", "message"), [
    ({"paths": ["("]}, "idempotencyOptions.paths: '^(' is not a regular expression"),
    ({"paths": [3]}, "idempotencyOptions.paths must be an array of regular expressions (strings)"),
    ({"paths": [], "ttl": 0}, "idempotencyOptions.ttl must be a positive number of seconds"),
])
def test_bad_options_stop_the_start(options, message, tmp_path):
    from parse_clone.app import build_server
    from tests.conftest import make_config, make_storage

    with pytest.raises(ValueError, match=re.escape(message)):
        build_server(make_config(idempotencyOptions=options), make_storage("sqlite", tmp_path))
