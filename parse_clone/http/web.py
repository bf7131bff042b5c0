"""The server's web surface: the app at /, the playground at playgroundPath (/playground), /docs
(+ /docs/er.svg) and /openapi.json.

The app and the playground are the Vite build in parse_clone/web/static (see web/ and `make web`);
/docs and /openapi.json are generated from the live schema on each request. Nothing here loads
anything from outside the machine.

With mountPlayground the playground page carries the master key, as Parse Server's playground does,
but only when the page is asked for from an address inside masterKeyIps: the key is never handed to
a client that could not use it anyway.
"""

from __future__ import annotations

import json
from html import escape
from typing import TYPE_CHECKING, Awaitable, Callable

from aiohttp import web

from ..schema_loader.docs_html import cloud_rules, docs_page
from ..schema_loader.er_svg import er_svg
from ..schema_loader.live import live_document, live_schemas
from ..schema_loader.openapi import openapi_document
from ..web import STATIC_DIR
from ..trust_proxy import request_ip
from .keys import ip_allowed

if TYPE_CHECKING:
    from ..core.runtime.server import Server

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
CONFIG_MARK = "<!--parse-config-->"
NOT_BUILT = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Web app not built</title></head>
<body style="font-family:sans-serif;max-width:40em;margin:3em auto">
<h1>The web app is not built</h1>
<p>This server serves the Home Health Aide app and the API playground from
<code>{path}</code>, which holds no build yet. Build it with <code>make web</code> (runs
<code>npm ci</code> and <code>npm run build</code> in <code>web/</code>); <code>make serve</code> does it when missing.</p>
<p>The API itself works: <a href="/docs">/docs</a>, <a href="/openapi.json">/openapi.json</a>.</p></body></html>
"""


def playground_path(server: "Server") -> str:
    """Where the playground page is served: playgroundPath with one leading and no trailing slash."""
    return "/" + server.config.playgroundPath.strip("/")


def client_config(server: "Server", master_key: bool = False) -> dict[str, str | None]:
    """What the browser code needs to reach this server; the master key only when `master_key`."""
    config = server.config
    out = {"appId": config.appId, "javascriptKey": config.javascriptKey, "mountPath": config.mount or "/",
           "graphQLPath": "/" + config.graphQLPath.strip("/"), "playgroundPath": playground_path(server)}
    if master_key:
        out["masterKey"] = config.masterKey
    return out


def _page(server: "Server", file_name: str, playground: bool = False) -> Handler:
    async def handle(request: web.Request) -> web.StreamResponse:
        path = STATIC_DIR / file_name
        if not path.is_file():
            return web.Response(status=503, text=NOT_BUILT.format(path=escape(str(STATIC_DIR))),
                                content_type="text/html")
        html = path.read_text(encoding="utf-8")
        config = server.config
        master = (playground and config.mountPlayground
                  and ip_allowed(request_ip(request, server.extras.get("trust_proxy")), config.masterKeyIps))
        script = f"<script>window.PARSE_CONFIG = {json.dumps(client_config(server, master))};</script>"
        return web.Response(text=html.replace(CONFIG_MARK, script), content_type="text/html",
                            headers={"Cache-Control": "no-store" if master else "no-cache"})
    return handle


def _docs(server: "Server") -> Handler:
    async def handle(request: web.Request) -> web.StreamResponse:
        document = await live_document(server)
        html = docs_page(document, cloud_rules(server.config.cloud), server.cloud.function_names(),
                         server.config.mount, playground_path(server))
        return web.Response(text=html, content_type="text/html")
    return handle


def _er(server: "Server") -> Handler:
    async def handle(request: web.Request) -> web.StreamResponse:
        return web.Response(text=er_svg(await live_document(server)), content_type="image/svg+xml")
    return handle


def _openapi(server: "Server") -> Handler:
    async def handle(request: web.Request) -> web.StreamResponse:
        document = openapi_document(server, await live_schemas(server))
        return web.json_response(document, headers={"Access-Control-Allow-Origin": "*"})
    return handle


async def _asset(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    path = (STATIC_DIR / "assets" / name).resolve()
    if not path.is_file() or (STATIC_DIR / "assets").resolve() not in path.parents:
        raise web.HTTPNotFound()
    return web.FileResponse(path, headers={"Cache-Control": "public, max-age=31536000, immutable"})


def add_web_routes(app: web.Application, server: "Server", wrap: Callable[[Handler], Handler]) -> None:
    """Register the pages before the API's catch-all (`wrap` lets WebSocket upgrades through to LiveQuery)."""
    app.router.add_route("GET", "/", wrap(_page(server, "index.html")))
    app.router.add_route("GET", playground_path(server), wrap(_page(server, "playground.html", playground=True)))
    app.router.add_route("GET", "/docs", _docs(server))
    app.router.add_route("GET", "/docs/er.svg", _er(server))
    app.router.add_route("GET", "/openapi.json", _openapi(server))
    app.router.add_route("GET", "/assets/{name:.+}", _asset)
