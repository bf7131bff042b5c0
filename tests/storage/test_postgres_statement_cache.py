"""The PostgreSQL statement cache (storage/postgres/statement_cache.py): one translation per query
shape, the same SQL and parameters as translating each where, and no caching where a value's
content shapes the SQL."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from parse_clone.storage.postgres.statement_cache import StatementCache
from parse_clone.storage.postgres.where import Params, translate

COLUMNS = {"objectId": "text", "createdAt": "timestamp with time zone", "_rperm": "text[]",
           "status": "text", "priority": "double precision", "tags": "jsonb", "done": "boolean"}
FIELDS: dict[str, Any] = {"status": {"type": "String"}, "priority": {"type": "Number"},
                          "tags": {"type": "Array"}, "done": {"type": "Boolean"}}


class Counting:
    """A build function that translates the where and counts its calls."""

    def __init__(self, columns: dict[str, str] = COLUMNS) -> None:
        self.calls = 0
        self.columns = columns

    def __call__(self, where: dict[str, Any]):
        self.calls += 1
        params = Params()
        tr = translate(where, self.columns, FIELDS, params)
        return f"SELECT 1 WHERE {tr.sql}", params.values, tr


def direct(where: dict[str, Any], columns: dict[str, str] = COLUMNS) -> tuple[str, list[Any]]:
    sql, params, _ = Counting(columns)(where)
    return sql, params


def bench_where(status: str, priority: Any) -> dict[str, Any]:
    return {"$and": [{"status": status, "priority": {"$gte": priority}}, {"_rperm": {"$in": [None, "*"]}}]}


def test_a_shape_seen_again_is_not_translated_again():
    cache, build = StatementCache(), Counting()
    cache.statement(COLUMNS, FIELDS, ("k",), bench_where("open", 5), build)
    calls = build.calls
    sql, params, _ = cache.statement(COLUMNS, FIELDS, ("k",), bench_where("closed", 7), build)
    assert build.calls == calls
    assert (sql, params) == direct(bench_where("closed", 7))
    assert params == ["closed", 7.0, ["*"]]


def test_cached_parameters_follow_each_where():
    cache, build = StatementCache(), Counting()
    for status, priority in [("open", 5), ("pending", 2.5), ("", 0), ("x'y", -1)]:
        sql, params, _ = cache.statement(COLUMNS, FIELDS, ("k",), bench_where(status, priority), build)
        assert (sql, params) == direct(bench_where(status, priority))


def test_value_types_are_part_of_the_shape():
    cache, build = StatementCache(), Counting()
    number = {"tags": 3}
    text = {"tags": "3"}
    assert cache.statement(COLUMNS, FIELDS, ("k",), number, build)[:2] == direct(number)
    assert cache.statement(COLUMNS, FIELDS, ("k",), text, build)[:2] == direct(text)
    assert cache.statement(COLUMNS, FIELDS, ("k",), {"done": True}, build)[:2] == direct({"done": True})
    assert cache.statement(COLUMNS, FIELDS, ("k",), {"done": False}, build)[:2] == direct({"done": False})


def test_in_lists_of_other_lengths_get_their_own_statement():
    cache, build = StatementCache(), Counting()
    for ids in (["a"], ["a", "b"], ["c"], ["c", "d", "e"]):
        where = {"objectId": {"$in": ids}}
        assert cache.statement(COLUMNS, FIELDS, ("k",), where, build)[:2] == direct(where)


def test_a_value_the_translator_converts_is_translated_per_request():
    cache, build = StatementCache(), Counting()
    for iso in ("2026-01-02T03:04:05.000Z", "2027-01-02T03:04:05.000Z"):
        where = {"createdAt": {"$gt": iso}}
        sql, params, _ = cache.statement(COLUMNS, FIELDS, ("k",), where, build)
        assert (sql, params) == direct(where)
        assert params == [datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(timezone.utc)]
    calls = build.calls
    cache.statement(COLUMNS, FIELDS, ("k",), {"createdAt": {"$gt": "2028-01-01T00:00:00.000Z"}}, build)
    assert build.calls == calls + 1  # known as not cacheable: one build, no second compile


def test_a_where_left_to_the_matcher_is_not_cached():
    cache, build = StatementCache(), Counting()
    where = {"tags.x": {"$nearSphere": {"__type": "GeoPoint", "latitude": 1, "longitude": 2}}}
    _, _, tr = cache.statement(COLUMNS, FIELDS, ("k",), where, build)
    assert tr.residual == where
    calls = build.calls
    cache.statement(COLUMNS, FIELDS, ("k",), where, build)
    assert build.calls == calls + 1


def test_another_key_or_table_shape_is_another_statement():
    cache, build = StatementCache(), Counting()
    cache.statement(COLUMNS, FIELDS, ("k",), {"status": "a"}, build)
    calls = build.calls
    cache.statement(COLUMNS, FIELDS, ("other",), {"status": "a"}, build)
    assert build.calls > calls
    fewer = {k: v for k, v in COLUMNS.items() if k != "status"}
    sql, params, _ = cache.statement(fewer, FIELDS, ("k",), {"status": "a"}, Counting(fewer))
    assert (sql, params) == direct({"status": "a"}, fewer)


@pytest.mark.parametrize("where", [
    {"$or": [{"status": "a"}, {"priority": {"$lt": 3, "$ne": 1}}]},
    {"status": {"$nin": ["a", None, "b"]}},
    {"$and": [{"objectId": "abc"}, {"_rperm": {"$in": [None, "*", "role:x"]}}]},
    {"status": {"$regex": "^a"}},
    {"tags": {"$all": ["a", "b"]}},
    {"status": {"$exists": True}},
])
def test_other_shapes_answer_as_translating_them(where):
    cache, build = StatementCache(), Counting()
    first = cache.statement(COLUMNS, FIELDS, ("k",), where, build)[:2]
    again = cache.statement(COLUMNS, FIELDS, ("k",), where, build)[:2]
    assert first == again == direct(where)


def test_a_where_met_again_answers_its_own_parameters():
    cache, build = StatementCache(), Counting()
    where = bench_where("open", 5)
    first = cache.statement(COLUMNS, FIELDS, ("k",), where, build)
    first[1].append("changed by a caller")
    again = cache.statement(COLUMNS, FIELDS, ("k",), where, build)
    assert again[:2] == direct(where)


def test_a_datetime_value_is_not_taken_for_its_iso_text():
    cache, build = StatementCache(), Counting()
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    as_text = {"status": {"$gt": {"__type": "Date", "iso": when.isoformat()}}}
    as_value = {"status": {"$gt": {"__type": "Date", "iso": when}}}
    assert cache.statement(COLUMNS, FIELDS, ("k",), as_text, build)[:2] == direct(as_text)
    assert cache.statement(COLUMNS, FIELDS, ("k",), as_value, build)[:2] == direct(as_value)
