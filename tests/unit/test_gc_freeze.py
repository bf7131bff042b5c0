"""`parse-clone serve` freezes what start-up built, so full collections skip it (cli._freeze_startup_objects),
and collects the young generation less often (cli._collect_less_often)."""

from __future__ import annotations

import asyncio
import gc

from parse_clone.cli import GC_YOUNG_THRESHOLD, _collect_less_often, _freeze_startup_objects


def test_startup_objects_leave_the_collectors_generations() -> None:
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        asyncio.run(_freeze_startup_objects(None))  # type: ignore[arg-type]
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_serve_collects_the_young_generation_less_often() -> None:
    before = gc.get_threshold()
    try:
        asyncio.run(_collect_less_often(None))  # type: ignore[arg-type]
        assert gc.get_threshold() == (GC_YOUNG_THRESHOLD, before[1], before[2])
    finally:
        gc.set_threshold(*before)
