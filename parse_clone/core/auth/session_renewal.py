"""extendSessionOnUse, as Parse Server's: a session used after half its lifetime gets a new expiresAt.

The check uses the expiry the session cache already holds (no extra read per request); the
write runs in the background, once per token at a time, and refreshes the cached expiry.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from ...language.values import now_iso, to_iso
from ...storage.base import FindOptions
from .cache import session_cache

if TYPE_CHECKING:
    from ..runtime.server import Server

log = logging.getLogger("parse_clone")


def renew_if_needed(server: "Server", token: str, user: dict[str, Any], expires_at: datetime | None) -> None:
    """Schedule the renewal of a session past half its lifetime (extendSessionOnUse)."""
    cfg = server.config
    if not cfg.extendSessionOnUse or expires_at is None or not cfg.expireInactiveSessions:
        return
    now = datetime.now(timezone.utc)
    if expires_at - now > timedelta(seconds=cfg.sessionLength / 2):
        return
    pending: dict[str, asyncio.Task[None]] = server.extras.setdefault("session_renewals", {})
    if token in pending:
        return
    pending[token] = asyncio.ensure_future(_renew(server, token, user))
    pending[token].add_done_callback(lambda _: pending.pop(token, None))


async def _renew(server: "Server", token: str, user: dict[str, Any]) -> None:
    """Write the new expiresAt and refresh the cache."""
    try:
        schema = await server.schema.get("_Session")
        if schema is None:
            return
        when = datetime.now(timezone.utc) + timedelta(seconds=server.config.sessionLength)
        found = await server.storage.find("_Session", schema, {"sessionToken": token}, FindOptions(limit=1))
        if not found:
            return
        await server.storage.find_one_and_update(
            "_Session", schema, {"objectId": found[0]["objectId"]},
            {"expiresAt": {"__type": "Date", "iso": to_iso(when)}, "updatedAt": now_iso()})
        session_cache(server).put(token, user, when)
    except Exception:  # noqa: BLE001 - a failed renewal leaves the session as it was
        log.exception("could not extend the session's expiry")


async def wait_for_renewals(server: "Server") -> None:
    """Await the renewals under way (tests, shutdown)."""
    pending = list(server.extras.get("session_renewals", {}).values())
    if pending:
        await asyncio.gather(*pending, return_exceptions=True)
