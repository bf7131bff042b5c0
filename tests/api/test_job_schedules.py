"""/cloud_code/jobs (Parse Dashboard's Jobs page) and the scheduler that runs _JobSchedule on time."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest

from parse_clone.core.hooks.job_schedules import JobScheduler, due_slot
from tests.api.test_cloud_jobs import finished

EVERY_DAY = [1, 1, 1, 1, 1, 1, 1]


def at(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


def ms(iso: str) -> int:
    return int(at(iso).timestamp() * 1000)


@pytest.fixture
def runs(api):
    seen: list[dict] = []

    @api.server.cloud.job
    async def cleanup(req):
        seen.append(req.params)
        return "cleaned"

    return seen


async def post_schedule(api, **fields):
    return await api.post("/cloud_code/jobs", {"job_schedule": fields}, master=True)


async def test_schedules_are_listed_created_edited_and_deleted_as_parse_server_does(api, runs):
    assert await api.get("/cloud_code/jobs", master=True) == (200, [])
    assert await api.get("/cloud_code/jobs/data", master=True) == (200, {"in_use": [], "jobs": ["cleanup"]})
    status, created = await post_schedule(api, jobName="cleanup", description="nightly", params="{}",
                                          daysOfWeek=EVERY_DAY, timeOfDay="02:00:00.000Z", repeatMinutes=1440)
    assert status == 201 and set(created) == {"objectId", "createdAt"}
    status, listed = await api.get("/cloud_code/jobs", master=True)
    assert status == 200 and len(listed) == 1
    assert listed[0]["jobName"] == "cleanup" and listed[0]["startAfter"]  # defaulted to now
    assert await api.get("/cloud_code/jobs/data", master=True) == (200, {"in_use": ["cleanup"], "jobs": ["cleanup"]})
    status, edited = await api.put(f"/cloud_code/jobs/{created['objectId']}",
                                   {"job_schedule": {"description": "weekly"}}, master=True)
    assert status == 200 and set(edited) == {"response"} and set(edited["response"]) == {"updatedAt"}
    assert await api.delete(f"/cloud_code/jobs/{created['objectId']}", master=True) == (200, {})
    assert await api.delete(f"/cloud_code/jobs/{created['objectId']}", master=True) == \
        (404, {"code": 101, "error": "Object not found."})


async def test_bad_schedules_are_refused(api, runs):
    assert await post_schedule(api, jobName="nope") == \
        (400, {"code": 1, "error": "Cannot Schedule a job that is not deployed"})
    assert await api.post("/cloud_code/jobs", {}, master=True) == \
        (400, {"code": 107, "error": "job_schedule must be an object."})
    assert await post_schedule(api, jobName="cleanup", params="{oops") == \
        (400, {"code": 107, "error": "job_schedule.params must be a JSON object, as text."})
    assert await post_schedule(api, jobName="cleanup", timeOfDay="25:00") == \
        (400, {"code": 107, "error": "job_schedule.timeOfDay must be HH:MM:SS.mmmZ (UTC)."})
    assert await post_schedule(api, jobName="cleanup", repeatMinutes="5") == \
        (400, {"code": 107, "error": "job_schedule.repeatMinutes must be a number of minutes."})
    assert await post_schedule(api, jobName="cleanup", startAfter="soon") == \
        (400, {"code": 107, "error": "job_schedule.startAfter must be an ISO 8601 date."})


async def test_the_routes_need_the_master_key(api):
    assert await api.get("/cloud_code/jobs") == (403, {"error": "unauthorized: master key is required"})
    assert await api.post("/cloud_code/jobs", {"job_schedule": {}}) == \
        (403, {"error": "unauthorized: master key is required"})


@pytest.mark.parametrize(("schedule", "now", "slot"), [
    ({"startAfter": "2026-01-05T10:00:00.000Z"}, "2026-01-05T09:59:00Z", None),
    ({"startAfter": "2026-01-05T10:00:00.000Z"}, "2026-01-05T10:00:30Z", "2026-01-05T10:00:00Z"),
    ({"startAfter": "2026-01-05T10:00:00.000Z", "lastRun": ms("2026-01-05T10:00:00Z")}, "2026-01-06T00:00:00Z", None),
    # every 30 minutes after 08:00, from 09:10 on Monday 5 January
    ({"startAfter": "2026-01-05T09:10:00.000Z", "timeOfDay": "08:00:00.000Z", "repeatMinutes": 30},
     "2026-01-05T09:20:00Z", None),
    ({"startAfter": "2026-01-05T09:10:00.000Z", "timeOfDay": "08:00:00.000Z", "repeatMinutes": 30},
     "2026-01-05T09:45:00Z", "2026-01-05T09:30:00Z"),
    ({"startAfter": "2026-01-05T09:10:00.000Z", "timeOfDay": "08:00:00.000Z", "repeatMinutes": 30,
      "lastRun": ms("2026-01-05T09:30:00Z")}, "2026-01-05T09:45:00Z", None),
    ({"startAfter": "2026-01-05T09:10:00.000Z", "timeOfDay": "08:00:00.000Z", "repeatMinutes": 30},
     "2026-01-06T07:00:00Z", "2026-01-05T23:30:00Z"),  # before today's first slot: yesterday's last one
    # daily at 02:00, weekdays only (Sunday first): Saturday 10 January is skipped
    ({"startAfter": "2026-01-01T00:00:00.000Z", "timeOfDay": "02:00:00.000Z", "repeatMinutes": 1440,
      "daysOfWeek": [0, 1, 1, 1, 1, 1, 0], "lastRun": ms("2026-01-09T02:00:00Z")}, "2026-01-10T03:00:00Z", None),
    ({"startAfter": "2026-01-01T00:00:00.000Z", "timeOfDay": "02:00:00.000Z", "repeatMinutes": 1440,
      "daysOfWeek": [0, 1, 1, 1, 1, 1, 0], "lastRun": ms("2026-01-09T02:00:00Z")}, "2026-01-12T02:01:00Z",
     "2026-01-12T02:00:00Z"),
])
def test_due_slot(schedule, now, slot):
    assert due_slot(schedule, at(now)) == (at(slot) if slot else None)


async def test_the_scheduler_runs_each_slot_once_as_a_job_run(api, runs):
    clock = [at("2026-01-05T09:00:00Z").timestamp()]
    status, created = await post_schedule(api, jobName="cleanup", params='{"days": 30}',
                                          startAfter="2026-01-05T10:00:00.000Z", timeOfDay="10:00:00.000Z",
                                          repeatMinutes=60)
    assert status == 201
    scheduler, other_instance = JobScheduler(api.server, lambda: clock[0]), JobScheduler(api.server, lambda: clock[0])
    assert await scheduler.tick() == []
    clock[0] = at("2026-01-05T10:05:00Z").timestamp()
    [job_id] = await scheduler.tick()
    assert await other_instance.tick() == []  # the slot is claimed once
    row = await finished(api, job_id)
    assert (row["jobName"], row["status"], row["message"], row["params"]) == ("cleanup", "succeeded", "cleaned",
                                                                              {"days": 30})
    assert runs == [{"days": 30}]
    _, stored = await api.get("/cloud_code/jobs", master=True)
    assert stored[0]["lastRun"] == ms("2026-01-05T10:00:00Z")
    clock[0] = at("2026-01-05T11:30:00Z").timestamp()
    assert len(await other_instance.tick()) == 1
    await api.delete(f"/cloud_code/jobs/{created['objectId']}", master=True)
    clock[0] = at("2026-01-05T12:30:00Z").timestamp()
    assert await scheduler.tick() == []  # a deleted schedule stops at once


async def test_the_server_starts_and_stops_its_scheduler(api, runs):
    from parse_clone.core.hooks.runtime import start_cloud, stop_cloud
    from parse_clone.core.hooks.job_schedules import job_scheduler

    await start_cloud(api.server)
    assert job_scheduler(api.server)._task is not None
    await stop_cloud(api.server)
    assert job_scheduler(api.server)._task is None


async def test_a_schedule_written_while_the_scheduler_waits_runs_without_waiting_for_the_next_tick(api, runs):
    from parse_clone.core.hooks.job_schedules import job_scheduler
    from parse_clone.core.hooks.runtime import start_cloud, stop_cloud

    scheduler = job_scheduler(api.server)
    scheduler.interval = 3600.0  # only a wake-up can tick again during this test
    ticks: asyncio.Queue[list[str]] = asyncio.Queue()
    tick = scheduler.tick

    async def reported_tick() -> list[str]:
        started = await tick()
        ticks.put_nowait(started)
        return started

    scheduler.tick = reported_tick  # type: ignore[method-assign]
    await start_cloud(api.server)
    try:
        assert await asyncio.wait_for(ticks.get(), 10) == []  # the tick at start, before any schedule exists
        status, _ = await post_schedule(api, jobName="cleanup", params='{"now": true}',
                                        startAfter="2026-01-01T00:00:00.000Z")
        assert status == 201
        [job_id] = await asyncio.wait_for(ticks.get(), 10)
        row = await finished(api, job_id)
        assert (row["jobName"], row["status"], row["params"]) == ("cleanup", "succeeded", {"now": True})
    finally:
        await stop_cloud(api.server)
