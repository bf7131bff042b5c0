"""Roles: which roles a user holds (through `_Role.users` and `_Role.roles`), and `_Role` writes.

A user in role R holds R; holding R and R being in P's `roles` relation means holding P,
and so on up the hierarchy (cycles are cut). The answer is cached per user and every
`_Role` write clears the whole cache, since one write can change anyone's roles.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...storage.base import FindOptions
from .cache import role_cache

if TYPE_CHECKING:
    from ..runtime.auth import Auth
    from ..runtime.server import Server
    from ..write.objects import WriteResult


async def _existing_roles(server: "Server", ids: list[str]) -> list[dict[str, Any]]:
    schema = await server.schema.get("_Role")
    if schema is None or not ids:
        return []
    return await server.storage.find("_Role", schema, {"objectId": {"$in": ids}}, FindOptions())


async def roles_for_user(server: "Server", user_id: str) -> list[str]:
    """Every "role:Name" the user holds, directly or inherited (cached)."""
    cache = role_cache(server)
    cached = cache.get(user_id)
    if cached is not None:
        return cached
    names: list[str] = []
    seen: set[str] = set()
    frontier = await server.storage.owning_ids("_Role", "users", [user_id])
    while frontier:
        found = await _existing_roles(server, [i for i in frontier if i not in seen])
        ids = [r["objectId"] for r in found if r["objectId"] not in seen]
        seen.update(ids)
        names.extend(r["name"] for r in found if isinstance(r.get("name"), str))
        frontier = await server.storage.owning_ids("_Role", "roles", ids) if ids else []
    roles = ["role:" + n for n in dict.fromkeys(names)]
    cache.put(user_id, roles)
    return roles


def roles_changed(server: "Server") -> None:
    """A `_Role` was written: every user's roles may have changed."""
    role_cache(server).clear()


async def create_role(server: "Server", auth: "Auth", body: dict[str, Any]) -> "WriteResult":
    """A `_Role` create (name and ACL are required; name uniqueness comes from the storage index)."""
    from ..write import objects as write

    try:
        return await write.create(server, auth, "_Role", body)
    finally:
        roles_changed(server)


async def update_role(server: "Server", auth: "Auth", object_id: str, body: dict[str, Any]) -> "WriteResult":
    """A `_Role` update, including changes to its `users` and `roles` relations."""
    from ..write import objects as write

    try:
        return await write.update(server, auth, "_Role", object_id, body)
    finally:
        roles_changed(server)


async def delete_role(server: "Server", auth: "Auth", object_id: str) -> None:
    """A `_Role` delete."""
    from ..write import objects as write

    try:
        await write.delete(server, auth, "_Role", object_id)
    finally:
        roles_changed(server)
