"""Writes to the classes with rules of their own, whatever route they arrive by.

`POST /users`, `POST /classes/_User` and a `/batch` sub-request all reach `write.create`,
which hands `_User`, `_Session` and `_Role` writes to the module owning their rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .auth import roles, sessions, users

if TYPE_CHECKING:
    from .runtime.auth import Auth
    from .runtime.server import Server
    from .write.objects import WriteResult


async def create_special(server: "Server", auth: "Auth", class_name: str, body: dict[str, Any]) -> "WriteResult":
    """Create in _User (sign-up or authData login), _Session or _Role."""
    if class_name == "_User":
        return await users.create_user(server, auth, body)
    if class_name == "_Session":
        return await sessions.create_session_object(server, auth, body)
    return await roles.create_role(server, auth, body)


async def update_special(server: "Server", auth: "Auth", class_name: str, object_id: str,
                         body: dict[str, Any]) -> "WriteResult":
    """Update in _User, _Session or _Role."""
    if class_name == "_User":
        return await users.update_user(server, auth, object_id, body)
    if class_name == "_Session":
        return await sessions.update_session_object(server, auth, object_id, body)
    return await roles.update_role(server, auth, object_id, body)


async def delete_special(server: "Server", auth: "Auth", class_name: str, object_id: str) -> None:
    """Delete in _User, _Session or _Role."""
    if class_name == "_User":
        await users.delete_user(server, auth, object_id)
    elif class_name == "_Session":
        await sessions.delete_session_object(server, auth, object_id)
    else:
        await roles.delete_role(server, auth, object_id)
