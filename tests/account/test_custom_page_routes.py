"""pages.customRoutes: a route below /<pagesEndpoint>/<appId>/ whose handler names the page to render."""

from __future__ import annotations

import pytest

from parse_clone.http.routes.pages import custom_routes

PAGES = {"enableRouter": True, "customRoutes": [
    {"method": "GET", "path": "custom_page", "handler": "tests.support.custom_pages:greeting"},
    {"method": "POST", "path": "nothing/here", "handler": "tests.support.custom_pages:nothing"}]}


@pytest.mark.parametrize("config_overrides", [{"pages": PAGES, "appName": "HHA", "publicServerURL": "http://localhost:1337/1"}])
async def test_a_custom_route_renders_the_page_its_handler_names(api, config_overrides) -> None:
    resp = await api.client.get("/1/apps/test/custom_page", params={"name": "ann"})
    assert resp.status == 200
    assert resp.headers["x-parse-page-param-username"] == "ann"
    assert resp.headers["x-parse-page-param-appname"] == "HHA"
    assert "ann" in await resp.text()
    resp = await api.client.post("/1/apps/test/nothing/here")
    assert (resp.status, await resp.text()) == (404, "Not found.")
    resp = await api.client.get("/1/apps/test/not_a_route")
    assert resp.status == 404
    resp = await api.client.get("/1/apps/wrong-app/custom_page")
    assert resp.status == 403


@pytest.mark.parametrize("config_overrides", [{"pages": PAGES}])
async def test_static_page_files_still_answer(api, config_overrides) -> None:
    resp = await api.client.get("/1/apps/password_reset_success.html")
    assert resp.status == 200


@pytest.mark.parametrize(("routes", "message"), [
    (["x"], r"pages.customRoutes\[0\] must be an object"),
    ([{"method": "FETCH", "path": "a", "handler": "m:f"}], r"pages.customRoutes\[0\].method must be an HTTP method"),
    ([{"method": "GET", "path": "/", "handler": "m:f"}], r"pages.customRoutes\[0\].path must be a path"),
    ([{"method": "GET", "path": "a", "handler": "no.such.module:f"}], r"pages.customRoutes\[0\].handler: cannot load"),
    ([{"method": "GET", "path": "a", "handler": 5}], r"pages.customRoutes\[0\].handler must be a function"),
])
def test_malformed_routes_stop_the_start(routes, message) -> None:
    with pytest.raises(ValueError, match=message):
        custom_routes({"customRoutes": routes})
