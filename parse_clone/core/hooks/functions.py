"""Cloud functions and jobs: `POST /functions/:name` and `POST /jobs/:name`.

A job runs in the background after the response; its progress lives in a `_JobStatus` row
(`jobName`, `params`, `status` running -> succeeded | failed, `source: "api"`, `message`,
`finishedAt`, ACL {} so that only the master key reads it), written straight to storage so
that no hook runs on it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from ...cloud.objects import encode_result
from ...cloud.requests import FunctionRequest, JobRequest
from ..runtime.auth import Auth
from ..runtime.call import current_call
from ...errors import ParseError
from .triggers import SKIPPED, request_base, run_hook
from ...language.values import date_json, new_object_id, now_iso

if TYPE_CHECKING:
    from ..runtime.server import Server

log = logging.getLogger("parse_clone.cloud")
JOB_STATUS = "_JobStatus"


async def run_function(server: "Server", auth: Auth, name: str, params: dict[str, Any]) -> Any:
    """Call a cloud function; its result in Parse's JSON form (141 for an unknown function)."""
    hook = server.cloud.function(name)
    if hook is None:
        raise ParseError(ParseError.SCRIPT_FAILED, f'Invalid function: "{name}"')
    req = FunctionRequest(**request_base(server, auth, current_call()), function_name=name, params=params)
    result = await run_hook(server, hook, "function", name, req, skippable=False)
    if result is SKIPPED:
        result = None
    try:
        return encode_result(result)
    except (TypeError, ValueError) as e:
        log.error("%s (%s) returned a value clients cannot read: %s", hook.label, hook.source, e)
        raise ParseError(ParseError.SCRIPT_FAILED, f"{hook.label} returned an invalid result: {e}") from None


class JobRunner:
    """The jobs running in the background for one server (cancelled when it stops)."""

    def __init__(self) -> None:
        self.tasks: set[asyncio.Task[None]] = set()

    def spawn(self, coro: Any) -> None:
        """Run `coro` in the background, keeping a reference until it ends."""
        task = asyncio.ensure_future(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def stop(self) -> None:
        """Cancel the running jobs (their status is marked failed)."""
        for task in list(self.tasks):
            task.cancel()
        if self.tasks:
            await asyncio.gather(*self.tasks, return_exceptions=True)


def job_runner(server: "Server") -> JobRunner:
    """The server's job runner."""
    runner = server.extras.get("job_runner")
    if runner is None:
        runner = server.extras["job_runner"] = JobRunner()
    return runner


async def _set_status(server: "Server", job_id: str, change: dict[str, Any]) -> None:
    schema = await server.schema.get(JOB_STATUS)
    assert schema is not None  # a volatile class always has its schema
    await server.storage.find_one_and_update(JOB_STATUS, schema, {"objectId": job_id},
                                             {**change, "updatedAt": now_iso()})


async def start_job(server: "Server", auth: Auth, name: str, params: dict[str, Any]) -> str:
    """Store a running `_JobStatus` and start the job in the background; the status objectId."""
    hook = server.cloud.get_job(name)
    if hook is None:
        raise ParseError(ParseError.SCRIPT_FAILED, "Invalid job.")
    job_id = new_object_id(server.config.objectIdSize)
    now = now_iso()
    schema = await server.schema.get(JOB_STATUS)
    assert schema is not None
    await server.storage.create_object(JOB_STATUS, schema, {
        "objectId": job_id, "createdAt": now, "updatedAt": now, "jobName": name, "params": params,
        "status": "running", "source": "api", "_rperm": [], "_wperm": []})

    async def set_message(text: str) -> None:
        await _set_status(server, job_id, {"message": text})

    call = current_call()
    base = request_base(server, auth, call, db_auth=Auth(is_master=True, installation_id=auth.installation_id))
    req = JobRequest(**base, job_name=name, job_id=job_id, params=params, set_message=set_message)
    job_runner(server).spawn(_run_job(server, hook, req))
    return job_id


async def _run_job(server: "Server", hook: Any, req: JobRequest) -> None:
    from ...cloud.runner import call_hook

    change: dict[str, Any]
    try:
        result = await call_hook(hook.handler, req, None, hook.label)
        change = {"status": "succeeded"}
        if isinstance(result, str) and result:
            change["message"] = result
    except asyncio.CancelledError:
        change = {"status": "failed", "message": "The server stopped while the job was running."}
    except Exception as e:  # noqa: BLE001 - a failed job is recorded, not raised
        log.exception("%s (%s) failed", hook.label, hook.source)
        change = {"status": "failed", "message": str(e) or type(e).__name__}
    change["finishedAt"] = date_json(now_iso())
    try:
        await _set_status(server, req.job_id, change)
    except Exception:  # noqa: BLE001 - storage may be closing
        log.exception("could not record the outcome of job %s", req.job_id)
