"""Command line: `python -m bench --url URL [--compare URL2] ...` (see bench/README.md)."""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import os
import platform
import random
import socket
import sys
import time
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

import aiohttp

from bench import report
from bench.client import ParseClient, ServerKeys
from bench.runner import Result, run_scenario
from bench.scenarios import NOT_BY_DEFAULT, SCENARIO_NAMES, SeedData, build_scenarios
from bench.seed import drop_class, prepare
from bench.users import remove_users

MAX_DURATION_S = 600.0
BUSY_LOADAVG = 1.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Load benchmark for a Parse-compatible REST API (one process, aiohttp).",
    )
    parser.add_argument(
        "--url", required=True, help="server URL with mount path, e.g. http://localhost:1338/1"
    )
    parser.add_argument(
        "--compare",
        metavar="URL",
        help="a second server: run the same scenarios, print side by side",
    )
    parser.add_argument(
        "--label", default=None, help="name of --url in tables (default: host:port)"
    )
    parser.add_argument(
        "--compare-label", default=None, help="name of --compare in tables (default: host:port)"
    )
    parser.add_argument("--app-id", default="test")
    parser.add_argument(
        "--master-key", default="test", help="used only to create, index and drop the class"
    )
    parser.add_argument(
        "--rest-key", default=None, help="REST API key sent with every scenario request"
    )
    parser.add_argument(
        "--duration", type=float, default=10.0, help="measured seconds per scenario (default 10)"
    )
    parser.add_argument(
        "--warmup", type=float, default=2.0, help="unmeasured seconds before each (default 2)"
    )
    parser.add_argument(
        "--concurrency", type=int, default=16, help="requests in flight (default 16)"
    )
    parser.add_argument(
        "--scenarios",
        default=",".join(n for n in SCENARIO_NAMES if n not in NOT_BY_DEFAULT),
        help=f"comma-separated subset of {','.join(SCENARIO_NAMES)}",
    )
    parser.add_argument(
        "--load-concurrency", type=int, default=4,
        help="heavy reads in flight beside the measured gets of get_under_load (default 4)",
    )
    parser.add_argument(
        "--seed-count", type=int, default=1000, help="objects seeded for get/query/update/count"
    )
    parser.add_argument(
        "--class-name",
        default="BenchItem",
        help="class created, used and dropped (default BenchItem)",
    )
    parser.add_argument(
        "--max-requests", type=int, default=1_000_000, help="cap per scenario phase (default 1e6)"
    )
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    parser.add_argument(
        "--cpu", type=int, default=None, help="pin this process to CPU N (os.sched_setaffinity)"
    )
    parser.add_argument(
        "--random-seed", type=int, default=1, help="seed of the request mix (default 1)"
    )
    parser.add_argument(
        "--no-cleanup", action="store_true", help="keep the class and its objects afterwards"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="measure each scenario N times and report the best round (default 1)",
    )
    parser.add_argument(
        "--allow-remote", action="store_true", help="permit a non-loopback URL (refused by default)"
    )
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.scenarios.split(",") if n.strip()]
    unknown = sorted(set(names) - set(SCENARIO_NAMES))
    if unknown or not names:
        parser.error(f"unknown scenarios {unknown}; choose from {','.join(SCENARIO_NAMES)}")
    args.scenario_names = names
    if not 0 < args.duration <= MAX_DURATION_S or not 0 <= args.warmup <= MAX_DURATION_S:
        parser.error(
            f"--duration must be in (0, {MAX_DURATION_S:.0f}], "
            f"--warmup in [0, {MAX_DURATION_S:.0f}]"
        )
    if not 1 <= args.concurrency <= 1024 or not 1 <= args.load_concurrency <= 1024:
        parser.error("--concurrency and --load-concurrency must be between 1 and 1024")
    if args.seed_count < 1 or args.max_requests < 1 or not 1 <= args.repeat <= 10:
        parser.error("--seed-count and --max-requests must be positive, --repeat 1 to 10")
    for url in filter(None, [args.url, args.compare]):
        if not args.allow_remote and not is_loopback(url):
            parser.error(
                f"{url} is not a loopback address; pass --allow-remote to benchmark it anyway"
            )
    return args


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname
    if not host:
        return False
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror:
        return False
    return all(ipaddress.ip_address(info[4][0].split("%")[0]).is_loopback for info in infos)


def default_label(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port}" if parts.port else str(parts.hostname)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class Target:
    label: str
    client: ParseClient
    seed: SeedData | None = None


