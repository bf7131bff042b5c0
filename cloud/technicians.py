"""Technician records: who may change what.

- `availability`: only this technician (the record's `user`) or a dispatcher;
- `location`: this technician, a dispatcher or a manager;
- `name`, `user`: a dispatcher or a manager (creating records too: the class's CLP);
- `assignedJobs`: nobody but cloud code (the master key) — jobs.py keeps it in step.
"""

from parse_clone.cloud import Cloud, ParseError

from ._access import changed_keys, forbidden, invalid, is_dispatcher, is_staff, is_users_technician, object_id
from ._model import AVAILABILITY

cloud = Cloud()


@cloud.before_save("Technician")
async def guard_technician(req):
    """Check values, then who is changing which field."""
    tech = req.object
    availability = tech.get("availability")
    if availability is not None and availability not in AVAILABILITY:
        raise invalid(f"availability must be one of {', '.join(AVAILABILITY)}")
    changed = changed_keys(tech, req.original)
    if "user" in changed and tech.get("user") is not None:
        await _check_one_record_per_user(req, tech)
    if req.master:
        return
    if "assignedJobs" in changed:
        raise forbidden("assignedJobs is maintained by the server")
    if tech.is_new:
        return  # only staff may create (the class's CLP)
    own = is_users_technician(req, req.original)
    for key in sorted(changed):
        if key == "availability":
            allowed = own or is_dispatcher(req)
            why = "Only this technician or a dispatcher can change the availability"
        elif key == "location":
            allowed = own or is_staff(req)
            why = "Only this technician or a dispatcher can change the location"
        else:
            allowed = is_staff(req)
            why = f"Only a dispatcher or a manager can change {key}"
        if not allowed:
            raise forbidden(why)


async def _check_one_record_per_user(req, tech):
    query = req.db.master.query("Technician").equal_to("user", tech.get("user"))
    if tech.id is not None:
        query.not_equal_to("objectId", tech.id)
    if await query.count():
        raise ParseError(ParseError.DUPLICATE_VALUE,
                         f"user {object_id(tech.get('user'))} already has a Technician record")
