"""/functions/:functionName and /jobs[/:jobName]: cloud functions and background jobs."""

from __future__ import annotations

from typing import Any

from ...core.hooks import functions
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


def register(router: Router) -> None:
    """Mount the function and job routes."""
    router.add("POST", "/functions/:functionName", call_function)
    router.add("POST", "/jobs/:jobName", start_job, master=True)
    router.add("POST", "/jobs", start_job, master=True)
