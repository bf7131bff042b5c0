"""Class-level permissions, pointer permissions, protectedFields and the special keys."""

from __future__ import annotations

from typing import Any

from tests.support.users import make_role, pointer, sign_up

NOT_FOUND = {"code": 101, "error": "Object not found."}


def denied(action: str, cls: str = "Doc") -> dict[str, Any]:
    return {"code": 119, "error": f"Permission denied for action {action} on class {cls}."}


async def set_clp(api, clp: dict[str, Any], cls: str = "Doc", fields: dict[str, Any] | None = None) -> None:
    status, _ = await api.get(f"/schemas/{cls}", master=True)
    method = "PUT" if status == 200 else "POST"
    body: dict[str, Any] = {"className": cls, "classLevelPermissions": clp}
    if fields:
        body["fields"] = fields
    status, result = await api.request(method, f"/schemas/{cls}", json=body, master=True)
    assert status == 200, result


async def doc(api, **fields: Any) -> str:
    status, created = await api.post("/classes/Doc", fields, master=True)
    assert status == 201, created
    return created["objectId"]


# ----- operations -----

async def test_find_denied_by_clp_is_119(api):
    await set_clp(api, {"find": {}, "get": {"*": True}})
    status, body = await api.get("/classes/Doc")
    assert (status, body) == (400, denied("find"))


async def test_get_follows_its_own_permission(api):
    await set_clp(api, {"find": {}, "get": {"*": True}})
    object_id = await doc(api, t=1)
    status, body = await api.get(f"/classes/Doc/{object_id}")
    assert (status, body["t"]) == (200, 1)


async def test_create_denied_by_clp_is_119(api):
    await set_clp(api, {"create": {}})
    status, body = await api.post("/classes/Doc", {"t": 1})
    assert (status, body) == (400, denied("create"))


async def test_update_and_delete_denied_by_clp_are_119(api):
    await set_clp(api, {"get": {"*": True}, "update": {}, "delete": {}})
    object_id = await doc(api)
    assert await api.put(f"/classes/Doc/{object_id}", {"t": 2}) == (400, denied("update"))
    assert await api.delete(f"/classes/Doc/{object_id}") == (400, denied("delete"))


async def test_count_needs_the_count_permission(api):
    await set_clp(api, {"find": {"*": True}, "count": {}})
    await doc(api)
    status, body = await api.get("/classes/Doc", params={"count": 1, "limit": 0})
    assert (status, body) == (400, denied("count"))
    _, body = await api.get("/classes/Doc")
    assert len(body["results"]) == 1


async def test_add_field_denied_by_clp_is_119(api):
    await set_clp(api, {"create": {"*": True}, "addField": {}}, fields={"t": {"type": "Number"}})
    assert (await api.post("/classes/Doc", {"t": 1}))[0] == 201
    status, body = await api.post("/classes/Doc", {"t": 1, "other": "x"})
    assert (status, body) == (400, denied("addField"))


async def test_requires_authentication_refuses_anonymous_requests(api):
    await set_clp(api, {"find": {"requiresAuthentication": True}})
    status, body = await api.get("/classes/Doc")
    assert (status, body) == (404, {"code": 101, "error": "Permission denied, user needs to be authenticated."})
    ann = await sign_up(api, "ann")
    assert (await api.get("/classes/Doc", session=ann["sessionToken"]))[0] == 200


async def test_a_user_id_entry_grants_that_user_only(api):
    ann = await sign_up(api, "ann")
    bob = await sign_up(api, "bob")
    await set_clp(api, {"find": {ann["objectId"]: True}})
    assert (await api.get("/classes/Doc", session=ann["sessionToken"]))[0] == 200
    assert await api.get("/classes/Doc", session=bob["sessionToken"]) == (400, denied("find"))


async def test_a_role_entry_grants_the_roles_members(api):
    ann = await sign_up(api, "ann")
    bob = await sign_up(api, "bob")
    await make_role(api, "Staff", users=[ann["objectId"]])
    await set_clp(api, {"create": {"role:Staff": True}}, fields={"t": {"type": "Number"}})
    assert (await api.post("/classes/Doc", {"t": 1}, session=ann["sessionToken"]))[0] == 201
    assert await api.post("/classes/Doc", {"t": 1}, session=bob["sessionToken"]) == (400, denied("create"))


