"""_User.role and _Role membership kept in step.

A user holds at most one of the template's roles (dispatcher, technician, manager):

- setting `_User.role` (master key, or a manager through `setUserRole`) moves the user into that
  _Role and out of the other two (unsetting it takes them out of all three);
- adding a user to one of these _Roles (the dashboard, the SDK with the master key) sets their
  `role` and takes them out of the other two; removing them sets `role` to a template role they
  still hold, or unsets it.

The three _Roles are created on first use, publicly readable and writable only with the master key.
"""

from parse_clone.cloud import Cloud, Field, ParseError

from ._access import forbidden, invalid, object_id
from ._model import ROLE_PRECEDENCE, ROLES

cloud = Cloud()


@cloud.before_save("_User")
def guard_role(req):
    """Only the master key changes `role` (managers do it through setUserRole); values are the template's."""
    user = req.object
    before = req.original.get("role") if req.original is not None else None
    role = user.get("role")
    if role == before:
        return
    if role is not None and role not in ROLES:
        raise invalid(f"role must be one of {', '.join(ROLES)}")
    if not req.master:
        raise forbidden("Only a manager can change a user's role (cloud function setUserRole)")


async def _template_role(db, name):
    """The _Role called `name`, created when missing."""
    role = await db.query("_Role").equal_to("name", name).first()
    if role is not None:
        return role
    role = db.object("_Role", name=name, ACL={"*": {"read": True}})
    try:
        return await role.save()
    except ParseError:  # another request created it first (role names are unique)
        return await db.query("_Role").equal_to("name", name).first()


async def _roles_holding(db, user):
    return await db.query("_Role").equal_to("users", user.to_pointer()).contained_in("name", list(ROLES)).find()


async def move_to_role(db, user, name):
    """Make `name` (or None) the only template _Role holding `user`."""
    for role in await _roles_holding(db, user):
        if role.get("name") != name:
            role.set("users", {"__op": "RemoveRelation", "objects": [user.to_pointer()]})
            await role.save()
    if name is not None:
        role = await _template_role(db, name)
        holders = await db.query("_User").related_to(role, "users").equal_to("objectId", user.id).count()
        if not holders:
            role.set("users", {"__op": "AddRelation", "objects": [user.to_pointer()]})
            await role.save()


@cloud.after_save("_User")
async def sync_membership(req):
    """`role` changed: move the user to that _Role."""
    before = req.original.get("role") if req.original is not None else None
    role = req.object.get("role")
    if role != before:
        await move_to_role(req.db.master, req.object, role)


@cloud.after_save("_Role")
async def sync_user_role(req):
    """A template _Role's members changed: their `role` follows (and former members lose it)."""
    name = req.object.get("name")
    if name not in ROLES:
        return
    db = req.db.master
    members = await db.query("_User").related_to(req.object, "users").limit(1000).find()
    for user in members:
        if user.get("role") != name:
            user["role"] = name  # its after_save takes the user out of the other template roles
            await user.save()
    member_ids = [u.id for u in members]
    for user in await db.query("_User").equal_to("role", name).not_contained_in("objectId", member_ids).limit(1000).find():
        await _role_from_memberships(db, user)


async def _role_from_memberships(db, user):
    held = {r.get("name") for r in await _roles_holding(db, user)}
    role = next((r for r in ROLE_PRECEDENCE if r in held), None)
    if role is None:
        user.unset("role")
    else:
        user["role"] = role
    await user.save()


@cloud.after_delete("_Role")
async def drop_deleted_role(req):
    """A template _Role was deleted: its users lose that role."""
    name = req.object.get("name")
    if name in ROLES:
        db = req.db.master
        for user in await db.query("_User").equal_to("role", name).limit(1000).find():
            await _role_from_memberships(db, user)


@cloud.define("setUserRole", require_user=True, require_any_user_roles=["manager"],
              fields={"userId": Field(type=str, required=True)})
async def set_user_role(req):
    """A manager (or the master key) gives a user a template role, or none with `role: null`."""
    role = req.params.get("role")
    if role is not None and role not in ROLES:
        raise invalid(f"role must be one of {', '.join(ROLES)}, or null")
    user = await req.db.master.get("_User", req.params["userId"])
    if role is None:
        user.unset("role")
    else:
        user["role"] = role
    await user.save()
    return {"userId": object_id(user), "role": role}
