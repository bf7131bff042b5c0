"""The complete example of docs/cloud-code.md, loaded from the document and driven over HTTP."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from parse_clone.cloud import load_cloud_code
from tests.support.users import make_role, sign_up

DOC = Path(__file__).resolve().parents[2] / "docs" / "cloud-code.md"


def example_code() -> str:
    text = DOC.read_text()
    section = text.split("## A complete example", 1)[1]
    match = re.search(r"```python\n(# cloud/dispatch.py\n.*?)```", section, re.S)
    assert match, "the example code block is missing from docs/cloud-code.md"
    return match.group(1)


@pytest.fixture
async def app(api, tmp_path):
    folder = tmp_path / "cloud"
    folder.mkdir()
    (folder / "dispatch.py").write_text(example_code())
    load_cloud_code(folder, api.server.cloud)
    return api


def point(lat, lng):
    return {"__type": "GeoPoint", "latitude": lat, "longitude": lng}


async def new_job(api, session, **fields):
    status, body = await api.post("/classes/Job", {"title": "  Leak ", "location": point(40.0, -74.0), **fields},
                                  session=session)
    assert status == 201, body
    return body


async def test_jobs_are_tidied_and_need_a_user(app):
    assert await app.post("/classes/Job", {"title": "x"}) == (
        400, {"code": 142, "error": "Validation failed. Please login to continue."})
    customer = await sign_up(app, "cust")
    body = await new_job(app, customer["sessionToken"])
    assert (body["title"], body["status"], body["priority"]) == ("Leak", "open", 3)
    assert body["createdBy"] == {"__type": "Pointer", "className": "_User", "objectId": customer["objectId"]}
    assert await app.post("/classes/Job", {"title": "x", "priority": 9}, session=customer["sessionToken"]) == (
        400, {"code": 142, "error": "Validation failed. Invalid value for priority."})


async def test_only_dispatchers_close_jobs_and_status_changes_are_logged(app):
    customer = await sign_up(app, "cust")
    dispatcher = await sign_up(app, "disp")
    await make_role(app, "Dispatcher", users=[dispatcher["objectId"]])
    job = await new_job(app, customer["sessionToken"], ACL={"*": {"read": True, "write": True}})
    assert await app.put(f"/classes/Job/{job['objectId']}", {"status": "done"}, session=customer["sessionToken"]) == (
        400, {"code": 119, "error": "Only dispatchers close jobs"})
    status, _ = await app.put(f"/classes/Job/{job['objectId']}", {"status": "done"}, session=dispatcher["sessionToken"])
    assert status == 200
    _, logs = await app.get("/classes/JobLog", master=True, params={"order": "createdAt"})
    assert [entry["status"] for entry in logs["results"]] == ["open", "done"]


async def test_clients_see_only_active_technicians(app):
    for name, active in (("Ana", True), ("Bo", False)):
        await app.post("/classes/Technician", {"name": name, "active": active}, master=True)
    _, seen = await app.get("/classes/Technician")
    assert [t["name"] for t in seen["results"]] == ["Ana"]
    _, everyone = await app.get("/classes/Technician", master=True)
    assert len(everyone["results"]) == 2


async def test_assign_nearest_and_close_stale_jobs(app, backend):
    if backend == "mongomock":
        pytest.skip("mongomock has no $nearSphere (geo runs on SQLite and real MongoDB)")
    for name, lat, availability in (("Ana", 40.01, "available"), ("Cy", 40.001, "busy"), ("Dee", 41.0, "available")):
        await app.post("/classes/Technician", {"name": name, "location": point(lat, -74.0), "active": True,
                                               "availability": availability}, master=True)
    customer = await sign_up(app, "cust")
    job = await new_job(app, customer["sessionToken"])
    status, body = await app.post("/functions/assign_nearest", {"jobId": job["objectId"]},
                                  session=customer["sessionToken"])
    assert status == 200, body
    assert body["result"]["technician"] == "Ana"
    assert body["result"]["job"]["__type"] == "Object" and body["result"]["job"]["status"] == "assigned"
    resp = await app.client.post("/1/jobs/close_stale_jobs", json={"days": 0}, headers=app.headers(master=True))
    job_id = resp.headers["X-Parse-Job-Status-Id"]
    for _ in range(200):
        _, row = await app.get(f"/classes/_JobStatus/{job_id}", master=True)
        if row["status"] != "running":
            break
        await asyncio.sleep(0.01)
    assert (row["status"], row["message"]) == ("succeeded", "closed 1 jobs")
