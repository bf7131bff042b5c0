"""The /schemas API (master key): read, create, update and delete class schemas; inference on write."""

from __future__ import annotations

from typing import Any

import pytest

DEFAULT_CLP = {"find": {"*": True}, "count": {"*": True}, "create": {"*": True}, "get": {"*": True},
               "update": {"*": True}, "addField": {"*": True}, "delete": {"*": True},
               "protectedFields": {"*": []}}
DEFAULT_FIELDS = {"objectId": {"type": "String"}, "createdAt": {"type": "Date"}, "updatedAt": {"type": "Date"},
                  "ACL": {"type": "ACL"}}
USER_SCHEMA = {"className": "_User", "fields": {
    **DEFAULT_FIELDS, "username": {"type": "String"}, "password": {"type": "String"}, "email": {"type": "String"},
    "emailVerified": {"type": "Boolean"}, "authData": {"type": "Object"}}, "classLevelPermissions": DEFAULT_CLP}
ROLE_SCHEMA = {"className": "_Role", "fields": {
    **DEFAULT_FIELDS, "name": {"type": "String"}, "users": {"type": "Relation", "targetClass": "_User"},
    "roles": {"type": "Relation", "targetClass": "_Role"}}, "classLevelPermissions": DEFAULT_CLP}
MASTER_REQUIRED = {"error": "unauthorized: master key is required"}


def without_indexes(schema: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in schema.items() if k != "indexes"}


async def create_class(api, class_name: str, **body: Any) -> dict[str, Any]:
    status, created = await api.post("/schemas", {"className": class_name, **body}, master=True)
    assert status == 200, created
    return created


async def get_schema(api, class_name: str) -> dict[str, Any]:
    status, schema = await api.get(f"/schemas/{class_name}", master=True)
    assert status == 200, schema
    return schema


async def put_schema(api, class_name: str, body: dict[str, Any]) -> tuple[int, Any]:
    return await api.put(f"/schemas/{class_name}", body, master=True)


# ----- master key -----
@pytest.mark.parametrize("method, path", [
    ("GET", "/schemas"), ("GET", "/schemas/_User"), ("POST", "/schemas"), ("POST", "/schemas/A"),
    ("PUT", "/schemas/_User"), ("DELETE", "/schemas/A"),
])
async def test_schemas_need_the_master_key(api, method, path):
    status, body = await api.request(method, path, json={"className": "A"})
    assert (status, body) == (403, MASTER_REQUIRED)


async def test_schema_post_without_master_key_creates_nothing(api):
    await api.post("/schemas", {"className": "A"})
    status, body = await api.get("/schemas/A", master=True)
    assert (status, body) == (400, {"code": 103, "error": "Class A does not exist."})


# ----- reading -----
async def test_user_and_role_exist_at_start(api):
    status, body = await api.get("/schemas", master=True)
    assert status == 200
    assert sorted((without_indexes(s) for s in body["results"]), key=lambda s: s["className"]) == [
        ROLE_SCHEMA, USER_SCHEMA]


async def test_get_one_system_class(api):
    assert without_indexes(await get_schema(api, "_User")) == USER_SCHEMA


async def test_get_unknown_class_is_103(api):
    status, body = await api.get("/schemas/Nope", master=True)
    assert (status, body) == (400, {"code": 103, "error": "Class Nope does not exist."})


