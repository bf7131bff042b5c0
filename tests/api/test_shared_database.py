"""Two processes on one database: each sees the classes the other creates, as Parse Server instances do.

Server B caches its class schemas at start; a class that server A (a cluster worker, another
instance, Parse Server itself) creates afterwards is looked up in the database on B's first miss.
With databaseOptions.enableSchemaHooks on PostgreSQL, B also hears A's later schema changes (new
fields, CLPs) over LISTEN/NOTIFY, in Parse Server's message format.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import asyncpg
import orjson
import pytest

from parse_clone.app import build_app, build_server
from parse_clone.storage import open_adapter
from parse_clone.storage.postgres.schema_hooks import CHANNEL

from ..conftest import Api, make_config, make_storage


def _second_adapter(first: Any, backend: str, **pg_options: Any) -> Any:
    """Another adapter on the same database as `first`."""
    if backend == "sqlite":
        return type(first)(first.path)
    if backend == "mongomock":
        return type(first)(first.uri, client=first._client)
    return type(first)(first.uri, **pg_options)


async def _pair(aiohttp_client, backend: str, tmp_path, **pg_options: Any) -> tuple[Api, Api]:
    first = make_storage(backend, tmp_path)
    if pg_options:
        first = type(first)(first.uri, **pg_options)
    second = _second_adapter(first, backend, **pg_options)
    apis = []
    for storage in (first, second):
        server = build_server(make_config(), storage)
        apis.append(Api(await aiohttp_client(build_app(server)), server))
    return apis[0], apis[1]


async def test_a_class_created_elsewhere_is_found(aiohttp_client, backend, tmp_path) -> None:
    a, b = await _pair(aiohttp_client, backend, tmp_path)
    assert (await b.get("/classes/Visit"))[1] == {"results": []}  # not there yet, on either
    status, created = await a.post("/classes/Visit", {"nurse": "Ann"})
    assert status == 201
    status, got = await b.get(f"/classes/Visit/{created['objectId']}")
    assert (status, got["nurse"]) == (200, "Ann")
    assert [r["nurse"] for r in (await b.get("/classes/Visit"))[1]["results"]] == ["Ann"]
    status, schema = await b.get("/schemas/Visit", master=True)
    assert (status, schema["fields"]["nurse"]) == (200, {"type": "String"})


async def test_a_class_nobody_created_is_still_missing(aiohttp_client, backend, tmp_path) -> None:
    _, b = await _pair(aiohttp_client, backend, tmp_path)
    assert await b.get("/classes/Nothing/abc") == (404, {"code": 101, "error": "Object not found."})
    assert await b.get("/schemas/Nothing", master=True) == (
        400, {"code": 103, "error": "Class Nothing does not exist."})


# ----- databaseOptions.enableSchemaHooks (PostgreSQL) -----

async def _eventually(check, attempts: int = 100) -> Any:
    """check() until it is truthy (a NOTIFY is delivered asynchronously, in a few ms)."""
    for _ in range(attempts):
        result = await check()
        if result:
            return result
        await asyncio.sleep(0.02)
    return await check()


async def test_with_schema_hooks_a_new_field_is_heard(aiohttp_client, tmp_path) -> None:
    a, b = await _pair(aiohttp_client, "postgres", tmp_path, schema_hooks=True)
    status, first = await a.post("/classes/Visit", {"nurse": "Ann"})
    assert status == 201
    assert (await b.get(f"/classes/Visit/{first['objectId']}"))[0] == 200  # B now caches Visit
    status, second = await a.post("/classes/Visit", {"nurse": "Bo", "minutes": 45})
    assert status == 201

    async def b_sees_minutes() -> bool:
        _, schema = await b.get("/schemas/Visit", master=True)
        return "minutes" in schema["fields"]

    assert await _eventually(b_sees_minutes)
    status, got = await b.get(f"/classes/Visit/{second['objectId']}")
    assert (status, got["minutes"]) == (200, 45)


async def test_schema_hooks_speak_parse_servers_message(aiohttp_client, tmp_path) -> None:
    a, _ = await _pair(aiohttp_client, "postgres", tmp_path, schema_hooks=True)
    heard: list[str] = []
    listener = await asyncpg.connect(a.server.storage._db.dsn)
    try:
        await listener.add_listener(CHANNEL, lambda _c, _p, _ch, payload: heard.append(payload))
        assert (await a.post("/classes/Visit", {"nurse": "Ann"}))[0] == 201

        async def got_one() -> bool:
            return bool(heard)

        assert await _eventually(got_one)
        assert set(orjson.loads(heard[0])) == {"senderId"}
        assert orjson.loads(heard[0])["senderId"] == a.server.storage._hooks.sender_id
    finally:
        await listener.close()


async def test_schema_hooks_hear_another_server_such_as_parse_server(aiohttp_client, tmp_path) -> None:
    """Parse Server with enableSchemaHooks sends NOTIFY "schema.change" '{"senderId": <its uuid>}'."""
    a, _ = await _pair(aiohttp_client, "postgres", tmp_path, schema_hooks=True)
    assert (await a.post("/classes/Visit", {"nurse": "Ann"}))[0] == 201
    assert "Visit" in await a.server.schema.all()
    conn = await asyncpg.connect(a.server.storage._db.dsn)
    try:
        await conn.execute("""UPDATE "_SCHEMA" SET "schema" = jsonb_set("schema", '{fields,room}', '{"type": "String"}')
                              WHERE "className" = 'Visit'""")
        await conn.execute(f"""NOTIFY "{CHANNEL}", '{{"senderId": "a-parse-server"}}'""")
    finally:
        await conn.close()

    async def a_sees_room() -> bool:
        _, schema = await a.get("/schemas/Visit", master=True)
        return "room" in schema["fields"]

    assert await _eventually(a_sees_room)


async def test_its_own_changes_do_not_make_it_reload(aiohttp_client, tmp_path) -> None:
    a, _ = await _pair(aiohttp_client, "postgres", tmp_path, schema_hooks=True)
    assert (await a.post("/classes/Visit", {"nurse": "Ann"}))[0] == 201
    cache = await a.server.schema.all()
    await asyncio.sleep(0.2)  # the NOTIFY it sent itself has arrived by now, and was ignored
    assert await a.server.schema.all() is cache


@pytest.mark.parametrize("uri", ["sqlite:///{tmp}/x.sqlite3", "mongodb://localhost:1/x"])
def test_schema_hooks_elsewhere_warn(uri, tmp_path, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="parse_clone"):
        open_adapter(uri.format(tmp=tmp_path), database_options={"enableSchemaHooks": True})
    assert [r.getMessage() for r in caplog.records if "enableSchemaHooks" in r.getMessage()] == [
        "databaseOptions.enableSchemaHooks is implemented on PostgreSQL only; on "
        f"{'SQLite' if uri.startswith('sqlite') else 'MongoDB'} other processes' schema changes are seen "
        "through schemaCacheTtl, a class lookup on a miss, or the Redis channel shared by instances"]
