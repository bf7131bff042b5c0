"""ACLs: read and write enforcement for "*", user ids and roles on every read and write path."""

from __future__ import annotations

from tests.support.users import make_role, pointer, sign_up

NOT_FOUND = {"code": 101, "error": "Object not found."}


async def two_users(api):
    return await sign_up(api, "ann"), await sign_up(api, "bob")


def owner_only(user: dict) -> dict:
    return {user["objectId"]: {"read": True, "write": True}}


async def create(api, body: dict, session: str | None = None, cls: str = "Note") -> str:
    status, created = await api.post(f"/classes/{cls}", body, session=session, master=session is None)
    assert status == 201, created
    return created["objectId"]


async def test_an_object_without_acl_is_public(api):
    ann, bob = await two_users(api)
    note = await create(api, {"t": "x"})
    assert (await api.get(f"/classes/Note/{note}", session=bob["sessionToken"]))[0] == 200
    assert (await api.put(f"/classes/Note/{note}", {"t": "y"}))[0] == 200


async def test_an_empty_acl_is_master_only(api):
    ann, _ = await two_users(api)
    note = await create(api, {"ACL": {}})
    assert await api.get(f"/classes/Note/{note}", session=ann["sessionToken"]) == (404, NOT_FOUND)
    assert (await api.get(f"/classes/Note/{note}", master=True))[0] == 200


async def test_get_of_an_unreadable_object_is_101(api):
    ann, bob = await two_users(api)
    note = await create(api, {"ACL": owner_only(ann)})
    assert await api.get(f"/classes/Note/{note}", session=bob["sessionToken"]) == (404, NOT_FOUND)
    assert await api.get(f"/classes/Note/{note}") == (404, NOT_FOUND)
    assert (await api.get(f"/classes/Note/{note}", session=ann["sessionToken"]))[0] == 200


async def test_find_leaves_out_unreadable_objects(api):
    ann, bob = await two_users(api)
    await create(api, {"n": 1, "ACL": owner_only(ann)})
    await create(api, {"n": 2, "ACL": {"*": {"read": True}}})
    await create(api, {"n": 3, "ACL": owner_only(bob)})
    _, body = await api.get("/classes/Note", session=ann["sessionToken"], params={"order": "n"})
    assert [o["n"] for o in body["results"]] == [1, 2]


async def test_count_limit_and_skip_apply_after_the_acl(api):
    ann, bob = await two_users(api)
    for n in range(6):
        await create(api, {"n": n, "ACL": owner_only(ann if n % 2 else bob)})
    _, body = await api.get("/classes/Note", session=ann["sessionToken"],
                            params={"order": "n", "limit": 2, "skip": 1, "count": 1})
    assert [o["n"] for o in body["results"]] == [3, 5]
    assert body["count"] == 3


async def test_read_only_acl_denies_update_and_delete_as_not_found(api):
    ann, bob = await two_users(api)
    note = await create(api, {"ACL": {"*": {"read": True}, **owner_only(ann)}})
    assert await api.put(f"/classes/Note/{note}", {"t": 1}, session=bob["sessionToken"]) == (404, NOT_FOUND)
    assert await api.delete(f"/classes/Note/{note}", session=bob["sessionToken"]) == (404, NOT_FOUND)
    assert (await api.put(f"/classes/Note/{note}", {"t": 1}, session=ann["sessionToken"]))[0] == 200
    assert (await api.delete(f"/classes/Note/{note}", session=ann["sessionToken"]))[0] == 200


async def test_write_only_acl_allows_update_without_read(api):
    ann, _ = await two_users(api)
    note = await create(api, {"ACL": {ann["objectId"]: {"write": True}}})
    assert (await api.put(f"/classes/Note/{note}", {"t": 1}, session=ann["sessionToken"]))[0] == 200
    assert await api.get(f"/classes/Note/{note}", session=ann["sessionToken"]) == (404, NOT_FOUND)


async def test_public_write_lets_anyone_update(api):
    _, bob = await two_users(api)
    note = await create(api, {"ACL": {"*": {"read": True, "write": True}}})
    assert (await api.put(f"/classes/Note/{note}", {"t": 1}, session=bob["sessionToken"]))[0] == 200


