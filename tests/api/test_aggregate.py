"""GET /aggregate/C (master key): pipelines in each accepted form, the common stages, distinct, and stage errors."""

from __future__ import annotations

from typing import Any

import pytest

TEST_DATA = [
    {"score": 10, "name": "foo", "sender": {"group": "A"}, "views": 900, "size": ["S", "M"]},
    {"score": 10, "name": "foo", "sender": {"group": "A"}, "views": 800, "size": ["M", "L"]},
    {"score": 10, "name": "bar", "sender": {"group": "B"}, "views": 700, "size": ["S"]},
    {"score": 20, "name": "dpl", "sender": {"group": "B"}, "views": 700, "size": ["S"]},
]


@pytest.fixture
async def loaded(api):
    """Parse Server's aggregate spec data in TestObject; the objectIds in order."""
    ids = []
    for row in TEST_DATA:
        status, body = await api.post("/classes/TestObject", row)
        assert status == 201, body
        ids.append(body["objectId"])
    return ids


async def aggregate(api, class_name: str = "TestObject", **params: Any) -> list[Any]:
    status, body = await api.get(f"/aggregate/{class_name}", params=params, master=True)
    assert status == 200, body
    assert set(body) == {"results"}
    return body["results"]


def by_id(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(results, key=lambda r: str(r.get("objectId")))


# ----- access -----
async def test_aggregate_needs_the_master_key(api, loaded):
    status, body = await api.get("/aggregate/TestObject", params={"pipeline": [{"$match": {}}]})
    assert (status, body) == (403, {"error": "unauthorized: master key is required"})


# ----- pipeline forms -----
@pytest.mark.parametrize("params", [
    {"pipeline": [{"$group": {"_id": "$name"}}]},
    {"pipeline": {"$group": {"_id": "$name"}}},
    {"$group": {"_id": "$name"}},
], ids=["array", "object", "stage-keys"])
async def test_pipeline_forms(api, loaded, params):
    assert by_id(await aggregate(api, **params)) == [{"objectId": "bar"}, {"objectId": "dpl"}, {"objectId": "foo"}]


# ----- $group -----
async def test_group_by_number(api, loaded):
    assert by_id(await aggregate(api, pipeline=[{"$group": {"_id": "$score"}}])) == [{"objectId": 10},
                                                                                     {"objectId": 20}]


@pytest.mark.parametrize("accumulator, expected", [
    ({"$sum": "$score"}, 50),
    ({"$sum": 1}, 4),
    ({"$min": "$views"}, 700),
    ({"$max": "$views"}, 900),
    ({"$avg": "$score"}, 12.5),
])
async def test_group_accumulators(api, loaded, accumulator, expected):
    assert await aggregate(api, pipeline=[{"$group": {"_id": None, "total": accumulator}}]) == [
        {"objectId": None, "total": expected}]


async def test_group_by_several_fields(api, loaded):
    results = await aggregate(api, pipeline=[{"$group": {"_id": {"score": "$score", "views": "$views"},
                                                         "count": {"$sum": 1}}}])
    assert sorted((r["objectId"]["score"], r["objectId"]["views"], r["count"]) for r in results) == [
        (10, 700, 1), (10, 800, 1), (10, 900, 1), (20, 700, 1)]


async def test_group_by_empty_key_is_null(api, loaded):
    assert await aggregate(api, pipeline=[{"$group": {"_id": "", "n": {"$sum": 1}}}]) == [{"objectId": None, "n": 4}]


async def test_group_by_a_pointer_gives_the_pointed_object_id(api):
    _, target = await api.post("/classes/Owner", {"x": 1})
    pointer = {"__type": "Pointer", "className": "Owner", "objectId": target["objectId"]}
    for _ in range(2):
        await api.post("/classes/Pet", {"owner": pointer})
    results = await aggregate(api, "Pet", pipeline=[{"$group": {"_id": "$owner", "n": {"$sum": 1}}}])
    assert results == [{"objectId": target["objectId"], "n": 2}]


# ----- $match -----
async def test_match_comparison(api, loaded):
    results = await aggregate(api, pipeline=[{"$match": {"score": {"$gt": 15}}}])
    assert [r["name"] for r in results] == ["dpl"]


async def test_match_or(api, loaded):
    results = await aggregate(api, pipeline=[{"$match": {"$or": [{"score": 20}, {"views": 900}]}}])
    assert sorted(r["views"] for r in results) == [700, 900]


async def test_match_object_id(api, loaded):
    results = await aggregate(api, pipeline=[{"$match": {"objectId": loaded[2]}}])
    assert [(r["objectId"], r["name"]) for r in results] == [(loaded[2], "bar")]


async def test_match_created_at_with_an_iso_string(api, loaded):
    results = await aggregate(api, pipeline=[{"$match": {"createdAt": {"$gte": "2000-01-01T00:00:00.000Z"}}}])
    assert len(results) == 4
    assert await aggregate(api, pipeline=[{"$match": {"createdAt": {"$lt": "2000-01-01T00:00:00.000Z"}}}]) == []


async def test_match_pointer_by_object_id(api):
    _, owner = await api.post("/classes/Owner", {"x": 1})
    await api.post("/classes/Pet", {"name": "rex", "owner": {"__type": "Pointer", "className": "Owner",
                                                             "objectId": owner["objectId"]}})
    await api.post("/classes/Pet", {"name": "stray"})
    results = await aggregate(api, "Pet", pipeline=[{"$match": {"owner": owner["objectId"]}}])
    assert [r["name"] for r in results] == ["rex"]


async def test_results_are_rest_objects_without_internal_fields(api, loaded):
    results = await aggregate(api, pipeline=[{"$match": {"name": "bar"}}])
    assert len(results) == 1
    row = results[0]
    assert {k: v for k, v in row.items() if k not in ("createdAt", "updatedAt")} == {
        "objectId": loaded[2], **TEST_DATA[2]}
    assert not [k for k in row if k.startswith("_")]


async def test_user_rows_never_show_hidden_fields(api):
    status, _ = await api.post("/users", {"username": "ann", "password": "secret", "note": "x"})
    assert status == 201
    (user,) = await aggregate(api, "_User", pipeline=[{"$match": {"username": "ann"}}])
    assert user["note"] == "x"
    assert "password" not in user and not [k for k in user if k.startswith("_")]


# ----- $project / $sort / $limit / $skip / $count / $unwind -----
async def test_project_keeps_the_object_id_and_the_named_fields(api, loaded):
    results = await aggregate(api, pipeline=[{"$project": {"name": 1}}])
    assert by_id(results) == by_id([{"objectId": oid, "name": row["name"]} for oid, row in zip(loaded, TEST_DATA)])


async def test_project_without_object_id_and_computed_field(api, loaded):
    results = await aggregate(api, pipeline=[{"$project": {"_id": 0, "total": {"$multiply": ["$score", "$views"]}}},
                                             {"$sort": {"total": 1}}])
    assert results == [{"total": 7000}, {"total": 8000}, {"total": 9000}, {"total": 14000}]


async def test_sort_limit_skip(api, loaded):
    pipeline = [{"$sort": {"views": -1}}, {"$skip": 1}, {"$limit": 2}, {"$project": {"_id": 0, "views": 1}}]
    assert await aggregate(api, pipeline=pipeline) == [{"views": 800}, {"views": 700}]


async def test_count_stage(api, loaded):
    assert await aggregate(api, pipeline=[{"$match": {"score": 10}}, {"$count": "total"}]) == [{"total": 3}]


async def test_unwind_then_group(api, loaded):
    results = await aggregate(api, pipeline=[{"$unwind": "$size"}, {"$group": {"_id": "$size", "n": {"$sum": 1}}}])
    assert by_id(results) == [{"objectId": "L", "n": 1}, {"objectId": "M", "n": 2}, {"objectId": "S", "n": 3}]


async def test_project_then_group(api, loaded):
    results = await aggregate(api, pipeline=[{"$project": {"score": 1}},
                                             {"$group": {"_id": "$score", "score": {"$sum": "$score"}}}])
    assert by_id(results) == [{"objectId": 10, "score": 30}, {"objectId": 20, "score": 20}]


async def test_unknown_class_answers_no_results(api):
    assert await aggregate(api, "UnknownClass", pipeline=[{"$group": {"_id": None, "total": {"$sum": "$score"}}}]) == []


# ----- distinct -----
async def test_distinct(api, loaded):
    assert sorted(await aggregate(api, distinct="score")) == [10, 20]


async def test_distinct_with_where(api, loaded):
    assert await aggregate(api, distinct="score", where={"name": "bar"}) == [10]
    assert sorted(await aggregate(api, distinct="name", where={"score": 10})) == ["bar", "foo"]


async def test_distinct_nested_key(api, loaded):
    assert sorted(await aggregate(api, distinct="sender.group")) == ["A", "B"]


async def test_distinct_array_gives_the_elements(api, loaded):
    assert sorted(await aggregate(api, distinct="size")) == ["L", "M", "S"]


async def test_distinct_pointer_gives_pointers(api):
    _, owner = await api.post("/classes/Owner", {"x": 1})
    pointer = {"__type": "Pointer", "className": "Owner", "objectId": owner["objectId"]}
    await api.post("/classes/Pet", {"owner": pointer})
    await api.post("/classes/Pet", {"owner": pointer})
    assert await aggregate(api, "Pet", distinct="owner") == [pointer]


async def test_distinct_unknown_field_is_empty(api, loaded):
    assert await aggregate(api, distinct="unknown") == []


# ----- errors -----
@pytest.mark.parametrize("pipeline, message", [
    ([{"$match": {}, "$sort": {"a": 1}}], "Pipeline stages should only have one key but found $match, $sort."),
    ([{}], "Pipeline stages should only have one key but found ."),
    ([{"group": {"_id": "$name"}}], "Invalid aggregate stage 'group'."),
    ([{"$group": {}}], "Invalid parameter for query: group. Missing key _id"),
    ([{"$group": {"objectId": "$name"}}], "Cannot use 'objectId' in aggregation stage $group."),
])
async def test_bad_stage_is_102(api, loaded, pipeline, message):
    status, body = await api.get("/aggregate/TestObject", params={"pipeline": pipeline}, master=True)
    assert (status, body) == (400, {"code": 102, "error": message})
