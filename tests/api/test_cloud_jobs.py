"""POST /jobs/:name: master only, runs in the background, status and messages in _JobStatus."""

from __future__ import annotations

import asyncio

import pytest

from parse_clone.cloud import ParseError


@pytest.fixture
def cloud(api):
    return api.server.cloud


async def start(api, name, params=None):
    resp = await api.client.post(f"/1/jobs/{name}", json=params or {}, headers=api.headers(master=True))
    return resp.status, await resp.json(), resp.headers.get("X-Parse-Job-Status-Id")


async def finished(api, job_id, timeout=5.0):
    """The _JobStatus row once the job is no longer running."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        status, row = await api.get(f"/classes/_JobStatus/{job_id}", master=True)
        assert status == 200, row
        if row["status"] != "running" or asyncio.get_running_loop().time() > deadline:
            return row
        await asyncio.sleep(0.01)


async def test_a_job_answers_at_once_with_its_status_id_and_runs_in_the_background(api, cloud):
    release = asyncio.Event()

    @cloud.job
    async def nightly(req):
        await release.wait()
        return f"processed {req.params['n']}"

    status, body, job_id = await start(api, "nightly", {"n": 3})
    assert (status, body) == (200, {})
    _, row = await api.get(f"/classes/_JobStatus/{job_id}", master=True)
    assert row["status"] == "running" and row["jobName"] == "nightly" and row["source"] == "api"
    assert row["params"] == {"n": 3}
    release.set()
    row = await finished(api, job_id)
    assert row["status"] == "succeeded" and row["message"] == "processed 3"
    assert row["finishedAt"]["__type"] == "Date"


async def test_the_job_status_id_header_is_exposed_to_browsers(api, cloud):
    cloud.job("j", lambda req: None)
    resp = await api.client.post("/1/jobs/j", json={}, headers=api.headers(master=True))
    assert "X-Parse-Job-Status-Id" in resp.headers["Access-Control-Expose-Headers"]


async def test_a_failing_job_is_marked_failed_with_its_message(api, cloud):
    def broken(req):
        raise ValueError("bad input file")

    cloud.job("broken", broken)
    _, _, job_id = await start(api, "broken")
    row = await finished(api, job_id)
    assert row["status"] == "failed" and row["message"] == "bad input file"


async def test_a_job_can_report_progress(api, cloud):
    step = asyncio.Event()

    @cloud.job
    async def progress(req):
        await req.message("half way")
        await step.wait()

    _, _, job_id = await start(api, "progress")
    for _ in range(100):
        _, row = await api.get(f"/classes/_JobStatus/{job_id}", master=True)
        if row.get("message") == "half way":
            break
        await asyncio.sleep(0.01)
    assert row["message"] == "half way"
    step.set()
    assert (await finished(api, job_id))["status"] == "succeeded"


async def test_jobs_use_the_master_key_for_data(api, cloud):
    await api.post("/classes/Secret", {"v": 1, "ACL": {}}, master=True)

    @cloud.job
    async def audit(req):
        return str(await req.db.query("Secret").count())

    _, _, job_id = await start(api, "audit")
    assert (await finished(api, job_id))["message"] == "1"


async def test_jobs_need_the_master_key(api, cloud):
    cloud.job("j", lambda req: None)
    assert await api.post("/jobs/j", {}) == (403, {"error": "unauthorized: master key is required"})


async def test_an_unknown_job_is_141(api):
    assert await api.post("/jobs/nope", {}, master=True) == (400, {"code": 141, "error": "Invalid job."})


async def test_jobs_route_with_the_name_in_the_body(api, cloud):
    cloud.job("named", lambda req: req.params["jobName"])
    resp = await api.client.post("/1/jobs", json={"jobName": "named"}, headers=api.headers(master=True))
    assert resp.status == 200
    row = await finished(api, resp.headers["X-Parse-Job-Status-Id"])
    assert row["message"] == "named"


async def test_job_status_is_hidden_from_clients(api, cloud):
    cloud.job("j", lambda req: None)
    _, _, job_id = await start(api, "j")
    await finished(api, job_id)
    assert await api.get(f"/classes/_JobStatus/{job_id}") == (400, {
        "code": 119, "error": "Clients aren't allowed to perform the get operation on the _JobStatus collection."})


async def test_a_job_parse_error_message_is_recorded(api, cloud):
    def refuse(req):
        raise ParseError(ParseError.VALIDATION_ERROR, "nothing to do")

    cloud.job("refuse", refuse)
    _, _, job_id = await start(api, "refuse")
    row = await finished(api, job_id)
    assert row["status"] == "failed" and row["message"] == "nothing to do"