# ----- inference on write -----
async def test_first_write_infers_every_type(api):
    status, target = await api.post("/classes/Target", {"x": 1})
    assert status == 201
    pointer = {"__type": "Pointer", "className": "Target", "objectId": target["objectId"]}
    status, body = await api.post("/classes/AllTypes", {
        "aNumber": 5, "aString": "s", "aBool": True, "aDate": {"__type": "Date", "iso": "2024-01-01T00:00:00.000Z"},
        "aObject": {"k": 1}, "anArray": [1], "aGeoPoint": {"__type": "GeoPoint", "latitude": 1, "longitude": 2},
        "aFile": {"__type": "File", "name": "f.txt"}, "aBytes": {"__type": "Bytes", "base64": "aGk="},
        "aPolygon": {"__type": "Polygon", "coordinates": [[0, 0], [0, 1], [1, 1]]}, "aPointer": pointer,
        "aRelation": {"__op": "AddRelation", "objects": [pointer]}, "aCounter": {"__op": "Increment", "amount": 1},
        "aList": {"__op": "Add", "objects": ["x"]}, "ACL": {"*": {"read": True}}, "nothing": None,
    })
    assert status == 201, body
    assert await get_schema(api, "AllTypes") == {"className": "AllTypes", "fields": {
        **DEFAULT_FIELDS, "aNumber": {"type": "Number"}, "aString": {"type": "String"}, "aBool": {"type": "Boolean"},
        "aDate": {"type": "Date"}, "aObject": {"type": "Object"}, "anArray": {"type": "Array"},
        "aGeoPoint": {"type": "GeoPoint"}, "aFile": {"type": "File"}, "aBytes": {"type": "Bytes"},
        "aPolygon": {"type": "Polygon"}, "aPointer": {"type": "Pointer", "targetClass": "Target"},
        "aRelation": {"type": "Relation", "targetClass": "Target"}, "aCounter": {"type": "Number"},
        "aList": {"type": "Array"}}, "classLevelPermissions": DEFAULT_CLP}


async def test_type_is_locked_by_the_schema_api(api):
    await create_class(api, "Locked", fields={"title": {"type": "String"}})
    status, body = await api.post("/classes/Locked", {"title": 5})
    assert (status, body) == (400, {"code": 111, "error":
                                    "schema mismatch for Locked.title; expected String but got Number"})
    _, found = await api.get("/classes/Locked", master=True)
    assert found == {"results": []}


async def test_pointer_target_class_is_locked(api):
    await api.post("/classes/Book", {"author": {"__type": "Pointer", "className": "Author", "objectId": "a1"}})
    status, body = await api.post("/classes/Book", {"author": {"__type": "Pointer", "className": "Editor",
                                                               "objectId": "e1"}})
    assert (status, body) == (400, {"code": 111, "error": "schema mismatch for Book.author; "
                                    "expected Pointer<Author> but got Pointer<Editor>"})


# ----- POST /schemas -----
async def test_create_class_answers_the_schema(api):
    created = await create_class(api, "Post", fields={
        "title": {"type": "String"}, "author": {"type": "Pointer", "targetClass": "_User"},
        "likes": {"type": "Relation", "targetClass": "_User"}})
    assert created == {"className": "Post", "fields": {
        **DEFAULT_FIELDS, "title": {"type": "String"}, "author": {"type": "Pointer", "targetClass": "_User"},
        "likes": {"type": "Relation", "targetClass": "_User"}}, "classLevelPermissions": DEFAULT_CLP}
    assert await get_schema(api, "Post") == created


async def test_create_class_with_the_name_in_the_path(api):
    status, body = await api.post("/schemas/Post", {}, master=True)
    assert (status, body) == (200, {"className": "Post", "fields": DEFAULT_FIELDS,
                                    "classLevelPermissions": DEFAULT_CLP})


async def test_create_class_name_mismatch_is_103(api):
    status, body = await api.post("/schemas/A", {"className": "B"}, master=True)
    assert (status, body) == (400, {"code": 103, "error": "Class name mismatch between B and A."})


async def test_create_class_without_a_name_is_135(api):
    status, body = await api.post("/schemas", {"fields": {}}, master=True)
    assert (status, body) == (400, {"code": 135, "error": "POST /schemas needs a class name."})


async def test_create_existing_class_is_103(api):
    await create_class(api, "A")
    status, body = await api.post("/schemas", {"className": "A"}, master=True)
    assert (status, body) == (400, {"code": 103, "error": "Class A already exists."})


