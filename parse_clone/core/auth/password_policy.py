"""passwordPolicy, as Parse Server's: strength rules, no username inside, history and maximum age.

Stored as Parse Server stores it: `_password_history` (earlier bcrypt hashes, oldest first) and
`_password_changed_at` (a Date). `validatorCallback` is a Python callable (password -> bool), given
directly in a Python config or as `"package.module:function"`.
"""

from __future__ import annotations

import inspect
import re
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Callable

from ...errors import ParseError
from ...option_spec import load_callable
from .user_fields import date_json, set_user_fields, stored_when
from .passwords import hasher_for

if TYPE_CHECKING:
    from ..runtime.server import Server

DEFAULT_ERROR = "Password does not meet the Password Policy requirements."
CONTAINS_USERNAME = "Password cannot contain your username."
EXPIRED = "Your password has expired. Please reset your password."


def _resolve_callback(value: Any) -> Callable[[str], Any]:
    return load_callable(value, "passwordPolicy.validatorCallback")


def _positive(policy: dict[str, Any], key: str, strict: bool) -> bool:
    v = policy.get(key)
    return not isinstance(v, bool) and isinstance(v, (int, float)) and (v > 0 if strict else v >= 0)


def compile_policy(policy: Any) -> dict[str, Any] | None:
    """Check the option as Parse Server does (ValueError with its message); the compiled policy."""
    if not policy:
        return None
    if not isinstance(policy, dict):
        raise ValueError("Parse Server option passwordPolicy must be an object.")
    compiled = dict(policy)
    if "maxPasswordAge" in policy and not _positive(policy, "maxPasswordAge", False):
        raise ValueError("passwordPolicy.maxPasswordAge must be a positive number")
    if "resetTokenValidityDuration" in policy and not _positive(policy, "resetTokenValidityDuration", True):
        raise ValueError("passwordPolicy.resetTokenValidityDuration must be a positive number")
    pattern = policy.get("validatorPattern")
    if pattern:
        if isinstance(pattern, str):
            try:
                compiled["validatorPattern"] = re.compile(pattern)
            except re.error as e:
                raise ValueError(f"passwordPolicy.validatorPattern must be a regex string or RegExp object: {e}")
        elif not isinstance(pattern, re.Pattern):
            raise ValueError("passwordPolicy.validatorPattern must be a regex string or RegExp object.")
    if policy.get("validatorCallback"):
        compiled["validatorCallback"] = _resolve_callback(policy["validatorCallback"])
    if policy.get("doNotAllowUsername") and not isinstance(policy["doNotAllowUsername"], bool):
        raise ValueError("passwordPolicy.doNotAllowUsername must be a boolean value.")
    history = policy.get("maxPasswordHistory")
    if history and (isinstance(history, bool) or not isinstance(history, int) or not 0 < history <= 20):
        raise ValueError("passwordPolicy.maxPasswordHistory must be an integer ranging 0 - 20")
    if policy.get("resetTokenReuseIfValid") and not isinstance(policy["resetTokenReuseIfValid"], bool):
        raise ValueError("resetTokenReuseIfValid must be a boolean value")
    if policy.get("resetTokenReuseIfValid") and not policy.get("resetTokenValidityDuration"):
        raise ValueError("You cannot use resetTokenReuseIfValid without resetTokenValidityDuration")
    if "resetPasswordSuccessOnInvalidEmail" in policy and \
            not isinstance(policy["resetPasswordSuccessOnInvalidEmail"], bool):
        raise ValueError("resetPasswordSuccessOnInvalidEmail must be a boolean value")
    return compiled


def policy_of(server: "Server") -> dict[str, Any] | None:
    """The compiled passwordPolicy (built on first use)."""
    if "password_policy" not in server.extras:
        server.extras["password_policy"] = compile_policy(server.config.passwordPolicy)
    return server.extras["password_policy"]


async def check_new_password(server: "Server", password: str, username: Any,
                             stored: dict[str, Any] | None) -> None:
    """142 when a new password breaks the policy (strength, username inside, recent reuse)."""
    policy = policy_of(server)
    if not policy:
        return
    message = policy.get("validationError") or DEFAULT_ERROR
    pattern, callback = policy.get("validatorPattern"), policy.get("validatorCallback")
    ok = True
    if pattern is not None and not pattern.search(password):
        ok = False
    if ok and callback is not None:
        answer = callback(password)
        ok = bool(await answer if inspect.isawaitable(answer) else answer)
    if not ok:
        raise ParseError(ParseError.VALIDATION_ERROR, message)
    if policy.get("doNotAllowUsername") is True:
        name = username if isinstance(username, str) and username else (stored or {}).get("username")
        if isinstance(name, str) and name and name in password:
            raise ParseError(ParseError.VALIDATION_ERROR, CONTAINS_USERNAME)
    history = policy.get("maxPasswordHistory")
    if history and stored is not None:
        earlier = list(stored.get("_password_history") or [])[: history - 1]
        earlier.append(stored.get("_hashed_password"))
        hasher = hasher_for(server)
        for old in earlier:
            if await hasher.verify(password, old):
                raise ParseError(ParseError.VALIDATION_ERROR,
                                 f"New password should not be the same as last {history} passwords.")


def password_change_fields(server: "Server", stored: dict[str, Any] | None) -> dict[str, Any]:
    """The internal fields a password change (or sign-up: stored None) also writes."""
    policy = policy_of(server)
    fields: dict[str, Any] = {}
    if not policy:
        return fields
    if policy.get("maxPasswordAge"):
        fields["_password_changed_at"] = date_json(datetime.now(timezone.utc))
    history = policy.get("maxPasswordHistory")
    if history and stored is not None:
        kept = list(stored.get("_password_history") or [])[:history]
        while len(kept) > max(0, history - 2):
            kept.pop(0)
        if stored.get("_hashed_password"):
            kept.append(stored["_hashed_password"])
        fields["_password_history"] = kept
    return fields


async def check_password_age(server: "Server", doc: dict[str, Any]) -> None:
    """At login, with maxPasswordAge: 101 for an expired password (an unstamped one starts its clock now)."""
    policy = policy_of(server)
    if not policy or not policy.get("maxPasswordAge"):
        return
    changed = stored_when(doc.get("_password_changed_at"))
    now = datetime.now(timezone.utc)
    if changed is None:
        await set_user_fields(server, doc["objectId"], {"_password_changed_at": date_json(now)})
        return
    if changed + timedelta(days=policy["maxPasswordAge"]) < now:
        raise ParseError(ParseError.OBJECT_NOT_FOUND, EXPIRED)
