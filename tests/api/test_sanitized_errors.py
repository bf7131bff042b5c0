"""enableSanitizedErrorResponse, on by default as in Parse Server 9: key and permission errors reach the
client as "Permission denied" (same code and status), the detail goes to the log; bad input does not."""

from __future__ import annotations

import logging

import pytest

from tests.api.test_clp import set_clp

DENIED = "Permission denied"


@pytest.fixture
def config_overrides():
    return {"enableSanitizedErrorResponse": True, "readOnlyMasterKey": "read-only", "mountGraphQL": True}


async def test_a_missing_master_key_is_permission_denied(api, caplog):
    with caplog.at_level(logging.INFO, logger="parse_clone.errors"):
        assert await api.get("/serverInfo") == (403, {"error": DENIED})
    assert "sanitized error: unauthorized: master key is required" in caplog.text


async def test_the_read_only_master_key_is_permission_denied(api):
    headers = api.headers(**{"X-Parse-Master-Key": "read-only"})
    assert await api.put("/config", {"params": {"a": 1}}, headers=headers) == (400, {"code": 119, "error": DENIED})


async def test_clp_refusals_and_invalid_sessions_are_permission_denied(api):
    await set_clp(api, {"find": {}, "get": {"*": True}})
    assert await api.get("/classes/Doc") == (400, {"code": 119, "error": DENIED})
    assert await api.get("/classes/Doc/x", session="r:nope") == (400, {"code": 209, "error": DENIED})


async def test_bad_input_keeps_its_message(api):
    status, body = await api.get("/classes/Doc", params={"where": {"n": {"$bogus": 1}}})
    assert (status, body) == (400, {"code": 107, "error": "bad constraint: $bogus"})


async def test_batch_sub_requests_are_sanitized_too(api):
    await set_clp(api, {"create": {}})
    status, body = await api.post("/batch", {"requests": [{"method": "POST", "path": "/1/classes/Doc", "body": {}}]})
    assert (status, body) == (200, [{"error": {"code": 119, "error": DENIED}}])


async def test_graphql_errors_are_sanitized_too(api):
    await set_clp(api, {"find": {}, "get": {}})
    resp = await api.client.post("/graphql", json={"query": "{ docs { count } }"}, headers=api.headers())
    body = await resp.json()
    assert body["errors"][0]["message"] == DENIED
    assert body["errors"][0]["extensions"] == {"code": 119}


class TestDetailed:
    @pytest.fixture
    def config_overrides(self):
        return {"enableSanitizedErrorResponse": False}

    async def test_with_the_option_off_the_detail_is_sent(self, api):
        assert await api.get("/serverInfo") == (403, {"error": "unauthorized: master key is required"})
