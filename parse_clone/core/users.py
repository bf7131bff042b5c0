"""Users: sign-up, login, the `_User` write rules, and third-party (authData) logins.

What a `_User` write adds to an ordinary object write, in Parse Server's order:
authData handling (which may turn a sign-up into a login), `emailVerified` being
master-only, password hashing, case-insensitive username/email uniqueness, the
private default ACL, and session bookkeeping (a token on sign-up, all sessions
revoked and a fresh token on a password change).
"""

from __future__ import annotations

import asyncio
import re
import secrets
import string
from typing import TYPE_CHECKING, Any

from ..storage.base import FindOptions
from . import triggers, write
from .auth import Auth
from .auth_cache import session_cache
from .auth_providers import UNSUPPORTED, registry_for
from .errors import ParseError
from .passwords import hasher_for
from .permissions import enforce_role_security
from .schema_defs import type_to_string, value_type
from .sessions import create_session, delete_user_sessions, load_user
from .transform import decode_object, perms_to_acl
from .values import new_object_id

if TYPE_CHECKING:
    from .server import Server

USER = "_User"
INVALID_LOGIN = "Invalid username/password."
USERNAME_TAKEN = "Account already exists for this username."
EMAIL_TAKEN = "Account already exists for this email address."
AUTH_USED = "this auth is already used"
_EMAIL_RE = re.compile(r".+@.+")
_USERNAME_ALPHABET = string.ascii_letters + string.digits


def _truthy(value: Any) -> bool:
    """JavaScript truthiness, which decides many of Parse's checks ({} and [] are true)."""
    if value is None or value is False:
        return False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value != 0
    if isinstance(value, str):
        return value != ""
    return True


def _literal_regex(text: str) -> str:
    """An anchored regex matching exactly `text` (every non-alphanumeric escaped)."""
    return "^" + "".join(c if c.isalnum() or c == "_" else "\\" + c for c in text) + "$"


def _write_lock(server: "Server") -> asyncio.Lock:
    """Serialises this instance's uniqueness check + store (the unique indexes cover other instances)."""
    lock = server.extras.get("user_write_lock")
    if lock is None:
        lock = server.extras["user_write_lock"] = asyncio.Lock()
    return lock


async def _user_schema(server: "Server") -> Any:
    return await server.schema.enforce_class(USER, can_create=True)


def _is_locked_out(doc: dict[str, Any]) -> bool:
    """A user whose ACL is `{}` (master only) cannot log in."""
    if "_rperm" not in doc and "_wperm" not in doc:
        return False
    return not perms_to_acl(doc.get("_rperm"), doc.get("_wperm"))


