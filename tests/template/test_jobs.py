"""Job orders: who may update them, status transitions, assignedJobs, availability and the ServiceLog."""

from __future__ import annotations

import json

import pytest

from tests.template.conftest import NEAR_ANN, pointer

NOT_YOURS = {"code": 119, "error": "Only the assigned technician or a dispatcher can update this job"}


@pytest.fixture
async def anns_job(crew) -> str:
    """A job the dispatcher assigned to ann."""
    return await crew.job(as_="dora", technician=pointer("Technician", crew.ann.technician), location=NEAR_ANN)


async def assigned_jobs(crew, who: str) -> list[str]:
    tech = await crew.get("Technician", crew.people[who].technician)
    return [p["objectId"] for p in tech["assignedJobs"]]


# ----- creating -----

async def test_a_dispatcher_creates_an_open_job(crew):
    job = await crew.job(as_="dora")
    assert (await crew.get("Job", job))["status"] == "open"


async def test_technicians_cannot_create_jobs(crew, api):
    status, body = await api.post("/classes/Job", {"description": "x"}, session=crew.ann.token)
    assert (status, body) == (400, {"code": 119, "error": "Permission denied for action create on class Job."})


async def test_a_job_created_with_a_technician_is_assigned(crew, anns_job):
    assert (await crew.get("Job", anns_job))["status"] == "assigned"
    assert await assigned_jobs(crew, "ann") == [anns_job]


async def test_a_new_job_cannot_start_in_progress(crew, api):
    status, body = await api.post("/classes/Job", {
        "description": "x", "status": "in_progress", "technician": pointer("Technician", crew.ann.technician),
        "scheduledTime": {"__type": "Date", "iso": "2030-01-01T00:00:00.000Z"}}, session=crew.dora.token)
    assert (status, body) == (400, {"code": 142, "error": "A new job starts open or assigned"})


async def test_a_job_cannot_point_to_a_missing_technician(crew, api):
    status, body = await api.post("/classes/Job", {
        "description": "x", "technician": pointer("Technician", "nope"),
        "scheduledTime": {"__type": "Date", "iso": "2030-01-01T00:00:00.000Z"}}, session=crew.dora.token)
    assert (status, body) == (400, {"code": 142, "error": "Technician nope does not exist"})


async def test_required_fields_come_from_the_schema(crew, api):
    status, body = await api.post("/classes/Job", {"description": "x"}, session=crew.dora.token)
    assert (status, body) == (400, {"code": 142, "error": "scheduledTime is required"})


# ----- who may update -----

async def test_the_assigned_technician_starts_the_job(crew, anns_job):
    status, _ = await crew.put("ann", "Job", anns_job, {"status": "in_progress"})
    assert status == 200
    assert (await crew.get("Job", anns_job))["status"] == "in_progress"


async def test_another_technician_cannot_update_the_job(crew, anns_job):
    assert await crew.put("ben", "Job", anns_job, {"status": "in_progress"}) == (400, NOT_YOURS)
    assert (await crew.get("Job", anns_job))["status"] == "assigned"


async def test_a_technician_cannot_update_an_unassigned_job(crew):
    job = await crew.job(as_="dora")
    assert await crew.put("ann", "Job", job, {"description": "mine now"}) == (400, NOT_YOURS)


async def test_the_assigned_technician_changes_only_the_status(crew, anns_job):
    status, body = await crew.put("ann", "Job", anns_job, {"description": "easier job"})
    assert (status, body) == (400, {"code": 119, "error": "A technician can only change a job's status"})


async def test_a_technician_cannot_cancel(crew, anns_job):
    status, body = await crew.put("ann", "Job", anns_job, {"status": "cancelled"})
    assert (status, body) == (400, {"code": 119, "error": "A technician cannot move a job from assigned to cancelled"})


async def test_dispatchers_and_managers_update_any_job(crew, anns_job):
    assert (await crew.put("dora", "Job", anns_job, {"address": "1 Rue de la République"}))[0] == 200
    assert (await crew.put("max", "Job", anns_job, {"status": "cancelled"}))[0] == 200


async def test_logged_out_clients_cannot_update_jobs(crew, api, anns_job):
    status, body = await api.put(f"/classes/Job/{anns_job}", {"status": "cancelled"})
    assert (status, body["code"]) == (400, 119)


# ----- transitions -----

async def test_status_moves_only_along_allowed_transitions(crew):
    job = await crew.job(as_="dora")
    status, body = await crew.put("dora", "Job", job, {"status": "completed"})
    assert (status, body) == (400, {"code": 142, "error": "A job cannot go from open to completed"})


async def test_a_technician_cannot_skip_a_step_either(crew, anns_job):
    status, body = await crew.put("ann", "Job", anns_job, {"status": "completed"})
    assert (status, body) == (400, {"code": 142, "error": "A job cannot go from assigned to completed"})


async def test_a_technician_cannot_reassign_their_job(crew, anns_job):
    status, body = await crew.put("ann", "Job", anns_job, {"technician": pointer("Technician", crew.ben.technician)})
    assert (status, body) == (400, {"code": 119, "error": "A technician can only change a job's status"})


async def test_an_unknown_status_is_refused(crew, anns_job):
    status, body = await crew.put("dora", "Job", anns_job, {"status": "done"})
    assert (status, body) == (400, {"code": 142, "error": "status must be one of open, assigned, in_progress, "
                                                          "completed, cancelled"})


async def test_a_finished_job_is_final_even_for_the_master_key(crew, api, anns_job):
    await crew.put("dora", "Job", anns_job, {"status": "cancelled"})
    status, body = await api.put(f"/classes/Job/{anns_job}", {"status": "open"}, master=True)
    assert (status, body) == (400, {"code": 142, "error": "A cancelled job cannot be changed"})


