"""/sessions, /sessions/me and /upgradeToRevocableSession."""

from __future__ import annotations

from ...core.auth import sessions
from ...core.runtime.auth import Auth
from ...core.runtime.server import Server
from ..request import ParseRequest
from ..router import Reply, Router
from .classes import create_handler, delete_handler, find_handler, get_handler, update_handler

_CLASS = "_Session"


async def me(server: Server, req: ParseRequest) -> Reply:
    """GET /sessions/me: the request's own session."""
    return Reply(await sessions.me(server, req.info.session_token))


async def upgrade(server: Server, req: ParseRequest) -> Reply:
    """POST /upgradeToRevocableSession: a revocable session for a legacy-token user."""
    return Reply(await sessions.upgrade_to_revocable(server, req.auth))


async def resolve_session(server: Server, key_auth: Auth, token: str, req: ParseRequest) -> Auth:
    """The pipeline's session step (installed as server.extras["session_resolver"]; PARSE_PROTOCOL 1.3)."""
    route = req.path.rstrip("/")
    if route == "/sessions/me":
        return key_auth  # answered from the token itself, with its own errors
    if route == "/upgradeToRevocableSession" and not token.startswith("r:"):
        return await sessions.auth_for_legacy_token(server, key_auth, token)
    return await sessions.auth_for_session_token(server, key_auth, token)


def register(router: Router) -> None:
    """Mount the session routes."""
    cls = lambda r: _CLASS  # noqa: E731 - tiny adapter for the shared handlers
    router.add("GET", "/sessions/me", me)
    router.add("GET", "/sessions", find_handler(cls))
    router.add("GET", "/sessions/:objectId", get_handler(cls))
    router.add("POST", "/sessions", create_handler(cls, lambda r: "classes/_Session"))
    router.add("PUT", "/sessions/:objectId", update_handler(cls))
    router.add("DELETE", "/sessions/:objectId", delete_handler(cls))
    router.add("POST", "/upgradeToRevocableSession", upgrade)
