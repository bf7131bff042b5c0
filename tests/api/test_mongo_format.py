"""A database written by Parse Server is served as-is: documents in Parse Server's exact MongoDB layout
(`_SCHEMA`, `_p_` pointers, `_rperm`/`_wperm`/`_acl`, BSON dates, `[lng, lat]` geopoints, `_Join:` rows,
`_GlobalConfig`, `_Session`) are written straight into the mock database behind a running server, then
read back through the REST API.

MongoDB only: these tests run on mongomock whatever the backend parametrization.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import bcrypt
import pytest
from bson.binary import Binary
from bson.int64 import Int64
from bson.objectid import ObjectId

PASSWORD = "parse-pw"
# Parse Server hashes with bcryptjs ($2a$/$2b$, cost 10); cost 4 keeps the test fast.
HASHED = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(4, prefix=b"2a")).decode()
NOW = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)  # BSON dates are naive UTC
TOKEN = "r:5f0c1d2e3f405162738495a6b7c8d9e0"

SCHEMAS = [
    {"_id": "_User", "objectId": "string", "updatedAt": "date", "createdAt": "date", "username": "string",
     "email": "string", "emailVerified": "boolean", "authData": "object", "nickname": "string"},
    {"_id": "_Role", "objectId": "string", "updatedAt": "date", "createdAt": "date", "name": "string",
     "users": "relation<_User>", "roles": "relation<_Role>"},
    {"_id": "_Session", "objectId": "string", "updatedAt": "date", "createdAt": "date", "restricted": "boolean",
     "user": "*_User", "installationId": "string", "sessionToken": "string", "expiresAt": "date",
     "createdWith": "object"},
    {"_id": "Post", "objectId": "string", "updatedAt": "date", "createdAt": "date",
     "title": "string", "views": "number", "draft": "boolean", "tags": "array", "meta": "object",
     "loc": "geopoint", "area": "polygon", "cover": "file", "raw": "bytes", "due": "date",
     "author": "*_User", "likes": "relation<_User>",
     "_metadata": {
         "class_permissions": {"find": {"*": True}, "count": {"*": True}, "get": {"*": True}, "create": {},
                               "update": {}, "delete": {}, "addField": {}, "protectedFields": {"*": []}},
         "indexes": {"_id_": {"_id": 1}, "title_1": {"title": 1}},
         "fields_options": {"title": {"required": True, "defaultValue": "untitled"}}}},
]
USERS = [
    {"_id": "u1", "username": "ann", "_hashed_password": HASHED, "email": "ann@x.io", "emailVerified": False,
     "nickname": "Annie", "_auth_data_facebook": {"id": "fb1", "access_token": "tok"},
     "_email_verify_token": "evt", "_email_verify_token_expires_at": datetime(2024, 5, 3),
     "_failed_login_count": 0, "_password_history": ["$2b$10$old"],
     "_rperm": ["u1"], "_wperm": ["u1"], "_acl": {"u1": {"w": True, "r": True}},
     "_created_at": datetime(2024, 5, 1), "_updated_at": datetime(2024, 5, 1)},
    {"_id": "u2", "username": "bob", "_hashed_password": HASHED, "_rperm": ["*", "u2"], "_wperm": ["u2"],
     "_acl": {"*": {"r": True}, "u2": {"w": True, "r": True}},
     "_created_at": datetime(2024, 5, 2), "_updated_at": datetime(2024, 5, 2)},
]
POSTS = [
    {"_id": "p1", "title": "Hello", "views": Int64(3), "draft": False, "tags": ["a", "b"],
     "meta": {"owner": {"__type": "Pointer", "className": "_User", "objectId": "u1"},
              "seen": datetime(2024, 3, 1, 9, 30), "legacy": {"__type": "Date", "iso": datetime(2020, 1, 1)}},
     "loc": [-73.9, 40.7], "area": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
     "cover": "d41d8_cover.png", "raw": Binary(b"hi"), "due": datetime(2024, 6, 1),
     "_p_author": "_User$u1", "_rperm": ["*"], "_wperm": ["u1"], "_acl": {"*": {"r": True}, "u1": {"w": True}},
     "_created_at": datetime(2024, 5, 1, 12, 0, 0, 123000), "_updated_at": datetime(2024, 5, 2, 12, 0)},
    {"_id": "p2", "title": "Second", "views": 10.5, "tags": ["b"], "_p_author": "_User$u2",
     "due": datetime(2024, 8, 1), "_created_at": datetime(2024, 5, 3), "_updated_at": datetime(2024, 5, 3)},
    {"_id": "p3", "title": "Private", "_p_author": "_User$u1", "_rperm": ["u1"], "_wperm": ["u1"],
     "_acl": {"u1": {"r": True, "w": True}}, "_created_at": datetime(2024, 5, 4), "_updated_at": datetime(2024, 5, 4)},
    {"_id": "p4", "title": "Staff only", "_rperm": ["role:Staff"], "_wperm": [],
     "_acl": {"role:Staff": {"r": True}}, "_created_at": datetime(2024, 5, 5), "_updated_at": datetime(2024, 5, 5)},
]
ROLES = [{"_id": "r1", "name": "Staff", "_rperm": ["*"], "_wperm": [], "_acl": {"*": {"r": True}},
          "_created_at": datetime(2024, 5, 1), "_updated_at": datetime(2024, 5, 1)}]
SESSIONS = [{"_id": "s1", "_session_token": TOKEN, "_p_user": "_User$u1",
             "createdWith": {"action": "login", "authProvider": "password"}, "installationId": "inst-1",
             "expiresAt": NOW + timedelta(days=365), "restricted": False,
             "_created_at": NOW, "_updated_at": NOW}]
JOINS = {
    "_Join:likes:Post": [{"_id": ObjectId(), "owningId": "p1", "relatedId": "u1"},
                         {"_id": ObjectId(), "owningId": "p1", "relatedId": "u2"},
                         {"_id": ObjectId(), "owningId": "p2", "relatedId": "u2"}],
    "_Join:users:_Role": [{"_id": ObjectId(), "owningId": "r1", "relatedId": "u1"}],
}
GLOBAL_CONFIG = {"_id": 1,
                 "params": {"companies": ["US", "DK"], "internal": "secret", "maxItems": 5,
                            "launch": {"__type": "Date", "iso": "2024-01-01T00:00:00.000Z"},
                            "logo": {"__type": "File", "name": "x_logo.png",
                                     "url": "http://files.example/x_logo.png"}},
                 "masterKeyOnly": {"companies": False, "internal": True, "maxItems": False, "launch": False,
                                   "logo": False}}

P1 = {
    "objectId": "p1", "createdAt": "2024-05-01T12:00:00.123Z", "updatedAt": "2024-05-02T12:00:00.000Z",
    "title": "Hello", "views": 3, "draft": False, "tags": ["a", "b"],
    "meta": {"owner": {"__type": "Pointer", "className": "_User", "objectId": "u1"},
             "seen": {"__type": "Date", "iso": "2024-03-01T09:30:00.000Z"},
             "legacy": {"__type": "Date", "iso": "2020-01-01T00:00:00.000Z"}},
    "loc": {"__type": "GeoPoint", "latitude": 40.7, "longitude": -73.9},
    "area": {"__type": "Polygon", "coordinates": [[0, 0], [0, 1], [1, 1], [0, 0]]},
    "cover": {"__type": "File", "name": "d41d8_cover.png", "url": "http://localhost:8378/1/files/test/d41d8_cover.png"},
    "raw": {"__type": "Bytes", "base64": "aGk="},
    "due": {"__type": "Date", "iso": "2024-06-01T00:00:00.000Z"},
    "author": {"__type": "Pointer", "className": "_User", "objectId": "u1"},
    "likes": {"__type": "Relation", "className": "_User"},
    "ACL": {"*": {"read": True}, "u1": {"write": True}},
}


@pytest.fixture
def backend() -> str:
    """Parse Server's layout is a MongoDB matter: run on mongomock only."""
    return "mongomock"


