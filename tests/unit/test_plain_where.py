"""is_plain_where (language/where.py): the wheres find.build_where hands on without the check,
sub-query and normalisation walks are exactly those the walks would give back unchanged."""

from __future__ import annotations

import math

import pytest

from parse_clone.errors import ParseError
from parse_clone.language.where import is_plain_where, normalize_where, validate_where

FIELDS = {"status": {"type": "String"}, "priority": {"type": "Number"}, "done": {"type": "Boolean"},
          "owner": {"type": "Pointer", "targetClass": "_User"}, "tags": {"type": "Relation", "targetClass": "Tag"},
          "due": {"type": "Date"}}

PLAIN = [
    {},
    {"status": "open"},
    {"status": "open", "priority": {"$gte": 5}},
    {"priority": {"$gt": 1.5, "$lte": 9}},
    {"done": True, "status": {"$ne": None}},
    {"status": {"$in": ["open", "held", None]}, "priority": {"$nin": [1, 2]}},
    {"status": {"$eq": "open"}},
    {"due": "2024-05-01T00:00:00.000Z"},  # a Date field's string is compared as sent
    {"unknown": 3},
]


@pytest.mark.parametrize("where", PLAIN)
def test_a_plain_where_is_what_the_walks_give_back(where):
    assert is_plain_where(where, FIELDS)
    validate_where(where, False)
    assert normalize_where(where, FIELDS) == where


NOT_PLAIN = [
    {"createdAt": "2024-05-01T00:00:00Z"},  # normalised to Parse's ISO form
    {"updatedAt": {"$lt": "2024-05-01"}},
    {"owner": "u1"},  # a Pointer field's id becomes a pointer
    {"owner": {"$in": ["u1"]}},
    {"tags": {"__type": "Pointer", "className": "Tag", "objectId": "t1"}},  # a Relation is a sub-query
    {"tags": "t1"},
    {"ACL": "x"},  # refused
    {"status.sub": "x"},
    {"$or": [{"status": "open"}]},
    {"_rperm": {"$in": ["*"]}},
    {"1bad": 1},
    {"status": {"$regex": "^o"}},
    {"status": {"$exists": True}},
    {"status": {"$in": "open"}},  # refused: not a list
    {"status": {"$in": [{"__type": "Date", "iso": "2024-05-01T00:00:00Z"}]}},
    {"status": ["open"]},  # refused: a whole array
    {"status": {}},
    {"priority": math.nan},  # refused
    {"priority": {"$gt": math.inf}},
    {"priority": {"$gt": {"$relativeTime": "in 1 day"}}},
    {"due": {"__type": "Date", "iso": "2024-05-01T00:00:00Z"}},
    {"status": {"$inQuery": {"className": "X", "where": {}}}},
]


@pytest.mark.parametrize("where", NOT_PLAIN)
def test_a_where_the_walks_may_change_or_refuse_is_not_plain(where):
    assert not is_plain_where(where, FIELDS)


def test_the_refused_forms_are_still_refused_through_the_walks():
    with pytest.raises(ParseError) as error:
        validate_where({"ACL": "x"}, False)
    assert (error.value.code, error.value.message) == (ParseError.INVALID_QUERY, "Cannot query on ACL.")
    with pytest.raises(ParseError) as error:
        normalize_where({"priority": math.nan}, FIELDS)
    assert error.value.code == ParseError.INVALID_JSON
