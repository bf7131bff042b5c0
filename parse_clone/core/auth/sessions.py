"""Sessions: `_Session` rows, resolving a session token to an Auth, and the `_Session` write rules.

A session is `{sessionToken: "r:<32 hex>", user: Pointer<_User>, createdWith: {action,
authProvider}, expiresAt, installationId?}`. Clients see only their own sessions; a new
session with an installationId replaces the user's other sessions on that installation.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from ...storage.base import FindOptions
from ..hooks import triggers
from ..write import objects as write
from ..runtime.auth import Auth
from .cache import session_cache
from ...errors import ParseError
from ..permissions.acl import enforce_role_security
from .roles import roles_for_user
from .session_renewal import renew_if_needed
from ...language.transform import decode_object
from ..permissions.own_sessions import INVALID_TOKEN, own_sessions_where
from ...language.values import new_session_token, parse_iso, pointer_json, to_iso

if TYPE_CHECKING:
    from ..runtime.server import Server

SESSION = "_Session"


def _expires_at(server: "Server") -> dict[str, str] | None:
    if not server.config.expireInactiveSessions:
        return None
    when = datetime.now(timezone.utc) + timedelta(seconds=server.config.sessionLength)
    return {"__type": "Date", "iso": to_iso(when)}


def _expiry_of(session: dict[str, Any]) -> datetime | None:
    value = session.get("expiresAt")
    if isinstance(value, dict):
        value = value.get("iso")
    return parse_iso(value) if isinstance(value, str) else None


async def _find_sessions(server: "Server", where: dict[str, Any], limit: int | None = None) -> list[dict[str, Any]]:
    schema = await server.schema.get(SESSION)
    if schema is None:
        return []
    return await server.storage.find(SESSION, schema, where, FindOptions(limit=limit))


async def _delete_sessions(server: "Server", sessions: list[dict[str, Any]]) -> None:
    """Delete stored sessions and forget their tokens."""
    if not sessions:
        return
    cache = session_cache(server)
    for s in sessions:
        if isinstance(s.get("sessionToken"), str):
            cache.drop_token(s["sessionToken"])
    schema = await server.schema.get(SESSION)
    if schema is not None:
        await server.storage.delete_many(SESSION, schema, {"objectId": {"$in": [s["objectId"] for s in sessions]}})


async def create_session(server: "Server", user_id: str, created_with: dict[str, Any],
                         installation_id: str | None = None,
                         extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Store a new session for the user; its REST form with objectId (what POST /sessions answers)."""
    data: dict[str, Any] = {"sessionToken": new_session_token(), "user": pointer_json("_User", user_id),
                            "createdWith": created_with}
    expires = _expires_at(server)
    if expires is not None:
        data["expiresAt"] = expires
    if installation_id:
        data["installationId"] = installation_id
    data.update(extra or {})
    if isinstance(data.get("installationId"), str) and data["installationId"]:
        stale = await _find_sessions(server, {"user": data["user"], "installationId": data["installationId"]})
        await _delete_sessions(server, stale)
    result = await write.create(server, Auth.master(), SESSION, data)
    data["objectId"] = result.object_id
    return data


async def delete_user_sessions(server: "Server", user_id: str) -> None:
    """Revoke every session of a user (password change)."""
    await _delete_sessions(server, await _find_sessions(server, {"user": pointer_json("_User", user_id)}))
    session_cache(server).drop_user(user_id)


