"""Logging in: /login, /verifyPassword, /loginAs, /users/me, and the email-flow routes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...storage.base import FindOptions
from ..hooks import triggers
from ..runtime.auth import Auth
from . import account_emails as emails
from .auth_data import store_auth_data, validate_auth_data
from .lockout import handle_login_attempt
from .mfa import check_mfa_login
from .password_policy import check_password_age
from ...errors import ParseError
from .passwords import hasher_for
from .sessions import create_session, load_user
from .user_records import USER, is_locked_out, js_truthy, rest_user, user_schema

if TYPE_CHECKING:
    from ..runtime.server import Server

INVALID_LOGIN = "Invalid username/password."


async def authenticate(server: "Server", auth: Auth, body: dict[str, Any],
                       query: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Check username/email + password (body, or query string); (REST user, stored user) or 101."""
    payload = body
    if (not js_truthy(body.get("username")) and js_truthy(query.get("username"))) or (
            not js_truthy(body.get("email")) and js_truthy(query.get("email"))):
        payload = query
    username, email, password = payload.get("username"), payload.get("email"), payload.get("password")
    if not js_truthy(username) and not js_truthy(email):
        raise ParseError(ParseError.USERNAME_MISSING, "username/email is required.")
    if not js_truthy(password):
        raise ParseError(ParseError.PASSWORD_MISSING, "password is required.")
    if not isinstance(password, str) or (js_truthy(email) and not isinstance(email, str)) or (
            js_truthy(username) and not isinstance(username, str)):
        raise ParseError(ParseError.OBJECT_NOT_FOUND, INVALID_LOGIN)
    if js_truthy(email) and js_truthy(username):
        where: dict[str, Any] = {"email": email, "username": username}
    elif js_truthy(email):
        where = {"email": email}
    else:
        where = {"$or": [{"username": username}, {"email": username}]}
    schema = await server.schema.get(USER)
    found = await server.storage.find(USER, schema, where, FindOptions(limit=10)) if schema else []
    if not found:
        raise ParseError(ParseError.OBJECT_NOT_FOUND, INVALID_LOGIN)
    doc = found[0] if len(found) == 1 else next((u for u in found if u.get("username") == username), found[0])
    password_ok = await hasher_for(server).verify(password, doc.get("_hashed_password"))
    await handle_login_attempt(server, doc, password_ok)  # accountLockout
    if not password_ok:
        raise ParseError(ParseError.OBJECT_NOT_FOUND, INVALID_LOGIN)
    if not auth.is_master and is_locked_out(doc):
        raise ParseError(ParseError.OBJECT_NOT_FOUND, INVALID_LOGIN)
    await emails.check_login_verified(server, auth, doc, payload)
    assert schema is not None
    return rest_user(server, doc, schema["fields"]), doc


async def log_in(server: "Server", auth: Auth, body: dict[str, Any], query: dict[str, Any]) -> dict[str, Any]:
    """GET/POST /login: the user with a new session token."""
    user, doc = await authenticate(server, auth, body, query)
    auth_data = body.get("authData")
    sent_mfa = await check_mfa_login(server, doc, auth_data)  # the mfa adapter: a code is required
    if sent_mfa:
        auth_data = {p: d for p, d in auth_data.items() if p != "mfa"}
    await check_password_age(server, doc)  # passwordPolicy.maxPasswordAge
    await triggers.before_login(server, auth, user)  # may refuse before the session exists
    if isinstance(auth_data, dict) and auth_data:
        validated = await validate_auth_data(server, auth_data)
        if validated:
            await store_auth_data(server, user["objectId"], validated)
            user["authData"] = {**user.get("authData", {}), **{p: d for p, d in validated.items() if d is not None}}
    session = await create_session(server, user["objectId"], {"action": "login", "authProvider": "password"},
                                   auth.installation_id)
    user["sessionToken"] = session["sessionToken"]
    await triggers.after_login(server, auth, user)
    if isinstance(body.get("authData"), dict):
        user["authDataResponse"] = {}
    return user


async def verify_password(server: "Server", auth: Auth, body: dict[str, Any], query: dict[str, Any]) -> dict[str, Any]:
    """GET/POST /verifyPassword: the user, if the credentials are right (no session)."""
    user, _ = await authenticate(server, auth, body, query)
    return user


async def log_in_as(server: "Server", auth: Auth, body: dict[str, Any], query: dict[str, Any]) -> dict[str, Any]:
    """POST /loginAs (master key): a session for any user, created with authProvider "masterkey"."""
    if not auth.is_master:
        raise ParseError(ParseError.OPERATION_FORBIDDEN, "master key is required")
    user_id = body.get("userId") or query.get("userId")
    if not js_truthy(user_id):
        raise ParseError(ParseError.INVALID_VALUE, "userId must not be empty, null, or undefined")
    loaded = await load_user(server, str(user_id))
    if loaded is None:
        raise ParseError(ParseError.OBJECT_NOT_FOUND, "user not found")
    schema = await user_schema(server)
    user = rest_user(server, loaded[1], schema["fields"])
    session = await create_session(server, user["objectId"], {"action": "login", "authProvider": "masterkey"},
                                   auth.installation_id)
    user["sessionToken"] = session["sessionToken"]
    return user


async def me(server: "Server", token: str | None) -> dict[str, Any]:
    """GET /users/me: the token's user with the token (209 without a valid one)."""
    from .sessions import auth_for_session_token

    if not token:
        raise ParseError(ParseError.INVALID_SESSION_TOKEN, "Invalid session token")
    resolved = await auth_for_session_token(server, Auth(), token)
    loaded = await load_user(server, resolved.user_id or "")
    if loaded is None:
        raise ParseError(ParseError.INVALID_SESSION_TOKEN, "Invalid session token")
    schema = await user_schema(server)
    user = rest_user(server, loaded[1], schema["fields"])
    user["sessionToken"] = token
    return user


async def request_password_reset(server: "Server", body: dict[str, Any]) -> dict[str, Any]:
    """POST /requestPasswordReset (core/account_emails.py)."""
    return await emails.request_password_reset(server, body)


async def request_verification_email(server: "Server", auth: Auth, body: dict[str, Any]) -> dict[str, Any]:
    """POST /verificationEmailRequest (core/account_emails.py)."""
    return await emails.request_verification_email(server, auth, body)
