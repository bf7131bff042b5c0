"""verifyServerUrl: the start-up check that serverURL reaches this server, with Parse Server's warnings."""

from __future__ import annotations

import pytest

from parse_clone.commands import verify_url
from parse_clone.commands.verify_url import verify_server_url
from tests.conftest import make_config


async def test_a_server_url_that_reaches_the_server(api):
    config = make_config(serverURL=str(api.client.make_url("/1")))
    said: list[str] = []
    assert await verify_server_url(config, said.append) is True
    assert said == []


async def test_an_unreachable_server_url_is_warned_about(monkeypatch):
    monkeypatch.setattr(verify_url, "PAUSE_S", 0)
    said: list[str] = []
    config = make_config(serverURL="http://127.0.0.1:9/1")  # the discard port: nothing listens
    assert await verify_server_url(config, said.append) is False
    assert said == ["WARNING, Unable to connect to 'http://127.0.0.1:9/1'. "
                    "Cloud code and push notifications may be unavailable!"]


async def test_something_else_answering_is_warned_about(aiohttp_client):
    from aiohttp import web
    async def health(_: web.Request) -> web.Response:
        return web.json_response({"status": "nope"})

    other = web.Application()
    other.router.add_get("/1/health", health)
    client = await aiohttp_client(other)
    said: list[str] = []
    url = str(client.make_url("/1"))
    assert await verify_server_url(make_config(serverURL=url), said.append) is False
    assert said == [f"WARNING, Unable to connect to '{url}'. Cloud code and push notifications may be unavailable!"]


@pytest.mark.parametrize("url", ["ftp://example.com/1", "not a url"])
async def test_an_invalid_server_url(url):
    said: list[str] = []
    assert await verify_server_url(make_config(serverURL=url), said.append) is False
    assert said == [f"WARNING, Unable to connect to '{url}' as the URL is invalid. "
                    "Cloud code and push notifications may be unavailable!"]
