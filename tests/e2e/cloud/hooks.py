"""Cloud code the e2e server loads (`--cloud tests/e2e/cloud`), used by scenarios/cloud.mjs.

main.js beside it is the same code for Parse Server, to run the scenario against the reference.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from parse_clone.cloud import Cloud, GeoPoint, ParseError

cloud = Cloud()

TASK = "E2ECloudTask"
NOTE = "E2ECloudNote"
LOG = "E2ECloudLog"


@cloud.define("e2eHello")
def hello(req):
    return f"Hello {req.params.get('name', 'world')}"


@cloud.define("e2eTyped")
def typed(req):
    return {"when": datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc), "where": GeoPoint(48.85, 2.35),
            "list": [1, "two"]}


@cloud.define("e2eRefuse")
def refuse(req):
    raise ParseError(ParseError.VALIDATION_ERROR, "refused")


@cloud.define("e2eBoom")
def boom(req):
    raise RuntimeError("boom")


@cloud.define("e2eNeedsUser", require_user=True)
def needs_user(req):
    return req.user.get("username")


@cloud.define("e2eContext")
def context(req):
    return req.context


@cloud.define("e2eCountTasks")
async def count_tasks(req):
    return await req.query(TASK).count(use_master_key=True)


@cloud.before_save(TASK)
def prepare_task(req):
    title = req.object.get("title")
    if title == "reject":
        raise ParseError(ParseError.VALIDATION_ERROR, "Title rejected")
    if title == "explode":
        raise RuntimeError("boom")
    if isinstance(title, str):
        req.object["title"] = title.strip()
    if req.object.get("status") is None:
        req.object["status"] = "open"
    if "note" in req.context:
        req.object["contextNote"] = req.context["note"]


@cloud.after_save(TASK)
async def count_saves(req):
    if req.context.get("countSaves"):
        await req.db.object(LOG, task=req.object, text="saved").save(use_master_key=True)


@cloud.before_find(NOTE)
def hide_archived(req):
    req.query.not_equal_to("archived", True)


@cloud.job("e2eJob")
async def job(req):
    await req.message("started")
    await asyncio.sleep(0.05)
    # Parse.Cloud.startJob sends the params as the body; Parse Dashboard's "Run..." sends
    # {"jobName", "input": <params>, ...}, which Parse Server too hands over whole.
    n = req.params.get("n", (req.params.get("input") or {}).get("n"))
    return f"processed {n}"


@cloud.job("e2eFailingJob")
def failing_job(req):
    raise RuntimeError("job exploded")
