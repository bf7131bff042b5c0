"""Users: sign-up and the `_User` write rules (logins are in login.py, authData in auth_data.py).

What a `_User` write adds to an ordinary object write, in Parse Server's order:
authData handling (which may turn a sign-up into a login), `emailVerified` being
master-only, password hashing, case-insensitive username/email uniqueness, the
private default ACL, and session bookkeeping (a token on sign-up, all sessions
revoked and a fresh token on a password change).
"""

from __future__ import annotations

import re
import secrets
import string
from typing import TYPE_CHECKING, Any

from ...storage.base import FindOptions
from ..write import objects as write
from ..runtime.auth import Auth
from . import account_emails as emails
from .cache import session_cache
from .auth_data import AuthDataOutcome, check_auth_data_shape, handle_auth_data
from .providers import UNSUPPORTED
from ...errors import ParseError
from ..runtime.keyed_locks import KeyedLocks
from .mfa import mfa_options, update_mfa
from .password_policy import check_new_password, password_change_fields
from .passwords import hasher_for
from ..permissions.acl import enforce_role_security
from ..schema.defs import type_to_string, value_type
from .sessions import create_session, delete_user_sessions
from .user_records import USER, js_truthy, rest_user, user_schema
from ...language.values import new_object_id

if TYPE_CHECKING:
    from ..runtime.server import Server

USERNAME_TAKEN = "Account already exists for this username."
EMAIL_TAKEN = "Account already exists for this email address."
_EMAIL_RE = re.compile(r".+@.+")
_USERNAME_ALPHABET = string.ascii_letters + string.digits


def _literal_regex(text: str) -> str:
    """An anchored regex matching exactly `text` (every non-alphanumeric escaped)."""
    return "^" + "".join(c if c.isalnum() or c == "_" else "\\" + c for c in text) + "$"


def _unique_values(server: "Server", body: dict[str, Any]):
    """Hold the locks of the username and email a write sets (case-insensitively).

    On this instance, two writes of one name run their uniqueness check and store one after
    the other; the storage unique indexes cover exact duplicates from other instances. Writes
    of other names, nested writes from cloud hooks among them, never wait.
    """
    locks = server.extras.get("user_value_locks")
    if locks is None:
        locks = server.extras["user_value_locks"] = KeyedLocks()
    keys = [f"{field}:{body[field].lower()}" for field in ("username", "email") if isinstance(body.get(field), str)]
    return locks.hold(keys)


# ----- uniqueness -----

async def _taken(server: "Server", field: str, value: str, object_id: str | None) -> bool:
    schema = await server.schema.get(USER)
    if schema is None:
        return False
    # enableCollationCaseComparison: the database's collation decides, as in Parse Server (no "i" regex)
    where: dict[str, Any] = ({field: value} if server.config.enableCollationCaseComparison
                             else {field: {"$regex": _literal_regex(value), "$options": "i"}})
    if object_id:
        where = {"$and": [where, {"objectId": {"$ne": object_id}}]}
    return bool(await server.storage.find(USER, schema, where, FindOptions(limit=1)))


async def _check_unique(server: "Server", body: dict[str, Any], object_id: str | None) -> None:
    """202 / 203 for a username / email another user has, compared case-insensitively (unless
    enableCollationCaseComparison); 125 for a bad email."""
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


def _check_restricted(body: dict[str, Any], auth: Auth) -> None:
    if "emailVerified" in body and not auth.bypasses_permissions:
        raise ParseError(ParseError.OPERATION_FORBIDDEN,
                         "Clients aren't allowed to manually update email verification.")


