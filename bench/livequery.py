"""LiveQuery fan-out benchmark: N subscribers on one query, M writes per second.

    python -m bench.livequery --url http://127.0.0.1:1337/1 --subscribers 1000,5000 --rate 20

For each subscriber count: worker processes open that many LiveQuery WebSockets (the server
URL with ws://), connect and subscribe to `{className, where: {run}}`; then this process
creates objects through REST at `--rate` per second for `--duration` seconds. Every object
carries the `time.monotonic()` of its request, so each subscriber measures delivery latency
(write request sent -> event received) against the same clock (loopback only: the clock is
this machine's). Reported per step: deliveries expected and received, latency p50/p99/max,
deliveries per second, and with `--server-pid` the server's memory per subscriber and CPU use.
With `--users K`, subscribers log in as K different users, so each event is judged (ACL, CLP,
protected fields) and encoded K times instead of once.

The server must publish the class: start it with `--liveQuery '{"classNames": ["BenchLive"]}'`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import sys
import time
import uuid
from array import array
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

import aiohttp
import orjson

from bench.cli import is_loopback
from bench.client import ParseClient, ServerKeys
from bench.seed import drop_class

BUCKET_MS = 0.1  # latency histogram resolution
MAX_MS = 30_000.0  # slower deliveries land in the last bucket
CONNECT_CONCURRENCY = 64
DRAIN_S = 15.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ----- subscriber side (one process per worker) -----


def _histogram() -> array:
    return array("I", bytes(4 * (int(MAX_MS / BUCKET_MS) + 1)))


async def _subscriber(
    session, url, hello, subscribe, histogram, state, stop, handshake: asyncio.Event
) -> None:
    """One LiveQuery client: connect, subscribe, then record the latency of every create."""
    try:
        ws = await session.ws_connect(url, autoping=True, max_msg_size=0)
        await ws.send_str(hello)
        if (await ws.receive_json(timeout=30)).get("op") != "connected":
            raise RuntimeError("not connected")
        await ws.send_str(subscribe)
        if (await ws.receive_json(timeout=30)).get("op") != "subscribed":
            raise RuntimeError("not subscribed")
    except Exception:  # noqa: BLE001 - counted and reported, the run goes on
        state["failed"] += 1
        return
    finally:
        state["settled"] += 1
        handshake.set()
    last = len(histogram) - 1
    try:
        while not stop.is_set():
            msg = await ws.receive()
            if msg.type in (
                aiohttp.WSMsgType.CLOSE,
                aiohttp.WSMsgType.CLOSED,
                aiohttp.WSMsgType.ERROR,
            ):
                state["dropped"] += 1
                return
            if msg.type != aiohttp.WSMsgType.TEXT:
                continue
            now = time.monotonic()
            frame = orjson.loads(msg.data)
            if frame.get("op") != "create":
                continue
            sent = frame["object"].get("t")
            if isinstance(sent, float):
                histogram[min(int((now - sent) * 1000 / BUCKET_MS), last)] += 1
                state["received"] += 1
    finally:
        await ws.close()


async def _worker_main(url: str, count: int, hellos: list[str], subscribe: str, conn, stop_flag) -> None:
    histogram = _histogram()
    state = {"settled": 0, "failed": 0, "dropped": 0, "received": 0}
    stop = asyncio.Event()
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:

        async def gated(hello: str) -> None:
            handshake = asyncio.Event()
            async with gate:  # at most CONNECT_CONCURRENCY handshakes at once
                task = asyncio.create_task(
                    _subscriber(session, url, hello, subscribe, histogram, state, stop, handshake)
                )
                await handshake.wait()
            await task

        tasks = [asyncio.create_task(gated(hellos[i % len(hellos)])) for i in range(count)]
        deadline = time.monotonic() + 300
        while state["settled"] < count and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        conn.send(("ready", count - state["failed"], state["failed"]))
        while not stop_flag.is_set():
            conn.send(("count", state["received"]))
            await asyncio.sleep(0.2)
        stop.set()
        conn.send(("done", state["received"], state["dropped"], histogram.tobytes()))
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def _worker(url, count, hellos, subscribe, conn, stop_flag, cpu) -> None:
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})
    try:
        import uvloop

        uvloop.install()
    except ImportError:  # pragma: no cover
        pass
    asyncio.run(_worker_main(url, count, hellos, subscribe, conn, stop_flag))


# ----- measurements -----


def _percentile(histogram: array, total: int, q: float) -> float:
    if total == 0:
        return float("nan")
    rank = max(1, int(round(q * total)))
    seen = 0
    for i, n in enumerate(histogram):
        seen += n
        if seen >= rank:
            return (i + 0.5) * BUCKET_MS
    return MAX_MS


def _max_ms(histogram: array) -> float:
    for i in range(len(histogram) - 1, -1, -1):
        if histogram[i]:
            return (i + 1) * BUCKET_MS
    return float("nan")


def _rss_kb(pid: int | None) -> int | None:
    if pid is None:
        return None
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return None


def _cpu_s(pid: int | None) -> float | None:
    if pid is None:
        return None
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Step:
    """The outcome of one subscriber count."""

    subscribers: int
    connected: int
    connect_failures: int
    connect_s: float
    writes: int
    write_errors: int
    expected: int
    delivered: int
    drain_s: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    deliveries_per_s: float
    server_rss_mb: float | None
    server_kb_per_subscriber: float | None
    server_cpu: float | None  # CPU seconds per wall second during the write window


# ----- one step -----


async def _writer(
    client: ParseClient, class_name: str, run_id: str, rate: float, duration: float
) -> tuple[int, int]:
    writes = errors = 0
    in_flight: set[asyncio.Task] = set()
    interval = 1.0 / rate
    started = time.monotonic()
    n = 0

    async def one(seq: int) -> None:
        nonlocal writes, errors
        body = orjson.dumps({"run": run_id, "seq": seq, "t": time.monotonic()})
        try:
            reply = await client.send("POST", f"/classes/{class_name}", body)
            if reply.status == 201:
                writes += 1
            else:
                errors += 1
        except aiohttp.ClientError:
            errors += 1

    while (due := started + n * interval) < started + duration:
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(one(n))
        in_flight.add(task)
        task.add_done_callback(in_flight.discard)
        n += 1
    if in_flight:
        await asyncio.gather(*in_flight)
    return writes, errors


def rate_for(args: argparse.Namespace, subscribers: int) -> float:
    """Writes per second for a step: --rate, or --deliveries spread over the subscribers."""
    return args.deliveries / subscribers if args.deliveries else args.rate


async def sign_up_users(client: ParseClient, count: int, user_ids: list[str]) -> list[str]:
    """`count` throw-away users (their ids go to `user_ids`, for clean-up); their session tokens."""
    tokens = []
    prefix = uuid.uuid4().hex[:8]
    for i in range(count):
        reply = await client.send_json("POST", "/users", {"username": f"lqbench_{prefix}_{i}", "password": "pw"})
        if reply.status != 201:
            raise RuntimeError(f"sign-up failed: HTTP {reply.status} {reply.body[:200]!r}")
        body = reply.json()
        tokens.append(body["sessionToken"])
        user_ids.append(body["objectId"])
    return tokens


async def run_step(args: argparse.Namespace, client: ParseClient, subscribers: int,
                   tokens: list[str]) -> Step:
    run_id = uuid.uuid4().hex[:12]
    ws_url = "ws" + args.url[len("http") :] if args.url.startswith("http") else args.url
    base = {"op": "connect", "applicationId": args.app_id,
            **({"javascriptKey": args.js_key} if args.js_key else {})}
    hellos = [orjson.dumps({**base, "sessionToken": t}).decode() for t in tokens] or [orjson.dumps(base).decode()]
    subscribe = orjson.dumps(
        {
            "op": "subscribe",
            "requestId": 1,
            "query": {"className": args.class_name, "where": {"run": run_id}},
        }
    ).decode()
    workers = max(1, min(args.workers, subscribers))
    shares = [
        subscribers // workers + (1 if i < subscribers % workers else 0) for i in range(workers)
    ]
    ctx = mp.get_context("spawn")
    stop_flag = ctx.Event()
    pipes, procs = [], []
    rss_before = _rss_kb(args.server_pid)
    started = time.monotonic()
    for share in shares:
        parent, child = ctx.Pipe()
        proc = ctx.Process(
            target=_worker,
            args=(ws_url, share, hellos, subscribe, child, stop_flag, args.worker_cpu),
            daemon=True,
        )
        proc.start()
        pipes.append(parent)
        procs.append(proc)
    connected = failures = 0
    for pipe in pipes:
        _, ok, bad = await asyncio.to_thread(pipe.recv)
        connected += ok
        failures += bad
    connect_s = time.monotonic() - started
    rss_after = _rss_kb(args.server_pid)
    log(f"  {connected} subscribers connected in {connect_s:.1f} s ({failures} failed)")
    counts = [0] * len(pipes)

    def poll() -> None:
        for i, pipe in enumerate(pipes):
            while pipe.poll():
                message = pipe.recv()
                if message[0] == "count":
                    counts[i] = message[1]

    cpu_before = _cpu_s(args.server_pid)
    window_start = time.monotonic()
    writes, write_errors = await _writer(client, args.class_name, run_id, rate_for(args, subscribers), args.duration)
    write_window = time.monotonic() - window_start
    cpu_after = _cpu_s(args.server_pid)
    expected = writes * connected
    drain_started = time.monotonic()
    while time.monotonic() - drain_started < DRAIN_S:
        poll()
        if sum(counts) >= expected:
            break
        await asyncio.sleep(0.1)
    drain_s = time.monotonic() - drain_started
    stop_flag.set()
    histogram = _histogram()
    delivered = 0
    for pipe in pipes:
        while True:
            message = await asyncio.to_thread(pipe.recv)
            if message[0] == "done":
                break
        delivered += message[1]
        part = array("I")
        part.frombytes(message[3])
        for i, n in enumerate(part):
            if n:
                histogram[i] += n
    for proc in procs:
        proc.join(10)
    elapsed = write_window + drain_s
    per_sub = None
    if rss_before is not None and rss_after is not None and connected:
        per_sub = (rss_after - rss_before) / connected
    return Step(
        subscribers=subscribers,
        connected=connected,
        connect_failures=failures,
        connect_s=round(connect_s, 2),
        writes=writes,
        write_errors=write_errors,
        expected=expected,
        delivered=delivered,
        drain_s=round(drain_s, 2),
        p50_ms=round(_percentile(histogram, delivered, 0.50), 2),
        p99_ms=round(_percentile(histogram, delivered, 0.99), 2),
        max_ms=round(_max_ms(histogram), 1),
        deliveries_per_s=round(delivered / elapsed, 1) if elapsed else 0.0,
        server_rss_mb=round(rss_after / 1024, 1) if rss_after is not None else None,
        server_kb_per_subscriber=round(per_sub, 1) if per_sub is not None else None,
        server_cpu=round((cpu_after - cpu_before) / write_window, 2)
        if cpu_before is not None
        else None,
    )


def table(steps: list[Step]) -> str:
    header = [
        "subscribers",
        "writes",
        "expected",
        "delivered",
        "p50 ms",
        "p99 ms",
        "max ms",
        "deliv/s",
        "srv MB",
        "KB/sub",
        "srv cpu",
    ]
    rows = [
        [
            str(s.connected),
            str(s.writes),
            str(s.expected),
            str(s.delivered),
            f"{s.p50_ms:.1f}",
            f"{s.p99_ms:.1f}",
            f"{s.max_ms:.0f}",
            f"{s.deliveries_per_s:.0f}",
            "-" if s.server_rss_mb is None else f"{s.server_rss_mb:.0f}",
            "-" if s.server_kb_per_subscriber is None else f"{s.server_kb_per_subscriber:.1f}",
            "-" if s.server_cpu is None else f"{s.server_cpu:.2f}",
        ]
        for s in steps
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(c.rjust(w) for c, w in zip(r, widths)) for r in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.livequery", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--url", required=True, help="server URL with mount path, e.g. http://127.0.0.1:1337/1"
    )
    parser.add_argument(
        "--subscribers", default="100,1000", help="comma-separated subscriber counts (steps)"
    )
    parser.add_argument("--rate", type=float, default=10.0, help="writes per second (default 10)")
    parser.add_argument("--deliveries", type=float, default=None,
                        help="instead of --rate: target events per second in total (writes/s = this / subscribers)")
    parser.add_argument(
        "--duration", type=float, default=10.0, help="seconds of writing per step (default 10)"
    )
    parser.add_argument(
        "--class-name", default="BenchLive", help="class written (must be in liveQuery.classNames)"
    )
    parser.add_argument("--app-id", default="test")
    parser.add_argument(
        "--js-key", default="test", help="javascriptKey sent on connect ('' for none)"
    )
    parser.add_argument("--rest-key", default=None, help="REST API key for the writes")
    parser.add_argument(
        "--master-key", default="test", help="used only to drop the class afterwards"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=max(1, (os.cpu_count() or 2) - 1),
        help="subscriber processes (default: CPUs - 1)",
    )
    parser.add_argument(
        "--worker-cpu", type=int, default=None, help="pin the subscriber processes to CPU N"
    )
    parser.add_argument("--cpu", type=int, default=None, help="pin this (writer) process to CPU N")
    parser.add_argument(
        "--server-pid", type=int, default=None, help="server process: report its RSS and CPU"
    )
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    parser.add_argument("--users", type=int, default=0,
                        help="sign up this many users; subscribers connect with their sessions in turn, so every "
                             "event is checked per user (default 0: anonymous subscribers)")
    parser.add_argument("--no-cleanup", action="store_true", help="keep the class and its objects")
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="permit a non-loopback URL (latencies are then meaningless: one clock is assumed)",
    )
    args = parser.parse_args(argv)
    try:
        args.steps = [int(n) for n in args.subscribers.split(",") if n.strip()]
    except ValueError:
        parser.error("--subscribers must be comma-separated integers")
    if (
        not args.steps
        or min(args.steps) < 1
        or args.rate <= 0
        or args.duration <= 0
        or args.workers < 1
    ):
        parser.error("--subscribers, --rate, --duration and --workers must be positive")
    if not args.allow_remote and not is_loopback(args.url):
        parser.error(
            f"{args.url} is not a loopback address; pass --allow-remote to benchmark it anyway"
        )
    if urlsplit(args.url).scheme not in ("http", "https"):
        parser.error("--url must be http(s)://host:port/mount")
    return args


async def run(args: argparse.Namespace) -> list[Step]:
    steps = []
    keys = ServerKeys(args.url, args.app_id, args.rest_key, args.master_key)
    user_ids: list[str] = []
    async with ParseClient(keys, connections=64) as client:
        try:
            tokens = []
            if args.users:
                log(f"signing up {args.users} users (subscribers use their sessions in turn) ...")
                tokens = await sign_up_users(client, args.users, user_ids)
            for count in args.steps:
                log(f"step: {count} subscribers, {rate_for(args, count):g} writes/s for {args.duration:g} s")
                steps.append(await run_step(args, client, count, tokens))
        finally:
            if not args.no_cleanup:
                await drop_class(client, args.class_name, quiet=True)
                for user_id in user_ids:
                    await client.send("DELETE", f"/users/{user_id}", master=True)
    return steps


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})
    steps = asyncio.run(run(args))
    print(table(steps))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(
                {
                    "config": {
                        "rate": args.rate,
                        "duration_s": args.duration,
                        "workers": args.workers,
                        "class_name": args.class_name,
                        "cpus": os.cpu_count(),
                    },
                    "steps": [asdict(s) for s in steps],
                },
                out,
                indent=2,
            )
            out.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
