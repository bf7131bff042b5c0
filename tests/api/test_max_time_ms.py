"""databaseOptions.maxTimeMS over HTTP: a query past the limit answers as Parse Server's does when
MongoDB stops it (error code 50 reaches Express's error handler: 500 {"code":1,"message":...})."""

from __future__ import annotations

import logging

import pytest

from parse_clone.app import build_server
from parse_clone.config import load_config
from tests.support.clocks import JumpingClock


async def _slow_storage(api) -> None:
    for i in range(50):
        status, _ = await api.post("/classes/Slow", {"name": f"name{i}"}, master=True)
        assert status == 201
    api.server.storage.max_time_ms = 1000
    api.server.storage.clock = JumpingClock()


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_find_past_the_limit_answers_500_code_1(api, caplog):
    await _slow_storage(api)
    with caplog.at_level(logging.ERROR):
        status, body = await api.get("/classes/Slow", params={"where": {"name": {"$regex": "^name"}}}, master=True)
    assert status == 500 and body == {"code": 1, "message": "Internal server error."}
    assert any("operation exceeded time limit (1000 ms, databaseOptions.maxTimeMS)" in r.getMessage()
               for r in caplog.records)


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_count_past_the_limit_answers_500_code_1(api):
    await _slow_storage(api)
    status, body = await api.get("/classes/Slow", params={"count": 1, "limit": 0}, master=True)
    assert status == 500 and body == {"code": 1, "message": "Internal server error."}


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_writes_are_not_limited(api):
    await _slow_storage(api)
    status, body = await api.post("/classes/Slow", {"name": "more"}, master=True)
    assert status == 201 and "objectId" in body


def test_env_variable_and_flag_reach_the_storage(tmp_path):
    uri = f"sqlite:///{tmp_path}/x.sqlite3"
    config = load_config(environ={"PARSE_SERVER_DATABASE_MAX_TIME_MS": "250", "PARSE_SERVER_DATABASE_URI": uri},
                         warnings=[])
    assert config.databaseOptions == {"maxTimeMS": 250}
    assert build_server(config).storage.max_time_ms == 250
    config = load_config(overrides={"databaseOptions.maxTimeMS": "75"}, environ={}, warnings=[])
    assert config.databaseOptions == {"maxTimeMS": 75}
