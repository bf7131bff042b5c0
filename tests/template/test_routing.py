"""assignNearestTechnician and technicianRoute on a known set of coordinates (Lyon).

ann is at Croix-Rousse, ben at Gerland, about 5 km apart. Geo queries ($nearSphere) run on
SQLite (and on a real MongoDB); mongomock does not implement them, so the tests that pick a
technician are skipped there, with that reason. technicianRoute orders jobs in Python and runs
on every backend.
"""

from __future__ import annotations

import math

import pytest

from tests.template.conftest import ANN_AT, NEAR_ANN, NEAR_BEN, date, pointer

NONE_AVAILABLE = {"code": 101, "error": "No technician is available"}


def km(a: dict, b: dict) -> float:
    """Haversine distance, independent of the cloud code's."""
    p1, p2 = math.radians(a["latitude"]), math.radians(b["latitude"])
    dp, dl = p2 - p1, math.radians(b["longitude"] - a["longitude"])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(2 * 6371.0 * math.asin(math.sqrt(h)), 3)


async def assign(crew, job: str, as_: str = "dora"):
    return await crew.run(as_, "assignNearestTechnician", {"jobId": job})


# ----- assignNearestTechnician -----

async def test_a_job_goes_to_the_nearest_available_technician(crew, sqlite_only):
    north, south = await crew.job(as_="dora", location=NEAR_ANN), await crew.job(as_="dora", location=NEAR_BEN)
    status, body = await assign(crew, north)
    assert status == 200
    result = body["result"]
    assert (result["technician"]["objectId"], result["distanceKm"], result["tiedWith"]) == (
        crew.ann.technician, km(ANN_AT, NEAR_ANN), [])
    assert (result["job"]["status"], result["job"]["technician"]) == ("assigned", pointer("Technician",
                                                                                         crew.ann.technician))
    assert result["technician"]["assignedJobs"] == [pointer("Job", north)]
    _, body = await assign(crew, south)
    assert body["result"]["technician"]["objectId"] == crew.ben.technician


async def test_technicians_not_available_are_passed_over(crew, sqlite_only):
    await crew.add("cy", "technician", NEAR_ANN, availability="off_duty")
    await crew.add("dee", "technician", NEAR_ANN, availability="busy")
    job = await crew.job(as_="dora", location=NEAR_ANN)
    _, body = await assign(crew, job)
    assert body["result"]["technician"]["objectId"] == crew.ann.technician


async def test_a_tie_goes_to_the_technician_with_fewer_open_jobs(crew, sqlite_only):
    await crew.add("eva", "technician", NEAR_BEN)
    await crew.add("fay", "technician", NEAR_BEN)
    await crew.job(as_="dora", technician=pointer("Technician", crew.eva.technician))
    job = await crew.job(as_="dora", location=NEAR_BEN)
    _, body = await assign(crew, job)
    assert (body["result"]["technician"]["name"], body["result"]["tiedWith"]) == ("Fay", ["Eva"])


async def test_a_tie_between_equally_busy_technicians_goes_by_name(crew, sqlite_only):
    await crew.add("fay", "technician", NEAR_BEN)
    await crew.add("eva", "technician", NEAR_BEN)
    job = await crew.job(as_="dora", location=NEAR_BEN)
    _, body = await assign(crew, job)
    assert (body["result"]["technician"]["name"], body["result"]["tiedWith"]) == ("Eva", ["Fay"])


async def test_no_available_technician_is_an_error_and_the_job_stays_open(crew, api, sqlite_only):
    for who in ("ann", "ben"):
        await crew.put(who, "Technician", crew.people[who].technician, {"availability": "off_duty"})
    job = await crew.job(as_="dora", location=NEAR_ANN)
    assert await assign(crew, job) == (404, NONE_AVAILABLE)
    assert (await crew.get("Job", job))["status"] == "open"


async def test_only_open_jobs_are_routed(crew):
    job = await crew.job(as_="dora", location=NEAR_ANN, technician=pointer("Technician", crew.ben.technician))
    assert await assign(crew, job) == (400, {"code": 142, "error": f"Job {job} is assigned: only open jobs are routed"})


async def test_a_job_without_a_location_cannot_be_routed(crew):
    job = await crew.job(as_="dora")
    assert await assign(crew, job) == (400, {"code": 142, "error": f"Job {job} has no location to route from"})


async def test_an_unknown_job_is_not_found(crew):
    assert await assign(crew, "nope") == (404, {"code": 101, "error": "Object not found."})


