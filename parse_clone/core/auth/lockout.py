"""accountLockout, as Parse Server's: failed logins counted on the user, a lock after `threshold`.

Stored as Parse Server stores it: `_failed_login_count` (Number) and `_account_lockout_expires_at`
(a Date), `duration` in minutes.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from ...errors import ParseError
from .user_fields import date_json, set_user_fields, stored_when

if TYPE_CHECKING:
    from ..runtime.server import Server


def check_lockout_options(options: Any) -> None:
    """Parse Server's start-up checks of accountLockout (ValueError with its message)."""
    if not options:
        return
    if not isinstance(options, dict):
        raise ValueError("Parse Server option accountLockout must be an object.")
    duration = options.get("duration")
    if isinstance(duration, bool) or not isinstance(duration, (int, float)) or not 0 < duration <= 99999:
        raise ValueError("Account lockout duration should be greater than 0 and less than 100000")
    threshold = options.get("threshold")
    if isinstance(threshold, bool) or not isinstance(threshold, int) or not 1 <= threshold <= 999:
        raise ValueError("Account lockout threshold should be an integer greater than 0 and less than 1000")
    if "unlockOnPasswordReset" in options and not isinstance(options["unlockOnPasswordReset"], bool):
        raise ValueError("Parse Server option accountLockout.unlockOnPasswordReset must be a boolean.")


def _locked_message(duration: Any) -> str:
    shown = int(duration) if float(duration).is_integer() else duration
    return ("Your account is locked due to multiple failed login attempts. Please try again after "
            f"{shown} minute(s)")


async def handle_login_attempt(server: "Server", doc: dict[str, Any], password_ok: bool) -> None:
    """Refuse a locked account (101), else reset the count on success or count the failure."""
    policy = server.config.accountLockout
    if not policy:
        return
    threshold, duration = policy["threshold"], policy["duration"]
    now = datetime.now(timezone.utc)
    count = doc.get("_failed_login_count")
    count = count if isinstance(count, (int, float)) else 0
    expires = stored_when(doc.get("_account_lockout_expires_at"))
    if expires is not None and expires > now and count >= threshold:
        raise ParseError(ParseError.OBJECT_NOT_FOUND, _locked_message(duration))
    if password_ok:
        await set_user_fields(server, doc["objectId"], {"_failed_login_count": 0})
        return
    stored = await set_user_fields(server, doc["objectId"],
                                   {"_failed_login_count": {"__op": "Increment", "amount": 1}})
    new_count = (stored or {}).get("_failed_login_count", count + 1)
    if new_count >= threshold:
        await set_user_fields(server, doc["objectId"], {
            "_account_lockout_expires_at": date_json(now + timedelta(minutes=duration))})


async def unlock_account(server: "Server", doc: dict[str, Any]) -> None:
    """After a password reset, with unlockOnPasswordReset: forget the failed logins."""
    policy = server.config.accountLockout
    if not policy or not policy.get("unlockOnPasswordReset"):
        return
    await set_user_fields(server, doc["objectId"], {"_failed_login_count": {"__op": "Delete"},
                                                     "_account_lockout_expires_at": {"__op": "Delete"}})
