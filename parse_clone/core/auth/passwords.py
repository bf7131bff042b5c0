"""Password hashing in Parse Server's bcrypt format, off the event loop.

Parse Server writes `$2b$10$...` hashes (cost 10); databases migrated from older
Parse deployments also hold `$2a$` and `$2y$` hashes, which verify the same way.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import bcrypt

if TYPE_CHECKING:
    from ..runtime.server import Server

DEFAULT_ROUNDS = 10


class PasswordHasher:
    """bcrypt hashing with a fixed cost; tests may build one with fewer rounds."""

    def __init__(self, rounds: int = DEFAULT_ROUNDS) -> None:
        self.rounds = rounds

    async def hash(self, password: str) -> str:
        """A new `$2b$` hash of `password` (runs in a worker thread: bcrypt is slow on purpose)."""
        salt = bcrypt.gensalt(self.rounds)
        hashed = await asyncio.to_thread(bcrypt.hashpw, password.encode("utf-8"), salt)
        return hashed.decode("ascii")

    async def verify(self, password: str, hashed: object) -> bool:
        """Does `password` match a stored `$2a$/$2b$/$2y$` hash? False for anything malformed."""
        if not isinstance(password, str) or not isinstance(hashed, str) or not hashed.startswith("$2"):
            return False
        try:
            return await asyncio.to_thread(bcrypt.checkpw, password.encode("utf-8"), hashed.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            return False


def hasher_for(server: "Server") -> PasswordHasher:
    """The server's hasher (created on first use; tests may install a cheaper one)."""
    hasher = server.extras.get("password_hasher")
    if hasher is None:
        hasher = server.extras["password_hasher"] = PasswordHasher()
    return hasher
