"""Technician records: availability by the technician or a dispatcher; assignedJobs by cloud code only."""

from __future__ import annotations

from tests.template.conftest import NEAR_ANN, NEAR_BEN, pointer

AVAILABILITY_DENIED = {"code": 119, "error": "Only this technician or a dispatcher can change the availability"}


async def test_a_technician_changes_their_own_availability(crew):
    status, _ = await crew.put("ann", "Technician", crew.ann.technician, {"availability": "off_duty"})
    assert status == 200
    assert (await crew.get("Technician", crew.ann.technician))["availability"] == "off_duty"


async def test_a_technician_cannot_change_anothers_availability(crew):
    assert await crew.put("ben", "Technician", crew.ann.technician, {"availability": "off_duty"}) == \
        (400, AVAILABILITY_DENIED)


async def test_a_dispatcher_changes_anyones_availability(crew):
    status, _ = await crew.put("dora", "Technician", crew.ann.technician, {"availability": "busy"})
    assert status == 200


async def test_a_manager_does_not_change_availability(crew):
    assert await crew.put("max", "Technician", crew.ann.technician, {"availability": "busy"}) == \
        (400, AVAILABILITY_DENIED)


async def test_availability_takes_the_templates_values(crew):
    status, body = await crew.put("ann", "Technician", crew.ann.technician, {"availability": "lunch"})
    assert (status, body) == (400, {"code": 142, "error": "availability must be one of available, busy, off_duty"})


async def test_a_new_technician_starts_off_duty(crew, api):
    status, created = await api.post("/classes/Technician", {"name": "Cleo"}, session=crew.dora.token)
    assert status == 201
    tech = await crew.get("Technician", created["objectId"])
    assert (tech["availability"], tech["assignedJobs"]) == ("off_duty", [])


async def test_a_technician_moves_their_own_location_but_not_anothers(crew):
    assert (await crew.put("ann", "Technician", crew.ann.technician, {"location": NEAR_ANN}))[0] == 200
    assert await crew.put("ben", "Technician", crew.ann.technician, {"location": NEAR_BEN}) == (400, {
        "code": 119, "error": "Only this technician or a dispatcher can change the location"})


async def test_a_technician_cannot_rename_themselves(crew):
    assert await crew.put("ann", "Technician", crew.ann.technician, {"name": "Boss"}) == (400, {
        "code": 119, "error": "Only a dispatcher or a manager can change name"})
    assert (await crew.put("max", "Technician", crew.ann.technician, {"name": "Ann B."}))[0] == 200


async def test_clients_cannot_write_assigned_jobs(crew):
    status, body = await crew.put("dora", "Technician", crew.ann.technician,
                                  {"assignedJobs": [pointer("Job", "x")]})
    assert (status, body) == (400, {"code": 119, "error": "assignedJobs is maintained by the server"})


async def test_technicians_cannot_create_technician_records(crew, api):
    status, body = await api.post("/classes/Technician", {"name": "Me again"}, session=crew.ann.token)
    assert (status, body["code"]) == (400, 119)


async def test_one_technician_record_per_user(crew, api):
    status, body = await api.post("/classes/Technician", {"name": "Ann 2", "user": pointer("_User", crew.ann.user_id)},
                                  session=crew.dora.token)
    assert (status, body) == (400, {"code": 137, "error": f"user {crew.ann.user_id} already has a Technician record"})