# ----- pointer permissions -----

async def owned_docs(api):
    ann = await sign_up(api, "ann")
    bob = await sign_up(api, "bob")
    await set_clp(api, {}, fields={"owner": {"type": "Pointer", "targetClass": "_User"}})
    mine = await doc(api, owner=pointer("_User", ann["objectId"]), n=1)
    theirs = await doc(api, owner=pointer("_User", bob["objectId"]), n=2)
    return ann, bob, mine, theirs


async def test_read_user_fields_limit_finds_to_ones_own_objects(api):
    ann, _, mine, _ = await owned_docs(api)
    await set_clp(api, {"find": {}, "get": {}, "readUserFields": ["owner"]})
    _, body = await api.get("/classes/Doc", session=ann["sessionToken"])
    assert [o["objectId"] for o in body["results"]] == [mine]


async def test_read_user_fields_make_others_objects_not_found(api):
    ann, _, _, theirs = await owned_docs(api)
    await set_clp(api, {"find": {}, "get": {}, "readUserFields": ["owner"]})
    assert await api.get(f"/classes/Doc/{theirs}", session=ann["sessionToken"]) == (404, NOT_FOUND)


async def test_read_user_fields_give_anonymous_an_empty_find(api):
    await owned_docs(api)
    await set_clp(api, {"find": {}, "readUserFields": ["owner"]})
    assert await api.get("/classes/Doc") == (200, {"results": []})


async def test_write_user_fields_protect_others_objects(api):
    ann, _, mine, theirs = await owned_docs(api)
    await set_clp(api, {"get": {"*": True}, "update": {}, "delete": {}, "writeUserFields": ["owner"]})
    assert (await api.put(f"/classes/Doc/{mine}", {"n": 5}, session=ann["sessionToken"]))[0] == 200
    assert await api.put(f"/classes/Doc/{theirs}", {"n": 5}, session=ann["sessionToken"]) == (404, NOT_FOUND)
    assert await api.delete(f"/classes/Doc/{theirs}", session=ann["sessionToken"]) == (404, NOT_FOUND)


async def test_pointer_fields_of_an_operation(api):
    ann, _, mine, _ = await owned_docs(api)
    await set_clp(api, {"find": {"pointerFields": ["owner"]}})
    _, body = await api.get("/classes/Doc", session=ann["sessionToken"])
    assert [o["objectId"] for o in body["results"]] == [mine]


async def test_count_pointer_fields_count_only_ones_own(api):
    ann, *_ = await owned_docs(api)
    await set_clp(api, {"count": {"pointerFields": ["owner"]}})
    assert await api.get("/classes/Doc", session=ann["sessionToken"], params={"count": 1, "limit": 0}) == (
        200, {"results": [], "count": 1})


async def test_add_field_through_pointer_fields_limits_updates(api):
    ann, _, mine, theirs = await owned_docs(api)
    await set_clp(api, {"get": {"*": True}, "update": {"*": True}, "addField": {"pointerFields": ["owner"]}})
    assert (await api.put(f"/classes/Doc/{mine}", {"extra": 1}, session=ann["sessionToken"]))[0] == 200
    assert await api.put(f"/classes/Doc/{theirs}", {"extra2": 1}, session=ann["sessionToken"]) == (404, NOT_FOUND)


# ----- protected fields -----

async def test_protected_fields_are_hidden_from_everyone_but_master(api):
    await set_clp(api, {"get": {"*": True}, "find": {"*": True}, "protectedFields": {"*": ["secret"]}},
                  fields={"secret": {"type": "String"}})
    object_id = await doc(api, secret="s", open="o")
    _, body = await api.get(f"/classes/Doc/{object_id}")
    assert "secret" not in body and body["open"] == "o"
    _, body = await api.get(f"/classes/Doc/{object_id}", master=True)
    assert body["secret"] == "s"


async def test_querying_a_protected_field_is_119(api):
    await set_clp(api, {"find": {"*": True}, "protectedFields": {"*": ["secret"]}},
                  fields={"secret": {"type": "String"}})
    status, body = await api.get("/classes/Doc", params={"where": {"secret": "s"}})
    assert (status, body) == (400, {"code": 119, "error": "This user is not allowed to query secret on class Doc"})


