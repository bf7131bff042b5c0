"""authData: third-party logins (sign-up, login, linking, unlinking) on `_User` writes.

Parse Server's rules: a write whose authData names a provider id already linked to a user
logs that user in (sign-up) or is refused with 208 (another user); an unknown id is
checked by its provider (auth_providers.py) and linked; `{"<provider>": null}` unlinks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...storage.base import FindOptions
from ..runtime.auth import Auth
from .cache import session_cache
from .providers import UNSUPPORTED, registry_for
from ...errors import ParseError
from .user_records import USER, is_locked_out, js_truthy, user_schema

if TYPE_CHECKING:
    from ..runtime.server import Server

AUTH_USED = "this auth is already used"


async def find_users_with_auth_data(server: "Server", auth_data: dict[str, Any]) -> list[dict[str, Any]]:
    """Stored users already linked to one of these provider ids (at most two)."""
    ors = [{f"authData.{p}.id": d["id"]} for p, d in auth_data.items()
           if isinstance(d, dict) and js_truthy(d.get("id"))]
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


@dataclass
class AuthDataOutcome:
    """What authData handling decided: a login to answer, and/or authData to store."""

    login_user: dict[str, Any] | None = None  # sign-up became a login of this user (stored form)
    auth_data: dict[str, Any] | None = None  # validated authData to write, if any
    provider: str | None = None  # createdWith.authProvider of the session


async def handle_auth_data(server: "Server", auth: Auth, auth_data: dict[str, Any],
                            target_id: str | None) -> AuthDataOutcome:
    """Parse's handleAuthData: link, log in, or refuse an id another user has (208)."""
    outcome = AuthDataOutcome()
    found = await find_users_with_auth_data(server, auth_data)
    if not auth.bypasses_permissions:
        found = [u for u in found if not is_locked_out(u)]
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
            await store_auth_data(server, first["objectId"], validated)
    return outcome


async def store_auth_data(server: "Server", user_id: str, auth_data: dict[str, Any]) -> None:
    """Write providers one by one (others the user has stay); None unlinks."""
    change = {f"authData.{p}": ({"__op": "Delete"} if d is None else d) for p, d in auth_data.items()}
    schema = await user_schema(server)
    await server.storage.find_one_and_update(USER, schema, {"objectId": user_id}, change)
    session_cache(server).drop_user(user_id)


def check_auth_data_shape(body: dict[str, Any], auth: Auth, is_create: bool) -> bool:
    """Parse's validateAuthData gate: True when authData must be handled (200/201/252 otherwise)."""
    auth_data = body.get("authData")
    if is_create and not js_truthy(auth_data):
        username, password = body.get("username"), body.get("password")
        if not isinstance(username, str) or not username:
            raise ParseError(ParseError.USERNAME_MISSING, "bad or missing username")
        if not isinstance(password, str) or not password:
            raise ParseError(ParseError.PASSWORD_MISSING, "password is required")
    if "authData" not in body or (isinstance(auth_data, dict) and not auth_data):
        return False
    if not isinstance(auth_data, dict):
        raise ParseError(ParseError.UNSUPPORTED_SERVICE, UNSUPPORTED)
    can_handle = any(d is None or (isinstance(d, dict) and js_truthy(d.get("id"))) for d in auth_data.values())
    has_credentials = isinstance(body.get("username"), str) and isinstance(body.get("password"), str)
    if can_handle or has_credentials or auth.is_master or auth.user_id or not is_create:
        return True
    raise ParseError(ParseError.UNSUPPORTED_SERVICE, UNSUPPORTED)