async def test_create_system_class_that_exists_is_103(api):
    status, body = await api.post("/schemas", {"className": "_User"}, master=True)
    assert (status, body) == (400, {"code": 103, "error": "Class _User already exists."})


@pytest.mark.parametrize("class_name", ["1bad", "_Secret", "a-b"])
async def test_create_class_with_an_invalid_name_is_103(api, class_name):
    status, body = await api.post("/schemas", {"className": class_name}, master=True)
    assert (status, body) == (400, {"code": 103, "error": f"Invalid classname: {class_name}, classnames can only "
                                    "have alphanumeric characters and _, and must start with an alpha character "})


async def test_invalid_field_type_is_111(api):
    status, body = await api.post("/schemas", {"className": "A", "fields": {"f": {"type": "fake type"}}}, master=True)
    assert (status, body) == (400, {"code": 111, "error": "invalid field type: fake type"})


@pytest.mark.parametrize("kind", ["Pointer", "Relation"])
async def test_pointer_or_relation_without_target_class_is_135(api, kind):
    status, body = await api.post("/schemas", {"className": "A", "fields": {"f": {"type": kind}}}, master=True)
    assert (status, body) == (400, {"code": 135, "error": f"type {kind} needs a class name"})


async def test_invalid_field_name_is_105(api):
    status, body = await api.post("/schemas", {"className": "A", "fields": {"1bad": {"type": "String"}}}, master=True)
    assert (status, body) == (400, {"code": 105, "error": "invalid field name: 1bad"})


async def test_adding_a_default_field_is_136(api):
    status, body = await api.post("/schemas", {"className": "A", "fields": {"createdAt": {"type": "Date"}}},
                                  master=True)
    assert (status, body) == (400, {"code": 136, "error": "field createdAt cannot be added"})


async def test_two_geopoint_fields_in_a_schema_is_111(api):
    status, body = await api.post("/schemas", {"className": "A", "fields": {
        "g1": {"type": "GeoPoint"}, "g2": {"type": "GeoPoint"}}}, master=True)
    assert (status, body) == (400, {"code": 111, "error": "currently, only one GeoPoint field may exist in an object. "
                                    "Adding g2 when g1 already exists."})


# ----- required and defaultValue -----
async def test_default_values_fill_missing_fields_and_are_echoed(api):
    await create_class(api, "Task", fields={"status": {"type": "String", "defaultValue": "new"},
                                            "priority": {"type": "Number", "defaultValue": 3, "required": True}})
    status, body = await api.post("/classes/Task", {"title": "t"})
    assert status == 201
    assert body == {"objectId": body["objectId"], "createdAt": body["createdAt"], "status": "new", "priority": 3}
    _, task = await api.get(f"/classes/Task/{body['objectId']}")
    assert (task["status"], task["priority"]) == ("new", 3)


async def test_sent_values_win_over_defaults(api):
    await create_class(api, "Task", fields={"status": {"type": "String", "defaultValue": "new"}})
    status, body = await api.post("/classes/Task", {"status": "done"})
    assert (status, set(body)) == (201, {"objectId", "createdAt"})


async def test_schema_shows_required_and_default_value(api):
    created = await create_class(api, "Task", fields={"status": {"type": "String", "defaultValue": "new",
                                                                 "required": True}})
    assert created["fields"]["status"] == {"type": "String", "required": True, "defaultValue": "new"}


@pytest.mark.parametrize("value", [None, "", {"__op": "Delete"}])
async def test_missing_required_field_on_create_is_142(api, value):
    await create_class(api, "Task", fields={"title": {"type": "String", "required": True}})
    body = {"other": 1} if value is None else {"title": value}
    status, answer = await api.post("/classes/Task", body)
    assert (status, answer) == (400, {"code": 142, "error": "title is required"})
    _, found = await api.get("/classes/Task", master=True)
    assert found == {"results": []}


