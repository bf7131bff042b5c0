"""A /batch's creates on PostgreSQL: rows parked in the write group go out as one multi-row INSERT,
and a failing statement falls back to one INSERT per row so that each create keeps its own answer."""

from __future__ import annotations

from typing import Any

import pytest

from parse_clone.storage.base import DuplicateValueError, FindOptions
from parse_clone.storage.postgres import PostgresAdapter
from parse_clone.storage.write_group import WriteGroup

from ..support.postgres import isolated_adapter
from .conftest import make_doc, make_schema

SCHEMA = make_schema("Job", status="String", visits="Number")
ALL = FindOptions(sort=[("objectId", 1)])


@pytest.fixture
async def pg():
    adapter = isolated_adapter()
    await adapter.connect()
    await adapter.create_class("Job", SCHEMA)
    await adapter.create_object("Job", SCHEMA, make_doc("seed", status="seed"))  # columns now known
    yield adapter
    await adapter.close()


def _count_statements(pg: PostgresAdapter) -> list[int]:
    """Rows per multi-row INSERT the adapter sends from now on."""
    sizes: list[int] = []
    original = pg._insert_rows

    async def counted(conn: Any, run: list[Any]) -> None:
        sizes.append(len(run))
        await original(conn, run)

    pg._insert_rows = counted  # type: ignore[method-assign]
    return sizes


async def _create(pg: PostgresAdapter, object_id: str, may_wait: bool = True, **fields: Any) -> str:
    await pg.create_object("Job", SCHEMA, make_doc(object_id, **fields), may_wait=may_wait)
    return object_id


async def _admit_all(group: WriteGroup, *steps: Any) -> list[Any]:
    futures = [await group.admit(step) for step in steps]
    await group.finish()
    outcomes = []
    for future in futures:
        try:
            outcomes.append(await future)
        except DuplicateValueError as error:
            outcomes.append(error)
    return outcomes


async def _ids(pg: PostgresAdapter) -> list[str]:
    return [d["objectId"] for d in await pg.find("Job", SCHEMA, {}, ALL)]


async def test_creates_that_may_wait_go_out_as_one_insert(pg: PostgresAdapter) -> None:
    sizes = _count_statements(pg)
    async with pg.write_group() as group:
        assert group is not None
        outcomes = await _admit_all(group, *(_create(pg, f"j{i}", status="open") for i in range(3)))
    assert outcomes == ["j0", "j1", "j2"]
    assert sizes == [3]
    assert await _ids(pg) == ["j0", "j1", "j2", "seed"]


async def test_a_duplicate_row_fails_alone_and_the_others_are_written(pg: PostgresAdapter) -> None:
    sizes = _count_statements(pg)
    async with pg.write_group() as group:
        outcomes = await _admit_all(group, _create(pg, "a1"), _create(pg, "seed"), _create(pg, "b2"))
    assert outcomes[0] == "a1" and outcomes[2] == "b2"
    assert isinstance(outcomes[1], DuplicateValueError)
    assert sizes == [3]  # tried together once, then row by row
    assert await _ids(pg) == ["a1", "b2", "seed"]


async def test_a_read_in_the_group_sees_the_rows_parked_before_it(pg: PostgresAdapter) -> None:
    async def count() -> int:
        return await pg.count("Job", SCHEMA, {})

    async with pg.write_group() as group:
        outcomes = await _admit_all(group, _create(pg, "a1"), _create(pg, "b2"), count(), _create(pg, "c3"))
    assert outcomes == ["a1", "b2", 3, "c3"]


async def test_a_create_that_may_not_wait_is_written_at_once(pg: PostgresAdapter) -> None:
    sizes = _count_statements(pg)
    async with pg.write_group() as group:
        outcomes = await _admit_all(group, *(_create(pg, f"j{i}", may_wait=False) for i in range(3)))
    assert outcomes == ["j0", "j1", "j2"]
    assert sizes == []


async def test_outside_a_write_group_a_create_is_written_at_once(pg: PostgresAdapter) -> None:
    sizes = _count_statements(pg)
    assert await _create(pg, "a1") == "a1"
    assert sizes == [] and await _ids(pg) == ["a1", "seed"]
