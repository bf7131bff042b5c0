"""API-test fixtures for users and sessions: cheap password hashing."""

from __future__ import annotations

import pytest

from parse_clone.core.auth.passwords import PasswordHasher


@pytest.fixture
def api(api):
    """The shared `api` fixture, with bcrypt at cost 4 so sign-ups stay fast (cost 10 is tested on its own)."""
    api.server.extras["password_hasher"] = PasswordHasher(rounds=4)
    return api
