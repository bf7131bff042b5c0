"""Requests under the mount path go straight to the REST handler, past aiohttp's URL dispatch.

aiohttp resolves every request through its router (url parts walked, a regex matched, match info
built and frozen) only to land on the mount path's catch-all route for nearly all of them: about a
twentieth of a get's CPU. `dispatch_mount_first` answers such requests with that route's handler at
once, when nothing else could have answered them:

- the path starts with `<mount>/` and no other route of the app lies under it (a graphQLPath or
  playground inside the mount path keeps the router for its paths);
- no `Expect` header (aiohttp's expect handler answers 100-continue or 417) and no `Upgrade`
  (WebSockets keep the router's request, with its match info);
- the app has no middleware and no response-prepare signal (they need the match info).
Everything else goes through aiohttp as before. Without a mount path (mountPath "/"), nothing changes.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable

from aiohttp import web
from aiohttp.web_urldispatcher import MatchedSubAppResource

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def dispatch_mount_first(app: web.Application, mount: str, handler: Handler) -> None:
    """Let `handler` (the route of `<mount>/{tail}`) answer the paths under `mount` without the router."""
    routed = getattr(app, "_handle", None)
    if not mount or routed is None or not callable(getattr(app, "_make_handler", None)):
        return  # an aiohttp whose Application does not hand its _handle to the server: leave it be
    prefix = mount + "/"
    state: dict[str, Any] = {}

    async def handle(request: web.Request) -> web.StreamResponse:
        others = state.get("others")
        if others is None:
            others = state["others"] = _claimed_elsewhere(app, mount, prefix, handler)
        path = request.rel_url.path_safe
        headers = request.headers
        if others is False or not path.startswith(prefix) or "\n" in path or "Expect" in headers \
                or "Upgrade" in headers or (others and path.startswith(others)):
            return await routed(request)
        return await handler(request)

    app._handle = handle  # type: ignore[method-assign]  # what the runner's server calls per request


def _claimed_elsewhere(app: web.Application, mount: str, prefix: str, handler: Handler) -> tuple[str, ...] | bool:
    """The path prefixes under `prefix` that other routes may answer first; False when the shortcut must
    stay off (middlewares, response-prepare signals, domain sub-apps, a route the router would try
    before the mount's, or the mount's route not found)."""
    if app.middlewares or app.on_response_prepare or not app.frozen:
        return False
    claimed: list[str] = []
    found = False
    for resource in app.router.resources():
        if any(getattr(route, "handler", None) is handler for route in resource):
            found = True
            continue
        canonical = getattr(resource, "canonical", None)
        if not isinstance(canonical, str) or isinstance(resource, MatchedSubAppResource):
            return False
        static = canonical.partition("{")[0]
        if static.startswith(prefix):
            claimed.append(static)  # tried before the mount's route for these paths
        elif "{" in canonical and (static.rstrip("/") or "/") == mount:
            return False  # filed beside the mount's route: the order of registration decides
    return tuple(claimed) if found else False
