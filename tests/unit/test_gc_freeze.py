"""`parse-clone serve` freezes what start-up built, so full collections skip it (cli._freeze_startup_objects)."""

from __future__ import annotations

import asyncio
import gc

from parse_clone.cli import _freeze_startup_objects


def test_startup_objects_leave_the_collectors_generations() -> None:
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        asyncio.run(_freeze_startup_objects(None))  # type: ignore[arg-type]
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
