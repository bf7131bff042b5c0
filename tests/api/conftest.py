"""API-test helpers for users and sessions: cheap password hashing and sign-up shortcuts."""

from __future__ import annotations

from typing import Any

import pytest

from parse_clone.core.passwords import PasswordHasher


@pytest.fixture
def api(api):
    """The shared `api` fixture, with bcrypt at cost 4 so sign-ups stay fast (cost 10 is tested on its own)."""
    api.server.extras["password_hasher"] = PasswordHasher(rounds=4)
    return api


async def sign_up(api, username: str, password: str = "pass", **fields: Any) -> dict[str, Any]:
    """Sign a user up; {"objectId", "sessionToken", ...} (fails the test on error)."""
    status, body = await api.post("/users", {"username": username, "password": password, **fields})
    assert status == 201, body
    return body
