"""The entry point for object writes, whatever route they arrive by.

`POST /users`, `POST /classes/_User`, a `/batch` sub-request and cloud code's `req.db` all
come here: `_User`, `_Session` and `_Role` writes go through the rules of core/auth (which
then store through core/write); every other class goes straight to core/write.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .auth import roles, sessions, users
from .write import objects as write

if TYPE_CHECKING:
    from .runtime.auth import Auth
    from .runtime.server import Server
    from .write.objects import WriteResult


async def create(server: "Server", auth: "Auth", class_name: str, body: dict[str, Any]) -> "WriteResult":
    """Create an object; sign-up or authData login in _User, _Session and _Role by their rules."""
    if class_name == "_User":
        return await users.create_user(server, auth, body)
    if class_name == "_Session":
        return await sessions.create_session_object(server, auth, body)
    if class_name == "_Role":
        return await roles.create_role(server, auth, body)
    return await write.create(server, auth, class_name, body)


async def update(server: "Server", auth: "Auth", class_name: str, object_id: str,
                 body: dict[str, Any]) -> "WriteResult":
    """Update an object; _User, _Session and _Role by their rules."""
    if class_name == "_User":
        return await users.update_user(server, auth, object_id, body)
    if class_name == "_Session":
        return await sessions.update_session_object(server, auth, object_id, body)
    if class_name == "_Role":
        return await roles.update_role(server, auth, object_id, body)
    return await write.update(server, auth, class_name, object_id, body)


async def delete(server: "Server", auth: "Auth", class_name: str, object_id: str) -> None:
    """Delete an object; _User, _Session and _Role by their rules."""
    if class_name == "_User":
        await users.delete_user(server, auth, object_id)
    elif class_name == "_Session":
        await sessions.delete_session_object(server, auth, object_id)
    elif class_name == "_Role":
        await roles.delete_role(server, auth, object_id)
    else:
        await write.delete(server, auth, class_name, object_id)
