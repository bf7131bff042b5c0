"""Storage contract: aggregation pipelines written in stored-form field names.

`$group` keys come back as `_id`; core renames `_id` to objectId for clients, so
rows are compared after that same renaming (`rows()`).
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import make_doc, make_schema, seed

SALE = make_schema("Sale", item="String", qty="Number", price="Number", tags="Array")
SALES = [
    make_doc("s1", item="apple", qty=2, price=1.5, tags=["fruit", "red"], createdAt="2023-06-01T00:00:00.000Z"),
    make_doc("s2", item="apple", qty=3, price=1.0, tags=["fruit"], createdAt="2024-01-01T00:00:00.000Z"),
    make_doc("s3", item="bread", qty=1, price=4.0, tags=[], createdAt="2024-02-01T00:00:00.000Z"),
    make_doc("s4", item="cheese", qty=5, price=9.0, createdAt="2024-03-01T00:00:00.000Z"),
]


@pytest.fixture
async def agg(adapter):
    await seed(adapter, SALE, SALES)

    async def run(*stages: dict[str, Any]) -> list[dict[str, Any]]:
        return [_as_core_sees_it(r) for r in await adapter.aggregate("Sale", SALE, list(stages))]

    return run


def _as_core_sees_it(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in row.items() if k != "_id"}
    if "_id" in row:
        out["objectId"] = row["_id"]
    return out


async def test_match_then_group_sums_per_key(agg):
    got = await agg({"$match": {"qty": {"$gt": 1}}}, {"$group": {"_id": "$item", "total": {"$sum": "$qty"}}},
                    {"$sort": {"_id": 1}})
    assert got == [{"objectId": "apple", "total": 5}, {"objectId": "cheese", "total": 5}]


async def test_group_counts_with_sum_of_one(agg):
    got = await agg({"$group": {"_id": "$item", "n": {"$sum": 1}}}, {"$sort": {"_id": 1}})
    assert got == [{"objectId": "apple", "n": 2}, {"objectId": "bread", "n": 1}, {"objectId": "cheese", "n": 1}]


async def test_group_by_null_aggregates_everything(agg):
    got = await agg({"$group": {"_id": None, "avg": {"$avg": "$qty"}, "min": {"$min": "$price"},
                                "max": {"$max": "$price"}}})
    assert got == [{"objectId": None, "avg": 2.75, "min": 1.0, "max": 9.0}]


async def test_group_push_and_add_to_set(agg):
    got = await agg({"$sort": {"qty": 1}}, {"$group": {"_id": None, "qtys": {"$push": "$qty"},
                                                      "items": {"$addToSet": "$item"}}})
    assert got[0]["qtys"] == [1, 2, 3, 5]
    assert sorted(got[0]["items"]) == ["apple", "bread", "cheese"]


async def test_group_first_and_last_follow_the_order(agg):
    got = await agg({"$sort": {"qty": 1}}, {"$group": {"_id": "$item", "first": {"$first": "$qty"},
                                                      "last": {"$last": "$qty"}}}, {"$match": {"_id": "apple"}})
    assert got == [{"objectId": "apple", "first": 2, "last": 3}]


async def test_group_by_an_object_of_paths(agg):
    got = await agg({"$match": {"item": "apple"}},
                    {"$group": {"_id": {"item": "$item", "qty": "$qty"}, "n": {"$sum": 1}}}, {"$sort": {"_id.qty": 1}})
    assert got == [{"objectId": {"item": "apple", "qty": 2}, "n": 1}, {"objectId": {"item": "apple", "qty": 3}, "n": 1}]


async def test_group_by_year_of_created_at(agg):
    got = await agg({"$group": {"_id": {"$year": "$createdAt"}, "n": {"$sum": 1}}}, {"$sort": {"_id": 1}})
    assert got == [{"objectId": 2023, "n": 1}, {"objectId": 2024, "n": 3}]


async def test_project_keeps_the_named_fields_and_the_id(agg):
    got = await agg({"$match": {"item": "bread"}}, {"$project": {"item": 1, "qty": 1}})
    assert got == [{"objectId": "s3", "item": "bread", "qty": 1}]


async def test_project_renames_a_field(agg):
    got = await agg({"$match": {"item": "bread"}}, {"$project": {"name": "$item"}})
    assert got == [{"objectId": "s3", "name": "bread"}]


async def test_sort_skip_and_limit(agg):
    got = await agg({"$sort": {"price": -1}}, {"$skip": 1}, {"$limit": 2}, {"$project": {"price": 1}})
    assert got == [{"objectId": "s3", "price": 4.0}, {"objectId": "s1", "price": 1.5}]


async def test_count_stage(agg):
    assert await agg({"$match": {"item": "apple"}}, {"$count": "apples"}) == [{"apples": 2}]


async def test_unwind_emits_one_row_per_element(agg):
    got = await agg({"$unwind": "$tags"}, {"$project": {"tags": 1}}, {"$sort": {"tags": 1, "objectId": 1}})
    assert [(r["objectId"], r["tags"]) for r in got] == [("s1", "fruit"), ("s2", "fruit"), ("s1", "red")]


@pytest.mark.not_on_mongomock("its $unwind leaves includeArrayIndex out for a preserved empty array; MongoDB sets null")
async def test_unwind_preserving_empty_arrays_with_an_index(agg):
    got = await agg({"$match": {"item": {"$in": ["bread", "cheese"]}}},
                    {"$unwind": {"path": "$tags", "preserveNullAndEmptyArrays": True, "includeArrayIndex": "i"}},
                    {"$project": {"i": 1}}, {"$sort": {"objectId": 1}})
    assert got == [{"objectId": "s3", "i": None}, {"objectId": "s4", "i": None}]


async def test_sample_returns_that_many_distinct_rows(agg):
    got = await agg({"$sample": {"size": 2}})
    assert len({r["objectId"] for r in got}) == 2
