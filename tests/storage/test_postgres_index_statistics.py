"""PostgreSQL only: a named index comes with fresh table statistics, so the planner uses it for a
sorted, limited find at once (an ordered index scan that stops at the limit) instead of guessing
a handful of matches and sorting all of them."""

from __future__ import annotations

from typing import Any

import pytest

from parse_clone.storage.base import FindOptions
from parse_clone.storage.postgres import PostgresAdapter

from ..support.postgres import isolated_adapter
from .conftest import make_schema

SCHEMA = make_schema("Job", status="String", priority="Number")
ROWS = 6000  # status cycles over three values, priority over ten: 1/6 match the where below


@pytest.fixture
async def pg():
    adapter = isolated_adapter()
    await adapter.connect()
    await adapter.create_class("Job", SCHEMA)
    async with adapter._db.use() as conn:  # many rows fast; what matters is that nothing analysed them
        await conn.execute(
            'INSERT INTO "Job" ("objectId", "status", "priority", "_rperm") '
            "SELECT 'j' || i, (ARRAY['open', 'closed', 'pending'])[i % 3 + 1], (7 * i) % 10, ARRAY['*'] "
            f"FROM generate_series(1, {ROWS}) AS i")
    yield adapter
    await adapter.close()


async def _statistics_rows(pg: PostgresAdapter) -> int:
    async with pg._db.use() as conn:
        return int(await conn.fetchval(
            "SELECT count(*) FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'Job'"))


def _node_types(plan: dict[str, Any]) -> list[str]:
    """The plan's node types from the top down (first child only)."""
    out = []
    node: dict[str, Any] | None = plan
    while node is not None:
        out.append(node["Node Type"])
        node = (node.get("Plans") or [None])[0]
    return out


async def test_creating_an_index_analyses_the_table(pg: PostgresAdapter) -> None:
    assert await _statistics_rows(pg) == 0
    await pg.create_index("Job", SCHEMA, "status_priority", {"status": 1, "priority": -1})
    assert await _statistics_rows(pg) > 0


async def test_a_sorted_limited_find_walks_the_new_index_and_stops_at_the_limit(pg: PostgresAdapter) -> None:
    await pg.create_index("Job", SCHEMA, "status_priority", {"status": 1, "priority": -1})
    where = {"status": "open", "priority": {"$gte": 5}, "_rperm": {"$in": [None, "*"]}}
    options = FindOptions(sort=[("priority", -1)], limit=20)
    plan = (await pg.explain("Job", SCHEMA, where, options))[0]["QUERY PLAN"][0]["Plan"]
    assert _node_types(plan) == ["Limit", "Index Scan"]
    assert plan["Plans"][0]["Index Name"] == "Job_status_priority"
    found = await pg.find("Job", SCHEMA, where, options)
    assert len(found) == 20 and all(d["status"] == "open" and d["priority"] == 9 for d in found)
