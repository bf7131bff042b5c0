"""SQLite only: the Python pipeline's refusals and the details the contract leaves open."""

from __future__ import annotations

import pytest

from parse_clone.errors import ParseError
from parse_clone.storage.sqlite import SQLiteAdapter

from .conftest import date, make_doc, make_schema, pointer, seed

JOB = make_schema("Job", tech="Pointer:_User", due="Date", hours="Number", meta="Object")
JOBS = [
    make_doc("j1", tech=pointer("_User", "u1"), due=date("2024-03-09T10:00:00.000Z"), hours=2, meta={"a": 1, "b": 2}),
    make_doc("j2", tech=pointer("_User", "u1"), due=date("2024-03-10T10:00:00.000Z"), hours=3),
    make_doc("j3", tech=pointer("_User", "u2"), due=date("2024-04-01T10:00:00.000Z"), hours=1),
]


@pytest.fixture
async def agg(tmp_path):
    a = SQLiteAdapter(str(tmp_path / "agg.sqlite3"), synchronous="OFF")
    await a.connect()
    await seed(a, JOB, JOBS)

    async def run(*stages):
        return await a.aggregate("Job", JOB, list(stages))

    yield run
    await a.close()


async def test_an_unsupported_stage_answers_invalid_query(agg):
    with pytest.raises(ParseError) as err:
        await agg({"$lookup": {"from": "x"}})
    assert (err.value.code, err.value.message) == (102, "Unsupported aggregate stage on SQLite: $lookup")


async def test_an_unsupported_expression_answers_invalid_query(agg):
    with pytest.raises(ParseError) as err:
        await agg({"$project": {"x": {"$regexFind": {"input": "$a"}}}})
    assert (err.value.code, err.value.message) == (102, "Unsupported aggregate expression on SQLite: $regexFind")


async def test_an_unsupported_accumulator_answers_invalid_query(agg):
    with pytest.raises(ParseError) as err:
        await agg({"$group": {"_id": None, "x": {"$stdDevPop": "$hours"}}})
    assert err.value.code == 102


async def test_grouping_by_a_pointer_keys_by_the_pointer_json(agg):
    got = await agg({"$group": {"_id": "$tech", "hours": {"$sum": "$hours"}}})
    assert got == [{"_id": pointer("_User", "u1"), "hours": 5}, {"_id": pointer("_User", "u2"), "hours": 1}]


async def test_date_parts_of_a_date_field(agg):
    got = await agg({"$match": {"objectId": "j1"}}, {"$project": {
        "y": {"$year": "$due"}, "m": {"$month": "$due"}, "d": {"$dayOfMonth": "$due"}, "h": {"$hour": "$due"},
        "wd": {"$dayOfWeek": "$due"}, "yd": {"$dayOfYear": "$due"}}})
    assert got == [{"objectId": "j1", "y": 2024, "m": 3, "d": 9, "h": 10, "wd": 7, "yd": 69}]


async def test_group_by_month_of_a_date_field(agg):
    got = await agg({"$group": {"_id": {"$month": {"date": "$due"}}, "n": {"$sum": 1}}}, {"$sort": {"_id": 1}})
    assert got == [{"_id": 3, "n": 2}, {"_id": 4, "n": 1}]


async def test_max_of_dates(agg):
    got = await agg({"$group": {"_id": None, "last": {"$max": "$due"}}})
    assert got == [{"_id": None, "last": date("2024-04-01T10:00:00.000Z")}]


async def test_project_exclusion_drops_the_named_fields(agg):
    got = await agg({"$match": {"objectId": "j1"}}, {"$project": {"meta.b": 0, "tech": 0, "due": 0, "hours": 0}})
    assert got == [make_doc("j1", meta={"a": 1})]


async def test_arithmetic_expressions(agg):
    got = await agg({"$match": {"objectId": "j2"}},
                    {"$project": {"_id": 0, "x": {"$add": ["$hours", 1]}, "y": {"$multiply": ["$hours", 2]}}})
    assert got == [{"x": 4, "y": 6}]


async def test_count_of_no_rows_emits_nothing(agg):
    assert await agg({"$match": {"hours": 99}}, {"$count": "n"}) == []


async def test_aggregate_of_a_missing_class_is_empty(tmp_path):
    a = SQLiteAdapter(":memory:")
    await a.connect()
    assert await a.aggregate("Nope", make_schema("Nope"), [{"$group": {"_id": None, "n": {"$sum": 1}}}]) == []
    await a.close()
