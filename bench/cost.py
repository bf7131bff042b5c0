"""Cost per request of the read scenarios (get, query, graphql_get, graphql_query) on a server already
seeded by `python -m bench ... --no-cleanup`: the server's CPU time (utime+stime from /proc, plus the
PostgreSQL backends serving `--pg-database` if given) or, with `--callgrind`, the instructions counted by
a server running under `valgrind --tool=callgrind` (counters zeroed before, dumped after, each batch).

    python -m bench.cost --origin http://127.0.0.1:8301 --pid PID [--pg-database DB] [--requests 3000]
"""

from __future__ import annotations

import argparse
import asyncio
import glob
import os
import random
import subprocess
from collections.abc import Callable

import aiohttp
import orjson

from .scenarios import CATEGORIES, graphql_requests

KINDS = ("get", "query", "graphql_get", "graphql_query")
Request = tuple[str, str, bytes | None, bytes]  # method, path from the origin, body, a key the answer holds


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def backend_pids(database: str | None) -> list[int]:
    """The PostgreSQL backends connected to `database` (psql as $PGUSER on 127.0.0.1)."""
    if not database:
        return []
    out = subprocess.run(["psql", "-h", "127.0.0.1", "-d", "postgres", "-tAc",
                          f"select pid from pg_stat_activity where datname = '{database}'"],
                         capture_output=True, text=True, check=True).stdout
    return [int(p) for p in out.split()]


def callgrind_instructions(pid: int, zero: bool, out_file: str = "callgrind.out.{pid}") -> int:
    """Zero the counters (`zero`), or dump them and answer the instructions since the last zeroing
    (read from the new dumps named as valgrind's --callgrind-out-file, `{pid}` for %p)."""
    if zero:
        subprocess.run(["callgrind_control", "-z", str(pid)], check=True, capture_output=True)
        return 0
    pattern = out_file.format(pid=pid) + "*"
    before = set(glob.glob(pattern))
    subprocess.run(["callgrind_control", "-d", str(pid)], check=True, capture_output=True)
    total = 0
    for path in set(glob.glob(pattern)) - before:
        for line in open(path):
            if line.startswith(("summary:", "totals:")):
                total = max(total, int(line.split()[1]))
    return total


def requests_of(mount: str, ids: list[str], rng: random.Random) -> dict[str, Callable[[], Request]]:
    """The bench scenarios' reads, as (method, path, body, expected key)."""
    gql_get, gql_query = graphql_requests("BenchItem")
    query_paths = [f"{mount}/classes/BenchItem?where={orjson.dumps({'category': c}).decode()}&limit=20&order=-score"
                   for c in CATEGORIES]
    return {
        "get": lambda: ("GET", f"{mount}/classes/BenchItem/{rng.choice(ids)}", None, b'"objectId"'),
        "query": lambda: ("GET", rng.choice(query_paths), None, b'"results"'),
        "graphql_get": lambda: ("POST", "/graphql", gql_get(rng.choice(ids)), b'"objectId"'),
        "graphql_query": lambda: ("POST", "/graphql", gql_query(rng.choice(CATEGORIES)), b'"edges"'),
    }


async def measure(args: argparse.Namespace) -> None:
    headers = {"X-Parse-Application-Id": args.app_id, "X-Parse-REST-API-Key": args.rest_key,
               "Content-Type": "application/json"}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=args.concurrency)) as session:
        async with session.get(f"{args.origin}{args.mount}/classes/BenchItem", params={"limit": "1000",
                               "keys": "objectId"}, headers={**headers, "X-Parse-Master-Key": args.master_key}) as r:
            ids = [o["objectId"] for o in (await r.json())["results"]]
        if not ids:
            raise SystemExit("no BenchItem objects: seed with `python -m bench ... --no-cleanup` first")
        make = requests_of(args.mount, ids, random.Random(1))

        async def run(kind: str, count: int) -> None:
            left = [count]

            async def worker() -> None:
                while left[0] > 0:
                    left[0] -= 1
                    method, path, body, key = make[kind]()
                    async with session.request(method, args.origin + path, data=body, headers=headers) as r:
                        answer = await r.read()
                        if r.status != 200 or key not in answer or b'"errors"' in answer:
                            raise SystemExit(f"{kind}: HTTP {r.status} {answer[:200]!r}")
            await asyncio.gather(*(worker() for _ in range(args.concurrency)))

        backends = backend_pids(args.pg_database)
        for kind in args.scenarios.split(","):
            await run(kind, args.warmup)
            if args.callgrind:
                callgrind_instructions(args.pid, True, args.callgrind_out_file)
                await run(kind, args.requests)
                counted = callgrind_instructions(args.pid, False, args.callgrind_out_file)
                cost = f"{counted / args.requests / 1e6:.3f} M instructions"
            else:
                server, db = process_cpu(args.pid), sum(map(process_cpu, backends))
                await run(kind, args.requests)
                server_us = (process_cpu(args.pid) - server) / args.requests * 1e6
                db_us = (sum(map(process_cpu, backends)) - db) / args.requests * 1e6
                cost = f"{server_us + db_us:.0f} us CPU (server {server_us:.0f}, PostgreSQL {db_us:.0f})"
            print(f"{kind:14s} {cost} per request, {args.requests} requests, load {os.getloadavg()[0]:.2f}",
                  flush=True)


def main() -> None:
    """Command line: see the module docstring."""
    p = argparse.ArgumentParser(prog="python -m bench.cost", description=__doc__.split("\n\n")[0])
    p.add_argument("--origin", required=True, help="scheme://host:port (the GraphQL path is /graphql there)")
    p.add_argument("--mount", default="/1", help="REST mount path")
    p.add_argument("--pid", type=int, required=True, help="the server process (valgrind's with --callgrind)")
    p.add_argument("--pg-database", help="also count the CPU of the PostgreSQL backends of this database")
    p.add_argument("--callgrind", action="store_true", help="count instructions (server under callgrind)")
    p.add_argument("--callgrind-out-file", default="callgrind.out.{pid}",
                   help="the server's --callgrind-out-file ({pid} for %%p), relative to this directory")
    p.add_argument("--requests", type=int, default=3000)
    p.add_argument("--warmup", type=int, default=300)
    p.add_argument("--concurrency", type=int, default=16)
    p.add_argument("--scenarios", default=",".join(KINDS))
    p.add_argument("--app-id", default="test")
    p.add_argument("--rest-key", default="rest")
    p.add_argument("--master-key", default="test")
    asyncio.run(measure(p.parse_args()))


if __name__ == "__main__":
    main()