async def run(args: argparse.Namespace) -> dict[str, object]:
    urls = [args.url] + ([args.compare] if args.compare else [])
    labels = [args.label or default_label(args.url)]
    if args.compare:
        labels.append(args.compare_label or default_label(args.compare))
        if labels[0] == labels[1]:
            labels = [f"A({labels[0]})", f"B({labels[1]})"]
    rng = random.Random(args.random_seed)
    targets = [
        Target(
            label,
            ParseClient(
                ServerKeys(url, args.app_id, args.rest_key, args.master_key),
                args.concurrency + args.load_concurrency,  # get_under_load's heavy reads have their own
            ),
        )
        for label, url in zip(labels, urls, strict=True)
    ]
    results: dict[str, list[Result]] = {t.label: [] for t in targets}
    rounds: dict[str, list[Result]] = {t.label: [] for t in targets}
    for target in targets:
        await target.client.__aenter__()
    try:
        for target in targets:
            started = time.perf_counter()
            log(f"[{target.label}] seeding {args.seed_count} objects into {args.class_name} ...")
            with_users = bool({"auth_query", "login"} & set(args.scenario_names))
            target.seed = await prepare(target.client, args.class_name, args.seed_count, rng, with_users)
            log(
                f"[{target.label}] seeded in {time.perf_counter() - started:.1f} s "
                f"({'indexed' if target.seed.indexed else 'no index'})"
            )
        # Scenario by scenario, each server in turn: both see the same phase of the run.
        for name in args.scenario_names:
            for round_no in range(args.repeat):
                for target in targets:
                    assert target.seed is not None
                    scenario = build_scenarios(target.client, target.seed)[name]
                    log(
                        f"[{target.label}] {name}: {args.warmup:g} s warm-up + "
                        f"{args.duration:g} s (round {round_no + 1}/{args.repeat}) ..."
                    )
                    result = await run_scenario(
                        target.client,
                        scenario,
                        duration=args.duration,
                        warmup=args.warmup,
                        concurrency=args.concurrency,
                        load_concurrency=args.load_concurrency,
                        max_requests=args.max_requests,
                        rng=random.Random(rng.random()),
                    )
                    rounds[target.label].append(result)
            for target in targets:
                # Best of the rounds: other work on a shared machine only ever slows a round.
                best = max(rounds[target.label], key=lambda r: r.rps)
                results[target.label].append(
                    replace(best, rounds_rps=[r.rps for r in rounds[target.label]])
                )
                rounds[target.label].clear()
    finally:
        if not args.no_cleanup:
            for target in targets:
                try:
                    await drop_class(target.client, args.class_name)
                    await remove_users(target.client, target.seed.users if target.seed else [])
                except Exception as exc:  # clean-up must not hide the run's own outcome
                    log(f"[{target.label}] clean-up failed: {exc}")
        for target in targets:
            await target.client.__aexit__(None, None, None)

    first, *second = targets
    if second:
        print(
            report.comparison_table(
                first.label, results[first.label], second[0].label, results[second[0].label]
            )
        )
    else:
        print(report.single_table(results[first.label]))
    for target in targets:
        for line in report.notes(target.label, results[target.label]):
            print(line)
    return {
        "config": {
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "concurrency": args.concurrency,
            "load_concurrency": args.load_concurrency,
            "repeat": args.repeat,
            "scenarios": args.scenario_names,
            "seed_count": args.seed_count,
            "class_name": args.class_name,
            "cpu": args.cpu,
            "host": platform.node(),
            "cpus": os.cpu_count(),
            "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
            "python": platform.python_version(),
        },
        "servers": {
            t.label: report.server_json(
                t.client.keys.url,
                bool(t.seed and t.seed.indexed),
                len(t.seed.object_ids) if t.seed else 0,
                results[t.label],
            )
            for t in targets
        },
        **(
            {
                "ratio": {
                    a.scenario: round(a.rps / b.rps, 3) if b.rps else None
                    for a, b in zip(results[first.label], results[second[0].label], strict=True)
                }
            }
            if second
            else {}
        ),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})
        log(f"load generator pinned to CPU {args.cpu}")
    busy = os.getloadavg()[0]
    if busy > BUSY_LOADAVG:
        log(
            f"warning: 1-minute load average is {busy:.2f}: "
            "other work on this machine will skew the figures"
        )
    try:
        document = asyncio.run(run(args))
    except (TimeoutError, RuntimeError, OSError, aiohttp.ClientError) as exc:
        log(f"error: {exc}")
        return 1
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(document, out, indent=2)
            out.write("\n")
        log(f"results written to {args.json}")
    return 0
