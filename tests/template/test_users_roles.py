"""_User.role and _Role membership stay in step; only managers (or the master key) hand out roles."""

from __future__ import annotations

from tests.template.conftest import pointer

ROLES_REQUIRED = {"code": 142, "error": "Validation failed. User does not match the required roles."}
ONLY_MANAGERS = {"code": 119, "error": "Only a manager can change a user's role (cloud function setUserRole)"}


async def role_id(api, name: str) -> str:
    _, body = await api.get("/roles", params={"where": {"name": name}}, master=True)
    return body["results"][0]["objectId"]


async def test_a_user_created_with_a_role_is_a_member_of_that_role(crew):
    assert await crew.roles_of(crew.ann.user_id) == ["technician"]
    assert await crew.roles_of(crew.dora.user_id) == ["dispatcher"]


async def test_template_roles_are_public_to_read_and_closed_to_write(crew, api):
    status, body = await api.get("/roles", params={"where": {"name": "manager"}})
    assert (status, body["results"][0]["ACL"]) == (200, {"*": {"read": True}})


async def test_users_cannot_give_themselves_a_role(crew, api):
    status, body = await crew.put("ann", "_User", crew.ann.user_id, {"role": "manager"})
    assert (status, body) == (400, ONLY_MANAGERS)
    assert await crew.roles_of(crew.ann.user_id) == ["technician"]


async def test_sign_up_cannot_choose_a_role(api):
    status, body = await api.post("/users", {"username": "eve", "password": "pw", "role": "dispatcher"})
    assert (status, body) == (400, ONLY_MANAGERS)


async def test_sign_up_without_a_role_works_and_grants_nothing(api, crew):
    status, eve = await api.post("/users", {"username": "eve", "password": "pw"})
    assert status == 201
    status, body = await api.get("/classes/Job", session=eve["sessionToken"])
    assert (status, body["code"]) == (400, 119)


async def test_a_role_must_be_one_of_the_templates(crew, api):
    status, body = await api.put(f"/users/{crew.ann.user_id}", {"role": "admin"}, master=True)
    assert (status, body) == (400, {"code": 142, "error": "role must be one of dispatcher, technician, manager"})


async def test_a_manager_moves_a_user_to_another_role(crew):
    status, body = await crew.run("max", "setUserRole", {"userId": crew.ann.user_id, "role": "dispatcher"})
    assert (status, body) == (200, {"result": {"userId": crew.ann.user_id, "role": "dispatcher"}})
    assert await crew.roles_of(crew.ann.user_id) == ["dispatcher"]
    assert (await crew.get("_User", crew.ann.user_id))["role"] == "dispatcher"


async def test_a_manager_takes_a_role_away(crew):
    await crew.run("max", "setUserRole", {"userId": crew.ann.user_id, "role": None})
    assert await crew.roles_of(crew.ann.user_id) == []
    assert "role" not in await crew.get("_User", crew.ann.user_id)


async def test_dispatchers_cannot_hand_out_roles(crew):
    status, body = await crew.run("dora", "setUserRole", {"userId": crew.ann.user_id, "role": "manager"})
    assert (status, body) == (400, ROLES_REQUIRED)


async def test_adding_a_user_to_a_role_sets_their_role_and_moves_them(crew, api):
    dispatchers = await role_id(api, "dispatcher")
    status, _ = await api.put(f"/roles/{dispatchers}", {"users": {
        "__op": "AddRelation", "objects": [pointer("_User", crew.ann.user_id)]}}, master=True)
    assert status == 200
    assert (await crew.get("_User", crew.ann.user_id))["role"] == "dispatcher"
    assert await crew.roles_of(crew.ann.user_id) == ["dispatcher"]


async def test_removing_a_user_from_their_role_unsets_it(crew, api):
    technicians = await role_id(api, "technician")
    await api.put(f"/roles/{technicians}", {"users": {
        "__op": "RemoveRelation", "objects": [pointer("_User", crew.ben.user_id)]}}, master=True)
    assert "role" not in await crew.get("_User", crew.ben.user_id)
    assert (await crew.get("_User", crew.ann.user_id))["role"] == "technician"


async def test_the_role_grants_the_class_permissions(crew, api):
    status, body = await api.post("/classes/Job", {"description": "x", "scheduledTime": {
        "__type": "Date", "iso": "2030-01-01T00:00:00.000Z"}}, session=crew.ann.token)
    assert (status, body) == (400, {"code": 119, "error": "Permission denied for action create on class Job."})
    await crew.run("max", "setUserRole", {"userId": crew.ann.user_id, "role": "dispatcher"})
    status, _ = await api.post("/classes/Job", {"description": "x", "scheduledTime": {
        "__type": "Date", "iso": "2030-01-01T00:00:00.000Z"}}, session=crew.ann.token)
    assert status == 201
