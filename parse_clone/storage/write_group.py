"""How a /batch's independent sub-requests run inside `StorageAdapter.write_group()`.

The default runs each sub-request to its end before the next starts. An adapter may yield a
subclass that lets a sub-request park its write (postgres/insert_group.py) so the next one
starts meanwhile and the parked writes go to the database together.
"""

from __future__ import annotations

import asyncio
from typing import Any, Coroutine, TypeVar

T = TypeVar("T")


class WriteGroup:
    """Runs the steps of a write group one after another, each to its end."""

    async def admit(self, step: Coroutine[Any, Any, T]) -> asyncio.Future[T]:
        """Run `step` until it is done (or, in subclasses, has parked a write); its outcome as a future."""
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        try:
            future.set_result(await step)
        except Exception as error:  # noqa: BLE001 - handed to whoever awaits the future
            future.set_exception(error)
        return future

    async def finish(self) -> None:
        """Every step has been admitted: write what is parked."""


SEQUENTIAL = WriteGroup()
