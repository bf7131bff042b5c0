"""SQLite only: queries on indexed fields are index searches, never table scans."""

from __future__ import annotations

import pytest

from parse_clone.storage.base import FindOptions
from parse_clone.storage.sqlite import SQLiteAdapter

from .conftest import date, make_doc, make_schema, pointer

POST = make_schema("Post", title="String", views="Number", when="Date", author="Pointer:_User", tags="Array")
INDEXES = {"title_1": {"title": 1}, "views_1": {"views": 1}, "when_1": {"when": 1}, "author_1": {"author": 1},
           "createdAt_1": {"createdAt": 1}}


@pytest.fixture
async def plan():
    a = SQLiteAdapter(":memory:")
    await a.connect()
    await a.create_class("Post", POST)
    for i in range(50):
        await a.create_object("Post", POST,
                              make_doc(f"p{i}", title=f"t{i % 7}", views=i, author=pointer("_User", "u1")))
    for name, spec in INDEXES.items():
        await a.create_index("Post", POST, name, spec)

    def explain(where, **options):
        return a.explain_find("Post", POST, where, FindOptions(**options))

    explain.count = lambda where: a.explain_count("Post", POST, where)  # type: ignore[attr-defined]

    yield explain
    await a.close()


def _uses_index_without_scanning_the_table(lines: list[str], index: str) -> bool:
    return any(f"USING INDEX idx:Post:{index} " in line for line in lines) and not any(
        line.startswith("SCAN Post") for line in lines)


async def test_equality_on_an_indexed_field_searches_the_index(plan):
    lines = plan({"title": "t1"})
    assert lines == ["SEARCH Post USING INDEX idx:Post:title_1 (<expr>=?)"]


async def test_in_on_an_indexed_field_searches_the_index(plan):
    assert _uses_index_without_scanning_the_table(plan({"title": {"$in": ["t1", "t2"]}}), "title_1")


async def test_range_on_an_indexed_number_searches_the_index(plan):
    assert _uses_index_without_scanning_the_table(plan({"views": {"$gte": 10, "$lt": 20}}), "views_1")


async def test_range_on_an_indexed_date_searches_the_index(plan):
    assert _uses_index_without_scanning_the_table(plan({"when": {"$gt": date("2024-01-01T00:00:00.000Z")}}), "when_1")


async def test_pointer_equality_searches_the_index_on_class_and_id(plan):
    lines = plan({"author": pointer("_User", "u1")})
    assert lines == ["SEARCH Post USING INDEX idx:Post:author_1 (<expr>=? AND <expr>=?)"]


async def test_created_at_range_searches_its_column_index(plan):
    lines = plan({"createdAt": {"$gt": "2024-01-01T00:00:00.000Z"}}, sort=[("createdAt", 1)], limit=5)
    assert lines == ["SEARCH Post USING INDEX idx:Post:createdAt_1 (createdAt>?)"]


async def test_get_by_object_id_with_an_acl_filter_searches_the_primary_key(plan):
    lines = plan({"objectId": "p1", "_rperm": {"$in": [None, "*", "u1"]}}, limit=1)
    assert lines[0] == "SEARCH Post USING INDEX sqlite_autoindex_Post_1 (objectId=?)"
    assert not any(line.startswith("SCAN Post") for line in lines)


async def test_equality_with_an_acl_filter_still_searches_the_index(plan):
    assert _uses_index_without_scanning_the_table(plan({"title": "t1", "_rperm": {"$in": [None, "*"]}}), "title_1")


async def test_sort_on_an_indexed_field_with_limit_walks_the_index(plan):
    lines = plan({}, sort=[("views", -1)], limit=10)
    assert lines == ["SCAN Post USING INDEX idx:Post:views_1"]


async def test_equality_on_an_unindexed_field_scans(plan):
    assert plan({"tags": "x"})[0] == "SCAN Post"


async def test_a_count_with_the_acl_filter_is_answered_from_the_index_alone(plan):
    # typed fields need no json_type guard and the ACL test reads rperm from the index: no row is read
    where = {"title": "t1", "views": {"$gte": 10}, "_rperm": {"$in": [None, "*", "u1", "role:Staff"]}}
    assert plan.count(where) == ["SEARCH Post USING INDEX idx:Post:title_1 (<expr>=?)"]
    assert plan.count({"views": {"$gte": 10, "$lt": 20}, "_rperm": {"$in": ["*"]}}) == \
        ["SEARCH Post USING INDEX idx:Post:views_1 (<expr>>? AND <expr><?)"]


async def test_an_acl_entity_that_needs_json_escaping_is_looked_up_in_the_array(plan):
    lines = plan.count({"views": 3, "_rperm": {"$in": ['odd"name']}})
    assert any("json_each" in line for line in lines)