@pytest.mark.parametrize("value", [None, "", {"__op": "Delete"}])
async def test_clearing_a_required_field_on_update_is_142(api, value):
    await create_class(api, "Task", fields={"title": {"type": "String", "required": True}})
    _, created = await api.post("/classes/Task", {"title": "t"})
    status, body = await api.put(f"/classes/Task/{created['objectId']}", {"title": value})
    assert (status, body) == (400, {"code": 142, "error": "title is required"})
    _, task = await api.get(f"/classes/Task/{created['objectId']}")
    assert task["title"] == "t"


async def test_update_without_the_required_field_is_fine(api):
    await create_class(api, "Task", fields={"title": {"type": "String", "required": True}})
    _, created = await api.post("/classes/Task", {"title": "t"})
    status, _ = await api.put(f"/classes/Task/{created['objectId']}", {"other": 1})
    assert status == 200


@pytest.mark.parametrize("option, message", [
    ({"defaultValue": {"__type": "Relation", "className": "_User"}},
     "The 'default value' option is not applicable for Relation<_User>"),
    ({"required": True}, "The 'required' option is not applicable for Relation<_User>"),
])
async def test_relation_cannot_be_required_or_defaulted_111(api, option, message):
    status, body = await api.post("/schemas", {"className": "A", "fields": {
        "r": {"type": "Relation", "targetClass": "_User", **option}}}, master=True)
    assert (status, body) == (400, {"code": 111, "error": message})


async def test_default_value_of_the_wrong_type_is_111(api):
    status, body = await api.post("/schemas", {"className": "A", "fields": {
        "foo": {"type": "String", "defaultValue": 10}}}, master=True)
    assert (status, body) == (400, {"code": 111, "error":
                                    "schema mismatch for A.foo default value; expected String but got Number"})


# ----- PUT /schemas -----
async def test_put_adds_fields(api):
    await create_class(api, "A", fields={"s": {"type": "String"}})
    status, body = await put_schema(api, "A", {"fields": {"n": {"type": "Number"}}})
    assert status == 200
    assert body["fields"] == {**DEFAULT_FIELDS, "s": {"type": "String"}, "n": {"type": "Number"}}


async def test_put_same_type_on_an_existing_field_is_fine(api):
    await create_class(api, "A", fields={"s": {"type": "String"}})
    status, _ = await put_schema(api, "A", {"fields": {"s": {"type": "String"}}})
    assert status == 200


async def test_put_changing_an_existing_field_is_255(api):
    await create_class(api, "A", fields={"aString": {"type": "String"}})
    status, body = await put_schema(api, "A", {"fields": {"aString": {"type": "Number"}}})
    assert (status, body) == (400, {"code": 255, "error": "Field aString exists, cannot update."})


async def test_put_deleting_a_missing_field_is_255(api):
    await create_class(api, "A")
    status, body = await put_schema(api, "A", {"fields": {"nonExistentKey": {"__op": "Delete"}}})
    assert (status, body) == (400, {"code": 255, "error": "Field nonExistentKey does not exist, cannot delete."})


async def test_put_deleting_a_default_field_is_136(api):
    await create_class(api, "A")
    status, body = await put_schema(api, "A", {"fields": {"createdAt": {"__op": "Delete"}}})
    assert (status, body) == (400, {"code": 136, "error": "field createdAt cannot be changed"})


async def test_put_delete_removes_the_field_and_its_data(api):
    _, created = await api.post("/classes/A", {"gone": 1, "kept": 2})
    status, body = await put_schema(api, "A", {"fields": {"gone": {"__op": "Delete"}}})
    assert status == 200 and "gone" not in body["fields"]
    _, obj = await api.get(f"/classes/A/{created['objectId']}")
    assert "gone" not in obj and obj["kept"] == 2


