"""A query's `explain`: the database's plan instead of the results, with the master key only unless
databaseOptions.allowPublicExplain is true (Parse Server 9's rule)."""

from __future__ import annotations

import pytest

NEEDS_MASTER = {"code": 102, "error": "Using the explain query parameter requires the master key"}


async def _seed(api) -> None:
    status, _ = await api.post("/classes/Visit", {"nurse": "ann", "minutes": 30})
    assert status == 201


def _skip_on_mongomock(backend: str) -> None:
    if backend == "mongomock":
        pytest.skip("mongomock cursors have no explain (a real MongoDB answers its explain document)")


def _is_plan(backend: str, results) -> bool:
    if backend == "sqlite":
        return isinstance(results, list) and results and all(set(r) == {"id", "parent", "detail"} for r in results)
    if backend == "postgres":
        return isinstance(results, list) and len(results) == 1 and isinstance(results[0]["QUERY PLAN"], list)
    return isinstance(results, dict) and "queryPlanner" in results  # MongoDB's explain document


async def test_explain_needs_the_master_key(api) -> None:
    await _seed(api)
    for request in (api.get("/classes/Visit", params={"explain": True, "where": {"nurse": "ann"}}),
                    api.post("/classes/Visit", {"_method": "GET", "explain": True},
                             headers=api.headers(**{"X-Parse-Application-Id": "test"}))):
        assert await request == (400, NEEDS_MASTER)


async def test_the_master_key_gets_the_plan(api, backend) -> None:
    _skip_on_mongomock(backend)
    await _seed(api)
    status, body = await api.get("/classes/Visit", params={"explain": True, "where": {"nurse": "ann"}, "limit": 5},
                                 master=True)
    assert status == 200
    assert list(body) == ["results"]
    assert _is_plan(backend, body["results"]), body


@pytest.mark.parametrize("config_overrides", [{"databaseOptions": {"allowPublicExplain": True}}])
async def test_allow_public_explain_lifts_the_rule(api, backend) -> None:
    _skip_on_mongomock(backend)
    await _seed(api)
    status, body = await api.get("/classes/Visit", params={"explain": True})
    assert status == 200 and _is_plan(backend, body["results"]), body


async def test_explain_of_a_class_without_data(api) -> None:
    assert await api.get("/classes/Nothing", params={"explain": True}, master=True) == (200, {"results": []})