def rest_user(server: "Server", doc: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """A stored user as the user itself sees it: no password, no internals, no null providers."""
    user = decode_object(doc, fields, server.file_url)
    user.pop("password", None)
    user.pop("sessionToken", None)
    auth_data = {k: v for k, v in (user.get("authData") or {}).items() if v is not None}
    if auth_data:
        user["authData"] = auth_data
    else:
        user.pop("authData", None)
    return user


# ----- uniqueness -----

async def _taken(server: "Server", field: str, value: str, object_id: str | None) -> bool:
    schema = await server.schema.get(USER)
    if schema is None:
        return False
    where: dict[str, Any] = {field: {"$regex": _literal_regex(value), "$options": "i"}}
    if object_id:
        where = {"$and": [where, {"objectId": {"$ne": object_id}}]}
    return bool(await server.storage.find(USER, schema, where, FindOptions(limit=1)))


async def _check_unique(server: "Server", body: dict[str, Any], object_id: str | None) -> None:
    """202 / 203 for a username / email another user has, compared case-insensitively; 125 for a bad email."""
    username = body.get("username")
    if isinstance(username, str) and username and await _taken(server, "username", username, object_id):
        raise ParseError(ParseError.USERNAME_TAKEN, USERNAME_TAKEN)
    email = body.get("email")
    if isinstance(email, str) and email:
        if not _EMAIL_RE.fullmatch(email):
            raise ParseError(ParseError.INVALID_EMAIL_ADDRESS, "Email address format is invalid.")
        if await _taken(server, "email", email, object_id):
            raise ParseError(ParseError.EMAIL_TAKEN, EMAIL_TAKEN)


async def _duplicate_error(server: "Server", body: dict[str, Any], object_id: str) -> ParseError:
    """Which unique value a storage conflict was about (a concurrent writer won the race)."""
    schema = await server.schema.get(USER)
    for field, code, message in (("username", ParseError.USERNAME_TAKEN, USERNAME_TAKEN),
                                 ("email", ParseError.EMAIL_TAKEN, EMAIL_TAKEN)):
        value = body.get(field)
        if isinstance(value, str) and schema is not None and await server.storage.find(
                USER, schema, {"$and": [{field: value}, {"objectId": {"$ne": object_id}}]}, FindOptions(limit=1)):
            return ParseError(code, message)
    return ParseError(ParseError.DUPLICATE_VALUE, "A duplicate value for a field with unique values was provided")


# ----- authData -----

async def find_users_with_auth_data(server: "Server", auth_data: dict[str, Any]) -> list[dict[str, Any]]:
    """Stored users already linked to one of these provider ids (at most two)."""
    ors = [{f"authData.{p}.id": d["id"]} for p, d in auth_data.items()
           if isinstance(d, dict) and _truthy(d.get("id"))]
    schema = await server.schema.get(USER)
    if not ors or schema is None:
        return []
    return await server.storage.find(USER, schema, {"$or": ors}, FindOptions(limit=2))


async def validate_auth_data(server: "Server", auth_data: dict[str, Any]) -> dict[str, Any]:
    """Run each provider's check (in name order); the authData to store (None = unlink)."""
    registry = registry_for(server)
    out: dict[str, Any] = {}
    for provider in sorted(auth_data):
        data = auth_data[provider]
        out[provider] = None if data is None else await registry.validate(provider, data)
    return out


def _mutated(auth_data: dict[str, Any], stored: dict[str, Any] | None) -> dict[str, Any]:
    """Providers whose data differs from what the user has (anonymous never counts when linked)."""
    if not stored:
        return dict(auth_data)
    return {p: d for p, d in auth_data.items() if p != "anonymous" and stored.get(p) != d}


class _AuthDataOutcome:
    """What authData handling decided: a login to answer, and/or authData to store."""

    def __init__(self) -> None:
        self.login_user: dict[str, Any] | None = None  # sign-up became a login of this user (stored form)
        self.auth_data: dict[str, Any] | None = None  # validated authData to write, if any
        self.provider: str | None = None  # createdWith.authProvider of the session


async def _handle_auth_data(server: "Server", auth: Auth, auth_data: dict[str, Any],
                            target_id: str | None) -> _AuthDataOutcome:
    """Parse's handleAuthData: link, log in, or refuse an id another user has (208)."""
    outcome = _AuthDataOutcome()
    found = await find_users_with_auth_data(server, auth_data)
    if not auth.bypasses_permissions:
        found = [u for u in found if not _is_locked_out(u)]
    user_id = target_id or auth.user_id
    first = found[0] if found else None
    if len(found) > 1 or (user_id and first and user_id != first["objectId"]):
        await validate_auth_data(server, auth_data)  # do not reveal linked ids to unauthenticated guesses
        raise ParseError(ParseError.ACCOUNT_ALREADY_LINKED, AUTH_USED)
    if first is None:
        outcome.auth_data = await validate_auth_data(server, auth_data)
        return outcome
    outcome.provider = ",".join(auth_data)
    mutated = _mutated(auth_data, first.get("authData"))
    is_current_or_master = auth.user_id == first["objectId"] or auth.is_master
    is_login = not user_id
    if not (is_login or is_current_or_master):
        outcome.auth_data = await validate_auth_data(server, mutated) if mutated else None
        return outcome
    if target_id is None:
        outcome.login_user = first
    if not mutated and is_current_or_master:
        return outcome
    validated = await validate_auth_data(server, auth_data if is_login else mutated)
    outcome.auth_data = validated
    if outcome.login_user is not None:
        stored = dict(first.get("authData") or {})
        stored.update(mutated)
        first["authData"] = stored
        if validated:
            await _store_auth_data(server, first["objectId"], validated)
    return outcome


async def _store_auth_data(server: "Server", user_id: str, auth_data: dict[str, Any]) -> None:
    """Write providers one by one (others the user has stay); None unlinks."""
    change = {f"authData.{p}": ({"__op": "Delete"} if d is None else d) for p, d in auth_data.items()}
    schema = await _user_schema(server)
    await server.storage.find_one_and_update(USER, schema, {"objectId": user_id}, change)
    session_cache(server).drop_user(user_id)


def _check_auth_data_shape(body: dict[str, Any], auth: Auth, is_create: bool) -> bool:
    """Parse's validateAuthData gate: True when authData must be handled (200/201/252 otherwise)."""
    auth_data = body.get("authData")
    if is_create and not _truthy(auth_data):
        username, password = body.get("username"), body.get("password")
        if not isinstance(username, str) or not username:
            raise ParseError(ParseError.USERNAME_MISSING, "bad or missing username")
        if not isinstance(password, str) or not password:
            raise ParseError(ParseError.PASSWORD_MISSING, "password is required")
    if "authData" not in body or (isinstance(auth_data, dict) and not auth_data):
        return False
    if not isinstance(auth_data, dict):
        raise ParseError(ParseError.UNSUPPORTED_SERVICE, UNSUPPORTED)
    can_handle = any(d is None or (isinstance(d, dict) and _truthy(d.get("id"))) for d in auth_data.values())
    has_credentials = isinstance(body.get("username"), str) and isinstance(body.get("password"), str)
    if can_handle or has_credentials or auth.is_master or auth.user_id or not is_create:
        return True
    raise ParseError(ParseError.UNSUPPORTED_SERVICE, UNSUPPORTED)


def _check_restricted(body: dict[str, Any], auth: Auth) -> None:
    if "emailVerified" in body and not auth.bypasses_permissions:
        raise ParseError(ParseError.OPERATION_FORBIDDEN,
                         "Clients aren't allowed to manually update email verification.")


async def _hash_password(server: "Server", password: Any) -> str:
    if not isinstance(password, str):
        got = value_type(password)
        if got is None:
            raise ParseError(ParseError.PASSWORD_MISSING, "password is required")
        raise ParseError(ParseError.INCORRECT_TYPE,
                         f"schema mismatch for _User.password; expected String but got {type_to_string(got)}")
    return await hasher_for(server).hash(password)


# ----- sign-up -----

def _new_user_id(server: "Server", body: dict[str, Any]) -> str:
    oid = body.get("objectId")
    if server.config.allowCustomObjectId and ("objectId" in body or oid is not None):
        if not isinstance(oid, str) or not oid:
            raise ParseError(ParseError.MISSING_OBJECT_ID, "objectId must not be empty, null or undefined")
        return oid
    return new_object_id(server.config.objectIdSize)


def _check_create_ids(server: "Server", body: dict[str, Any]) -> None:
    oid = body.get("objectId")
    if isinstance(oid, str) and oid.startswith("role:"):
        raise ParseError(ParseError.OPERATION_FORBIDDEN, "Invalid object ID.")
    if not server.config.allowCustomObjectId:
        if _truthy(oid):
            raise ParseError(ParseError.INVALID_KEY_NAME, "objectId is an invalid field name.")
        if _truthy(body.get("id")):
            raise ParseError(ParseError.INVALID_KEY_NAME, "id is an invalid field name.")


async def create_user(server: "Server", auth: Auth, body: dict[str, Any]) -> "write.WriteResult":
    """Sign-up (201 with a session token), or a login when authData names an existing user (200)."""
    enforce_role_security("create", USER, auth)
    _check_create_ids(server, body)
    body = dict(body)
    provider: str | None = None
    if _check_auth_data_shape(body, auth, is_create=True):
        outcome = await _handle_auth_data(server, auth, body["authData"], None)
        if outcome.login_user is not None:
            return await _auth_data_login(server, auth, outcome)
        if outcome.auth_data is not None:
            body["authData"] = outcome.auth_data
    if isinstance(body.get("authData"), dict):
        body["authData"] = {p: d for p, d in body["authData"].items() if d is not None}
        if not body["authData"]:
            del body["authData"]
    _check_restricted(body, auth)
    internal: dict[str, Any] = {}
    if "password" in body:
        internal["_hashed_password"] = await _hash_password(server, body.pop("password"))
    generated_username = None
    if not _truthy(body.get("username")):
        body["username"] = generated_username = "".join(secrets.choice(_USERNAME_ALPHABET) for _ in range(25))
    object_id = _new_user_id(server, body)
    internal["objectId"] = object_id
    body.pop("objectId", None)
    body["ACL"] = _signup_acl(server, body.get("ACL"), object_id)
    if isinstance(body.get("authData"), dict) and body["authData"]:
        provider = ",".join(body["authData"])
    async with _write_lock(server):
        await _check_unique(server, body, object_id)
        try:
            result = await write.create(server, auth, USER, body, rules=False, internal=internal)
        except ParseError as e:
            if e.code != ParseError.DUPLICATE_VALUE:
                raise
            raise await _duplicate_error(server, body, object_id) from None
    if generated_username is not None:
        result.response["username"] = generated_username
    if not (auth.user_id and body.get("authData")) and auth.installation_id != "cloud":
        session = await create_session(
            server, object_id, {"action": "login" if provider else "signup", "authProvider": provider or "password"},
            auth.installation_id)
        result.response["sessionToken"] = session["sessionToken"]
    return result


def _signup_acl(server: "Server", acl: Any, object_id: str) -> Any:
    """The new user's ACL: as sent, or private (public read unless enforcePrivateUsers); always self rw."""
    if acl is None:
        acl = {} if server.config.enforcePrivateUsers else {"*": {"read": True}}
    if isinstance(acl, dict):
        acl = {**acl, object_id: {"read": True, "write": True}}
    return acl


async def _auth_data_login(server: "Server", auth: Auth, outcome: _AuthDataOutcome) -> "write.WriteResult":
    """POST /users whose authData matched an existing user: 200 with the user and a new session."""
    doc = outcome.login_user
    assert doc is not None
    schema = await _user_schema(server)
    user = rest_user(server, doc, schema["fields"])
    if not auth.user_id and auth.installation_id != "cloud":
        session = await create_session(server, doc["objectId"],
                                       {"action": "login", "authProvider": outcome.provider or "password"},
                                       auth.installation_id)
        user["sessionToken"] = session["sessionToken"]
    return write.WriteResult(response=user, object_id=doc["objectId"], created=False)


# ----- update and delete -----

async def update_user(server: "Server", auth: Auth, object_id: str, body: dict[str, Any]) -> "write.WriteResult":
    """PUT /users/:id: the user itself (or master); 206 for anyone else."""
    enforce_role_security("update", USER, auth)
    try:
        return await _update_user(server, auth, object_id, dict(body))
    except ParseError as e:
        if e.code == ParseError.OBJECT_NOT_FOUND and not auth.bypasses_permissions:
            raise ParseError(ParseError.SESSION_MISSING, "Insufficient auth.") from None
        raise


async def _update_user(server: "Server", auth: Auth, object_id: str, body: dict[str, Any]) -> "write.WriteResult":
    auth_changed = False
    if "authData" in body and not _truthy(body["authData"]):
        raise ParseError(ParseError.UNSUPPORTED_SERVICE, UNSUPPORTED)
    if body.get("authData") == {}:
        del body["authData"]  # nothing to link or unlink
    outcome: _AuthDataOutcome | None = None
    if _check_auth_data_shape(body, auth, is_create=False):
        outcome = await _handle_auth_data(server, auth, body.pop("authData"), object_id)
        auth_changed = True
    _check_restricted(body, auth)
    internal: dict[str, Any] = {}
    if "password" in body or "email" in body:
        internal["_perishable_token"] = {"__op": "Delete"}
        internal["_perishable_token_expires_at"] = {"__op": "Delete"}
    password_changed = "password" in body
    if password_changed:
        internal["_hashed_password"] = await _hash_password(server, body.pop("password"))
    session_cache(server).drop_user(object_id)
    if isinstance(body.get("ACL"), dict) and not auth.bypasses_permissions:
        body["ACL"] = {**body["ACL"], object_id: {"read": True, "write": True}}
    if outcome is not None and outcome.auth_data:
        for provider, data in outcome.auth_data.items():
            internal[f"authData.{provider}"] = {"__op": "Delete"} if data is None else data
    async with _write_lock(server):
        await _check_unique(server, body, object_id)
        if not auth.bypasses_permissions and not auth.user_id:
            raise ParseError(ParseError.SESSION_MISSING, f"Cannot modify user {object_id}.")
        try:
            result = await write.update(server, auth, USER, object_id, body, rules=False, internal=internal)
        except ParseError as e:
            if e.code != ParseError.DUPLICATE_VALUE:
                raise
            raise await _duplicate_error(server, body, object_id) from None
    session_cache(server).drop_user(object_id)
    if password_changed and server.config.revokeSessionOnPasswordReset:
        await delete_user_sessions(server, object_id)
    new_session = (password_changed and not auth.bypasses_permissions) or (auth_changed and not auth.user_id)
    if new_session and auth.installation_id != "cloud":
        provider = outcome.provider if outcome and outcome.provider else None
        session = await create_session(
            server, object_id, {"action": "login" if provider else "signup", "authProvider": provider or "password"},
            auth.installation_id)
        result.response["sessionToken"] = session["sessionToken"]
    return result


async def delete_user(server: "Server", auth: Auth, object_id: str) -> None:
    """DELETE /users/:id: the user itself (or master); 206 for anyone else."""
    if not auth.bypasses_permissions and not auth.user_id:
        raise ParseError(ParseError.SESSION_MISSING, "Insufficient auth to delete user")
    enforce_role_security("delete", USER, auth)
    try:
        await write.delete(server, auth, USER, object_id, rules=False)
    except ParseError as e:
        if e.code == ParseError.OBJECT_NOT_FOUND and not auth.bypasses_permissions:
            raise ParseError(ParseError.SESSION_MISSING, "Insufficient auth.") from None
        raise
    finally:
        session_cache(server).drop_user(object_id)


# ----- login and friends -----

async def authenticate(server: "Server", auth: Auth, body: dict[str, Any],
                       query: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Check username/email + password (body, or query string); (REST user, stored user) or 101."""
    payload = body
    if (not _truthy(body.get("username")) and _truthy(query.get("username"))) or (
            not _truthy(body.get("email")) and _truthy(query.get("email"))):
        payload = query
    username, email, password = payload.get("username"), payload.get("email"), payload.get("password")
    if not _truthy(username) and not _truthy(email):
        raise ParseError(ParseError.USERNAME_MISSING, "username/email is required.")
    if not _truthy(password):
        raise ParseError(ParseError.PASSWORD_MISSING, "password is required.")
    if not isinstance(password, str) or (_truthy(email) and not isinstance(email, str)) or (
            _truthy(username) and not isinstance(username, str)):
        raise ParseError(ParseError.OBJECT_NOT_FOUND, INVALID_LOGIN)
    if _truthy(email) and _truthy(username):
        where: dict[str, Any] = {"email": email, "username": username}
    elif _truthy(email):
        where = {"email": email}
    else:
        where = {"$or": [{"username": username}, {"email": username}]}
    schema = await server.schema.get(USER)
    found = await server.storage.find(USER, schema, where, FindOptions(limit=10)) if schema else []
    if not found:
        raise ParseError(ParseError.OBJECT_NOT_FOUND, INVALID_LOGIN)
    doc = found[0] if len(found) == 1 else next((u for u in found if u.get("username") == username), found[0])
    if not await hasher_for(server).verify(password, doc.get("_hashed_password")):
        raise ParseError(ParseError.OBJECT_NOT_FOUND, INVALID_LOGIN)
    if not auth.is_master and _is_locked_out(doc):
        raise ParseError(ParseError.OBJECT_NOT_FOUND, INVALID_LOGIN)
    assert schema is not None
    return rest_user(server, doc, schema["fields"]), doc


async def log_in(server: "Server", auth: Auth, body: dict[str, Any], query: dict[str, Any]) -> dict[str, Any]:
    """GET/POST /login: the user with a new session token."""
    user, _ = await authenticate(server, auth, body, query)
    await triggers.before_login(server, auth, user)  # may refuse before the session exists
    auth_data = body.get("authData")
    if isinstance(auth_data, dict) and auth_data:
        validated = await validate_auth_data(server, auth_data)
        if validated:
            await _store_auth_data(server, user["objectId"], validated)
            user["authData"] = {**user.get("authData", {}), **{p: d for p, d in validated.items() if d is not None}}
    session = await create_session(server, user["objectId"], {"action": "login", "authProvider": "password"},
                                   auth.installation_id)
    user["sessionToken"] = session["sessionToken"]
    await triggers.after_login(server, auth, user)
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
    if not _truthy(user_id):
        raise ParseError(ParseError.INVALID_VALUE, "userId must not be empty, null, or undefined")
    loaded = await load_user(server, str(user_id))
    if loaded is None:
        raise ParseError(ParseError.OBJECT_NOT_FOUND, "user not found")
    schema = await _user_schema(server)
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
    schema = await _user_schema(server)
    user = rest_user(server, loaded[1], schema["fields"])
    user["sessionToken"] = token
    return user


EMAIL_NOT_CONFIGURED = ("An appName, publicServerURL, and emailAdapter are required for password reset "
                        "and email verification functionality.")


async def request_password_reset(server: "Server", body: dict[str, Any]) -> dict[str, Any]:
    """POST /requestPasswordReset: needs an email adapter, which this server does not have (1)."""
    raise ParseError(ParseError.INTERNAL_SERVER_ERROR, EMAIL_NOT_CONFIGURED)


async def request_verification_email(server: "Server", body: dict[str, Any]) -> dict[str, Any]:
    """POST /verificationEmailRequest: needs an email adapter, which this server does not have (1)."""
    raise ParseError(ParseError.INTERNAL_SERVER_ERROR, EMAIL_NOT_CONFIGURED)
