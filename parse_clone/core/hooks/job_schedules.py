"""Job schedules: the `_JobSchedule` objects Parse Dashboard's Jobs page writes, and a scheduler that runs
them (Parse Server stores schedules but never runs them; here they run on time).

A schedule is {jobName, description, params (a JSON object as text), startAfter (ISO date),
daysOfWeek (7 flags, Sunday first), timeOfDay ("HH:MM[:SS[.mmm]]Z", UTC), repeatMinutes, lastRun}:

* without repeatMinutes it runs once, at startAfter;
* with repeatMinutes it runs on each allowed day (daysOfWeek; every day when absent) from startAfter's
  day on: at timeOfDay (midnight when absent), then every repeatMinutes until the day ends, never
  before startAfter. repeatMinutes 1440 is once a day.

Each tick runs a schedule at most once, for its latest slot not yet run; slots missed while no server
was up collapse into that one run. `lastRun` (ms since the epoch of the slot) is claimed with a
conditional update, so with several instances on one database a slot runs once. The run is a normal
job run: a `_JobStatus` row, as POST /jobs/<name> makes.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Callable

import orjson

from ...errors import ParseError
from ...storage.base import FindOptions
from ..runtime.auth import Auth
from .functions import start_job

if TYPE_CHECKING:
    from ..runtime.server import Server

log = logging.getLogger("parse_clone.jobs")

CLASS_NAME = "_JobSchedule"
TICK_SECONDS = 15.0
_DAY = timedelta(days=1)
_TIME_OF_DAY = re.compile(r"^(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.\d+)?)?Z?$")


def check_schedule(server: "Server", schedule: Any) -> dict[str, Any]:
    """The `job_schedule` of a POST/PUT body, checked; startAfter defaults to now, as in Parse Server."""
    if not isinstance(schedule, dict):
        raise ParseError(ParseError.INVALID_JSON, "job_schedule must be an object.")
    name = schedule.get("jobName")
    if name and server.cloud.get_job(str(name)) is None:
        raise ParseError(ParseError.INTERNAL_SERVER_ERROR, "Cannot Schedule a job that is not deployed",
                         http_status=400)
    params = schedule.get("params")
    if params is not None and not (isinstance(params, str) and isinstance(_loads(params), dict)):
        raise ParseError(ParseError.INVALID_JSON, "job_schedule.params must be a JSON object, as text.")
    time_of_day = schedule.get("timeOfDay")
    if time_of_day is not None and _time_of_day(time_of_day) is None:
        raise ParseError(ParseError.INVALID_JSON, "job_schedule.timeOfDay must be HH:MM:SS.mmmZ (UTC).")
    repeat = schedule.get("repeatMinutes")
    if repeat is not None and (isinstance(repeat, bool) or not isinstance(repeat, (int, float)) or repeat < 0):
        raise ParseError(ParseError.INVALID_JSON, "job_schedule.repeatMinutes must be a number of minutes.")
    if "startAfter" in schedule and _parse_iso(schedule["startAfter"]) is None:
        raise ParseError(ParseError.INVALID_JSON, "job_schedule.startAfter must be an ISO 8601 date.")
    out = dict(schedule)
    out.setdefault("startAfter", datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"))
    return out


def _loads(text: str) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return None


def _parse_iso(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _time_of_day(value: Any) -> timedelta | None:
    m = _TIME_OF_DAY.match(value) if isinstance(value, str) else None
    if m is None or int(m.group(1)) > 23 or int(m.group(2)) > 59 or int(m.group(3) or 0) > 59:
        return None
    return timedelta(hours=int(m.group(1)), minutes=int(m.group(2)), seconds=int(m.group(3) or 0))


def _day_allowed(schedule: dict[str, Any], day: datetime) -> bool:
    flags = schedule.get("daysOfWeek")
    if not isinstance(flags, list) or len(flags) != 7:
        return True
    return bool(flags[(day.weekday() + 1) % 7])  # Monday is 0 in Python, Sunday first in the flags


def due_slot(schedule: dict[str, Any], now: datetime) -> datetime | None:
    """The latest slot of `schedule` at or before `now` that has not run yet, or None."""
    start = _parse_iso(schedule.get("startAfter"))
    if start is None or start > now:
        return None
    last = schedule.get("lastRun")
    last_run = datetime.fromtimestamp(last / 1000, timezone.utc) if isinstance(last, (int, float)) else None
    repeat = schedule.get("repeatMinutes")
    if not repeat or isinstance(repeat, bool) or not isinstance(repeat, (int, float)) or repeat <= 0:
        return start if last_run is None else None
    step = timedelta(minutes=float(repeat))
    offset = _time_of_day(schedule.get("timeOfDay")) or timedelta(0)
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    first_day = start.replace(hour=0, minute=0, second=0, microsecond=0)
    for _ in range(8):  # today, or the last allowed day of the past week
        if day < first_day:
            return None
        if _day_allowed(schedule, day):
            slot = day + offset
            if slot < start:  # never before startAfter: its first slot on or after it
                slot += step * -((slot - start) // step)
            latest = None
            while slot < day + _DAY and slot <= now:
                latest, slot = slot, slot + step
            if latest is not None:
                return latest if last_run is None or latest > last_run else None
        day -= _DAY
    return None


async def _claim(server: "Server", schedule: dict[str, Any], slot: datetime) -> bool:
    """Set lastRun to the slot unless another instance did first."""
    stored = await server.schema.get(CLASS_NAME)
    assert stored is not None  # a volatile class always has its schema
    last = schedule.get("lastRun")
    where: dict[str, Any] = {"objectId": schedule["objectId"],
                             "lastRun": last if isinstance(last, (int, float)) else {"$exists": False}}
    slot_ms = int(slot.timestamp() * 1000)
    changed = await server.storage.find_one_and_update(CLASS_NAME, stored, where, {"lastRun": slot_ms})
    return changed is not None


class JobScheduler:
    """Runs one server's due schedules every TICK_SECONDS, and at once when a schedule is written
    (`clock`: seconds since the epoch)."""

    def __init__(self, server: "Server", clock: Callable[[], float] = time.time,
                 interval: float = TICK_SECONDS) -> None:
        self.server = server
        self.clock = clock
        self.interval = interval
        self._task: asyncio.Task[None] | None = None
        self._woken = asyncio.Event()

    async def tick(self) -> list[str]:
        """Start every due schedule's job once; the `_JobStatus` ids of the runs started."""
        now = datetime.fromtimestamp(self.clock(), timezone.utc)
        stored = await self.server.schema.get(CLASS_NAME)
        if stored is None:
            return []
        schedules = await self.server.storage.find(CLASS_NAME, stored, {}, FindOptions(limit=1000))
        started = []
        for schedule in schedules:
            slot = due_slot(schedule, now)
            name = schedule.get("jobName")
            if slot is None or not name or self.server.cloud.get_job(name) is None:
                continue
            if not await _claim(self.server, schedule, slot):
                continue
            params = _loads(schedule.get("params") or "{}")
            try:
                started.append(await start_job(self.server, Auth(is_master=True), name,
                                               params if isinstance(params, dict) else {}))
            except ParseError as exc:
                log.warning("scheduled job %s did not start: %s", name, exc.message)
        return started

    def wake(self) -> None:
        """Tick now rather than at the next interval: a schedule written to start now runs now."""
        self._woken.set()

    async def _loop(self) -> None:
        while True:
            self._woken.clear()
            try:
                await self.tick()
            except Exception:  # noqa: BLE001 - one bad tick must not stop the schedules
                log.exception("job scheduler tick failed")
            try:
                await asyncio.wait_for(self._woken.wait(), self.interval)
            except asyncio.TimeoutError:
                pass

    def start(self) -> None:
        """Tick in the background until stop()."""
        if self._task is None:
            self._task = asyncio.ensure_future(self._loop())

    async def stop(self) -> None:
        """Stop ticking (runs already started go on under the job runner)."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None


def job_scheduler(server: "Server") -> JobScheduler:
    """The server's scheduler (made on first use)."""
    scheduler = server.extras.get("job_scheduler")
    if scheduler is None:
        scheduler = server.extras["job_scheduler"] = JobScheduler(server)
    return scheduler
