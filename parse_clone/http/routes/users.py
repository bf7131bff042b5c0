"""/users, /login, /logout, /loginAs, /verifyPassword and the email-flow routes."""

from __future__ import annotations

from typing import Any

import orjson

from ...core.auth import challenge as auth_challenge
from ...core.auth import login, users
from ...core.runtime.server import Server
from ..request import ParseRequest
from ..router import Reply, Router
from .classes import delete_handler, find_handler, get_handler, location, update_handler

_CLASS = "_User"


def _body(req: ParseRequest) -> dict[str, Any]:
    return req.body if isinstance(req.body, dict) else {}


def _raw_query(req: ParseRequest) -> dict[str, Any]:
    """Query-string credentials as the strings the client sent (the pipeline JSON-decodes values)."""
    return {k: v if isinstance(v, str) else orjson.dumps(v).decode() for k, v in req.query.items()}


async def sign_up(server: Server, req: ParseRequest) -> Reply:
    """POST /users: 201 with a session token, or 200 when authData logs an existing user in."""
    result = await users.create_user(server, req.auth, _body(req))
    return Reply(result.response, 201 if result.created else 200,
                 {"Location": location(server, "users", result.object_id)})


async def me(server: Server, req: ParseRequest) -> Reply:
    """GET /users/me."""
    return Reply(await login.me(server, req.info.session_token))


async def log_in(server: Server, req: ParseRequest) -> Reply:
    """GET or POST /login."""
    return Reply(await login.log_in(server, req.auth, _body(req), _raw_query(req)))


async def log_in_as(server: Server, req: ParseRequest) -> Reply:
    """POST /loginAs (master key)."""
    return Reply(await login.log_in_as(server, req.auth, _body(req), _raw_query(req)))


async def log_out(server: Server, req: ParseRequest) -> Reply:
    """POST /logout: revokes the request's session."""
    from ...core.auth import sessions

    await sessions.log_out(server, req.info.session_token, req.auth)
    return Reply({})


async def verify_password(server: Server, req: ParseRequest) -> Reply:
    """GET or POST /verifyPassword."""
    return Reply(await login.verify_password(server, req.auth, _body(req), _raw_query(req)))


async def password_reset(server: Server, req: ParseRequest) -> Reply:
    """POST /requestPasswordReset."""
    return Reply(await login.request_password_reset(server, _body(req)))


async def verification_email(server: Server, req: ParseRequest) -> Reply:
    """POST /verificationEmailRequest."""
    return Reply(await login.request_verification_email(server, req.auth, _body(req)))


async def challenge(server: Server, req: ParseRequest) -> Reply:
    """POST /challenge: the auth providers' challenge steps (core/auth/challenge.py)."""
    return Reply(await auth_challenge.challenge(server, req.auth, _body(req)))


def register(router: Router) -> None:
    """Mount the user routes (before /classes, so /users/me is not taken for an objectId)."""
    cls = lambda r: _CLASS  # noqa: E731 - tiny adapter for the shared handlers
    router.add("GET", "/users", find_handler(cls))
    router.add("POST", "/users", sign_up, idempotent=True)
    router.add("GET", "/users/me", me)
    router.add("GET", "/users/:objectId", get_handler(cls))
    router.add("PUT", "/users/:objectId", update_handler(cls), idempotent=True)
    router.add("DELETE", "/users/:objectId", delete_handler(cls))
    router.add("GET", "/login", log_in)
    router.add("POST", "/login", log_in)
    router.add("POST", "/loginAs", log_in_as)
    router.add("POST", "/logout", log_out)
    router.add("POST", "/requestPasswordReset", password_reset)
    router.add("POST", "/verificationEmailRequest", verification_email)
    router.add("GET", "/verifyPassword", verify_password)
    router.add("POST", "/verifyPassword", verify_password)
    router.add("POST", "/challenge", challenge)