async def test_technicians_cannot_route_jobs(crew):
    job = await crew.job(as_="dora", location=NEAR_ANN)
    assert await assign(crew, job, as_="ann") == (400, {
        "code": 142, "error": "Validation failed. User does not match the required roles."})


async def test_the_job_id_is_required(crew):
    assert await crew.run("dora", "assignNearestTechnician", {}) == (400, {
        "code": 142, "error": "Validation failed. Please specify data for jobId."})


# ----- technicianRoute -----

A = {"__type": "GeoPoint", "latitude": 45.7640, "longitude": 4.8357}  # Bellecour
B = {"__type": "GeoPoint", "latitude": 45.7800, "longitude": 4.8600}  # next to ann
C = {"__type": "GeoPoint", "latitude": 45.7600, "longitude": 4.8500}  # Guillotière
D = {"__type": "GeoPoint", "latitude": 45.7485, "longitude": 4.8467}  # Jean Macé


@pytest.fixture
async def anns_day(crew) -> dict[str, str]:
    """ann's jobs: one in progress, one early, two booked for the same time, one the next day,
    one completed; and one of ben's."""
    tech = pointer("Technician", crew.ann.technician)
    jobs = {
        "later_far": await crew.job(as_="dora", technician=tech, location=A, scheduledTime=date("2030-05-06T10:00:00.000Z")),
        "later_near": await crew.job(as_="dora", technician=tech, location=B, scheduledTime=date("2030-05-06T10:00:00.000Z")),
        "early": await crew.job(as_="dora", technician=tech, location=C, scheduledTime=date("2030-05-06T08:00:00.000Z")),
        "now": await crew.job(as_="dora", technician=tech, location=D, scheduledTime=date("2030-05-06T11:00:00.000Z")),
        "tomorrow": await crew.job(as_="dora", technician=tech, location=A, scheduledTime=date("2030-05-07T08:00:00.000Z")),
        "done": await crew.job(as_="dora", technician=tech, location=A, scheduledTime=date("2030-05-06T07:00:00.000Z")),
        "bens": await crew.job(as_="dora", technician=pointer("Technician", crew.ben.technician), location=A),
    }
    await crew.put("ann", "Job", jobs["done"], {"status": "in_progress"})
    await crew.put("ann", "Job", jobs["done"], {"status": "completed"})
    await crew.put("ann", "Job", jobs["now"], {"status": "in_progress"})
    return jobs


async def route(crew, as_: str, technician: str, **params):
    return await crew.run(as_, "technicianRoute", {"technicianId": technician, **params})


async def test_the_route_lists_open_jobs_in_visiting_order(crew, anns_day):
    status, body = await route(crew, "ann", crew.ann.technician)
    assert status == 200
    stops = body["result"]["stops"]
    # in progress first; 08:00 before the 10:00 visits (its window closes at 09:00); of those two,
    # B then A, since tomorrow's visit is at A too: C-B-A-A is shorter than C-A-B-A
    assert [s["job"]["objectId"] for s in stops] == [anns_day[k] for k in (
        "now", "early", "later_near", "later_far", "tomorrow")]
    assert [s["order"] for s in stops] == [1, 2, 3, 4, 5]
    assert [s["distanceKm"] for s in stops] == [km(ANN_AT, D), km(D, C), km(C, B), km(B, A), 0]
    # the clock starts when the first window opens (07:00); tomorrow's visit waits for its window
    assert stops[4]["eta"] == {"__type": "Date", "iso": "2030-05-07T07:00:00.000Z"}
    assert body["result"]["totalKm"] == pytest.approx(sum(s["distanceKm"] for s in stops), abs=0.002)
    assert body["result"]["technician"]["objectId"] == crew.ann.technician


async def test_a_date_keeps_that_days_jobs(crew, anns_day):
    _, body = await route(crew, "dora", crew.ann.technician, date="2030-05-07")
    assert [s["job"]["objectId"] for s in body["result"]["stops"]] == [anns_day["tomorrow"]]
    assert body["result"]["date"] == "2030-05-07"


async def test_a_bad_date_is_refused(crew):
    assert await route(crew, "dora", crew.ann.technician, date="May 7") == (400, {
        "code": 142, "error": "date must be YYYY-MM-DD"})


async def test_another_technician_cannot_see_the_route(crew):
    assert await route(crew, "ben", crew.ann.technician) == (400, {
        "code": 119, "error": "Only this technician or a dispatcher can see this route"})


async def test_a_technician_without_jobs_has_an_empty_route(crew):
    _, body = await route(crew, "ben", crew.ben.technician)
    assert (body["result"]["stops"], body["result"]["totalKm"]) == ([], 0)