async def test_put_delete_relation_field_drops_its_rows(api):
    _, target = await api.post("/classes/T", {"x": 1})
    pointer = {"__type": "Pointer", "className": "T", "objectId": target["objectId"]}
    _, owner = await api.post("/classes/A", {"rel": {"__op": "AddRelation", "objects": [pointer]}})
    await put_schema(api, "A", {"fields": {"rel": {"__op": "Delete"}}})
    await put_schema(api, "A", {"fields": {"rel": {"type": "Relation", "targetClass": "T"}}})
    where = {"$relatedTo": {"object": {"__type": "Pointer", "className": "A", "objectId": owner["objectId"]},
                            "key": "rel"}}
    status, body = await api.get("/classes/T", params={"where": where})
    assert (status, body) == (200, {"results": []})


async def test_put_on_a_missing_class_is_103(api):
    status, body = await put_schema(api, "NoClass", {"fields": {"s": {"type": "String"}}})
    assert (status, body) == (400, {"code": 103, "error": "Class NoClass does not exist."})


async def test_put_class_name_mismatch_is_103(api):
    await create_class(api, "NewClass")
    status, body = await put_schema(api, "NewClass", {"className": "WrongClassName"})
    assert (status, body) == (400, {"code": 103, "error": "Class name mismatch between WrongClassName and NewClass."})


async def test_put_a_second_geopoint_is_111(api):
    await api.post("/classes/A", {"aGeoPoint": {"__type": "GeoPoint", "latitude": 0, "longitude": 0}})
    status, body = await put_schema(api, "A", {"fields": {"newGeo": {"type": "GeoPoint"}}})
    assert (status, body) == (400, {"code": 111, "error": "currently, only one GeoPoint field may exist in an object. "
                                    "Adding newGeo when aGeoPoint already exists."})


# ----- indexes -----
async def test_put_adds_an_index(api):
    await create_class(api, "A", fields={"aString": {"type": "String"}})
    status, body = await put_schema(api, "A", {"indexes": {"name1": {"aString": 1}}})
    assert status == 200
    assert body["indexes"] == {"_id_": {"_id": 1}, "name1": {"aString": 1}}
    assert (await get_schema(api, "A"))["indexes"] == {"_id_": {"_id": 1}, "name1": {"aString": 1}}


async def test_create_class_with_an_index(api):
    created = await create_class(api, "A", fields={"aString": {"type": "String"}},
                                 indexes={"name1": {"aString": 1}})
    assert created["indexes"] == {"_id_": {"_id": 1}, "name1": {"aString": 1}}


async def test_adding_an_index_twice_is_102(api):
    await create_class(api, "A", fields={"aString": {"type": "String"}}, indexes={"name1": {"aString": 1}})
    status, body = await put_schema(api, "A", {"indexes": {"name1": {"aString": 1}}})
    assert (status, body) == (400, {"code": 102, "error": "Index name1 exists, cannot update."})


async def test_index_on_an_unknown_field_is_102(api):
    await create_class(api, "A")
    status, body = await put_schema(api, "A", {"indexes": {"name1": {"nope": 1}}})
    assert (status, body) == (400, {"code": 102, "error": "Field nope does not exist, cannot add index."})


async def test_delete_an_index(api):
    await create_class(api, "A", fields={"aString": {"type": "String"}}, indexes={"name1": {"aString": 1}})
    status, body = await put_schema(api, "A", {"indexes": {"name1": {"__op": "Delete"}}})
    assert status == 200
    assert body.get("indexes", {"_id_": {"_id": 1}}) == {"_id_": {"_id": 1}}


async def test_deleting_a_missing_index_is_102(api):
    await create_class(api, "A")
    status, body = await put_schema(api, "A", {"indexes": {"nope": {"__op": "Delete"}}})
    assert (status, body) == (400, {"code": 102, "error": "Index nope does not exist, cannot delete."})


# ----- class-level permissions -----
async def test_clp_is_stored_with_missing_operations_denied(api):
    await create_class(api, "A")
    status, body = await put_schema(api, "A", {"classLevelPermissions": {"find": {"*": True}}})
    assert status == 200
    assert (await get_schema(api, "A"))["classLevelPermissions"] == {
        "find": {"*": True}, "count": {}, "get": {}, "create": {}, "update": {}, "delete": {}, "addField": {},
        "protectedFields": {}}


