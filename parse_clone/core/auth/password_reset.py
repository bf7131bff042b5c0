"""Completing a password reset: the new password (policy applies), then the account unlocked."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...errors import ParseError
from ..runtime.auth import Auth
from .account_emails import LinkRefused, check_reset_token
from .lockout import unlock_account
from .users import update_user

if TYPE_CHECKING:
    from ..runtime.server import Server


async def reset_password(server: "Server", username: str, token: str, password: str) -> None:
    """Set the new password of a valid reset link (policy applies); LinkRefused with the reason."""
    doc = await check_reset_token(server, username, token)
    try:
        await update_user(server, Auth.master(), doc["objectId"], {"password": password})
    except ParseError as e:
        raise LinkRefused(e.message) from e
    await unlock_account(server, doc)