@pytest.fixture
async def parse_db(api):
    """The running server's mock database, filled as Parse Server would have left it."""
    db = api.server.storage.database
    for schema in SCHEMAS:
        await db["_SCHEMA"].replace_one({"_id": schema["_id"]}, schema, upsert=True)
    for collection, rows in (("_User", USERS), ("Post", POSTS), ("_Role", ROLES), ("_Session", SESSIONS),
                             *JOINS.items()):
        await db[collection].insert_many([dict(r) for r in rows])
    await db["_GlobalConfig"].insert_one(dict(GLOBAL_CONFIG))
    api.server.schema.invalidate()
    return db


def ptr(class_name: str, object_id: str) -> dict[str, str]:
    return {"__type": "Pointer", "className": class_name, "objectId": object_id}


async def ids(api, class_name: str, where: dict[str, Any] | None = None, **kw: Any) -> list[str]:
    params = {"order": "createdAt", **({"where": where} if where is not None else {})}
    status, body = await api.get(f"/classes/{class_name}", params=params, **kw)
    assert status == 200, body
    return [r["objectId"] for r in body["results"]]


# ----- get -----
async def test_get_answers_the_exact_rest_json(api, parse_db):
    assert await api.get("/classes/Post/p1") == (200, P1)


async def test_row_without_rperm_is_public_and_has_no_acl(api, parse_db):
    status, body = await api.get("/classes/Post/p2")
    assert status == 200
    assert body == {"objectId": "p2", "createdAt": "2024-05-03T00:00:00.000Z",
                    "updatedAt": "2024-05-03T00:00:00.000Z", "title": "Second", "views": 10.5, "tags": ["b"],
                    "author": ptr("_User", "u2"), "due": {"__type": "Date", "iso": "2024-08-01T00:00:00.000Z"},
                    "likes": {"__type": "Relation", "className": "_User"}}


