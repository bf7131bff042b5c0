"""dispatch_mount_first: requests under the mount path skip aiohttp's router only when nothing else could answer them."""

from __future__ import annotations

import pytest
from aiohttp import web

from parse_clone.app import build_app, build_server
from parse_clone.http.mount_dispatch import dispatch_mount_first
from parse_clone.storage.sqlite import SQLiteAdapter
from tests.conftest import make_config

KEYS = {"X-Parse-Application-Id": "test", "X-Parse-REST-API-Key": "rest"}


def _counting(app: web.Application) -> list[str]:
    """The paths the app's router resolves, from now on."""
    seen: list[str] = []
    resolve = app.router.resolve

    async def counted(request: web.Request):
        seen.append(request.path)
        return await resolve(request)

    app.router.resolve = counted  # type: ignore[method-assign]
    return seen


async def _client(aiohttp_client, tmp_path, **overrides):
    server = build_server(make_config(**overrides), SQLiteAdapter(str(tmp_path / "db.sqlite3")))
    app = build_app(server)
    seen = _counting(app)
    return await aiohttp_client(app), seen


async def test_rest_requests_skip_the_router_and_others_keep_it(aiohttp_client, tmp_path) -> None:
    client, seen = await _client(aiohttp_client, tmp_path)
    resp = await client.post("/1/classes/Doc", json={"x": 1}, headers=KEYS)
    assert resp.status == 201
    object_id = (await resp.json())["objectId"]
    resp = await client.get(f"/1/classes/Doc/{object_id}", headers=KEYS)
    assert (resp.status, (await resp.json())["x"]) == (200, 1)
    resp = await client.get("/1/nowhere", headers=KEYS)
    assert (resp.status, await resp.json()) == (404, {"error": "Cannot GET /1/nowhere"})
    assert seen == []
    assert (await client.get("/1", headers=KEYS)).status == 404  # the mount path itself: routed
    assert (await client.get("/docs")).status == 200
    assert seen == ["/1", "/docs"]


async def test_expect_continue_keeps_the_router(aiohttp_client, tmp_path) -> None:
    client, seen = await _client(aiohttp_client, tmp_path)
    resp = await client.post("/1/classes/Doc", json={"x": 1}, headers={**KEYS, "Expect": "100-continue"})
    assert resp.status == 201
    assert seen == ["/1/classes/Doc"]


async def test_a_graphql_path_inside_the_mount_path_keeps_its_route(aiohttp_client, tmp_path) -> None:
    client, seen = await _client(aiohttp_client, tmp_path, mountGraphQL=True, graphQLPath="/1/graphql")
    resp = await client.post("/1/graphql", json={"query": "{ health }"}, headers=KEYS)
    assert (resp.status, await resp.json()) == (200, {"data": {"health": True}})
    assert (await client.get("/1/health")).status == 200
    assert seen == ["/1/graphql"]


@pytest.mark.parametrize("with_middleware", [False, True])
async def test_middlewares_keep_the_router(aiohttp_client, with_middleware) -> None:
    @web.middleware
    async def tag(request: web.Request, handler):
        resp = await handler(request)
        resp.headers["X-Tag"] = "1"
        return resp

    async def rest(request: web.Request) -> web.StreamResponse:
        return web.Response(text="rest")

    app = web.Application(middlewares=[tag] if with_middleware else [])
    app.router.add_route("*", "/m/{tail:.*}", rest)
    dispatch_mount_first(app, "/m", rest)
    seen = _counting(app)
    client = await aiohttp_client(app)
    resp = await client.get("/m/x")
    assert (resp.status, await resp.text(), resp.headers.get("X-Tag")) == (200, "rest", "1" if with_middleware else None)
    assert seen == (["/m/x"] if with_middleware else [])


async def test_a_route_filed_beside_the_mount_turns_it_off(aiohttp_client) -> None:
    async def rest(request: web.Request) -> web.StreamResponse:
        return web.Response(text="rest")

    async def other(request: web.Request) -> web.StreamResponse:
        return web.Response(text="other")

    app = web.Application()
    app.router.add_route("GET", "/m{x:[0-9]+}/y", other)  # indexed under "/m", like the mount's route
    app.router.add_route("*", "/m/{tail:.*}", rest)
    app.router.add_route("GET", "/m/inside/{name}", other)
    dispatch_mount_first(app, "/m", rest)
    seen = _counting(app)
    client = await aiohttp_client(app)
    assert await (await client.get("/m/inside/a")).text() == "other"
    assert await (await client.get("/m/z")).text() == "rest"
    assert seen == ["/m/inside/a", "/m/z"]
