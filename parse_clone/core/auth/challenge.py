"""POST /challenge, as Parse Server's: run auth providers' challenge steps before a login (an SMS or
email one-time code, a WebAuthn challenge...). The user is named by username/email + password, or by
one provider's authData (checked by that provider), or not at all; each provider in `challengeData`
that has a `challenge` step runs, in name order, and its answer is returned under its name.

A provider module adds the step beside `validate`:

    async def challenge(self, challenge_data, auth_data, options, request):
        return {"sent": True}        # or raise ParseError(...) to refuse

`request` is {"user": the REST user or None, "master": bool, "installationId": str | None,
"isChallenge": True}.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from ...errors import ParseError
from .auth_data import find_users_with_auth_data
from .login import authenticate
from .providers import SKIPPED, registry_for
from .user_records import js_truthy, rest_user

if TYPE_CHECKING:
    from ..runtime.auth import Auth
    from ..runtime.server import Server

log = logging.getLogger("parse_clone.auth")
USER_NOT_FOUND = "User not found."


def _other(message: str) -> ParseError:
    return ParseError(ParseError.OTHER_CAUSE, message)


async def _user_from_auth_data(server: "Server", auth_data: Any, has_user: bool) -> dict[str, Any]:
    """The one user these credentials name, after its provider checked them (101 otherwise)."""
    if not isinstance(auth_data, dict):
        raise _other("authData should be an object.")
    if has_user:
        raise _other("You cannot provide username/email and authData, only use one identification method.")
    for key, value in auth_data.items():
        if value is not None and not isinstance(value, dict):
            raise _other(f"authData.{key} should be an object.")
    with_id = [key for key, value in auth_data.items() if isinstance(value, dict) and js_truthy(value.get("id"))]
    if len(with_id) > 1:
        raise _other("You cannot provide more than one authData provider with an id.")
    found = await find_users_with_auth_data(server, auth_data)
    try:
        if len(found) != 1 or not with_id:
            raise ParseError(ParseError.OBJECT_NOT_FOUND, USER_NOT_FOUND)
        await registry_for(server).validate(with_id[0], auth_data[with_id[0]])
    except ParseError as exc:  # one answer for every failure: no guessing ids
        log.info("challenge: authData refused: %s", exc.message)
        raise ParseError(ParseError.OBJECT_NOT_FOUND, USER_NOT_FOUND) from None
    schema = await server.schema.get("_User")
    return rest_user(server, found[0], schema["fields"] if schema else {})


async def challenge(server: "Server", auth: "Auth", body: dict[str, Any]) -> dict[str, Any]:
    """{"challengeData": {provider: its answer (true when it answered nothing)}}."""
    user: dict[str, Any] | None = None
    if js_truthy(body.get("username")) or js_truthy(body.get("email")):
        if not js_truthy(body.get("password")):
            raise _other("You provided username or email, you need to also provide password.")
        user, _ = await authenticate(server, auth, body, {})
    challenge_data = body.get("challengeData")
    if not js_truthy(challenge_data):
        raise _other("Nothing to challenge.")
    if not isinstance(challenge_data, dict):
        raise _other("challengeData should be an object.")
    auth_data = body.get("authData")
    if js_truthy(auth_data):
        user = await _user_from_auth_data(server, auth_data, user is not None)
    request = {"user": user, "master": auth.is_master, "installationId": auth.installation_id, "isChallenge": True}
    registry = registry_for(server)
    answers: dict[str, Any] = {}
    for provider in sorted(challenge_data):
        provider_auth = auth_data.get(provider) if isinstance(auth_data, dict) else None
        try:
            answer = await registry.challenge(provider, challenge_data[provider], provider_auth, request)
        except ParseError:
            raise
        except Exception:  # noqa: BLE001 - a provider's crash is a failed challenge, not a 500
            log.exception("challenge step of auth provider %s failed", provider)
            raise ParseError(ParseError.SCRIPT_FAILED, "Challenge failed. Unknown error.") from None
        if answer is not SKIPPED:
            answers[provider] = answer if js_truthy(answer) else True
    return {"challengeData": answers}