async def test_rperm_hides_rows_from_others(api, parse_db):
    assert await api.get("/classes/Post/p3") == (404, {"code": 101, "error": "Object not found."})
    status, body = await api.get("/classes/Post/p3", master=True)
    assert (status, body["ACL"]) == (200, {"u1": {"read": True, "write": True}})


async def test_schema_is_read_from_the_schema_collection(api, parse_db):
    status, body = await api.get("/schemas/Post", master=True)
    assert status == 200
    assert body["fields"] == {
        "objectId": {"type": "String"}, "createdAt": {"type": "Date"}, "updatedAt": {"type": "Date"},
        "ACL": {"type": "ACL"}, "title": {"type": "String", "required": True, "defaultValue": "untitled"},
        "views": {"type": "Number"}, "draft": {"type": "Boolean"}, "tags": {"type": "Array"},
        "meta": {"type": "Object"}, "loc": {"type": "GeoPoint"}, "area": {"type": "Polygon"},
        "cover": {"type": "File"}, "raw": {"type": "Bytes"}, "due": {"type": "Date"},
        "author": {"type": "Pointer", "targetClass": "_User"}, "likes": {"type": "Relation", "targetClass": "_User"}}
    assert body["indexes"] == {"_id_": {"_id": 1}, "title_1": {"title": 1}}
    assert body["classLevelPermissions"]["create"] == {}


async def test_stored_class_level_permissions_are_enforced(api, parse_db):
    status, body = await api.post("/classes/Post", {"title": "new"})
    assert (status, body) == (400, {"code": 119, "error": "Permission denied for action create on class Post."})


# ----- find -----
async def test_find_skips_unreadable_rows(api, parse_db):
    assert await ids(api, "Post") == ["p1", "p2"]
    assert await ids(api, "Post", master=True) == ["p1", "p2", "p3", "p4"]


