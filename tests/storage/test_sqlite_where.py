"""SQLite only: which parts of a where are decided in SQL and which are left to the matcher."""

from __future__ import annotations

import pytest

from parse_clone.storage.sqlite.sql_where import _where, by_id_filter, order_by, translate_where

from .conftest import date, pointer

FIELDS = {"title": {"type": "String"}, "views": {"type": "Number"}, "when": {"type": "Date"},
          "author": {"type": "Pointer", "targetClass": "_User"}, "tags": {"type": "Array"},
          "meta": {"type": "Object"}, "loc": {"type": "GeoPoint"}, "flag": {"type": "Boolean"}}
ACL_IN = {"$in": [None, "*", "u1"]}


@pytest.mark.parametrize("where", [
    {"title": "x"},
    {"title": None},
    {"views": 3},
    {"flag": True},
    {"when": date("2024-01-01T00:00:00.000Z")},
    {"author": pointer("_User", "u1")},
    {"tags": "x"},
    {"objectId": "a"},
    {"createdAt": {"$gte": "2024-01-01T00:00:00.000Z", "$lt": "2025-01-01T00:00:00.000Z"}},
    {"updatedAt": {"$exists": True}},
    {"views": {"$gt": 1, "$lte": 5}},
    {"title": {"$lt": "m"}},
    {"when": {"$gte": date("2024-01-01T00:00:00.000Z")}},
    {"title": {"$ne": "x"}},
    {"title": {"$eq": "x"}},
    {"title": {"$in": ["a", "b", None]}},
    {"title": {"$nin": ["a", "b"]}},
    {"author": {"$in": [pointer("_User", "u1"), pointer("_Role", "r1")]}},
    {"author": {"$nin": [pointer("_User", "u1")]}},
    {"objectId": {"$in": ["a", "b"]}},
    {"objectId": {"$nin": ["a"]}},
    {"title": {"$exists": False}},
    {"tags": {"$all": ["a", "b"]}},
    {"_rperm": ACL_IN},
    {"_wperm": {"$in": [None, "u1"]}},
    {"$or": [{"title": "x"}, {"views": 1}]},
    {"$and": [{"title": "x"}, {"views": {"$gt": 1}}]},
    {"$nor": [{"title": "x"}, {"views": 1}]},
    {"mixed": 5},
    {"mixed": {"$gt": "a"}},
    {"title": {"$regex": "^a", "$options": "i"}},
    {"title": {"$regex": "\\Qab\\E"}},
], ids=repr)
def test_pushed_down_whole(where):
    assert translate_where(where, FIELDS).residual is None


@pytest.mark.parametrize("where", [
    {"tags": {"$regex": "^a"}},
    {"mixed": {"$regex": "^a"}},
    {"tags": {"$containedBy": ["a"]}},
    {"tags": ["a", "b"]},
    {"meta": {"a": 1}},
    {"loc": {"$nearSphere": {"__type": "GeoPoint", "latitude": 0, "longitude": 0}, "$maxDistance": 1}},
    {"title": {"$text": {"$search": {"$term": "x"}}}},
    {"tags": {"$all": [{"$regex": "^a"}]}},
    {"flag": {"$gt": False}},
], ids=repr)
def test_left_to_the_matcher_whole(where):
    flt = translate_where(where, FIELDS)
    assert flt.sql == "1"
    assert flt.residual == where


def test_dotted_keys_are_narrowed_in_sql_and_checked_by_the_matcher():
    flt = translate_where({"meta.color": "red"}, FIELDS)
    assert flt.sql != "1"
    assert flt.residual == {"meta.color": "red"}


def test_negations_of_dotted_keys_are_left_to_the_matcher():
    flt = translate_where({"meta.color": {"$ne": "red"}}, FIELDS)
    assert (flt.sql, flt.residual) == ("1", {"meta.color": {"$ne": "red"}})


def test_only_the_unpushable_operator_of_a_field_is_residual():
    flt = translate_where({"tags": {"$regex": "a", "$options": "i", "$ne": "b"}}, FIELDS)
    assert flt.residual == {"tags": {"$regex": "a", "$options": "i"}}


def test_only_the_unpushable_field_is_residual():
    flt = translate_where({"_rperm": ACL_IN, "tags": {"$regex": "a"}}, FIELDS)
    assert flt.residual == {"tags": {"$regex": "a"}}


def test_an_or_with_an_unpushable_branch_is_residual_whole():
    where = {"$or": [{"title": "x"}, {"tags": {"$regex": "y"}}]}
    assert translate_where(where, FIELDS).residual == where


def test_an_and_keeps_only_its_unpushable_parts():
    flt = translate_where({"$and": [{"title": "x"}, {"views": {"$regex": "1"}}]}, FIELDS)
    assert flt.residual == {"$and": [{"views": {"$regex": "1"}}]}


def test_near_sphere_keeps_max_distance_with_it():
    near = {"$nearSphere": {"__type": "GeoPoint", "latitude": 0, "longitude": 0}, "$maxDistance": 0.5}
    flt = translate_where({"loc": near, "title": "x"}, FIELDS)
    assert flt.residual == {"loc": near}


def test_sort_on_typed_fields_and_columns_is_sql():
    assert order_by([("views", -1), ("when", 1), ("createdAt", 1)], FIELDS) == (
        "ORDER BY json_extract(doc, '$.views') DESC, json_extract(doc, '$.when.iso') ASC, \"createdAt\" ASC")


@pytest.mark.parametrize("key", ["tags", "meta", "meta.size", "mixed", "$score", "author"])
def test_sort_on_fields_without_a_single_kind_is_left_to_the_matcher(key):
    assert order_by([(key, 1)], FIELDS) is None


@pytest.mark.parametrize("where", [
    {"objectId": "a1"},
    {"$and": [{"objectId": "a1"}, {"_rperm": {"$in": [None, "*"]}}]},
    {"$and": [{"objectId": "a1"}, {"_rperm": {"$in": [None, "*", "u1", "role:Admins"]}}]},
    {"$and": [{"objectId": "a1"}, {"_rperm": {"$in": ["*", "odd\"name"]}}]},
    {"$and": [{"objectId": "a1"}, {"_rperm": {"$in": []}}]},
], ids=repr)
def test_a_get_by_id_is_translated_as_the_general_walk_translates_it(where):
    sqls, params, residual = _where(where, FIELDS)
    assert by_id_filter(where) == translate_where(where, FIELDS)
    assert (by_id_filter(where).sql, by_id_filter(where).params, residual) == (" AND ".join(sqls), params, {})


@pytest.mark.parametrize("where", [
    {"objectId": {"$eq": "a1"}},
    {"objectId": 5},
    {"objectId": "a1", "title": "x"},
    {"$and": [{"objectId": "a1"}, {"_wperm": {"$in": [None, "*"]}}]},
    {"$and": [{"objectId": "a1"}, {"_rperm": {"$in": [None, 5]}}]},
    {"$and": [{"objectId": "a1"}, {"_rperm": {"$all": ["*"]}}]},
    {"$and": [{"objectId": "a1"}, {"_rperm": {"$in": ["*"]}}, {"title": "x"}]},
    {"$and": [{"_rperm": {"$in": ["*"]}}, {"objectId": "a1"}]},
    {"$and": [{"objectId": "a1", "title": "x"}, {"_rperm": {"$in": ["*"]}}]},
], ids=repr)
def test_other_wheres_are_not_taken_for_a_get_by_id(where):
    assert by_id_filter(where) is None