async def test_protected_fields_apply_the_intersection_of_the_sets(api):
    ann = await sign_up(api, "ann")
    await set_clp(api, {"get": {"*": True}, "protectedFields": {"*": ["a", "b"], "authenticated": ["b"]}},
                  fields={"a": {"type": "String"}, "b": {"type": "String"}})
    object_id = await doc(api, a="1", b="2")
    _, body = await api.get(f"/classes/Doc/{object_id}", session=ann["sessionToken"])
    assert body["a"] == "1" and "b" not in body
    _, body = await api.get(f"/classes/Doc/{object_id}")
    assert "a" not in body and "b" not in body


async def test_a_user_field_entry_shows_the_pointed_user_more(api):
    ann = await sign_up(api, "ann")
    bob = await sign_up(api, "bob")
    await set_clp(api, {"get": {"*": True}, "protectedFields": {"*": ["secret"], "userField:owner": []}},
                  fields={"secret": {"type": "String"}, "owner": {"type": "Pointer", "targetClass": "_User"}})
    object_id = await doc(api, secret="s", owner=pointer("_User", ann["objectId"]))
    _, body = await api.get(f"/classes/Doc/{object_id}", session=ann["sessionToken"])
    assert body["secret"] == "s"
    _, body = await api.get(f"/classes/Doc/{object_id}", session=bob["sessionToken"])
    assert "secret" not in body


async def test_user_email_is_protected_by_default_except_for_oneself(api):
    ann = await sign_up(api, "ann", email="a@x.io", ACL={"*": {"read": True}})
    bob = await sign_up(api, "bob")
    _, body = await api.get(f"/users/{ann['objectId']}", session=bob["sessionToken"])
    assert "email" not in body
    _, body = await api.get(f"/users/{ann['objectId']}", session=ann["sessionToken"])
    assert body["email"] == "a@x.io"
    status, body = await api.get("/users", session=bob["sessionToken"], params={"where": {"email": "a@x.io"}})
    assert (status, body) == (400, {"code": 119, "error": "This user is not allowed to query email on class _User"})


# ----- special keys -----

async def test_the_read_only_master_key_reads_but_never_writes(api):
    api.server.config.readOnlyMasterKey = "ro"
    await set_clp(api, {"find": {}, "create": {}})
    object_id = await doc(api, t=1)
    headers = {**api.headers(), "X-Parse-Master-Key": "ro"}
    status, body = await api.request("GET", "/classes/Doc", headers=headers)
    assert (status, len(body["results"])) == (200, 1)
    status, body = await api.request("POST", "/classes/Doc", json={"t": 2}, headers=headers)
    assert (status, body) == (400, {"code": 119,
                                    "error": "read-only masterKey isn't allowed to perform the create operation."})
    status, body = await api.request("PUT", f"/classes/Doc/{object_id}", json={"t": 2}, headers=headers)
    assert (status, body["code"]) == (400, 119)


async def test_the_maintenance_key_bypasses_acl_and_clp(api):
    api.server.config.maintenanceKey = "maint"
    await set_clp(api, {"find": {}})
    await doc(api, t=1, ACL={})
    headers = {**api.headers(), "X-Parse-Maintenance-Key": "maint"}
    status, body = await api.request("GET", "/classes/Doc", headers=headers)
    assert (status, len(body["results"])) == (200, 1)


async def test_a_wrong_master_key_is_not_master(api):
    await set_clp(api, {"find": {}})
    headers = {**api.headers(), "X-Parse-Master-Key": "wrong"}
    status, body = await api.request("GET", "/classes/Doc", headers=headers)
    assert (status, body) == (400, denied("find"))


async def test_the_master_key_is_refused_from_outside_master_key_ips(api):
    api.server.config.masterKeyIps = ["10.0.0.1"]
    status, body = await api.get("/classes/Doc", master=True)
    assert (status, body) == (403, {"error": "unauthorized"})


async def test_a_wrong_client_key_is_403(api):
    headers = {**api.headers(), "X-Parse-REST-API-Key": "nope"}
    status, body = await api.request("GET", "/classes/Doc", headers=headers)
    assert (status, body) == (403, {"error": "unauthorized"})


async def test_client_class_creation_can_be_switched_off(api):
    api.server.config.allowClientClassCreation = False
    status, body = await api.post("/classes/Brand", {"t": 1})
    assert (status, body) == (400, {"code": 119, "error": "This user is not allowed to access non-existent class: Brand"})