@pytest.mark.parametrize("clp, message", [
    ({"find": {"*": True}, "dummy": {"some": True}}, "dummy is not a valid operation for class level permissions"),
    ({"find": {" *": True}}, "' *' is not a valid key for class level permissions"),
    ({"find": {"12345_6789": True}}, "'12345_6789' is not a valid key for class level permissions"),
    ({"find": {"*": 1}}, "'1' is not a valid value for class level permissions find:*:1"),
    ({"find": {"*": ""}}, "'' is not a valid value for class level permissions find:*:"),
    ({"find": True}, "'true' is not a valid value for class level permissions find - must be an object"),
    ({"readUserFields": "owner"},
     "'owner' is not a valid value for class level permissions readUserFields - must be an array"),
    ({"readUserFields": ["nope"]}, "'nope' is not a valid column for class level pointer permissions readUserFields"),
    ({"protectedFields": {"*": ["nope"]}}, "Field 'nope' in protectedFields:* does not exist"),
    ({"protectedFields": {"*": ["objectId"]}}, "Default field 'objectId' can not be protected"),
])
async def test_invalid_clp_is_107(api, clp, message):
    await create_class(api, "A")
    status, body = await put_schema(api, "A", {"classLevelPermissions": clp})
    assert (status, body) == (400, {"code": 107, "error": message})
    assert (await get_schema(api, "A"))["classLevelPermissions"] == DEFAULT_CLP


async def test_invalid_clp_on_create_is_107_and_creates_nothing(api):
    status, body = await api.post("/schemas", {"className": "A", "classLevelPermissions": {"find": {"*": 1}}},
                                  master=True)
    assert (status, body) == (400, {"code": 107, "error":
                                    "'1' is not a valid value for class level permissions find:*:1"})
    status, _ = await api.get("/schemas/A", master=True)
    assert status == 400


# ----- DELETE /schemas -----
async def test_delete_an_empty_class(api):
    await create_class(api, "A")
    status, body = await api.delete("/schemas/A", master=True)
    assert (status, body) == (200, {})
    status, body = await api.get("/schemas/A", master=True)
    assert (status, body) == (400, {"code": 103, "error": "Class A does not exist."})


async def test_delete_a_non_empty_class_is_255(api):
    await api.post("/classes/HasAllPOD", {"x": 1})
    status, body = await api.delete("/schemas/HasAllPOD", master=True)
    assert (status, body) == (400, {"code": 255, "error":
                                    "Class HasAllPOD is not empty, contains 1 objects, cannot drop schema."})


async def test_delete_a_class_with_an_invalid_name_is_103(api):
    status, body = await api.delete("/schemas/_GlobalConfig", master=True)
    assert (status, body) == (400, {"code": 103, "error": "Invalid classname: _GlobalConfig, classnames can only "
                                    "have alphanumeric characters and _, and must start with an alpha character "})


async def test_delete_a_missing_class_is_fine(api):
    status, body = await api.delete("/schemas/Nope", master=True)
    assert (status, body) == (200, {})


async def test_purged_class_can_be_deleted(api):
    await api.post("/classes/A", {"x": 1})
    assert await api.delete("/purge/A", master=True) == (200, {})
    assert await api.delete("/schemas/A", master=True) == (200, {})


async def test_put_null_class_level_permissions_resets_to_public(api):
    await api.post("/schemas/Locked", {"classLevelPermissions": {"find": {"role:admin": True}}}, master=True)
    status, body = await api.put("/schemas/Locked", {"classLevelPermissions": None}, master=True)
    assert status == 200
    assert body["classLevelPermissions"]["find"] == {"*": True}
    status, found = await api.get("/classes/Locked")
    assert (status, found) == (200, {"results": []})
