"""LiveQuery matches published objects (REST form) exactly as the matcher matches stored ones.

Together with tests/storage/test_sqlite_differential.py (SQLite selects what the matcher
selects, on random documents and queries) this makes LiveQuery agree with what a find returns.
"""

from __future__ import annotations

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from parse_clone.language import matcher
from parse_clone.language.transform import decode_object
from parse_clone.livequery.subscriptions import _without_unsupported, clp_operation, matchable, query_hash
from tests.storage.test_sqlite_differential import EXAMPLES, RANDOM_SCHEMA, random_doc, random_where


def published(doc):
    """What the publisher sends for a stored document, after a trip through JSON."""
    obj = decode_object(doc, RANDOM_SCHEMA["fields"], lambda name: f"http://files/{name}")
    return orjson.loads(orjson.dumps({**obj, "__type": "Object", "className": "Rnd"}))


@settings(max_examples=EXAMPLES * 2, deadline=None)
@given(doc=random_doc, where=random_where)
def test_a_published_object_matches_like_the_stored_one(doc, where):
    stored = {"objectId": "r1", "updatedAt": doc["createdAt"], **doc}
    assert matcher.matches(matchable(published(stored)), where) == matcher.matches(stored, where)


def test_files_match_by_name_whatever_their_url():
    obj = {"objectId": "a", "file": {"__type": "File", "name": "x.txt", "url": "http://h/x.txt"}}
    assert matcher.matches(matchable(obj), {"file": {"__type": "File", "name": "x.txt"}})


def test_the_acl_becomes_rperm_and_wperm():
    doc = matchable({"objectId": "a", "ACL": {"*": {"read": True}, "u1": {"read": True, "write": True}}})
    assert doc == {"objectId": "a", "_rperm": ["*", "u1"], "_wperm": ["u1"]}


def test_query_hash_ignores_key_order():
    assert query_hash("C", {"a": 1, "b": {"$gt": 1, "$lt": 5}}) == query_hash("C", {"b": {"$lt": 5, "$gt": 1}, "a": 1})
    assert query_hash("C", {"a": 1}) != query_hash("D", {"a": 1})


def test_only_an_object_id_query_is_a_get():
    assert clp_operation({"objectId": "abc"}) == "get"
    assert clp_operation({"objectId": "abc", "n": 1}) == "find"
    assert clp_operation({"objectId": {"$in": ["abc"]}}) == "find"


@given(where=st.dictionaries(st.sampled_from(["a", "b"]), st.integers(), max_size=2))
def test_queries_without_subqueries_are_left_alone(where):
    assert _without_unsupported(where) == where