async def test_find_by_pointer(api, parse_db):
    assert await ids(api, "Post", {"author": ptr("_User", "u1")}, master=True) == ["p1", "p3"]
    assert await ids(api, "Post", {"author": {"$in": [ptr("_User", "u2")]}}) == ["p2"]
    assert await ids(api, "Post", {"author": {"$ne": ptr("_User", "u1")}}, master=True) == ["p2", "p4"]


async def test_find_by_pointer_inside_an_object(api, parse_db):
    assert await ids(api, "Post", {"meta.owner": {"objectId": "u1", "className": "_User", "__type": "Pointer"}}) == [
        "p1"]


async def test_find_by_dates(api, parse_db):
    assert await ids(api, "Post", {"due": {"$lt": {"__type": "Date", "iso": "2024-07-01T00:00:00.000Z"}}}) == ["p1"]
    where = {"createdAt": {"$gte": {"__type": "Date", "iso": "2024-05-02T00:00:00.000Z"}}}
    assert await ids(api, "Post", where, master=True) == ["p2", "p3", "p4"]
    assert await ids(api, "Post", {"meta.seen": {"$gt": {"__type": "Date", "iso": "2024-01-01T00:00:00.000Z"}}}) == [
        "p1"]


async def test_find_by_numbers_of_any_bson_width(api, parse_db):
    assert await ids(api, "Post", {"views": {"$gte": 3}}) == ["p1", "p2"]
    assert await ids(api, "Post", {"views": 3}) == ["p1"]


async def test_find_by_array_element_and_exists(api, parse_db):
    assert await ids(api, "Post", {"tags": "b"}) == ["p1", "p2"]
    assert await ids(api, "Post", {"draft": {"$exists": True}}) == ["p1"]


async def test_count(api, parse_db):
    status, body = await api.get("/classes/Post", params={"count": 1, "limit": 0}, master=True)
    assert (status, body) == (200, {"results": [], "count": 4})


async def test_order_and_keys(api, parse_db):
    status, body = await api.get("/classes/Post", params={"order": "-views", "keys": "views", "where": {
        "views": {"$exists": True}}})
    assert status == 200
    assert [{k: r.get(k) for k in ("objectId", "views")} for r in body["results"]] == [
        {"objectId": "p2", "views": 10.5}, {"objectId": "p1", "views": 3}]


# ----- include -----
async def test_include_a_user_written_by_parse_server(api, parse_db):
    status, body = await api.get("/classes/Post/p1", params={"include": "author"}, master=True)
    assert status == 200
    assert body["author"] == {
        "__type": "Object", "className": "_User", "objectId": "u1", "username": "ann", "email": "ann@x.io",
        "emailVerified": False, "nickname": "Annie", "authData": {"facebook": {"id": "fb1", "access_token": "tok"}},
        "createdAt": "2024-05-01T00:00:00.000Z", "updatedAt": "2024-05-01T00:00:00.000Z",
        "ACL": {"u1": {"read": True, "write": True}}}


async def test_include_hides_what_the_reader_may_not_see(api, parse_db):
    _, found = await api.get("/classes/Post", params={"include": "author", "order": "createdAt"})
    first, second = found["results"]
    assert "author" not in first  # u1's row is readable by u1 only
    assert second["author"] == {"__type": "Object", "className": "_User", "objectId": "u2", "username": "bob",
                                "createdAt": "2024-05-02T00:00:00.000Z", "updatedAt": "2024-05-02T00:00:00.000Z",
                                "ACL": {"*": {"read": True}, "u2": {"read": True, "write": True}}}


# ----- relations -----
async def test_related_to_reads_join_rows(api, parse_db):
    where = {"$relatedTo": {"object": ptr("Post", "p1"), "key": "likes"}}
    assert await ids(api, "_User", where, master=True) == ["u1", "u2"]


