"""Write events: what LiveQuery and other observers hear after an object is created, updated or deleted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Awaitable, Callable

from .auth import Auth


@dataclass
class WriteEvent:
    """One committed write, in stored form (`original` is the object before an update or delete)."""

    kind: str  # "create" | "update" | "delete"
    class_name: str
    object: dict[str, Any]
    original: dict[str, Any] | None
    auth: Auth


Listener = Callable[[WriteEvent], Awaitable[None]]


class WriteEvents:
    """Listeners per server; a listener says which classes it needs originals for."""

    def __init__(self) -> None:
        self._listeners: list[tuple[Listener, Callable[[str], bool]]] = []

    def subscribe(self, listener: Listener, wants: Callable[[str], bool] = lambda _c: True) -> None:
        """Call `listener` after each write to a class for which `wants(className)` is true."""
        self._listeners.append((listener, wants))

    def wants(self, class_name: str) -> bool:
        """Does anyone listen to this class? (then writes fetch the original first)"""
        return any(w(class_name) for _, w in self._listeners)

    async def emit(self, event: WriteEvent) -> None:
        """Deliver an event; a failing listener never fails the write."""
        for listener, wants in self._listeners:
            if wants(event.class_name):
                try:
                    await listener(event)
                except Exception:  # noqa: BLE001 - observers must not break writes
                    import logging

                    logging.getLogger("parse_clone.events").exception("write listener failed")
