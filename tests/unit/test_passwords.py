"""Password hashing: Parse Server's bcrypt format."""

from __future__ import annotations

import bcrypt

from parse_clone.core.auth.passwords import PasswordHasher


async def test_hashes_are_2b_with_the_configured_cost():
    hashed = await PasswordHasher(rounds=4).hash("pw")
    assert hashed.startswith("$2b$04$")
    assert await PasswordHasher(rounds=4).verify("pw", hashed)


async def test_2a_and_2y_hashes_verify():
    base = bcrypt.hashpw(b"pw", bcrypt.gensalt(4)).decode()
    for prefix in ("$2a$", "$2y$"):
        assert await PasswordHasher().verify("pw", prefix + base[4:])


async def test_malformed_or_missing_hashes_never_verify():
    hasher = PasswordHasher()
    for stored in (None, "", "plain-text-pw", "$2b$10$short", 42):
        assert not await hasher.verify("plain-text-pw", stored)
