"""Pure translations of the Mongo adapter: documents, where -> filter, updates, schemas, pipelines.

Geo, $text and transactions are specified here (the exact MongoDB form built), because
mongomock cannot execute them; a real server runs them through the contract suite.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

import pytest
from bson.binary import Binary
from bson.int64 import Int64
from mongomock_motor import AsyncMongoMockClient
from pymongo.errors import OperationFailure

from parse_clone.errors import ParseError
from parse_clone.storage.base import FindOptions
from parse_clone.storage.mongo import MongoAdapter
from parse_clone.storage.mongo.adapter import database_from_uri
from parse_clone.storage.mongo.aggregate import from_aggregate_result, to_mongo_pipeline
from parse_clone.storage.mongo.query import to_mongo_query, to_mongo_sort, translate_regex
from parse_clone.storage.mongo.schema import from_schema_document, to_schema_document
from parse_clone.storage.mongo.transform import from_mongo_document, to_mongo_document
from parse_clone.storage.mongo.update import to_mongo_update

SCHEMA: dict[str, Any] = {
    "className": "Post",
    "fields": {
        "title": {"type": "String"},
        "views": {"type": "Number"},
        "tags": {"type": "Array"},
        "meta": {"type": "Object"},
        "author": {"type": "Pointer", "targetClass": "_User"},
        "loc": {"type": "GeoPoint"},
        "area": {"type": "Polygon"},
        "cover": {"type": "File"},
        "raw": {"type": "Bytes"},
        "due": {"type": "Date"},
        "likes": {"type": "Relation", "targetClass": "_User"},
    },
}
USER_SCHEMA: dict[str, Any] = {"className": "_User", "fields": {"username": {"type": "String"}}}
PTR = {"__type": "Pointer", "className": "_User", "objectId": "u1"}
GEO = {"__type": "GeoPoint", "latitude": 40.5, "longitude": -73.25}


def where(w: dict[str, Any], class_name: str = "Post", schema: dict[str, Any] | None = SCHEMA, count: bool = False):
    return to_mongo_query(class_name, schema, w, count=count).filter


# ----- documents: stored form -> Parse Server's layout -----
def test_create_maps_builtin_keys_dates_pointer_and_acl_with_legacy_acl():
    doc = {"objectId": "p1", "createdAt": "2024-05-01T12:00:00.000Z", "updatedAt": "2024-05-02T08:30:15.250Z",
           "title": "hi", "author": PTR, "_rperm": ["*", "u1"], "_wperm": ["u1"]}
    assert to_mongo_document("Post", SCHEMA, doc) == {
        "_id": "p1",
        "_created_at": datetime(2024, 5, 1, 12, 0, 0),
        "_updated_at": datetime(2024, 5, 2, 8, 30, 15, 250000),
        "title": "hi",
        "_p_author": "_User$u1",
        "_rperm": ["*", "u1"],
        "_wperm": ["u1"],
        "_acl": {"u1": {"w": True, "r": True}, "*": {"r": True}},
    }


def test_create_stores_top_level_typed_values_in_parse_server_form():
    doc = {"loc": GEO,
           "area": {"__type": "Polygon", "coordinates": [[0, 0], [0, 1], [1, 1]]},
           "cover": {"__type": "File", "name": "abc_cover.png"},
           "raw": {"__type": "Bytes", "base64": "AAEC"},
           "due": {"__type": "Date", "iso": "2024-01-01T00:00:00.000Z"}}
    assert to_mongo_document("Post", SCHEMA, doc) == {
        "loc": [-73.25, 40.5],
        "area": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
        "cover": "abc_cover.png",
        "raw": Binary(b"\x00\x01\x02"),
        "due": datetime(2024, 1, 1),
    }


def test_create_keeps_nested_pointer_json_in_canonical_key_order_and_converts_nested_dates():
    nested_ptr = {"objectId": "u1", "className": "_User", "__type": "Pointer"}
    doc = {"meta": {"who": nested_ptr, "at": {"__type": "Date", "iso": "2024-01-01T00:00:00.000Z"},
                    "where": GEO, "file": {"__type": "File", "name": "f.txt"}},
           "tags": [nested_ptr, {"__type": "Bytes", "base64": "AA=="}]}
    out = to_mongo_document("Post", SCHEMA, doc)
    assert list(out["meta"]["who"]) == ["__type", "className", "objectId"]
    assert out["meta"] == {"who": PTR, "at": datetime(2024, 1, 1), "where": GEO,
                           "file": {"__type": "File", "name": "f.txt"}}
    assert out["tags"] == [PTR, Binary(b"\x00")]


def test_create_of_a_user_splits_auth_data_per_provider_and_keeps_internals():
    doc = {"objectId": "u1", "username": "ann", "_hashed_password": "$2b$10$x",
           "authData": {"facebook": {"id": "f1", "access_token": "t"}, "twitter": None},
           "_email_verify_token_expires_at": {"__type": "Date", "iso": "2024-01-02T00:00:00.000Z"},
           "_password_changed_at": "2024-01-03T00:00:00.000Z"}
    assert to_mongo_document("_User", USER_SCHEMA, doc) == {
        "_id": "u1", "username": "ann", "_hashed_password": "$2b$10$x",
        "_auth_data_facebook": {"id": "f1", "access_token": "t"},
        "_email_verify_token_expires_at": datetime(2024, 1, 2),
        "_password_changed_at": datetime(2024, 1, 3),
    }


def test_create_of_a_session_maps_session_token_and_expires_at():
    doc = {"sessionToken": "r:abc", "user": PTR, "expiresAt": {"__type": "Date", "iso": "2025-01-01T00:00:00.000Z"}}
    schema = {"fields": {"user": {"type": "Pointer", "targetClass": "_User"}}}
    assert to_mongo_document("_Session", schema, doc) == {
        "_session_token": "r:abc", "_p_user": "_User$u1", "expiresAt": datetime(2025, 1, 1)}


def test_create_skips_relation_values_and_maps_an_unknown_pointer_field_to_p():
    doc = {"likes": {"__type": "Relation", "className": "_User"}, "other": PTR}
    assert to_mongo_document("Post", SCHEMA, doc) == {"_p_other": "_User$u1"}


def test_audience_last_used_and_times_used_use_parse_server_names():
    out = to_mongo_document("_Audience", {"fields": {}}, {"lastUsed": {"__type": "Date", "iso": "2024-01-01T00:00:00.000Z"},
                                                           "timesUsed": 3})
    assert out == {"_last_used": datetime(2024, 1, 1), "times_used": 3}


# ----- documents: Parse Server's layout -> stored form -----
def test_read_restores_stored_form_and_drops_legacy_acl():
    mongo = {"_id": "p1", "_created_at": datetime(2024, 5, 1, 12), "_updated_at": datetime(2024, 5, 1, 12, 0, 0, 5000),
             "_p_author": "_User$u1", "_rperm": ["*"], "_wperm": ["u1"], "_acl": {"u1": {"w": True}},
             "loc": [-73.25, 40.5], "cover": "abc.png", "raw": Binary(b"\x00\x01\x02"), "due": datetime(2024, 1, 1),
             "area": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}, "views": Int64(7)}
    assert from_mongo_document("Post", SCHEMA, mongo) == {
        "objectId": "p1", "createdAt": "2024-05-01T12:00:00.000Z", "updatedAt": "2024-05-01T12:00:00.005Z",
        "author": PTR, "loc": GEO, "cover": {"__type": "File", "name": "abc.png"},
        "raw": {"__type": "Bytes", "base64": "AAEC"}, "due": {"__type": "Date", "iso": "2024-01-01T00:00:00.000Z"},
        "area": {"__type": "Polygon", "coordinates": [[0, 0], [0, 1], [1, 1], [0, 0]]}, "views": 7,
        "_rperm": ["*"], "_wperm": ["u1"],
    }


def test_read_accepts_legacy_nested_dates_and_base64_bytes():
    mongo = {"meta": {"a": {"__type": "Date", "iso": datetime(2020, 1, 1)},
                      "b": {"__type": "Date", "iso": "2020-01-02T00:00:00.000Z"},
                      "c": datetime(2020, 1, 3), "d": Binary(b"\x01")},
             "raw": "AAEC"}
    assert from_mongo_document("Post", SCHEMA, mongo) == {
        "meta": {"a": {"__type": "Date", "iso": "2020-01-01T00:00:00.000Z"},
                 "b": {"__type": "Date", "iso": "2020-01-02T00:00:00.000Z"},
                 "c": {"__type": "Date", "iso": "2020-01-03T00:00:00.000Z"},
                 "d": {"__type": "Bytes", "base64": "AQ=="}},
        "raw": {"__type": "Bytes", "base64": "AAEC"},
    }


def test_read_of_a_row_with_only_rperm_leaves_wperm_absent_meaning_public():
    assert from_mongo_document("Post", SCHEMA, {"_id": "a", "_rperm": ["*"]}) == {"objectId": "a", "_rperm": ["*"]}


def test_read_of_a_user_synthesises_auth_data_and_ignores_a_raw_auth_data_key():
    mongo = {"_id": "u1", "_auth_data_facebook": {"id": "f1"}, "authData": {"stale": {}},
             "_perishable_token_expires_at": datetime(2024, 1, 1), "_session_token": "r:legacy"}
    assert from_mongo_document("_User", USER_SCHEMA, mongo) == {
        "objectId": "u1", "authData": {"facebook": {"id": "f1"}},
        "_perishable_token_expires_at": {"__type": "Date", "iso": "2024-01-01T00:00:00.000Z"},
        "sessionToken": "r:legacy"}


def test_read_of_a_session_gives_expires_at_as_date_json_from_either_name():
    assert from_mongo_document("_Session", {"fields": {}}, {"_expiresAt": datetime(2025, 1, 1)}) == {
        "expiresAt": {"__type": "Date", "iso": "2025-01-01T00:00:00.000Z"}}


# ----- where -> filter -----
def test_builtin_keys_map_and_iso_strings_become_dates():
    assert where({"objectId": "p1", "createdAt": {"$gte": "2024-01-01T00:00:00.000Z"},
                  "updatedAt": {"$lt": {"__type": "Date", "iso": "2024-02-01T00:00:00.000Z"}}}) == {
        "_id": "p1", "_created_at": {"$gte": datetime(2024, 1, 1)}, "_updated_at": {"$lt": datetime(2024, 2, 1)}}


def test_session_token_maps_to_its_internal_name():
    assert where({"sessionToken": "r:x"}, "_Session", {"fields": {}}) == {"_session_token": "r:x"}


def test_pointer_equality_and_in_use_the_p_string_form_and_accept_bare_ids():
    assert where({"author": PTR}) == {"_p_author": "_User$u1"}
    assert where({"author": {"$in": [PTR, "u2"], "$ne": None}}) == {
        "_p_author": {"$in": ["_User$u1", "_User$u2"], "$ne": None}}


def test_scalar_equality_on_an_array_field_becomes_all():
    assert where({"tags": "a"}) == {"tags": {"$all": ["a"]}}
    assert where({"tags": ["a", "b"]}) == {"tags": ["a", "b"]}
    assert where({"tags": {"$in": [PTR]}}) == {"tags": {"$in": [PTR]}}


def test_dates_in_values_become_bson_dates():
    assert where({"due": {"$gt": {"__type": "Date", "iso": "2024-01-01T00:00:00.000Z"}}}) == {
        "due": {"$gt": datetime(2024, 1, 1)}}


def test_dotted_keys_use_nested_values_with_canonical_pointers():
    ptr = {"objectId": "u1", "__type": "Pointer", "className": "_User"}
    assert where({"meta.owner": ptr}) == {"meta.owner": PTR}
    assert list(where({"meta.owner": ptr})["meta.owner"]) == ["__type", "className", "objectId"]


def test_auth_data_id_maps_to_the_provider_column():
    assert where({"authData.facebook.id": "f1"}, "_User", USER_SCHEMA) == {"_auth_data_facebook.id": "f1"}


def test_acl_filters_and_boolean_groups_pass_through_translated():
    w = {"$or": [{"title": "a"}, {"author": PTR}], "_rperm": {"$in": [None, "*", "u1"]}}
    assert where(w) == {"$or": [{"title": "a"}, {"_p_author": "_User$u1"}],
                        "_rperm": {"$in": [None, "*", "u1"]}}


def test_regex_passes_through_with_quoted_sections_escaped():
    assert where({"title": {"$regex": "^\\Qa.b*\\E", "$options": "i"}}) == {
        "title": {"$regex": "^a\\.b\\*", "$options": "i"}}


def test_translate_regex_leaves_ordinary_escapes_alone():
    assert translate_regex(r"\d+\Q(x)\E$") == r"\d+\(x\)$"
    assert translate_regex(r"\Qopen-ended") == r"open\-ended"


def test_all_with_starts_with_items_becomes_one_regex_per_item():
    assert where({"tags": {"$all": [{"$regex": "^\\Qab\\E"}, {"$regex": "^\\Qc\\E"}]}}) == {
        "$and": [{"tags": {"$regex": "^ab"}}, {"tags": {"$regex": "^c"}}]}


def test_all_mixing_regex_and_values_is_rejected():
    with pytest.raises(ParseError) as info:
        where({"tags": {"$all": [{"$regex": "^a"}, "b"]}})
    assert info.value.code == ParseError.INVALID_JSON


def test_contained_by_becomes_nor_elem_match_nin():
    assert where({"tags": {"$containedBy": ["a", "b"]}}) == {"$nor": [{"tags": {"$elemMatch": {"$nin": ["a", "b"]}}}]}


def test_colliding_parts_are_combined_under_and():
    w = {"tags": {"$containedBy": ["a"]}, "$nor": [{"title": "x"}]}
    assert where(w) == {"$nor": [{"tags": {"$elemMatch": {"$nin": ["a"]}}}], "$and": [{"$nor": [{"title": "x"}]}]}


def test_text_moves_to_the_top_level_with_only_the_options_set():
    w = {"title": {"$text": {"$search": {"$term": "coffee", "$language": "en", "$caseSensitive": False,
                                         "$diacriticSensitive": True}}}}
    q = to_mongo_query("Post", SCHEMA, w)
    assert q.filter == {"$text": {"$search": "coffee", "$language": "en", "$diacriticSensitive": True}}
    assert q.text_fields == ["title"]


def test_text_without_a_term_is_rejected():
    with pytest.raises(ParseError) as info:
        where({"title": {"$text": {"$search": {}}}})
    assert info.value.code == ParseError.INVALID_JSON


def test_near_sphere_uses_lng_lat_and_max_distance_in_radians():
    q = to_mongo_query("Post", SCHEMA, {"loc": {"$nearSphere": GEO, "$maxDistance": 0.5}})
    assert q.filter == {"loc": {"$nearSphere": [-73.25, 40.5], "$maxDistance": 0.5}}
    assert q.near_fields == ["loc"]


def test_near_sphere_distance_in_kilometers_and_miles_converts_to_radians():
    assert where({"loc": {"$nearSphere": GEO, "$maxDistanceInKilometers": 6371}}) == {
        "loc": {"$nearSphere": [-73.25, 40.5], "$maxDistance": 1.0}}
    assert where({"loc": {"$nearSphere": GEO, "$maxDistanceInMiles": 3959 * 2}}) == {
        "loc": {"$nearSphere": [-73.25, 40.5], "$maxDistance": 2.0}}


def test_near_sphere_in_a_count_becomes_geo_within_center_sphere():
    assert where({"loc": {"$nearSphere": GEO, "$maxDistance": 0.5}}, count=True) == {
        "loc": {"$geoWithin": {"$centerSphere": [[-73.25, 40.5], 0.5]}}}


def test_near_sphere_without_a_cap_in_a_count_counts_rows_with_a_point():
    assert where({"loc": {"$nearSphere": GEO}}, count=True) == {"loc": {"$exists": True, "$ne": None}}


def test_within_box_uses_lng_lat_corners():
    sw = {"__type": "GeoPoint", "latitude": 1, "longitude": 2}
    ne = {"__type": "GeoPoint", "latitude": 3, "longitude": 4}
    assert where({"loc": {"$within": {"$box": [sw, ne]}}}) == {"loc": {"$within": {"$box": [[2, 1], [4, 3]]}}}


def test_geo_within_polygon_and_center_sphere_use_lng_lat():
    pts = [{"__type": "GeoPoint", "latitude": 0, "longitude": 0}, {"__type": "GeoPoint", "latitude": 0, "longitude": 1},
           {"__type": "GeoPoint", "latitude": 1, "longitude": 1}]
    assert where({"loc": {"$geoWithin": {"$polygon": pts}}}) == {
        "loc": {"$geoWithin": {"$polygon": [[0, 0], [1, 0], [1, 1]]}}}
    assert where({"loc": {"$geoWithin": {"$centerSphere": [GEO, 0.1]}}}) == {
        "loc": {"$geoWithin": {"$centerSphere": [[-73.25, 40.5], 0.1]}}}
    assert where({"loc": {"$geoWithin": {"$centerSphere": [[-73.25, 40.5], 0.1]}}}) == {
        "loc": {"$geoWithin": {"$centerSphere": [[-73.25, 40.5], 0.1]}}}


def test_geo_intersects_point_becomes_a_geojson_geometry():
    assert where({"area": {"$geoIntersects": {"$point": GEO}}}) == {
        "area": {"$geoIntersects": {"$geometry": {"type": "Point", "coordinates": [-73.25, 40.5]}}}}


def test_typed_equality_values_use_top_level_forms():
    assert where({"loc": GEO, "cover": {"__type": "File", "name": "f.png"}}) == {"loc": [-73.25, 40.5], "cover": "f.png"}


def test_unknown_constraint_is_rejected_with_107():
    with pytest.raises(ParseError) as info:
        where({"title": {"$where": "1"}})
    assert info.value.code == ParseError.INVALID_JSON


def test_global_config_object_id_is_numeric():
    assert where({"objectId": "1"}, "_GlobalConfig", {"fields": {}}) == {"_id": 1}


def test_sort_translates_names_and_text_score():
    assert to_mongo_sort("Post", SCHEMA, [("createdAt", -1), ("author", 1), ("$score", 1)]) == [
        ("_created_at", -1), ("_p_author", 1), ("score", {"$meta": "textScore"})]


# ----- updates -----
def test_update_ops_map_to_mongo_operators():
    u = to_mongo_update("Post", SCHEMA, {
        "title": "t", "views": {"__op": "Increment", "amount": 2},
        "tags": {"__op": "Add", "objects": ["a", PTR]},
        "meta.list": {"__op": "AddUnique", "objects": ["x", "x", "y"]},
        "due": {"__op": "Delete"}, "author": {"__op": "Delete"},
        "meta.n": {"__op": "Remove", "objects": [1]},
    })
    assert u.ops == {
        "$set": {"title": "t"},
        "$inc": {"views": 2},
        "$push": {"tags": {"$each": ["a", PTR]}},
        "$addToSet": {"meta.list": {"$each": ["x", "y"]}},
        "$unset": {"due": "", "_p_author": ""},
        "$pullAll": {"meta.n": [1]},
    }


def test_update_set_applies_field_transforms():
    u = to_mongo_update("Post", SCHEMA, {"author": PTR, "loc": GEO, "updatedAt": "2024-01-01T00:00:00.000Z",
                                         "meta.when": {"__type": "Date", "iso": "2024-01-02T00:00:00.000Z"}})
    assert u.ops == {"$set": {"_p_author": "_User$u1", "loc": [-73.25, 40.5], "_updated_at": datetime(2024, 1, 1),
                              "meta.when": datetime(2024, 1, 2)}}


def test_update_setting_acl_writes_rperm_wperm_and_legacy_acl():
    u = to_mongo_update("Post", SCHEMA, {"_rperm": ["u1"], "_wperm": ["u1"]})
    assert u.ops == {"$set": {"_rperm": ["u1"], "_wperm": ["u1"], "_acl": {"u1": {"w": True, "r": True}}}}


def test_update_deleting_acl_unsets_all_three():
    u = to_mongo_update("Post", SCHEMA, {"_rperm": {"__op": "Delete"}, "_wperm": {"__op": "Delete"}})
    assert u.ops == {"$unset": {"_rperm": "", "_wperm": "", "_acl": ""}}


def test_update_of_auth_data_sets_and_unsets_provider_columns():
    u = to_mongo_update("_User", USER_SCHEMA, {"authData": {"facebook": {"id": "f"}, "twitter": None}})
    assert u.ops == {"$set": {"_auth_data_facebook": {"id": "f"}}, "$unset": {"_auth_data_twitter": ""}}
    assert u.auth_keep == {"facebook"}
    dotted = to_mongo_update("_User", USER_SCHEMA, {"authData.github": {"__op": "Delete"}})
    assert dotted.ops == {"$unset": {"_auth_data_github": ""}} and dotted.auth_keep is None


def test_update_skips_relation_operations():
    u = to_mongo_update("Post", SCHEMA, {"likes": {"__op": "AddRelation", "objects": [PTR]}})
    assert u.ops == {}


def test_update_with_an_unknown_operator_is_rejected_with_108():
    with pytest.raises(ParseError) as info:
        to_mongo_update("Post", SCHEMA, {"views": {"__op": "Multiply", "amount": 2}})
    assert info.value.code == ParseError.COMMAND_UNAVAILABLE


# ----- _SCHEMA documents -----
def test_schema_document_has_parse_server_type_strings_and_metadata():
    schema = {"className": "Post",
              "fields": {"title": {"type": "String", "required": True, "defaultValue": "untitled"},
                         "author": {"type": "Pointer", "targetClass": "_User"},
                         "likes": {"type": "Relation", "targetClass": "_User"},
                         "ACL": {"type": "ACL"}, "loc": {"type": "GeoPoint"}, "meta": {"type": "Object"}},
              "classLevelPermissions": {"find": {"*": True}},
              "indexes": {"_id_": {"_id": 1}, "title_1": {"title": 1}}}
    assert to_schema_document("Post", schema) == {
        "_id": "Post", "objectId": "string", "updatedAt": "date", "createdAt": "date",
        "title": "string", "author": "*_User", "likes": "relation<_User>", "loc": "geopoint", "meta": "object",
        "_metadata": {"fields_options": {"title": {"required": True, "defaultValue": "untitled"}},
                      "class_permissions": {"find": {"*": True}},
                      "indexes": {"_id_": {"_id": 1}, "title_1": {"title": 1}}},
    }


def test_schema_document_without_metadata_omits_it_and_user_password_is_not_stored():
    schema = {"className": "_User", "fields": {"password": {"type": "String"}, "username": {"type": "String"}},
              "classLevelPermissions": None, "indexes": None}
    assert to_schema_document("_User", schema) == {
        "_id": "_User", "objectId": "string", "updatedAt": "date", "createdAt": "date", "username": "string"}


def test_schema_from_document_reads_legacy_map_and_skips_non_field_keys():
    doc = {"_id": "Post", "objectId": "string", "createdAt": "string", "updatedAt": "date", "m": "map",
           "b": "bytes", "p": "polygon", "_client_permissions": {}, "weird": "???",
           "_metadata": {"fields_options": {"b": {"required": True}}}}
    assert from_schema_document(doc) == {
        "className": "Post",
        "fields": {"m": {"type": "Object"}, "b": {"type": "Bytes", "required": True}, "p": {"type": "Polygon"}},
        "classLevelPermissions": None, "indexes": None}


# ----- aggregate -----
def test_pipeline_renames_references_keys_and_match_values():
    pipeline = [{"$match": {"author": PTR, "createdAt": {"$gt": "2024-01-01T00:00:00.000Z"}}},
                {"$project": {"objectId": 1, "author": 1, "createdAt": 1, "n": {"$size": "$tags"}}},
                {"$group": {"_id": "$author", "first": {"$min": "$createdAt"}, "ids": {"$push": "$objectId"}}},
                {"$sort": {"first": -1}}]
    out, pointer_group = to_mongo_pipeline("Post", SCHEMA, pipeline)
    assert out == [{"$match": {"_p_author": "_User$u1", "_created_at": {"$gt": datetime(2024, 1, 1)}}},
                   {"$project": {"_id": 1, "_p_author": 1, "_created_at": 1, "n": {"$size": "$tags"}}},
                   {"$group": {"_id": "$_p_author", "first": {"$min": "$_created_at"}, "ids": {"$push": "$_id"}}},
                   {"$sort": {"first": -1}}]
    assert pointer_group is True


def test_aggregate_result_keeps_id_reduces_pointer_keys_and_strips_internals():
    row = {"_id": "_User$u1", "first": datetime(2024, 1, 1), "_rperm": ["*"], "_created_at": datetime(2024, 1, 2),
           "_p_author": "_User$u1", "loc": [1, 2]}
    assert from_aggregate_result(SCHEMA, row, pointer_group=True) == {
        "_id": "u1", "first": {"__type": "Date", "iso": "2024-01-01T00:00:00.000Z"},
        "createdAt": "2024-01-02T00:00:00.000Z", "author": PTR,
        "loc": {"__type": "GeoPoint", "latitude": 2, "longitude": 1}}


# ----- adapter plumbing a mock cannot show -----
def test_database_name_comes_from_the_uri_path():
    assert database_from_uri("mongodb://u:p@h1:27017,h2/app_db?replicaSet=rs") == "app_db"
    assert database_from_uri("mongodb+srv://cluster.example.net/prod") == "prod"
    assert database_from_uri("mongodb://localhost:27017") == "parse"
    assert MongoAdapter("mongodb://h/x", database="y").database_name == "y"


class _FakeSession:
    def __init__(self, log: list[str]) -> None:
        self.log = log

    async def start_transaction(self) -> None:
        self.log.append("start")

    async def commit_transaction(self) -> None:
        self.log.append("commit")

    async def abort_transaction(self) -> None:
        self.log.append("abort")

    async def end_session(self) -> None:
        self.log.append("end")


class _FakeCollection:
    def __init__(self, log: list[Any]) -> None:
        self.log = log

    async def insert_one(self, doc: Any, **kwargs: Any) -> None:
        self.log.append(("insert", doc, kwargs))


class _FakeClient:
    def __init__(self) -> None:
        self.log: list[Any] = []

    def start_session(self) -> _FakeSession:  # PyMongo async: a plain call; Motor's is awaited
        self.log.append("session")
        return _FakeSession(self.log)


async def _fake_adapter() -> tuple[MongoAdapter, _FakeClient]:
    client = _FakeClient()
    adapter = MongoAdapter("mongodb://h/db", client=client)
    adapter._db = {"Post": _FakeCollection(client.log)}  # type: ignore[assignment]
    return adapter, client


async def test_transaction_runs_calls_in_one_session_and_commits():
    adapter, client = await _fake_adapter()
    async with adapter.transaction():
        await adapter.create_object("Post", SCHEMA, {"objectId": "a"})
    session_used = client.log[2][2]["session"]
    assert client.log[:2] == ["session", "start"]
    assert isinstance(session_used, _FakeSession)
    assert client.log[3:] == ["commit", "end"]
    await adapter.create_object("Post", SCHEMA, {"objectId": "b"})
    assert client.log[-1] == ("insert", {"_id": "b"}, {})


async def test_transaction_aborts_when_the_block_raises():
    adapter, client = await _fake_adapter()
    with pytest.raises(RuntimeError):
        async with adapter.transaction():
            await adapter.create_object("Post", SCHEMA, {"objectId": "a"})
            raise RuntimeError("boom")
    assert client.log[-2:] == ["abort", "end"]
    assert "commit" not in client.log


class _GeoMissingCursor:
    def __init__(self, outer: "_GeoCollection") -> None:
        self.outer = outer

    def sort(self, *_: Any) -> "_GeoMissingCursor":
        return self

    def batch_size(self, *_: Any) -> "_GeoMissingCursor":
        return self

    def limit(self, *_: Any) -> "_GeoMissingCursor":
        return self

    async def to_list(self, *_: Any) -> list[Any]:
        if not self.outer.indexes:
            raise OperationFailure("error processing query: planner returned error :: caused by :: "
                                   "unable to find index for $geoNear query", 291)
        return [{"_id": "p1", "loc": [-73.25, 40.5]}]


class _GeoCollection:
    def __init__(self) -> None:
        self.indexes: list[Any] = []
        self.filters: list[Any] = []

    def find(self, filter_: Any, projection: Any = None, **_: Any) -> _GeoMissingCursor:
        self.filters.append(filter_)
        return _GeoMissingCursor(self)

    async def create_index(self, keys: Any, **kwargs: Any) -> str:
        self.indexes.append(keys)
        return "loc_2d"


async def test_near_sphere_without_a_geo_index_creates_a_2d_index_and_retries_once():
    adapter = MongoAdapter("mongodb://h/db", client=object())
    collection = _GeoCollection()
    adapter._db = {"Post": collection}  # type: ignore[assignment]
    docs = await adapter.find("Post", SCHEMA, {"loc": {"$nearSphere": GEO, "$maxDistance": math.pi}}, FindOptions(limit=5))
    assert collection.indexes == [[("loc", "2d")]]
    assert len(collection.filters) == 2
    assert docs == [{"objectId": "p1", "loc": GEO}]


async def test_find_with_limit_zero_returns_nothing_without_a_query():
    adapter = MongoAdapter("mongodb://h/db", client=AsyncMongoMockClient())
    await adapter.connect()
    assert await adapter.find("Post", SCHEMA, {"$bad": 1}, FindOptions(limit=0)) == []


class _TextCollection(_GeoCollection):
    def find(self, filter_: Any, projection: Any = None, **_: Any) -> _GeoMissingCursor:
        self.filters.append((filter_, projection))
        return _TextCursor(self)


class _TextCursor(_GeoMissingCursor):
    async def to_list(self, *_: Any) -> list[Any]:
        if not self.outer.indexes:
            raise OperationFailure("text index required for $text query", 27)
        return [{"_id": "a", "body": "fox", "score": 1.5}]


async def test_text_search_without_a_text_index_creates_field_text_and_records_it_in_the_schema():
    mock = AsyncMongoMockClient().get_database("db")
    await mock["_SCHEMA"].insert_one({"_id": "Article", "body": "string"})
    adapter = MongoAdapter("mongodb://h/db", client=object())
    collection = _TextCollection()
    adapter._db = {"Article": collection, "_SCHEMA": mock["_SCHEMA"]}  # type: ignore[assignment]
    where_ = {"body": {"$text": {"$search": {"$term": "fox"}}}}
    docs = await adapter.find("Article", {"fields": {"body": {"type": "String"}}}, where_,
                              FindOptions(sort=[("$score", -1)], keys=["$score"]))
    assert collection.indexes == [[("body", "text")]]
    assert collection.filters[-1] == ({"$text": {"$search": "fox"}}, {"score": {"$meta": "textScore"}})
    assert docs == [{"objectId": "a", "body": "fox", "score": 1.5}]
    schema_doc = await mock["_SCHEMA"].find_one({"_id": "Article"})
    assert schema_doc["_metadata"] == {"indexes": {"_id_": {"_id": 1}, "body_text": {"body": "text"}}}


async def test_text_score_is_only_projected_when_keys_ask_for_it():
    adapter = MongoAdapter("mongodb://h/db", client=object())
    collection = _TextCollection()
    collection.indexes.append("present")
    adapter._db = {"Article": collection}  # type: ignore[assignment]
    await adapter.find("Article", {"fields": {}}, {"body": {"$text": {"$search": {"$term": "fox"}}}},
                       FindOptions(sort=[("$score", -1)]))
    assert collection.filters == [({"$text": {"$search": "fox"}}, None)]
