"""Reading and writing a user's internal fields directly (tokens, counters, their Date values)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from ...language.values import parse_iso, to_iso
from ...storage.base import FindOptions
from .cache import session_cache
from .user_records import USER

if TYPE_CHECKING:
    from ..runtime.server import Server


def date_json(when: datetime) -> dict[str, str]:
    """A stored Date value."""
    return {"__type": "Date", "iso": to_iso(when)}


def stored_when(value: Any) -> datetime | None:
    """A stored Date (Date JSON, ISO string or datetime) as an aware datetime."""
    if isinstance(value, dict):
        value = value.get("iso")
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return parse_iso(value) if isinstance(value, str) else None


async def user_fields_schema(server: "Server") -> Any:
    """The stored _User schema (None before the class exists)."""
    return await server.schema.get(USER)


async def find_users(server: "Server", where: dict[str, Any], limit: int = 2) -> list[dict[str, Any]]:
    """Stored `_User` documents matching `where` (no ACL: server-side)."""
    schema = await user_fields_schema(server)
    if schema is None:
        return []
    return await server.storage.find(USER, schema, where, FindOptions(limit=limit))


async def set_user_fields(server: "Server", object_id: str, change: dict[str, Any]) -> dict[str, Any] | None:
    """Write internal fields of one user directly; its cached sessions are forgotten."""
    schema = await user_fields_schema(server)
    if schema is None:
        return None
    stored = await server.storage.find_one_and_update(USER, schema, {"objectId": object_id}, change)
    session_cache(server).drop_user(object_id)
    return stored
