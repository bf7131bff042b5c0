"""The Mongo adapter serves a database written by Parse Server as-is, and writes one Parse Server can read.

Rows are inserted straight into mongomock exactly as Parse Server lays them out, then read
through the adapter; and what the adapter writes is inspected raw.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from bson.binary import Binary
from bson.objectid import ObjectId
from mongomock_motor import AsyncMongoMockClient

from parse_clone.errors import ParseError
from parse_clone.storage.base import DuplicateValueError, FindOptions
from parse_clone.storage.mongo import MongoAdapter

PTR_U1 = {"__type": "Pointer", "className": "_User", "objectId": "u1"}
POST_SCHEMA_DOC = {
    "_id": "Post", "objectId": "string", "updatedAt": "date", "createdAt": "date",
    "title": "string", "views": "number", "draft": "boolean", "tags": "array", "meta": "object",
    "loc": "geopoint", "area": "polygon", "cover": "file", "raw": "bytes", "due": "date",
    "author": "*_User", "likes": "relation<_User>",
    "_metadata": {"class_permissions": {"find": {"*": True}, "get": {"*": True}},
                  "indexes": {"_id_": {"_id": 1}, "title_1": {"title": 1}},
                  "fields_options": {"title": {"required": True, "defaultValue": "untitled"}}},
}
POST_ROW = {
    "_id": "p1", "title": "Hello", "views": 3, "draft": False, "tags": ["a", "b"],
    "meta": {"owner": {"__type": "Pointer", "className": "_User", "objectId": "u1"},
             "seen": datetime(2024, 3, 1, 9, 30), "legacy": {"__type": "Date", "iso": datetime(2020, 1, 1)}},
    "loc": [-73.9, 40.7], "area": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
    "cover": "d41d8_cover.png", "raw": Binary(b"hi"), "due": datetime(2024, 6, 1),
    "_p_author": "_User$u1", "_rperm": ["*"], "_wperm": ["u1"], "_acl": {"u1": {"w": True}, "*": {"r": True}},
    "_created_at": datetime(2024, 5, 1, 12, 0, 0, 123000), "_updated_at": datetime(2024, 5, 2, 12, 0),
}
USER_ROW = {
    "_id": "u1", "username": "ann", "_hashed_password": "$2b$10$abcdefghijklmnopqrstuv", "email": "a@x.io",
    "emailVerified": False, "_auth_data_facebook": {"id": "fb1", "access_token": "tok"},
    "_email_verify_token": "evt", "_email_verify_token_expires_at": datetime(2024, 5, 3),
    "_failed_login_count": 0, "_password_history": ["$2b$old"],
    "_rperm": ["u1"], "_wperm": ["u1"], "_acl": {"u1": {"w": True, "r": True}},
    "_created_at": datetime(2024, 5, 1), "_updated_at": datetime(2024, 5, 1),
}
SESSION_ROW = {
    "_id": "s1", "_session_token": "r:5f0c", "_p_user": "_User$u1",
    "createdWith": {"action": "login", "authProvider": "password"}, "installationId": "inst",
    "expiresAt": datetime(2025, 5, 1), "_created_at": datetime(2024, 5, 1), "_updated_at": datetime(2024, 5, 1),
}


@pytest.fixture
async def mock():
    client = AsyncMongoMockClient()
    adapter = MongoAdapter("mongodb://mock/layout", client=client)
    await adapter.connect()
    yield adapter, client.get_database("layout")
    await adapter.close()


async def _schema(adapter: MongoAdapter, name: str) -> dict[str, Any]:
    schema = await adapter.get_class(name)
    assert schema is not None
    return schema


# ----- reading what Parse Server wrote -----
async def test_reads_a_parse_server_schema_document(mock):
    adapter, db = mock
    await db["_SCHEMA"].insert_one(dict(POST_SCHEMA_DOC))
    assert await adapter.get_class("Post") == {
        "className": "Post",
        "fields": {
            "title": {"type": "String", "required": True, "defaultValue": "untitled"},
            "views": {"type": "Number"}, "draft": {"type": "Boolean"}, "tags": {"type": "Array"},
            "meta": {"type": "Object"}, "loc": {"type": "GeoPoint"}, "area": {"type": "Polygon"},
            "cover": {"type": "File"}, "raw": {"type": "Bytes"}, "due": {"type": "Date"},
            "author": {"type": "Pointer", "targetClass": "_User"},
            "likes": {"type": "Relation", "targetClass": "_User"},
        },
        "classLevelPermissions": {"find": {"*": True}, "get": {"*": True}},
        "indexes": {"_id_": {"_id": 1}, "title_1": {"title": 1}},
    }
    assert [c["className"] for c in await adapter.get_all_classes()] == ["Post"]


async def test_reads_a_parse_server_object_with_every_field_type(mock):
    adapter, db = mock
    await db["_SCHEMA"].insert_one(dict(POST_SCHEMA_DOC))
    await db["Post"].insert_one(dict(POST_ROW))
    [doc] = await adapter.find("Post", await _schema(adapter, "Post"), {}, FindOptions())
    assert doc == {
        "objectId": "p1", "title": "Hello", "views": 3, "draft": False, "tags": ["a", "b"],
        "meta": {"owner": PTR_U1, "seen": {"__type": "Date", "iso": "2024-03-01T09:30:00.000Z"},
                 "legacy": {"__type": "Date", "iso": "2020-01-01T00:00:00.000Z"}},
        "loc": {"__type": "GeoPoint", "latitude": 40.7, "longitude": -73.9},
        "area": {"__type": "Polygon", "coordinates": [[0, 0], [0, 1], [1, 1], [0, 0]]},
        "cover": {"__type": "File", "name": "d41d8_cover.png"},
        "raw": {"__type": "Bytes", "base64": "aGk="},
        "due": {"__type": "Date", "iso": "2024-06-01T00:00:00.000Z"},
        "author": PTR_U1, "_rperm": ["*"], "_wperm": ["u1"],
        "createdAt": "2024-05-01T12:00:00.123Z", "updatedAt": "2024-05-02T12:00:00.000Z",
    }


async def test_reads_a_parse_server_user_with_its_internals(mock):
    adapter, db = mock
    await db["_User"].insert_one(dict(USER_ROW))
    [user] = await adapter.find("_User", {"className": "_User", "fields": {}}, {"username": "ann"}, FindOptions())
    assert user == {
        "objectId": "u1", "username": "ann", "_hashed_password": "$2b$10$abcdefghijklmnopqrstuv",
        "email": "a@x.io", "emailVerified": False, "authData": {"facebook": {"id": "fb1", "access_token": "tok"}},
        "_email_verify_token": "evt",
        "_email_verify_token_expires_at": {"__type": "Date", "iso": "2024-05-03T00:00:00.000Z"},
        "_failed_login_count": 0, "_password_history": ["$2b$old"],
        "_rperm": ["u1"], "_wperm": ["u1"],
        "createdAt": "2024-05-01T00:00:00.000Z", "updatedAt": "2024-05-01T00:00:00.000Z",
    }


async def test_finds_a_parse_server_user_by_auth_data_id(mock):
    adapter, db = mock
    await db["_User"].insert_one(dict(USER_ROW))
    found = await adapter.find("_User", {"fields": {}}, {"authData.facebook.id": "fb1"}, FindOptions())
    assert [u["objectId"] for u in found] == ["u1"]


async def test_reads_a_parse_server_session_and_finds_it_by_token(mock):
    adapter, db = mock
    await db["_Session"].insert_one(dict(SESSION_ROW))
    schema = {"className": "_Session", "fields": {"user": {"type": "Pointer", "targetClass": "_User"},
                                                  "expiresAt": {"type": "Date"}}}
    [session] = await adapter.find("_Session", schema, {"sessionToken": "r:5f0c"}, FindOptions())
    assert session == {
        "objectId": "s1", "sessionToken": "r:5f0c", "user": PTR_U1,
        "createdWith": {"action": "login", "authProvider": "password"}, "installationId": "inst",
        "expiresAt": {"__type": "Date", "iso": "2025-05-01T00:00:00.000Z"},
        "createdAt": "2024-05-01T00:00:00.000Z", "updatedAt": "2024-05-01T00:00:00.000Z",
    }


async def test_queries_parse_server_rows_by_pointer_date_array_and_acl(mock):
    adapter, db = mock
    await db["_SCHEMA"].insert_one(dict(POST_SCHEMA_DOC))
    await db["Post"].insert_many([dict(POST_ROW), {**POST_ROW, "_id": "p2", "_p_author": "_User$u2", "tags": ["c"],
                                                   "_rperm": ["u2"], "_created_at": datetime(2023, 1, 1)}])
    schema = await _schema(adapter, "Post")

    async def ids(where: dict[str, Any]) -> list[str]:
        return sorted(d["objectId"] for d in await adapter.find("Post", schema, where, FindOptions()))

    assert await ids({"author": PTR_U1}) == ["p1"]
    assert await ids({"author": {"$in": ["u2"]}}) == ["p2"]
    assert await ids({"createdAt": {"$gte": "2024-01-01T00:00:00.000Z"}}) == ["p1"]
    assert await ids({"tags": "c"}) == ["p2"]
    assert await ids({"meta.owner": {"objectId": "u1", "className": "_User", "__type": "Pointer"}}) == ["p1", "p2"]
    assert await ids({"_rperm": {"$in": [None, "*"]}}) == ["p1"]
    assert await ids({"title": {"$regex": "^\\Qhel\\E", "$options": "i"}}) == ["p1", "p2"]
    assert await adapter.count("Post", schema, {"author": PTR_U1}) == 1


async def test_reads_parse_server_join_rows_and_removes_them(mock):
    adapter, db = mock
    await db["_Join:likes:Post"].insert_many([
        {"_id": ObjectId(), "relatedId": "u1", "owningId": "p1"},
        {"_id": ObjectId(), "relatedId": "u2", "owningId": "p1"},
        {"_id": ObjectId(), "relatedId": "u2", "owningId": "p2"},
    ])
    assert await adapter.related_ids("Post", "likes", ["p1"]) == ["u1", "u2"]
    assert await adapter.owning_ids("Post", "likes", ["u2"]) == ["p1", "p2"]
    await adapter.remove_relation("Post", "likes", "p1", "u2")
    assert await adapter.related_ids("Post", "likes", ["p1"]) == ["u1"]


async def test_reads_parse_server_global_config(mock):
    adapter, db = mock
    await db["_GlobalConfig"].insert_one({"_id": 1, "params": {"motd": "hi", "when": {"__type": "Date", "iso": "2024-01-01T00:00:00.000Z"},
                                                               "nested": {"at": datetime(2024, 1, 2)}},
                                          "masterKeyOnly": {"motd": False}})
    assert await adapter.get_config() == {
        "params": {"motd": "hi", "when": {"__type": "Date", "iso": "2024-01-01T00:00:00.000Z"},
                   "nested": {"at": {"__type": "Date", "iso": "2024-01-02T00:00:00.000Z"}}},
        "masterKeyOnly": {"motd": False}}


async def test_empty_config_reads_as_empty_dicts(mock):
    adapter, _ = mock
    assert await adapter.get_config() == {"params": {}, "masterKeyOnly": {}}


# ----- what we write is Parse Server's layout -----
async def test_create_class_writes_a_parse_server_schema_document(mock):
    adapter, db = mock
    await adapter.create_class("Post", {
        "className": "Post",
        "fields": {"title": {"type": "String", "required": True}, "author": {"type": "Pointer", "targetClass": "_User"}},
        "classLevelPermissions": {"find": {"*": True}}, "indexes": None})
    assert await db["_SCHEMA"].find_one({"_id": "Post"}) == {
        "_id": "Post", "objectId": "string", "updatedAt": "date", "createdAt": "date",
        "title": "string", "author": "*_User",
        "_metadata": {"fields_options": {"title": {"required": True}}, "class_permissions": {"find": {"*": True}}}}
    assert "Post" in await db.list_collection_names()


async def test_create_class_twice_is_a_duplicate(mock):
    adapter, _ = mock
    schema = {"className": "Post", "fields": {}, "classLevelPermissions": None, "indexes": None}
    await adapter.create_class("Post", schema)
    with pytest.raises(DuplicateValueError):
        await adapter.create_class("Post", schema)


async def test_add_field_sets_the_type_and_options_once(mock):
    adapter, db = mock
    await adapter.create_class("Post", {"className": "Post", "fields": {}})
    await adapter.add_field_if_not_exists("Post", "views", {"type": "Number", "defaultValue": 0})
    await adapter.add_field_if_not_exists("Post", "views", {"type": "String"})
    doc = await db["_SCHEMA"].find_one({"_id": "Post"})
    assert doc["views"] == "number"
    assert doc["_metadata"] == {"fields_options": {"views": {"defaultValue": 0}}}


async def test_add_field_to_a_missing_class_creates_its_schema_document(mock):
    adapter, db = mock
    await adapter.add_field_if_not_exists("Fresh", "n", {"type": "Number"})
    assert await db["_SCHEMA"].find_one({"_id": "Fresh"}) == {
        "_id": "Fresh", "n": "number", "objectId": "string", "updatedAt": "date", "createdAt": "date"}


async def test_adding_a_polygon_field_creates_a_2dsphere_index(mock):
    adapter, _ = mock
    await adapter.add_field_if_not_exists("Zone", "area", {"type": "Polygon"})
    assert (await adapter.get_indexes("Zone"))["area_2dsphere"] == {"area": "2dsphere"}


async def test_create_object_writes_parse_server_rows(mock):
    adapter, db = mock
    schema = {"className": "Post", "fields": {"author": {"type": "Pointer", "targetClass": "_User"},
                                              "loc": {"type": "GeoPoint"}, "area": {"type": "Polygon"},
                                              "cover": {"type": "File"}, "raw": {"type": "Bytes"}}}
    await adapter.create_object("Post", schema, {
        "objectId": "p1", "createdAt": "2024-05-01T12:00:00.123Z", "updatedAt": "2024-05-01T12:00:00.123Z",
        "author": PTR_U1, "loc": {"__type": "GeoPoint", "latitude": 40.7, "longitude": -73.9},
        "area": {"__type": "Polygon", "coordinates": [[0, 0], [0, 1], [1, 1]]},
        "cover": {"__type": "File", "name": "c.png"}, "raw": {"__type": "Bytes", "base64": "aGk="},
        "meta": {"who": {"objectId": "u1", "className": "_User", "__type": "Pointer"},
                 "at": {"__type": "Date", "iso": "2024-01-01T00:00:00.000Z"}},
        "_rperm": ["*"], "_wperm": ["u1"]})
    row = await db["Post"].find_one({"_id": "p1"})
    assert row == {
        "_id": "p1", "_created_at": datetime(2024, 5, 1, 12, 0, 0, 123000),
        "_updated_at": datetime(2024, 5, 1, 12, 0, 0, 123000), "_p_author": "_User$u1", "loc": [-73.9, 40.7],
        "area": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}, "cover": "c.png",
        "raw": Binary(b"hi"), "meta": {"who": PTR_U1, "at": datetime(2024, 1, 1)},
        "_rperm": ["*"], "_wperm": ["u1"], "_acl": {"u1": {"w": True}, "*": {"r": True}}}
    assert list(row["meta"]["who"]) == ["__type", "className", "objectId"]


async def test_create_user_writes_hashed_password_and_auth_data_columns(mock):
    adapter, db = mock
    await adapter.create_object("_User", {"fields": {}}, {
        "objectId": "u1", "username": "ann", "_hashed_password": "$2b$10$h",
        "authData": {"anonymous": {"id": "anon-1"}}, "_rperm": ["u1"], "_wperm": ["u1"]})
    assert await db["_User"].find_one({"_id": "u1"}) == {
        "_id": "u1", "username": "ann", "_hashed_password": "$2b$10$h", "_auth_data_anonymous": {"id": "anon-1"},
        "_rperm": ["u1"], "_wperm": ["u1"], "_acl": {"u1": {"w": True, "r": True}}}


async def test_create_session_writes_session_token_and_bson_expiry(mock):
    adapter, db = mock
    schema = {"fields": {"user": {"type": "Pointer", "targetClass": "_User"}}}
    await adapter.create_object("_Session", schema, {
        "objectId": "s1", "sessionToken": "r:1", "user": PTR_U1,
        "expiresAt": {"__type": "Date", "iso": "2025-01-01T00:00:00.000Z"}})
    assert await db["_Session"].find_one({"_id": "s1"}) == {
        "_id": "s1", "_session_token": "r:1", "_p_user": "_User$u1", "expiresAt": datetime(2025, 1, 1)}


async def test_update_rewrites_acl_and_legacy_acl_and_returns_the_new_document(mock):
    adapter, db = mock
    await db["Post"].insert_one({"_id": "p1", "n": 1, "_rperm": ["*"], "_wperm": ["*"], "_acl": {"*": {"w": True, "r": True}}})
    doc = await adapter.find_one_and_update("Post", {"fields": {}}, {"objectId": "p1"},
                                            {"_rperm": ["u1"], "_wperm": [], "n": {"__op": "Increment", "amount": 2}})
    assert doc == {"objectId": "p1", "n": 3, "_rperm": ["u1"], "_wperm": []}
    assert (await db["Post"].find_one({"_id": "p1"}))["_acl"] == {"u1": {"r": True}}


async def test_find_one_and_update_without_a_match_returns_none(mock):
    adapter, _ = mock
    assert await adapter.find_one_and_update("Post", {"fields": {}}, {"objectId": "nope"}, {"n": 1}) is None


async def test_replacing_auth_data_unsets_the_providers_it_drops(mock):
    adapter, db = mock
    await db["_User"].insert_one({"_id": "u1", "_auth_data_facebook": {"id": "f"}, "_auth_data_twitter": {"id": "t"}})
    doc = await adapter.find_one_and_update("_User", {"fields": {}}, {"objectId": "u1"},
                                            {"authData": {"twitter": {"id": "t2"}}})
    assert doc == {"objectId": "u1", "authData": {"twitter": {"id": "t2"}}}
    assert await db["_User"].find_one({"_id": "u1"}) == {"_id": "u1", "_auth_data_twitter": {"id": "t2"}}


async def test_add_unique_adds_each_value_once(mock):
    adapter, db = mock
    await db["Post"].insert_one({"_id": "p1", "tags": ["a"]})
    doc = await adapter.find_one_and_update("Post", {"fields": {"tags": {"type": "Array"}}}, {"objectId": "p1"},
                                            {"tags": {"__op": "AddUnique", "objects": ["a", "b", "b"]},
                                             "fresh": {"__op": "AddUnique", "objects": [1, 1]}})
    assert doc is not None and doc["tags"] == ["a", "b"] and doc["fresh"] == [1]


async def test_add_relation_upserts_a_parse_server_join_row_once(mock):
    adapter, db = mock
    await adapter.add_relation("_Role", "users", "r1", "u1")
    await adapter.add_relation("_Role", "users", "r1", "u1")
    rows = await db["_Join:users:_Role"].find({}).to_list(None)
    assert len(rows) == 1
    assert isinstance(rows[0]["_id"], ObjectId)
    assert {k: v for k, v in rows[0].items() if k != "_id"} == {"relatedId": "u1", "owningId": "r1"}


async def test_set_config_writes_the_single_numbered_row(mock):
    adapter, db = mock
    await adapter.set_config({"motd": "hi", "when": {"__type": "Date", "iso": "2024-01-01T00:00:00.000Z"},
                              "obj": {"at": {"__type": "Date", "iso": "2024-01-02T00:00:00.000Z"}}},
                             {"motd": True})
    await adapter.set_config({"motd": "bye"}, {})
    assert await db["_GlobalConfig"].find({}).to_list(None) == [{"_id": 1, "params": {"motd": "bye"}, "masterKeyOnly": {}}]
    await adapter.set_config({"when": {"__type": "Date", "iso": "2024-01-01T00:00:00.000Z"},
                              "obj": {"at": {"__type": "Date", "iso": "2024-01-02T00:00:00.000Z"}}}, {})
    row = await db["_GlobalConfig"].find_one({"_id": 1})
    assert row["params"] == {"when": {"__type": "Date", "iso": "2024-01-01T00:00:00.000Z"},
                             "obj": {"at": datetime(2024, 1, 2)}}


# ----- indexes -----
async def test_connect_creates_parse_server_start_up_indexes(mock):
    _, db = mock
    users = await db["_User"].index_information()
    assert users["username_1"]["unique"] and users["username_1"]["sparse"]
    assert users["email_1"]["unique"] and users["email_1"]["sparse"]
    assert "case_insensitive_username" in users and "case_insensitive_email" in users
    roles = await db["_Role"].index_information()
    assert roles["name_1"]["unique"] and roles["name_1"]["sparse"]


async def test_duplicate_username_and_object_id_name_the_field(mock):
    adapter, _ = mock
    await adapter.create_object("_User", {"fields": {}}, {"objectId": "u1", "username": "ann"})
    with pytest.raises(DuplicateValueError) as dup_name:
        await adapter.create_object("_User", {"fields": {}}, {"objectId": "u2", "username": "ann"})
    assert dup_name.value.fields == ["username"]
    with pytest.raises(DuplicateValueError) as dup_id:
        await adapter.create_object("_User", {"fields": {}}, {"objectId": "u1", "username": "bob"})
    assert dup_id.value.fields == ["objectId"]


async def test_ensure_unique_on_duplicated_data_is_a_duplicate(mock):
    adapter, db = mock
    await db["Post"].insert_many([{"_id": "a", "slug": "x"}, {"_id": "b", "slug": "x"}])
    with pytest.raises(DuplicateValueError) as info:
        await adapter.ensure_unique("Post", {"fields": {}}, ["slug"])
    assert info.value.fields == ["slug"]


async def test_indexes_use_mongo_names_on_disk_and_stored_names_in_get_indexes(mock):
    adapter, db = mock
    schema = {"fields": {"author": {"type": "Pointer", "targetClass": "_User"}}}
    await adapter.create_index("Post", schema, "author_1", {"author": 1})
    await adapter.create_index("Post", schema, "recent", {"createdAt": -1})
    raw = await db["Post"].index_information()
    assert raw["author_1"]["key"] == [("_p_author", 1)]
    assert raw["recent"]["key"] == [("_created_at", -1)]
    assert await adapter.get_indexes("Post") == {"_id_": {"_id": 1}, "author_1": {"author": 1},
                                                 "recent": {"createdAt": -1}}
    await adapter.drop_index("Post", "recent")
    await adapter.drop_index("Post", "recent")
    assert set(await adapter.get_indexes("Post")) == {"_id_", "author_1"}


# ----- deletes -----
async def test_delete_fields_unsets_values_and_schema_keys_and_drops_relations(mock):
    adapter, db = mock
    await db["_SCHEMA"].insert_one(dict(POST_SCHEMA_DOC))
    await db["Post"].insert_one(dict(POST_ROW))
    await db["_Join:likes:Post"].insert_one({"relatedId": "u1", "owningId": "p1"})
    await adapter.delete_fields("Post", await _schema(adapter, "Post"), ["author", "title", "likes"])
    row = await db["Post"].find_one({"_id": "p1"})
    assert "_p_author" not in row and "title" not in row and row["views"] == 3
    schema_doc = await db["_SCHEMA"].find_one({"_id": "Post"})
    assert not {"author", "title", "likes"} & set(schema_doc)
    assert schema_doc["_metadata"]["fields_options"] == {}
    assert "_Join:likes:Post" not in await db.list_collection_names()


async def test_delete_class_drops_rows_join_collections_and_schema(mock):
    adapter, db = mock
    await db["_SCHEMA"].insert_one(dict(POST_SCHEMA_DOC))
    await db["Post"].insert_one({"_id": "p1"})
    await db["_Join:likes:Post"].insert_one({"relatedId": "u1", "owningId": "p1"})
    await db["_Join:likes:OtherPost"].insert_one({"relatedId": "u1", "owningId": "o1"})
    await adapter.delete_class("Post")
    names = await db.list_collection_names()
    assert "Post" not in names and "_Join:likes:Post" not in names and "_Join:likes:OtherPost" in names
    assert await adapter.get_class("Post") is None


async def test_collection_prefix_applies_to_every_collection():
    client = AsyncMongoMockClient()
    adapter = MongoAdapter("mongodb://mock/pref", collection_prefix="app1_", client=client)
    await adapter.connect()
    await adapter.create_class("Post", {"className": "Post", "fields": {}})
    await adapter.create_object("Post", {"fields": {}}, {"objectId": "p1"})
    await adapter.add_relation("Post", "likes", "p1", "u1")
    await adapter.set_config({"a": 1}, {})
    names = set(await client.get_database("pref").list_collection_names())
    assert {"app1__SCHEMA", "app1_Post", "app1__Join:likes:Post", "app1__GlobalConfig", "app1__User"} <= names
    assert all(n.startswith("app1_") for n in names)
    await adapter.delete_all_classes()
    assert await client.get_database("pref").list_collection_names() == []


# ----- aggregate and distinct over Parse Server rows -----
async def test_aggregate_groups_on_a_pointer_and_matches_in_stored_names(mock):
    adapter, db = mock
    await db["_SCHEMA"].insert_one(dict(POST_SCHEMA_DOC))
    await db["Post"].insert_many([dict(POST_ROW), {**POST_ROW, "_id": "p2", "views": 4},
                                  {**POST_ROW, "_id": "p3", "_p_author": "_User$u2", "views": 10}])
    schema = await _schema(adapter, "Post")
    rows = await adapter.aggregate("Post", schema, [
        {"$match": {"views": {"$lt": 10}}},
        {"$group": {"_id": "$author", "total": {"$sum": "$views"}}}])
    assert rows == [{"_id": "u1", "total": 7}]


async def test_aggregate_with_an_unsupported_stage_is_invalid_query(mock):
    adapter, _ = mock
    with pytest.raises(ParseError) as info:
        await adapter.aggregate("Post", {"fields": {}}, [{"$nonsense": {}}])
    assert info.value.code == ParseError.INVALID_QUERY


async def test_distinct_reads_pointers_and_array_elements_back(mock):
    adapter, db = mock
    await db["_SCHEMA"].insert_one(dict(POST_SCHEMA_DOC))
    await db["Post"].insert_many([dict(POST_ROW), {**POST_ROW, "_id": "p2", "_p_author": "_User$u2", "tags": ["b", "c"]}])
    schema = await _schema(adapter, "Post")
    authors = await adapter.distinct("Post", schema, {}, "author")
    assert sorted(authors, key=lambda p: p["objectId"]) == [
        PTR_U1, {"__type": "Pointer", "className": "_User", "objectId": "u2"}]
    assert sorted(await adapter.distinct("Post", schema, {}, "tags")) == ["a", "b", "c"]
