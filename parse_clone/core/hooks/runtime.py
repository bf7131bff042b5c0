"""Wiring a server's cloud code: loading the folder, file triggers, webhooks, jobs at stop."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from ...cloud.loader import load_cloud_code
from ..files.service import FILE_TRIGGERS
from .functions import job_runner
from .job_schedules import job_scheduler
from .triggers import run_file_hooks
from .webhooks import load_webhooks, webhook_client

if TYPE_CHECKING:
    from ..runtime.server import Server

FEATURES = {"hooks": {"create": True, "read": True, "update": True, "delete": True},
            "cloudCode": {"jobs": True}}


def install_cloud(server: "Server", path: str | None) -> None:
    """Load the cloud code at `path` (if any) into server.cloud; CloudLoadError names a broken file."""
    if path:
        load_cloud_code(path, server.cloud)
    server.extras[FILE_TRIGGERS] = functools.partial(run_file_hooks, server)
    server.extras.setdefault("features", {}).update(FEATURES)


async def start_cloud(server: "Server") -> None:
    """Route the webhooks stored in _Hooks (storage must be connected); start the job scheduler."""
    await load_webhooks(server)
    if server.cloud.job_names():
        job_scheduler(server).start()


async def stop_cloud(server: "Server") -> None:
    """Stop the job scheduler, cancel running jobs (marked failed) and close the webhook client."""
    await job_scheduler(server).stop()
    await job_runner(server).stop()
    await webhook_client(server).close()