async def load_user(server: "Server", user_id: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(REST form without password, stored form) of a user, or None."""
    schema = await server.schema.get("_User")
    if schema is None:
        return None
    docs = await server.storage.find("_User", schema, {"objectId": user_id}, FindOptions(limit=1))
    if not docs:
        return None
    user = decode_object(docs[0], schema["fields"], server.file_url)
    user.pop("password", None)
    user.pop("sessionToken", None)
    return user, docs[0]


async def _session_user(server: "Server", token: str) -> tuple[dict[str, Any], datetime | None]:
    """The user a token belongs to and the session's expiry; 209 when unknown."""
    found = await _find_sessions(server, {"sessionToken": token}, limit=1)
    pointer = found[0].get("user") if found else None
    if not isinstance(pointer, dict) or not isinstance(pointer.get("objectId"), str):
        raise ParseError(ParseError.INVALID_SESSION_TOKEN, INVALID_TOKEN)
    loaded = await load_user(server, pointer["objectId"])
    if loaded is None:
        raise ParseError(ParseError.INVALID_SESSION_TOKEN, INVALID_TOKEN)
    return loaded[0], _expiry_of(found[0])


async def auth_for_session_token(server: "Server", base: Auth, token: str) -> Auth:
    """The Auth of a request carrying `token` (master and maintenance keys win; 209 if invalid or expired)."""
    if base.is_master or base.is_maintenance:
        return base
    cache = session_cache(server)
    entry = cache.get(token)
    if entry is None:
        user, expires_at = await _session_user(server, token)
        cache.put(token, user, expires_at)
    else:
        user, expires_at = entry.user, entry.expires_at
    if expires_at is not None and expires_at < datetime.now(timezone.utc):
        raise ParseError(ParseError.INVALID_SESSION_TOKEN, "Session token is expired.")
    renew_if_needed(server, token, user, expires_at)  # extendSessionOnUse
    roles = await roles_for_user(server, user["objectId"])
    return Auth(user=user, session_token=token, installation_id=base.installation_id, roles=roles)


async def auth_for_legacy_token(server: "Server", base: Auth, token: str) -> Auth:
    """A pre-revocable-sessions token stored on the user itself (only /upgradeToRevocableSession)."""
    if base.is_master or base.is_maintenance:
        return base
    schema = await server.schema.get("_User")
    docs = await server.storage.find("_User", schema, {"sessionToken": token}, FindOptions(limit=2)) if schema else []
    if len(docs) != 1:
        raise ParseError(ParseError.INVALID_SESSION_TOKEN, "invalid legacy session token")
    loaded = await load_user(server, docs[0]["objectId"])
    assert loaded is not None
    return Auth(user=loaded[0], session_token=token, installation_id=base.installation_id,
                roles=await roles_for_user(server, docs[0]["objectId"]))


async def me(server: "Server", token: str | None) -> dict[str, Any]:
    """GET /sessions/me: the session of the request's token."""
    from ..query.find import QueryOptions, find

    if not token:
        raise ParseError(ParseError.INVALID_SESSION_TOKEN, "Session token required.")
    response = await find(server, Auth.master(), SESSION, QueryOptions(where={"sessionToken": token}, limit=1))
    if not response["results"]:
        raise ParseError(ParseError.INVALID_SESSION_TOKEN, "Session token not found.")
    return response["results"][0]


async def log_out(server: "Server", token: str | None, auth: Auth | None = None) -> None:
    """POST /logout: delete the token's session, if any (then the afterLogout hook runs)."""
    if token:
        found = await _find_sessions(server, {"sessionToken": token}, limit=1)
        await _delete_sessions(server, found)
        session_cache(server).drop_token(token)
        if found:
            await triggers.after_logout(server, auth or Auth(), found[0])


async def upgrade_to_revocable(server: "Server", auth: Auth) -> dict[str, Any]:
    """POST /upgradeToRevocableSession: a new session for the caller; the legacy token is dropped."""
    if not auth.user_id:
        raise ParseError(ParseError.OBJECT_NOT_FOUND, "invalid session")
    data = await create_session(server, auth.user_id, {"action": "upgrade"}, auth.installation_id)
    schema = await server.schema.get("_User")
    if schema is not None:
        await server.storage.find_one_and_update("_User", schema, {"objectId": auth.user_id},
                                                 {"sessionToken": {"__op": "Delete"}})
    data.pop("objectId", None)
    return data


# ----- `_Session` through /sessions and /classes/_Session -----

_CLIENT_SET = ("sessionToken", "expiresAt", "createdWith", "user", "objectId", "createdAt", "updatedAt")


def _check_session_write(auth: Auth, body: dict[str, Any]) -> None:
    if not auth.user_id and not auth.bypasses_permissions:
        raise ParseError(ParseError.INVALID_SESSION_TOKEN, "Session token required.")
    if body.get("ACL"):
        raise ParseError(ParseError.INVALID_KEY_NAME, "Cannot set ACL on a Session.")


async def create_session_object(server: "Server", auth: Auth, body: dict[str, Any]) -> "write.WriteResult":
    """POST /sessions: master stores what it sends; a user gets a new session of its own (201)."""
    enforce_role_security("create", SESSION, auth)
    _check_session_write(auth, body)
    if auth.bypasses_permissions:
        return await write.create(server, auth, SESSION, body)
    assert auth.user_id is not None
    extra = {k: v for k, v in body.items() if k not in _CLIENT_SET}
    data = await create_session(server, auth.user_id, {"action": "create"}, None, extra)
    return write.WriteResult(response=data, object_id=data["objectId"], created=True)


async def _own_session(server: "Server", auth: Auth, object_id: str) -> dict[str, Any] | None:
    where: dict[str, Any] = {"objectId": object_id}
    if not auth.bypasses_permissions:
        where = own_sessions_where(auth, where)
    found = await _find_sessions(server, where, limit=1)
    return found[0] if found else None


async def update_session_object(server: "Server", auth: Auth, object_id: str,
                                body: dict[str, Any]) -> "write.WriteResult":
    """PUT /sessions/:id: only one's own; user, installationId and sessionToken are fixed (105)."""
    enforce_role_security("update", SESSION, auth)
    _check_session_write(auth, body)
    user = body.get("user")
    if user and not auth.is_master and (not isinstance(user, dict) or user.get("objectId") != auth.user_id):
        raise ParseError(ParseError.INVALID_KEY_NAME, "")
    if body.get("installationId") or body.get("sessionToken"):
        raise ParseError(ParseError.INVALID_KEY_NAME, "")
    session = await _own_session(server, auth, object_id)
    if session is None:
        raise ParseError(ParseError.OBJECT_NOT_FOUND, "Object not found.")
    try:
        return await write.update(server, auth, SESSION, object_id, body)
    finally:
        if isinstance(session.get("sessionToken"), str):
            session_cache(server).drop_token(session["sessionToken"])


async def delete_session_object(server: "Server", auth: Auth, object_id: str) -> None:
    """DELETE /sessions/:id: revokes the session (a client may only delete its own)."""
    enforce_role_security("delete", SESSION, auth)
    session = await _own_session(server, auth, object_id)
    if session is None:
        raise ParseError(ParseError.OBJECT_NOT_FOUND, "Object not found for delete.")
    if isinstance(session.get("sessionToken"), str):
        session_cache(server).drop_token(session["sessionToken"])
    await write.delete(server, auth, SESSION, object_id)
