"""Shared fixtures: a running app on each backend, reached through aiohttp's test client."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid
from typing import Any

import pytest

from parse_clone.app import build_app, build_server
from parse_clone.config import ServerConfig

# Servers the tests start as subprocesses (`parse-clone serve`, cwd the repository) write their log
# files here instead of ./logs: the suite leaves nothing in the checkout.
_LOGS = tempfile.mkdtemp(prefix="parse-clone-test-logs-")
os.environ.setdefault("PARSE_SERVER_LOGS_FOLDER", _LOGS)
atexit.register(shutil.rmtree, _LOGS, True)

APP_ID = "test"
MASTER_KEY = "test"
REST_KEY = "rest"


def make_config(**overrides: Any) -> ServerConfig:
    """The configuration the API tests run with (Parse's spec-helper keys)."""
    cfg = ServerConfig(appId=APP_ID, masterKey=MASTER_KEY, restAPIKey=REST_KEY, javascriptKey="test",
                       mountPath="/1", allowClientClassCreation=True, serverURL="http://localhost:8378/1",
                       sqliteSynchronous="OFF",  # no fsync per test database: halves the API suite's time
                       enableSanitizedErrorResponse=False)  # as the conformance reference: detailed messages
    for k, v in overrides.items():
        setattr(cfg, k, v)
    return cfg


def make_storage(kind: str, tmp_path):
    """A fresh storage adapter of the given kind."""
    if kind == "sqlite":
        from parse_clone.storage.sqlite import SQLiteAdapter

        return SQLiteAdapter(str(tmp_path / f"api-{uuid.uuid4().hex[:6]}.sqlite3"))
    if kind == "mongomock":
        from mongomock_motor import AsyncMongoMockClient

        from parse_clone.storage.mongo import MongoAdapter

        return MongoAdapter("mongodb://mock/api", client=AsyncMongoMockClient())
    if kind == "postgres":
        from tests.support.postgres import isolated_adapter

        return isolated_adapter(tmp_path)
    uri = os.environ.get("MONGODB_URI")
    if not uri:
        pytest.skip("MONGODB_URI is not set: no real MongoDB server to run against")
    from parse_clone.storage.mongo import MongoAdapter

    return MongoAdapter(uri, database=f"parse_clone_api_{uuid.uuid4().hex[:8]}")


class Api:
    """A thin REST client over the aiohttp test client, speaking Parse's headers."""

    def __init__(self, client, server) -> None:
        self.client = client
        self.server = server

    def headers(self, master: bool = False, session: str | None = None, **extra: str) -> dict[str, str]:
        h = {"X-Parse-Application-Id": APP_ID, "X-Parse-REST-API-Key": REST_KEY,
             "Content-Type": "application/json"}
        if master:
            h["X-Parse-Master-Key"] = MASTER_KEY
        if session:
            h["X-Parse-Session-Token"] = session
        h.update(extra)
        return h

    async def request(self, method: str, path: str, json: Any = None, master: bool = False,
                      session: str | None = None, params: dict[str, Any] | None = None,
                      headers: dict[str, str] | None = None, data: Any = None):
        import orjson

        h = headers if headers is not None else self.headers(master=master, session=session)
        body = data if data is not None else (orjson.dumps(json) if json is not None else None)
        qs = None
        if params:
            qs = {k: (v if isinstance(v, str) else orjson.dumps(v).decode()) for k, v in params.items()}
        resp = await self.client.request(method, "/1" + path, data=body, headers=h, params=qs)
        text = await resp.text()
        try:
            payload = orjson.loads(text) if text else None
        except orjson.JSONDecodeError:
            payload = text
        return resp.status, payload

    async def get(self, path: str, **kw):
        return await self.request("GET", path, **kw)

    async def post(self, path: str, json: Any = None, **kw):
        return await self.request("POST", path, json=json, **kw)

    async def put(self, path: str, json: Any = None, **kw):
        return await self.request("PUT", path, json=json, **kw)

    async def delete(self, path: str, **kw):
        return await self.request("DELETE", path, **kw)


BACKENDS = ["sqlite", "mongomock", "postgres"]


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    """Each API test runs on every backend."""
    return request.param


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    """Override in a test module to change the server configuration."""
    return {}


@pytest.fixture
async def api(aiohttp_client, backend, tmp_path, config_overrides) -> Api:
    """A fresh server (empty database) and a client for it."""
    server = build_server(make_config(**config_overrides), make_storage(backend, tmp_path))
    app = build_app(server)
    client = await aiohttp_client(app)
    return Api(client, server)


def pytest_sessionfinish(session, exitstatus):
    """Drop the session's throwaway PostgreSQL database (tests/support/postgres.py)."""
    from tests.support.postgres import drop_database

    drop_database()
