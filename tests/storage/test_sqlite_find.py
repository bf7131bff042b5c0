"""SQLite only: find details the contract leaves to each backend."""

from __future__ import annotations

import pytest

from parse_clone.storage.base import FindOptions
from parse_clone.storage.sqlite import SQLiteAdapter

from .conftest import make_doc, make_schema, seed

ARTICLE = make_schema("Article", body="String")
TEXT = {"body": {"$text": {"$search": {"$term": "fox"}}}}


@pytest.fixture
async def sqlite():
    a = SQLiteAdapter(":memory:")
    await a.connect()
    await seed(a, ARTICLE, [make_doc("a", body="a fox in the den"), make_doc("b", body="fox fox fox"),
                            make_doc("c", body="no match here")])
    yield a
    await a.close()


async def test_keys_asking_for_score_add_the_text_score(sqlite):
    docs = await sqlite.find("Article", ARTICLE, TEXT, FindOptions(keys=["$score"], sort=[("$score", -1)]))
    assert [d["objectId"] for d in docs] == ["b", "a"]
    assert docs[0]["score"] > docs[1]["score"] > 0


async def test_sorting_by_score_alone_adds_no_score_field(sqlite):
    docs = await sqlite.find("Article", ARTICLE, TEXT, FindOptions(sort=[("$score", -1)]))
    assert [("score" in d) for d in docs] == [False, False]


async def test_a_residual_query_with_a_sql_sort_pages_correctly(sqlite):
    for i in range(30):
        await sqlite.create_object("Article", ARTICLE, make_doc(f"x{i:02d}", body=f"fox {i}"))
    docs = await sqlite.find("Article", ARTICLE, {"body": {"$regex": "^fox \\d+$"}},
                             FindOptions(sort=[("body", -1)], skip=3, limit=4))
    assert [d["body"] for d in docs] == ["fox 6", "fox 5", "fox 4", "fox 3"]


async def test_a_projection_selects_only_its_fields(sqlite):
    statements: list[str] = []
    sqlite._db.set_trace_callback(statements.append)
    docs = await sqlite.find("Article", ARTICLE, {"objectId": "a"}, FindOptions(fields=frozenset()))
    assert [set(d) for d in docs] == [{"objectId", "createdAt", "updatedAt"}]
    assert statements == ["SELECT objectId, createdAt, updatedAt, doc -> '$._rperm', doc -> '$._wperm' "
                          "FROM \"Article\" WHERE \"objectId\" = 'a' "]


async def test_a_projection_with_the_text_score_reads_whole_documents_and_answers_the_score(sqlite):
    docs = await sqlite.find("Article", ARTICLE, TEXT, FindOptions(keys=["$score"], fields=frozenset(),
                                                                   sort=[("$score", -1)]))
    assert [sorted(d) for d in docs] == [["createdAt", "objectId", "score", "updatedAt"]] * 2


GET_A = {"$and": [{"objectId": "a"}, {"_rperm": {"$in": [None, "*", "u1"]}}]}


async def test_a_get_by_id_with_the_acl_filter_is_one_primary_key_select(sqlite):
    await sqlite.create_object("Article", ARTICLE, make_doc("p", body="mine", _rperm=["u1"], _wperm=["u1"]))
    await sqlite.create_object("Article", ARTICLE, make_doc("q", body="theirs", _rperm=["u2"], _wperm=["u2"]))
    statements: list[str] = []
    sqlite._db.set_trace_callback(statements.append)
    found = [await sqlite.find("Article", ARTICLE, {"$and": [{"objectId": i}, GET_A["$and"][1]]}, FindOptions(limit=1))
             for i in ("a", "p", "q")]
    assert [[d["body"] for d in docs] for docs in found] == [["a fox in the den"], ["mine"], []]
    assert statements[0] == ("SELECT objectId, createdAt, updatedAt, doc FROM \"Article\" WHERE \"objectId\" = 'a' "
                             "AND (rperm IS NULL OR instr(rperm, '\"*\"') > 0 OR instr(rperm, '\"u1\"') > 0)  "
                             "LIMIT 1 OFFSET 0")


async def test_a_get_by_id_answers_nothing_for_limit_zero_or_a_missing_class(sqlite):
    assert await sqlite.find("Article", ARTICLE, GET_A, FindOptions(limit=0)) == []
    assert await sqlite.find("Nowhere", make_schema("Nowhere"), GET_A, FindOptions(limit=1)) == []


async def test_a_get_by_id_is_answered_with_max_time_ms_set(sqlite):
    sqlite.max_time_ms = 60_000
    assert [d["objectId"] for d in await sqlite.find("Article", ARTICLE, GET_A, FindOptions(limit=1))] == ["a"]