async def test_relation_field_equality_reads_join_rows(api, parse_db):
    assert await ids(api, "Post", {"likes": ptr("_User", "u2")}) == ["p1", "p2"]
    assert await ids(api, "Post", {"likes": ptr("_User", "u1")}) == ["p1"]


async def test_adding_to_a_relation_writes_parse_server_join_rows(api, parse_db):
    status, _ = await api.put("/classes/Post/p2", {"likes": {"__op": "AddRelation", "objects": [ptr("_User", "u1")]}},
                              master=True)
    assert status == 200
    rows = await parse_db["_Join:likes:Post"].find({"owningId": "p2"}, {"_id": 0}).to_list(None)
    assert sorted(rows, key=lambda r: r["relatedId"]) == [{"owningId": "p2", "relatedId": "u1"},
                                                          {"owningId": "p2", "relatedId": "u2"}]


# ----- sessions, users and roles -----
async def test_a_parse_server_session_token_authenticates(api, parse_db):
    status, me = await api.get("/users/me", session=TOKEN)
    assert status == 200
    assert (me["objectId"], me["username"], me["sessionToken"]) == ("u1", "ann", TOKEN)
    assert me["email"] == "ann@x.io" and "authData" in me
    assert not [k for k in me if k.startswith("_") or k == "password"]


async def test_role_membership_from_join_rows_opens_role_acls(api, parse_db):
    assert (await api.get("/classes/Post/p4"))[0] == 404
    status, body = await api.get("/classes/Post/p4", session=TOKEN)
    assert (status, body["title"]) == (200, "Staff only")
    assert await ids(api, "Post", session=TOKEN) == ["p1", "p2", "p3", "p4"]


async def test_login_with_a_parse_server_password_hash(api, parse_db):
    status, body = await api.post("/login", {"username": "bob", "password": PASSWORD})
    assert status == 200, body
    assert body["objectId"] == "u2" and body["sessionToken"].startswith("r:")
    status, body = await api.post("/login", {"username": "bob", "password": "wrong"})
    assert (status, body) == (404, {"code": 101, "error": "Invalid username/password."})


async def test_user_emails_stay_protected(api, parse_db):
    status, body = await api.get("/users/u1", session=TOKEN)
    assert (status, body["email"]) == (200, "ann@x.io")
    status, body = await api.get("/users/u2", session=TOKEN)
    assert status == 200 and "email" not in body and "_hashed_password" not in body


# ----- config -----
async def test_config_reads_the_global_config_row(api, parse_db):
    status, body = await api.get("/config")
    assert (status, body) == (200, {"params": {
        "companies": ["US", "DK"], "maxItems": 5, "launch": {"__type": "Date", "iso": "2024-01-01T00:00:00.000Z"},
        "logo": {"__type": "File", "name": "x_logo.png", "url": "http://files.example/x_logo.png"}},
        "masterKeyOnly": {"companies": False, "maxItems": False, "launch": False, "logo": False}})


async def test_config_with_the_master_key_shows_master_key_only_params(api, parse_db):
    status, body = await api.get("/config", master=True)
    assert status == 200
    assert body["params"]["internal"] == "secret"
    assert body["masterKeyOnly"] == {"companies": False, "internal": True, "maxItems": False, "launch": False,
                                     "logo": False}


# ----- writes land in Parse Server's layout -----
async def test_update_keeps_parse_server_layout(api, parse_db):
    status, body = await api.put("/classes/Post/p1", {"views": {"__op": "Increment", "amount": 1},
                                                      "author": ptr("_User", "u2")}, master=True)
    assert (status, body["views"]) == (200, 4)
    row = await parse_db["Post"].find_one({"_id": "p1"})
    assert row["views"] == 4 and row["_p_author"] == "_User$u2" and "author" not in row
    assert isinstance(row["_updated_at"], datetime) and row["_created_at"] == datetime(2024, 5, 1, 12, 0, 0, 123000)
    assert row["loc"] == [-73.9, 40.7]
