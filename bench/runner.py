"""Runs one scenario: a warm-up, then a fixed-duration measurement with N concurrent workers."""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field

import aiohttp

from bench.client import ParseClient
from bench.scenarios import Scenario

MAX_ERROR_SAMPLES = 3


@dataclass
class Tally:
    """What the workers of one phase observed."""

    latencies_ns: list[int] = field(default_factory=list)
    errors: int = 0
    bad_replies: int = 0  # answered, but wrongly (counted in errors too)
    error_samples: list[str] = field(default_factory=list)

    def error(self, description: str) -> None:
        self.errors += 1
        if len(self.error_samples) < MAX_ERROR_SAMPLES and description not in self.error_samples:
            self.error_samples.append(description)


@dataclass(frozen=True)
class Result:
    """The measured phase of one scenario against one server."""

    scenario: str
    requests: int  # answered requests, good or not
    errors: int  # wrong answers plus transport failures
    elapsed_s: float
    rps: float
    p50_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    client_cpu: float  # load generator CPU time / wall time; near 1.0 means it was the bottleneck
    error_samples: list[str]
    rounds_rps: list[float] = field(default_factory=list)  # every round's req/s with --repeat
    background_requests: int = 0  # unmeasured heavy reads answered beside the measured ones
    background_errors: int = 0

    def as_json(self) -> dict[str, object]:
        return {
            "requests": self.requests,
            "errors": self.errors,
            "elapsed_s": round(self.elapsed_s, 3),
            "rps": round(self.rps, 1),
            "p50_ms": round(self.p50_ms, 3),
            "p99_ms": round(self.p99_ms, 3),
            "mean_ms": round(self.mean_ms, 3),
            "max_ms": round(self.max_ms, 3),
            "client_cpu": round(self.client_cpu, 2),
            "error_samples": self.error_samples,
            "rounds_rps": [round(x, 1) for x in self.rounds_rps],
            **({"background_requests": self.background_requests, "background_errors": self.background_errors}
               if self.background_requests or self.background_errors else {}),
        }


def percentile(sorted_values: list[int], fraction: float) -> int:
    """Nearest-rank percentile of an ascending list (0 for an empty one)."""
    if not sorted_values:
        return 0
    rank = max(1, min(len(sorted_values), round(fraction * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


async def _worker(
    client: ParseClient,
    scenario: Scenario,
    rng: random.Random,
    deadline: float,
    budget: list[int],
    tally: Tally,
    background: bool = False,
) -> None:
    build = scenario.background if background and scenario.background else scenario.build
    check = scenario.background_check if background and scenario.background_check else scenario.check
    # Bounded twice: by the deadline and by the shared request budget.
    while time.perf_counter() < deadline and budget[0] > 0:
        budget[0] -= 1
        request = build(rng)
        try:
            reply = await client.send(request.method, request.path, request.body, session=request.session,
                                      absolute=request.absolute)
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            tally.error(f"{type(exc).__name__}: {exc}")
            await asyncio.sleep(0.01)  # a refused connection fails fast; do not spin
            continue
        tally.latencies_ns.append(reply.latency_ns)
        problem = check(reply)
        if problem is not None:
            tally.bad_replies += 1
            tally.error(problem)


async def _phase(
    client: ParseClient,
    scenario: Scenario,
    seconds: float,
    concurrency: int,
    max_requests: int,
    rng: random.Random,
    load_concurrency: int = 0,
) -> tuple[Tally, Tally, float, float]:
    """The measured tally, the background tally (a scenario's unmeasured load), wall time, client CPU."""
    tally, load = Tally(), Tally()
    budget, load_budget = [max_requests], [max_requests]
    cpu_start, wall_start = time.process_time(), time.perf_counter()
    deadline = wall_start + seconds
    workers = [
        _worker(client, scenario, random.Random(rng.random()), deadline, budget, tally)
        for _ in range(concurrency)
    ]
    if scenario.background is not None:
        workers += [
            _worker(client, scenario, random.Random(rng.random()), deadline, load_budget, load, background=True)
            for _ in range(load_concurrency)
        ]
    await asyncio.gather(*workers)
    wall = time.perf_counter() - wall_start
    return tally, load, wall, (time.process_time() - cpu_start) / wall if wall else 0.0


async def run_scenario(
    client: ParseClient,
    scenario: Scenario,
    *,
    duration: float,
    warmup: float,
    concurrency: int,
    max_requests: int,
    rng: random.Random,
    load_concurrency: int = 0,
) -> Result:
    """Warm up (results discarded), then measure for `duration` seconds.

    A scenario with a `background` also runs `load_concurrency` workers of it, in both phases;
    only the scenario's own requests are measured (the background's count and errors are reported).
    """
    if warmup > 0:
        await _phase(client, scenario, warmup, concurrency, max_requests, rng, load_concurrency)
    tally, load, wall, cpu = await _phase(client, scenario, duration, concurrency, max_requests, rng,
                                          load_concurrency)
    latencies = sorted(tally.latencies_ns)
    completed = len(latencies)
    succeeded = completed - tally.bad_replies
    ms = 1e-6
    return Result(
        scenario=scenario.name,
        requests=completed,
        errors=tally.errors,
        elapsed_s=wall,
        rps=succeeded / wall if wall else 0.0,  # throughput counts good answers only
        p50_ms=percentile(latencies, 0.50) * ms,
        p99_ms=percentile(latencies, 0.99) * ms,
        mean_ms=(sum(latencies) / completed * ms) if completed else 0.0,
        max_ms=(latencies[-1] * ms) if latencies else 0.0,
        client_cpu=cpu,
        error_samples=tally.error_samples + [f"background: {e}" for e in load.error_samples],
        background_requests=len(load.latencies_ns),
        background_errors=load.errors,
    )
