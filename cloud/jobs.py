"""Job orders: who may update them, how their status moves, and what a change sets in motion.

Before a save:
- a dispatcher, a manager or the master key may change anything; the assigned technician's
  user may only change `status`, and only assigned -> in_progress -> completed; anyone else: 119;
- status moves only along _model.TRANSITIONS; completed and cancelled jobs are final;
- setting a technician on an open job makes it `assigned`; removing it from an assigned job
  makes it `open` again; assigned, in_progress and completed jobs need a technician.
After a save:
- the technicians' `assignedJobs` list their open (assigned / in_progress) jobs;
- starting a job makes its technician `busy`; finishing their last job in progress makes
  them `available` again;
- completing a job writes a ServiceLog (its description: the save's `serviceNote` context,
  else the job's description).
Technicians (users with the technician role) find only the jobs and service logs assigned to them.
"""

from datetime import datetime, timezone

from parse_clone.cloud import Cloud

from ._access import changed_keys, forbidden, invalid, is_staff, is_users_technician, object_id
from ._model import (FINISHED_JOB_STATUSES, JOB_STATUSES, NEEDS_TECHNICIAN, OPEN_JOB_STATUSES,
                     TECHNICIAN_TRANSITIONS, TRANSITIONS)

cloud = Cloud()


def _only_own(req):
    """Technicians see only what is assigned to them.

    Only technicians: anyone else without a staff role is refused by the class's own CLP, whose
    message names the class they queried (a Technician sub-query would be judged, and named, first).
    """
    if req.master or is_staff(req) or "technician" not in req.roles:
        return
    mine = req.db.query("Technician").equal_to("user", req.user.to_pointer())
    req.query.matches_query("technician", mine)


cloud.before_find("Job", _only_own)
cloud.before_find("ServiceLog", _only_own)


@cloud.before_save("Job")
async def guard_job(req):
    """Permissions, status transitions and the technician/status invariants."""
    job, original = req.object, req.original
    status = job.get("status") or "open"
    if status not in JOB_STATUSES:
        raise invalid(f"status must be one of {', '.join(JOB_STATUSES)}")
    if original is None:
        await _check_new_job(req, job, status)
        return
    before = original.get("status") or "open"
    changed = changed_keys(job, original)
    if not changed:
        return
    if before in FINISHED_JOB_STATUSES:
        raise invalid(f"A {before} job cannot be changed")
    technician_only = not is_staff(req)
    if technician_only:
        await _check_technician_update(req, original, changed)
    if "technician" in changed:
        status = _status_after_reassignment(job, before, status)
    if status != before and status not in TRANSITIONS[before]:
        raise invalid(f"A job cannot go from {before} to {status}")
    if technician_only and status != before and (before, status) not in TECHNICIAN_TRANSITIONS:
        raise forbidden(f"A technician cannot move a job from {before} to {status}")
    _check_needs_technician(job, status)
    if "technician" in changed and job.get("technician") is not None:
        await _check_technician_exists(req, job)


async def _check_new_job(req, job, status):
    if job.get("technician") is not None and status == "open":
        job["status"] = status = "assigned"
    if not req.master and status not in ("open", "assigned"):
        raise invalid("A new job starts open or assigned")
    _check_needs_technician(job, status)
    if job.get("technician") is not None:
        await _check_technician_exists(req, job)


async def _check_technician_update(req, original, changed):
    technician_id = object_id(original.get("technician"))
    technician = await req.db.master.query("Technician").get(technician_id) if technician_id else None
    if not is_users_technician(req, technician):
        raise forbidden("Only the assigned technician or a dispatcher can update this job")
    if changed - {"status"}:
        raise forbidden("A technician can only change a job's status")


def _status_after_reassignment(job, before, status):
    if before == "in_progress":
        raise invalid("A job in progress cannot be reassigned")
    if job.get("technician") is not None and status == "open":
        job["status"] = "assigned"
        return "assigned"
    if job.get("technician") is None and status == "assigned":
        job["status"] = "open"
        return "open"
    return status


def _check_needs_technician(job, status):
    if status in NEEDS_TECHNICIAN and job.get("technician") is None:
        raise invalid(f"A job that is {status} needs a technician")


async def _check_technician_exists(req, job):
    technician_id = object_id(job.get("technician"))
    if not await req.db.master.query("Technician").equal_to("objectId", technician_id).count():
        raise invalid(f"Technician {technician_id} does not exist")


@cloud.after_save("Job")
async def follow_job(req):
    """assignedJobs, availability and the ServiceLog follow the saved job."""
    job, original = req.object, req.original
    db = req.db.master
    status = job.get("status")
    before = original.get("status") if original is not None else None
    old_tech = object_id(original.get("technician")) if original is not None else None
    new_tech = object_id(job.get("technician"))
    pointer = job.to_pointer()
    if old_tech and (old_tech != new_tech or status not in OPEN_JOB_STATUSES):
        await _save_technician(db, old_tech, lambda t: t.remove("assignedJobs", pointer))
    if new_tech and status in OPEN_JOB_STATUSES and (old_tech != new_tech or before not in OPEN_JOB_STATUSES):
        await _save_technician(db, new_tech, lambda t: t.add_unique("assignedJobs", pointer))
    if new_tech and status == "in_progress" and before != "in_progress":
        await _save_technician(db, new_tech, lambda t: t.set("availability", "busy"))
    if old_tech and before == "in_progress" and status != "in_progress":
        await _free_if_idle(db, old_tech)
    if status == "completed" and before != "completed":
        await _write_service_log(req, db, job, new_tech)


async def _save_technician(db, technician_id, change):
    technician = db.pointer("Technician", technician_id)
    change(technician)
    await technician.save()


async def _free_if_idle(db, technician_id):
    technician = await db.get("Technician", technician_id)
    still_working = await (db.query("Job").equal_to("technician", technician.to_pointer())
                           .equal_to("status", "in_progress").count())
    if technician.get("availability") == "busy" and not still_working:
        technician["availability"] = "available"
        await technician.save()


async def _write_service_log(req, db, job, technician_id):
    note = req.context.get("serviceNote")
    description = note.strip() if isinstance(note, str) and note.strip() else f"Completed: {job.get('description')}"
    log = db.object("ServiceLog", technician=db.pointer("Technician", technician_id), job=job,
                    serviceTime=datetime.now(timezone.utc), description=description)
    await log.save()


@cloud.after_delete("Job")
async def forget_deleted_job(req):
    """A deleted job leaves its technician's assignedJobs."""
    technician_id = object_id(req.object.get("technician"))
    if technician_id:
        pointer = req.object.to_pointer()
        await _save_technician(req.db.master, technician_id, lambda t: t.remove("assignedJobs", pointer))