async def _hash_password(server: "Server", password: Any, username: Any = None,
                         stored: dict[str, Any] | None = None) -> str:
    if not isinstance(password, str):
        got = value_type(password)
        if got is None:
            raise ParseError(ParseError.PASSWORD_MISSING, "password is required")
        raise ParseError(ParseError.INCORRECT_TYPE,
                         f"schema mismatch for _User.password; expected String but got {type_to_string(got)}")
    await check_new_password(server, password, username, stored)  # passwordPolicy (142)
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
        if js_truthy(oid):
            raise ParseError(ParseError.INVALID_KEY_NAME, "objectId is an invalid field name.")
        if js_truthy(body.get("id")):
            raise ParseError(ParseError.INVALID_KEY_NAME, "id is an invalid field name.")


async def create_user(server: "Server", auth: Auth, body: dict[str, Any]) -> "write.WriteResult":
    """Sign-up (201 with a session token), or a login when authData names an existing user (200)."""
    enforce_role_security("create", USER, auth)
    _check_create_ids(server, body)
    body = dict(body)
    provider: str | None = None
    validated = check_auth_data_shape(body, auth, is_create=True)
    if validated:
        outcome = await handle_auth_data(server, auth, body["authData"], None)
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
        internal["_hashed_password"] = await _hash_password(server, body.pop("password"), body.get("username"))
        internal.update(password_change_fields(server, None))
    send_verification = await emails.prepare_verification(server, auth, body, internal)
    generated_username = None
    if not js_truthy(body.get("username")):
        body["username"] = generated_username = "".join(secrets.choice(_USERNAME_ALPHABET) for _ in range(25))
    object_id = _new_user_id(server, body)
    internal["objectId"] = object_id
    body.pop("objectId", None)
    body["ACL"] = _signup_acl(server, body.get("ACL"), object_id)
    if isinstance(body.get("authData"), dict) and body["authData"]:
        provider = ",".join(body["authData"])
    async with _unique_values(server, body):
        await _check_unique(server, body, object_id)
        try:
            result = await write.create(server, auth, USER, body, internal=internal)
        except ParseError as e:
            if e.code != ParseError.DUPLICATE_VALUE:
                raise
            raise await _duplicate_error(server, body, object_id) from None
    if generated_username is not None:
        result.response["username"] = generated_username
    reject_signup = not provider and await emails.signup_needs_verified_email(server, auth, body)
    if send_verification:
        emails.send_in_background(server, emails.send_verification_email(server, object_id, auth.is_master))
    if reject_signup and server.config.preventSignupWithUnverifiedEmail:
        raise ParseError(ParseError.EMAIL_NOT_FOUND, "User email is not verified.")
    if not (auth.user_id and body.get("authData")) and auth.installation_id != "cloud" and not reject_signup:
        session = await create_session(
            server, object_id, {"action": "login" if provider else "signup", "authProvider": provider or "password"},
            auth.installation_id)
        result.response["sessionToken"] = session["sessionToken"]
    if validated:
        result.response["authDataResponse"] = {}  # as Parse Server, after validating authData: what the providers answered
    return result


def _signup_acl(server: "Server", acl: Any, object_id: str) -> Any:
    """The new user's ACL: as sent, or private (public read unless enforcePrivateUsers); always self rw."""
    if acl is None:
        acl = {} if server.config.enforcePrivateUsers else {"*": {"read": True}}
    if isinstance(acl, dict):
        acl = {**acl, object_id: {"read": True, "write": True}}
    return acl


