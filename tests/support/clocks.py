"""Test clocks: time that moves without waiting for it."""

from __future__ import annotations


class JumpingClock:
    """A monotonic clock that moves an hour on every reading: any statement outlives any time limit."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 3600
        return self.now
