"""The `_Session` read rule: a client sees only its own sessions."""

from __future__ import annotations

from typing import Any

from ...errors import ParseError
from ...language.values import pointer_json
from ..runtime.auth import Auth

INVALID_TOKEN = "Invalid session token"


def own_sessions_where(auth: Auth, where: dict[str, Any]) -> dict[str, Any]:
    """A client's `_Session` query, limited to its own sessions (209 without a user)."""
    if auth.bypasses_permissions:
        return where
    if not auth.user_id:
        raise ParseError(ParseError.INVALID_SESSION_TOKEN, INVALID_TOKEN)
    mine = {"user": pointer_json("_User", auth.user_id)}
    return {"$and": [where, mine]} if where else mine
