"""/functions/:functionName and /jobs[/:jobName]: cloud functions and background jobs; /cloud_code/jobs:
the job schedules (`_JobSchedule`) Parse Dashboard's Jobs page reads and writes (master key)."""

from __future__ import annotations

from typing import Any

from ...core import rest
from ...core.hooks import functions
from ...core.hooks.job_schedules import CLASS_NAME as SCHEDULES
from ...core.hooks.job_schedules import check_schedule, job_scheduler
from ...core.query import find as query
from ...core.query.options import QueryOptions
from ...core.runtime.server import Server
from ..request import ParseRequest
from ..router import Reply, Router


def _params(req: ParseRequest) -> dict[str, Any]:
    """Body and query string merged (Parse's rule for function parameters)."""
    params = dict(req.body) if isinstance(req.body, dict) else {}
    params.update(req.query)
    return params


async def call_function(server: Server, req: ParseRequest) -> Reply:
    """POST /functions/:name -> {"result": ...}."""
    result = await functions.run_function(server, req.auth, req.params["functionName"], _params(req))
    return Reply({"result": result})


async def start_job(server: Server, req: ParseRequest) -> Reply:
    """POST /jobs/:name (or /jobs with jobName), master key: {} and X-Parse-Job-Status-Id."""
    params = _params(req)
    name = req.params.get("jobName") or params.get("jobName")
    job_id = await functions.start_job(server, req.auth, str(name or ""), params)
    return Reply({}, headers={"X-Parse-Job-Status-Id": job_id})


async def _schedules(server: Server, req: ParseRequest) -> list[dict[str, Any]]:
    return (await query.find(server, req.auth, SCHEDULES, QueryOptions()))["results"]


async def list_schedules(server: Server, req: ParseRequest) -> Reply:
    """GET /cloud_code/jobs: every schedule."""
    return Reply(await _schedules(server, req))


async def jobs_data(server: Server, req: ParseRequest) -> Reply:
    """GET /cloud_code/jobs/data: the defined jobs, and the names schedules use."""
    in_use = [s.get("jobName") for s in await _schedules(server, req)]
    return Reply({"in_use": in_use, "jobs": server.cloud.job_names()})


def _schedule_body(server: Server, req: ParseRequest) -> dict[str, Any]:
    body = req.body if isinstance(req.body, dict) else {}
    return check_schedule(server, body.get("job_schedule"))


async def create_schedule(server: Server, req: ParseRequest) -> Reply:
    """POST /cloud_code/jobs {"job_schedule": {...}}: 201 {objectId, createdAt}."""
    result = await rest.create(server, req.auth, SCHEDULES, _schedule_body(server, req))
    job_scheduler(server).wake()
    return Reply(result.response, 201)


async def edit_schedule(server: Server, req: ParseRequest) -> Reply:
    """PUT /cloud_code/jobs/:objectId: {"response": {updatedAt}} (Parse Server's shape)."""
    result = await rest.update(server, req.auth, SCHEDULES, req.params["objectId"], _schedule_body(server, req))
    job_scheduler(server).wake()
    return Reply({"response": result.response})


async def delete_schedule(server: Server, req: ParseRequest) -> Reply:
    """DELETE /cloud_code/jobs/:objectId: {}."""
    await rest.delete(server, req.auth, SCHEDULES, req.params["objectId"])
    return Reply({})


def register(router: Router) -> None:
    """Mount the function, job and job schedule routes."""
    router.add("POST", "/functions/:functionName", call_function, idempotent=True)
    router.add("POST", "/jobs/:jobName", start_job, master=True, idempotent=True)
    router.add("POST", "/jobs", start_job, master=True)
    router.add("GET", "/cloud_code/jobs", list_schedules, master=True)
    router.add("GET", "/cloud_code/jobs/data", jobs_data, master=True)
    router.add("POST", "/cloud_code/jobs", create_schedule, master=True)
    router.add("PUT", "/cloud_code/jobs/:objectId", edit_schedule, master=True)
    router.add("DELETE", "/cloud_code/jobs/:objectId", delete_schedule, master=True)
