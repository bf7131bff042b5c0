"""Roles: name rules, membership through `users` and `roles`, hierarchy, and cache invalidation."""

from __future__ import annotations

from tests.support.users import make_role, pointer, sign_up

NOT_FOUND = {"code": 101, "error": "Object not found."}


async def secret_for(api, role: str) -> str:
    """An object only `role:<role>` may read and write; its id."""
    _, created = await api.post("/classes/Secret", {"v": 1, "ACL": {f"role:{role}": {"read": True, "write": True}}},
                                master=True)
    return created["objectId"]


async def test_a_role_needs_a_name(api):
    status, body = await api.post("/roles", {"ACL": {}}, master=True)
    assert (status, body) == (400, {"code": 111, "error": "name is required."})


async def test_a_role_needs_an_acl(api):
    status, body = await api.post("/roles", {"name": "Admin"}, master=True)
    assert (status, body) == (400, {"code": 111, "error": "ACL is required."})


async def test_an_empty_acl_counts_as_an_acl(api):
    status, _ = await api.post("/roles", {"name": "Admin", "ACL": {}}, master=True)
    assert status == 201


async def test_role_names_are_unique(api):
    await make_role(api, "Admin")
    status, body = await api.post("/roles", {"name": "Admin", "ACL": {}}, master=True)
    assert (status, body) == (400, {"code": 137, "error": "A duplicate value for a field with unique values was provided"})


async def test_a_role_name_cannot_be_removed(api):
    role = await make_role(api, "Admin")
    status, body = await api.put(f"/roles/{role}", {"name": {"__op": "Delete"}}, master=True)
    assert (status, body) == (400, {"code": 111, "error": "name is required."})


async def test_a_member_reads_objects_shared_with_the_role(api):
    ann = await sign_up(api, "ann")
    await make_role(api, "Staff", users=[ann["objectId"]])
    secret = await secret_for(api, "Staff")
    status, body = await api.get(f"/classes/Secret/{secret}", session=ann["sessionToken"])
    assert (status, body["v"]) == (200, 1)


async def test_a_non_member_does_not(api):
    await make_role(api, "Staff")
    bob = await sign_up(api, "bob")
    secret = await secret_for(api, "Staff")
    status, body = await api.get(f"/classes/Secret/{secret}", session=bob["sessionToken"])
    assert (status, body) == (404, NOT_FOUND)
    _, found = await api.get("/classes/Secret", session=bob["sessionToken"])
    assert found == {"results": []}


async def test_roles_are_inherited_up_the_hierarchy(api):
    ann = await sign_up(api, "ann")
    child = await make_role(api, "Moderator", users=[ann["objectId"]])
    parent = await make_role(api, "Editor", roles=[child])
    await make_role(api, "Admin", roles=[parent])
    secret = await secret_for(api, "Admin")
    status, _ = await api.put(f"/classes/Secret/{secret}", {"v": 2}, session=ann["sessionToken"])
    assert status == 200


async def test_a_role_does_not_inherit_downwards(api):
    ann = await sign_up(api, "ann")
    moderator = await make_role(api, "Moderator")
    await make_role(api, "Admin", users=[ann["objectId"]], roles=[moderator])  # moderators hold Admin
    secret = await secret_for(api, "Moderator")
    status, _ = await api.get(f"/classes/Secret/{secret}", session=ann["sessionToken"])
    assert status == 404


async def test_a_cycle_in_the_hierarchy_is_cut(api):
    ann = await sign_up(api, "ann")
    a = await make_role(api, "A", users=[ann["objectId"]])
    b = await make_role(api, "B", roles=[a])
    await api.put(f"/roles/{a}", {"roles": {"__op": "AddRelation", "objects": [pointer("_Role", b)]}}, master=True)
    for name in ("A", "B"):
        secret = await secret_for(api, name)
        status, _ = await api.get(f"/classes/Secret/{secret}", session=ann["sessionToken"])
        assert status == 200, name


async def test_removing_a_member_takes_effect_at_once(api):
    ann = await sign_up(api, "ann")
    role = await make_role(api, "Staff", users=[ann["objectId"]])
    secret = await secret_for(api, "Staff")
    assert (await api.get(f"/classes/Secret/{secret}", session=ann["sessionToken"]))[0] == 200
    await api.put(f"/roles/{role}", {"users": {"__op": "RemoveRelation",
                                              "objects": [pointer("_User", ann["objectId"])]}}, master=True)
    status, body = await api.get(f"/classes/Secret/{secret}", session=ann["sessionToken"])
    assert (status, body) == (404, NOT_FOUND)


async def test_adding_a_member_takes_effect_at_once(api):
    ann = await sign_up(api, "ann")
    role = await make_role(api, "Staff")
    secret = await secret_for(api, "Staff")
    assert (await api.get(f"/classes/Secret/{secret}", session=ann["sessionToken"]))[0] == 404
    await api.put(f"/roles/{role}", {"users": {"__op": "AddRelation",
                                              "objects": [pointer("_User", ann["objectId"])]}}, master=True)
    assert (await api.get(f"/classes/Secret/{secret}", session=ann["sessionToken"]))[0] == 200


async def test_deleting_a_role_takes_effect_at_once(api):
    ann = await sign_up(api, "ann")
    role = await make_role(api, "Staff", users=[ann["objectId"]])
    secret = await secret_for(api, "Staff")
    assert (await api.get(f"/classes/Secret/{secret}", session=ann["sessionToken"]))[0] == 200
    await api.delete(f"/roles/{role}", master=True)
    assert (await api.get(f"/classes/Secret/{secret}", session=ann["sessionToken"]))[0] == 404


async def test_roles_can_be_queried_by_member(api):
    ann = await sign_up(api, "ann")
    await make_role(api, "Staff", users=[ann["objectId"]])
    await make_role(api, "Other")
    _, body = await api.get("/roles", params={"where": {"users": pointer("_User", ann["objectId"])}})
    assert [r["name"] for r in body["results"]] == ["Staff"]


async def test_a_role_with_an_empty_acl_is_hidden_from_clients(api):
    await make_role(api, "Hidden", acl={})
    _, body = await api.get("/roles")
    assert body == {"results": []}


async def test_a_client_cannot_add_itself_to_a_role_it_cannot_write(api):
    ann = await sign_up(api, "ann")
    role = await make_role(api, "Admin", acl={"*": {"read": True}})
    status, body = await api.put(f"/roles/{role}", {"users": {"__op": "AddRelation",
                                                              "objects": [pointer("_User", ann["objectId"])]}},
                                 session=ann["sessionToken"])
    assert (status, body) == (404, NOT_FOUND)
    _, members = await api.get("/users", master=True, params={
        "where": {"$relatedTo": {"object": pointer("_Role", role), "key": "users"}}})
    assert members == {"results": []}