async def test_assigning_needs_a_technician(crew):
    job = await crew.job(as_="dora")
    status, body = await crew.put("dora", "Job", job, {"status": "assigned"})
    assert (status, body) == (400, {"code": 142, "error": "A job that is assigned needs a technician"})


async def test_setting_a_technician_assigns_the_job(crew):
    job = await crew.job(as_="dora")
    status, body = await crew.put("dora", "Job", job, {"technician": pointer("Technician", crew.ben.technician)})
    assert (status, body["status"]) == (200, "assigned")  # echoed, so SDK objects see it
    assert await assigned_jobs(crew, "ben") == [job]


async def test_removing_the_technician_reopens_the_job(crew, anns_job):
    status, body = await crew.put("dora", "Job", anns_job, {"technician": {"__op": "Delete"}})
    assert (status, body["status"]) == (200, "open")
    assert await assigned_jobs(crew, "ann") == []


async def test_reassigning_moves_the_job_between_technicians(crew, anns_job):
    await crew.put("dora", "Job", anns_job, {"technician": pointer("Technician", crew.ben.technician)})
    assert (await assigned_jobs(crew, "ann"), await assigned_jobs(crew, "ben")) == ([], [anns_job])


async def test_a_job_in_progress_cannot_be_reassigned(crew, anns_job):
    await crew.put("ann", "Job", anns_job, {"status": "in_progress"})
    status, body = await crew.put("dora", "Job", anns_job, {"technician": pointer("Technician", crew.ben.technician)})
    assert (status, body) == (400, {"code": 142, "error": "A job in progress cannot be reassigned"})


# ----- what follows a change -----

async def test_starting_a_job_makes_the_technician_busy(crew, anns_job):
    await crew.put("ann", "Job", anns_job, {"status": "in_progress"})
    assert (await crew.get("Technician", crew.ann.technician))["availability"] == "busy"


async def test_completing_frees_the_technician_and_leaves_assigned_jobs(crew, anns_job):
    await crew.put("ann", "Job", anns_job, {"status": "in_progress"})
    assert (await crew.put("ann", "Job", anns_job, {"status": "completed"}))[0] == 200
    tech = await crew.get("Technician", crew.ann.technician)
    assert (tech["availability"], tech["assignedJobs"]) == ("available", [])


async def test_completing_a_job_writes_a_service_log_with_the_note(crew, api, anns_job):
    await crew.put("ann", "Job", anns_job, {"status": "in_progress"})
    context = {"X-Parse-Cloud-Context": json.dumps({"serviceNote": "Replaced the filter"})}
    await api.put(f"/classes/Job/{anns_job}", {"status": "completed"},
                  headers={**api.headers(session=crew.ann.token), **context})
    _, logs = await api.get("/classes/ServiceLog", session=crew.dora.token)
    (log,) = logs["results"]
    assert (log["job"], log["technician"], log["description"]) == (
        pointer("Job", anns_job), pointer("Technician", crew.ann.technician), "Replaced the filter")
    assert log["serviceTime"]["__type"] == "Date"


async def test_without_a_note_the_log_describes_the_job(crew, api, anns_job):
    await crew.put("ann", "Job", anns_job, {"status": "in_progress"})
    await crew.put("ann", "Job", anns_job, {"status": "completed"})
    _, logs = await api.get("/classes/ServiceLog", master=True)
    assert [log["description"] for log in logs["results"]] == ["Completed: Check the oxygen concentrator"]


async def test_service_logs_are_written_only_by_cloud_code(crew, api, anns_job):
    status, body = await api.post("/classes/ServiceLog", {"description": "fake"}, session=crew.dora.token)
    assert (status, body["code"]) == (400, 119)


async def test_deleting_a_job_removes_it_from_assigned_jobs(crew, api, anns_job):
    status, _ = await api.delete(f"/classes/Job/{anns_job}", session=crew.dora.token)
    assert status == 200
    assert await assigned_jobs(crew, "ann") == []


# ----- who sees what -----

async def test_technicians_find_only_their_own_jobs(crew, api, anns_job):
    bens = await crew.job(as_="dora", technician=pointer("Technician", crew.ben.technician))
    _, mine = await api.get("/classes/Job", session=crew.ann.token)
    assert [j["objectId"] for j in mine["results"]] == [anns_job]
    status, _ = await api.get(f"/classes/Job/{bens}", session=crew.ann.token)
    assert status == 404
    _, everything = await api.get("/classes/Job", params={"count": 1, "limit": 0}, session=crew.dora.token)
    assert everything["count"] == 2


async def test_technicians_find_only_their_own_service_logs(crew, api, anns_job):
    await crew.put("ann", "Job", anns_job, {"status": "in_progress"})
    await crew.put("ann", "Job", anns_job, {"status": "completed"})
    _, bens = await api.get("/classes/ServiceLog", session=crew.ben.token)
    _, anns = await api.get("/classes/ServiceLog", session=crew.ann.token)
    assert (len(bens["results"]), len(anns["results"])) == (0, 1)


@pytest.mark.parametrize("class_name", ["Job", "ServiceLog"])
async def test_a_user_without_a_role_is_refused_on_the_class_they_queried(crew, api, class_name):
    """The own-jobs restriction applies to technicians only, so the queried class's CLP answers."""
    status, user = await api.post("/users", {"username": "newcomer", "password": "pw"})
    assert status == 201, user
    status, body = await api.get(f"/classes/{class_name}", session=user["sessionToken"])
    assert (status, body) == (400, {"code": 119, "error": f"Permission denied for action find on class {class_name}."})
