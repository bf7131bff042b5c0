"""Parse Server's `cluster` option: several worker processes serving one port.

`parse-clone serve --cluster true` (one worker per CPU core) or `--cluster 4`. The parent process
applies the defined schemas once, runs the relay that carries LiveQuery events and cache
invalidations between the workers (livequery/relay_bus.py), starts the workers (each `serve` with
the same options, its socket bound with SO_REUSEPORT so that the kernel spreads connections over
them), restarts a worker that dies, and on SIGTERM/SIGINT stops them all and exits.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import tempfile
import time

from .core.runtime.server import Server
from .livequery.bus import CLUSTER_RELAY_ENV
from .livequery.relay_bus import Relay
from .schema_loader.startup import apply_defined_schemas

log = logging.getLogger("parse_clone.cluster")

STOP_TIMEOUT = 15.0
RESTART_DELAYS = (0.5, 1.0, 2.0, 5.0)  # after a worker died quickly, wait longer before the next start
QUICK_DEATH = 10.0  # seconds: a worker that lived less than this counts as a quick death


def worker_count(option: int | bool | None) -> int:
    """How many workers `cluster` asks for (true: one per CPU core)."""
    if option is True:
        return os.cpu_count() or 1
    return max(1, int(option or 1))


def is_worker() -> bool:
    """Whether this process is a worker of a cluster (its parent set the relay)."""
    return bool(os.environ.get(CLUSTER_RELAY_ENV))


async def _prepare(server: Server) -> None:
    await server.start()
    try:
        await apply_defined_schemas(server)
    finally:
        await server.stop()


class Supervisor:
    """Starts, watches and stops the workers."""

    def __init__(self, workers: int, command: list[str], relay_path: str) -> None:
        self.workers = workers
        self.command = command
        self.relay_path = relay_path
        self.stopping = False
        self.procs: dict[int, asyncio.subprocess.Process] = {}

    async def _run_slot(self, slot: int) -> None:
        quick_deaths = 0
        env = {**os.environ, CLUSTER_RELAY_ENV: self.relay_path}
        while not self.stopping:
            started = time.monotonic()
            proc = await asyncio.create_subprocess_exec(*self.command, env=env)
            self.procs[slot] = proc
            code = await proc.wait()
            if self.stopping:
                return
            quick_deaths = quick_deaths + 1 if time.monotonic() - started < QUICK_DEATH else 0
            delay = RESTART_DELAYS[min(quick_deaths, len(RESTART_DELAYS)) - 1] if quick_deaths else 0.0
            print(f"parse-clone: cluster worker {proc.pid} exited with {code}; starting another"
                  + (f" in {delay:g} s" if delay else ""), file=sys.stderr, flush=True)
            await asyncio.sleep(delay)

    async def run(self) -> int:
        """Until a stop signal: the relay and the workers."""
        relay = Relay(self.relay_path)
        await relay.start()
        done = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, done.set)
        slots = [asyncio.create_task(self._run_slot(i)) for i in range(self.workers)]
        print(f"parse-clone: cluster of {self.workers} workers (parent {os.getpid()})", flush=True)
        await done.wait()
        self.stopping = True
        for proc in self.procs.values():
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(asyncio.gather(*(p.wait() for p in self.procs.values())), STOP_TIMEOUT)
        except asyncio.TimeoutError:
            for proc in self.procs.values():
                if proc.returncode is None:
                    proc.kill()
        for task in slots:
            task.cancel()
        await asyncio.gather(*slots, return_exceptions=True)
        await relay.close()
        return 0


def run_cluster(server: Server, workers: int, argv: list[str]) -> int:
    """Apply the defined schemas once, then supervise `workers` workers running `serve` with `argv`."""
    asyncio.run(_prepare(server))
    with tempfile.TemporaryDirectory(prefix="parse-clone-cluster-") as folder:
        supervisor = Supervisor(workers, [sys.executable, "-m", "parse_clone", *argv],
                                os.path.join(folder, "relay.sock"))
        return asyncio.run(supervisor.run())
