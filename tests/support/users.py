"""Shortcuts for API tests that need users, sessions and roles."""

from __future__ import annotations

from typing import Any


async def sign_up(api, username: str, password: str = "pass", **fields: Any) -> dict[str, Any]:
    """Sign a user up; the 201 body ({"objectId", "createdAt", "sessionToken"})."""
    status, body = await api.post("/users", {"username": username, "password": password, **fields})
    assert status == 201, body
    return body


async def log_in(api, username: str, password: str = "pass") -> dict[str, Any]:
    """Log in; the user with its new sessionToken."""
    status, body = await api.post("/login", {"username": username, "password": password})
    assert status == 200, body
    return body


def pointer(class_name: str, object_id: str) -> dict[str, str]:
    """A Pointer value."""
    return {"__type": "Pointer", "className": class_name, "objectId": object_id}


async def make_role(api, name: str, users: list[str] = (), roles: list[str] = (),
                    acl: dict[str, Any] | None = None) -> str:
    """Create a role (master key) with these user ids and child role ids; its objectId."""
    body: dict[str, Any] = {"name": name, "ACL": acl if acl is not None else {"*": {"read": True}}}
    if users:
        body["users"] = {"__op": "AddRelation", "objects": [pointer("_User", u) for u in users]}
    if roles:
        body["roles"] = {"__op": "AddRelation", "objects": [pointer("_Role", r) for r in roles]}
    status, created = await api.post("/roles", body, master=True)
    assert status == 201, created
    return created["objectId"]