async def _auth_data_login(server: "Server", auth: Auth, outcome: AuthDataOutcome) -> "write.WriteResult":
    """POST /users whose authData matched an existing user: 200 with the user and a new session."""
    doc = outcome.login_user
    assert doc is not None
    schema = await user_schema(server)
    user = rest_user(server, doc, schema["fields"])
    if not auth.user_id and auth.installation_id != "cloud":
        session = await create_session(server, doc["objectId"],
                                       {"action": "login", "authProvider": outcome.provider or "password"},
                                       auth.installation_id)
        user["sessionToken"] = session["sessionToken"]
    user["authDataResponse"] = {}
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
    if "authData" in body and not js_truthy(body["authData"]):
        raise ParseError(ParseError.UNSUPPORTED_SERVICE, UNSUPPORTED)
    mfa_change = await _mfa_change(server, auth, object_id, body)
    if body.get("authData") == {}:
        del body["authData"]  # nothing to link or unlink
    outcome: AuthDataOutcome | None = None
    if check_auth_data_shape(body, auth, is_create=False):
        outcome = await handle_auth_data(server, auth, body.pop("authData"), object_id)
        auth_changed = True
    _check_restricted(body, auth)
    internal: dict[str, Any] = {}
    if "password" in body or "email" in body:
        internal["_perishable_token"] = {"__op": "Delete"}
        internal["_perishable_token_expires_at"] = {"__op": "Delete"}
    if mfa_change is not None:
        internal["authData.mfa"] = {"__op": "Delete"} if mfa_change[0] is None else mfa_change[0]
    password_changed = "password" in body
    if password_changed:
        stored = (await emails.find_users(server, {"objectId": object_id}, limit=1) or [None])[0]
        internal["_hashed_password"] = await _hash_password(server, body.pop("password"), body.get("username"),
                                                            stored)
        internal.update(password_change_fields(server, stored))
    send_verification = await emails.prepare_verification(server, auth, body, internal, original={})
    session_cache(server).drop_user(object_id)
    if isinstance(body.get("ACL"), dict) and not auth.bypasses_permissions:
        body["ACL"] = {**body["ACL"], object_id: {"read": True, "write": True}}
    if outcome is not None and outcome.auth_data:
        for provider, data in outcome.auth_data.items():
            internal[f"authData.{provider}"] = {"__op": "Delete"} if data is None else data
    async with _unique_values(server, body):
        await _check_unique(server, body, object_id)
        if not auth.bypasses_permissions and not auth.user_id:
            raise ParseError(ParseError.SESSION_MISSING, f"Cannot modify user {object_id}.")
        try:
            result = await write.update(server, auth, USER, object_id, body, internal=internal)
        except ParseError as e:
            if e.code != ParseError.DUPLICATE_VALUE:
                raise
            raise await _duplicate_error(server, body, object_id) from None
    session_cache(server).drop_user(object_id)
    if mfa_change is not None and mfa_change[1] is not None:
        result.response["authDataResponse"] = {"mfa": mfa_change[1]}
    if send_verification:
        emails.send_in_background(server, emails.send_verification_email(server, object_id, auth.is_master))
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


async def _mfa_change(server: "Server", auth: Auth, object_id: str,
                      body: dict[str, Any]) -> tuple[Any, Any] | None:
    """authData.mfa of an update, checked by the mfa adapter (and taken out of the authData)."""
    auth_data = body.get("authData")
    if mfa_options(server) is None or not isinstance(auth_data, dict) or "mfa" not in auth_data:
        return None
    if not auth.bypasses_permissions and auth.user_id != object_id:
        raise ParseError(ParseError.SESSION_MISSING, f"Cannot modify user {object_id}.")
    stored = (await emails.find_users(server, {"objectId": object_id}, limit=1) or [None])[0]
    change = await update_mfa(server, auth.is_master, stored, auth_data["mfa"])
    body["authData"] = {p: d for p, d in auth_data.items() if p != "mfa"}
    return change


async def delete_user(server: "Server", auth: Auth, object_id: str) -> None:
    """DELETE /users/:id: the user itself (or master); 206 for anyone else."""
    if not auth.bypasses_permissions and not auth.user_id:
        raise ParseError(ParseError.SESSION_MISSING, "Insufficient auth to delete user")
    enforce_role_security("delete", USER, auth)
    try:
        await write.delete(server, auth, USER, object_id)
    except ParseError as e:
        if e.code == ParseError.OBJECT_NOT_FOUND and not auth.bypasses_permissions:
            raise ParseError(ParseError.SESSION_MISSING, "Insufficient auth.") from None
        raise
    finally:
        session_cache(server).drop_user(object_id)