async def test_role_acl_is_honoured_for_reads_and_writes(api):
    ann, bob = await two_users(api)
    await make_role(api, "Staff", users=[ann["objectId"]])
    note = await create(api, {"ACL": {"role:Staff": {"read": True, "write": True}}})
    assert (await api.put(f"/classes/Note/{note}", {"t": 1}, session=ann["sessionToken"]))[0] == 200
    assert await api.put(f"/classes/Note/{note}", {"t": 1}, session=bob["sessionToken"]) == (404, NOT_FOUND)


async def test_an_included_unreadable_pointer_is_left_out(api):
    ann, bob = await two_users(api)
    hidden = await create(api, {"secret": "s", "ACL": owner_only(ann)}, cls="Secret")
    note = await create(api, {"ref": pointer("Secret", hidden), "ACL": {"*": {"read": True}}})
    _, body = await api.get(f"/classes/Note/{note}", session=bob["sessionToken"], params={"include": "ref"})
    assert "ref" not in body
    _, body = await api.get(f"/classes/Note/{note}", session=ann["sessionToken"], params={"include": "ref"})
    assert body["ref"]["secret"] == "s"


async def test_in_query_only_sees_readable_objects(api):
    ann, bob = await two_users(api)
    hidden = await create(api, {"flag": True, "ACL": owner_only(ann)}, cls="Secret")
    await create(api, {"ref": pointer("Secret", hidden)})
    where = {"ref": {"$inQuery": {"className": "Secret", "where": {"flag": True}}}}
    _, body = await api.get("/classes/Note", session=bob["sessionToken"], params={"where": where})
    assert body == {"results": []}
    _, body = await api.get("/classes/Note", session=ann["sessionToken"], params={"where": where})
    assert len(body["results"]) == 1


async def test_select_only_sees_readable_objects(api):
    ann, bob = await two_users(api)
    await create(api, {"code": "k1", "ACL": owner_only(ann)}, cls="Secret")
    await create(api, {"code": "k1"})
    where = {"code": {"$select": {"query": {"className": "Secret", "where": {}}, "key": "code"}}}
    _, body = await api.get("/classes/Note", session=bob["sessionToken"], params={"where": where})
    assert body == {"results": []}


async def test_relation_queries_respect_the_acl(api):
    ann, bob = await two_users(api)
    hidden = await create(api, {"ACL": owner_only(ann)}, cls="Item")
    shown = await create(api, {"ACL": {"*": {"read": True}}}, cls="Item")
    box = await create(api, {"items": {"__op": "AddRelation", "objects": [pointer("Item", hidden),
                                                                          pointer("Item", shown)]}}, cls="Box")
    where = {"$relatedTo": {"object": pointer("Box", box), "key": "items"}}
    _, body = await api.get("/classes/Item", session=bob["sessionToken"], params={"where": where})
    assert [o["objectId"] for o in body["results"]] == [shown]


async def test_batch_updates_are_checked_one_by_one(api):
    ann, bob = await two_users(api)
    mine = await create(api, {"ACL": owner_only(bob)})
    theirs = await create(api, {"ACL": owner_only(ann)})
    status, body = await api.post("/batch", {"requests": [
        {"method": "PUT", "path": f"/1/classes/Note/{mine}", "body": {"t": 1}},
        {"method": "PUT", "path": f"/1/classes/Note/{theirs}", "body": {"t": 1}},
    ]}, session=bob["sessionToken"])
    assert status == 200
    assert "success" in body[0]
    assert body[1] == {"error": NOT_FOUND}


async def test_an_acl_with_an_unresolved_user_is_123(api):
    status, body = await api.post("/classes/Note", {"ACL": {"*unresolved": {"read": True}}})
    assert (status, body) == (400, {"code": 123, "error": "Invalid ACL."})


async def test_querying_on_the_acl_is_102(api):
    status, body = await api.get("/classes/Note", params={"where": {"ACL": {"*": {"read": True}}}})
    assert (status, body) == (400, {"code": 102, "error": "Cannot query on ACL."})


async def test_a_client_supplied_rperm_cannot_widen_what_it_reads(api):
    ann, bob = await two_users(api)
    await create(api, {"ACL": owner_only(ann)})
    where = {"_rperm": {"$in": [ann["objectId"]]}}
    _, body = await api.get("/classes/Note", session=bob["sessionToken"], params={"where": where})
    assert body == {"results": []}
