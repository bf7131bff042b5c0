"""Per-value locks: writers of the same key queue up, writers of different keys never wait."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field


@dataclass
class _Entry:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0  # holders plus waiters; the entry goes away at zero


class KeyedLocks:
    """asyncio locks created on demand per key and dropped when nobody holds or awaits them."""

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}

    @asynccontextmanager
    async def hold(self, keys: Iterable[str]) -> AsyncIterator[None]:
        """Hold every key's lock (taken in sorted order, so two holders never deadlock)."""
        acquired: list[str] = []
        try:
            for key in sorted(set(keys)):
                entry = self._entries.setdefault(key, _Entry())
                entry.users += 1
                try:
                    await entry.lock.acquire()
                except BaseException:
                    self._leave(key)
                    raise
                acquired.append(key)
            yield
        finally:
            for key in reversed(acquired):
                self._entries[key].lock.release()
                self._leave(key)

    def _leave(self, key: str) -> None:
        entry = self._entries[key]
        entry.users -= 1
        if entry.users == 0:
            del self._entries[key]

    def __len__(self) -> int:
        return len(self._entries)
