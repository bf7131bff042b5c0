"""Visiting order for a technician's day: nearest-neighbour, then 2-opt, with time windows.

Pure functions over plain values so they can be unit-tested without a server.

Each stop has a position (or none) and a booked time (or none). A visit booked at T may start
from T - WINDOW to T + WINDOW: arriving earlier means waiting, arriving later counts as minutes
late. The technician drives at SPEED_KMH and spends SERVICE_MIN at each stop; the clock starts
when the first window opens. A tour is better when it is less late in total, then when it is
shorter. The stop in progress (if any) stays first.

Build: from two starting tours (by booked time, and nearest-neighbour from the start), 2-opt
(reverse a segment) and relocation (move one stop) while either improves it; the better result wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable, Hashable, Sequence

WINDOW = timedelta(minutes=60)
SPEED_KMH = 30.0
SERVICE_MIN = 30.0
MAX_PASSES = 50
FAR = datetime.max.replace(tzinfo=timezone.utc)
LATE_TOLERANCE_MIN = 0.5  # lateness below half a minute is rounding, not a worse tour


@dataclass(frozen=True)
class Stop:
    """One visit: an id, where (GeoPoint JSON or None), when it is booked (or None)."""

    key: Hashable
    location: dict | None
    booked: datetime | None


Distance = Callable[[dict | None, dict | None], float | None]


def _leg(distance: Distance, a: dict | None, b: dict | None) -> float:
    d = distance(a, b)
    return 0.0 if d is None else d


def evaluate(start: dict | None, tour: Sequence[Stop], distance: Distance,
             clock: datetime | None = None) -> tuple[float, float, list[datetime | None]]:
    """(minutes late in total, km in total, estimated arrival at each stop) for `tour`."""
    booked = [s.booked for s in tour if s.booked is not None]
    now = clock or (min(booked) - WINDOW if booked else None)
    here, late, km, arrivals = start, 0.0, 0.0, []
    for stop in tour:
        leg = _leg(distance, here, stop.location)
        km += leg
        if now is not None:
            now += timedelta(hours=leg / SPEED_KMH)
            if stop.booked is not None:
                opens, closes = stop.booked - WINDOW, stop.booked + WINDOW
                now = max(now, opens)
                late += max(0.0, (now - closes).total_seconds() / 60)
            arrivals.append(now)
            now += timedelta(minutes=SERVICE_MIN)
        else:
            arrivals.append(None)
        here = stop.location or here
    return late, km, arrivals


def _better(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Is cost `a` strictly better than `b` (late first, then distance)?"""
    if a[0] < b[0] - LATE_TOLERANCE_MIN:
        return True
    if a[0] > b[0] + LATE_TOLERANCE_MIN:
        return False
    return a[1] < b[1] - 1e-9


def nearest_neighbour(start: dict | None, stops: Sequence[Stop], distance: Distance) -> list[Stop]:
    """Always the nearest unvisited stop next (ties by booked time, then key)."""
    pending, tour, here = list(stops), [], start
    while pending:
        nxt = min(pending, key=lambda s: (_leg(distance, here, s.location), s.booked or FAR, str(s.key)))
        tour.append(nxt)
        pending.remove(nxt)
        here = nxt.location or here
    return tour


def _improve(start: dict | None, fixed: list[Stop], tour: list[Stop], distance: Distance) -> list[Stop]:
    def cost(candidate: list[Stop]) -> tuple[float, float]:
        late, km, _ = evaluate(start, fixed + candidate, distance)
        return late, km

    best, best_cost = tour, cost(tour)
    for _ in range(MAX_PASSES):
        improved = False
        n = len(best)
        for i in range(n - 1):
            for j in range(i + 1, n):
                reversed_ = best[:i] + best[i:j + 1][::-1] + best[j + 1:]  # 2-opt
                c = cost(reversed_)
                if _better(c, best_cost):
                    best, best_cost, improved = reversed_, c, True
        for i in range(n):  # relocation: one stop moved elsewhere
            for j in range(n):
                if i == j:
                    continue
                moved = best[:i] + best[i + 1:]
                moved.insert(j, best[i])
                c = cost(moved)
                if _better(c, best_cost):
                    best, best_cost, improved = moved, c, True
        if not improved:
            break
    return best


def plan_route(start: dict | None, stops: Sequence[Stop], distance: Distance,
               first: Hashable | None = None) -> list[Stop]:
    """`stops` in visiting order; the stop whose key is `first` (the job in progress) stays first."""
    fixed = [s for s in stops if first is not None and s.key == first]
    rest = sorted((s for s in stops if s not in fixed), key=lambda s: (s.booked or FAR, str(s.key)))
    origin = fixed[0].location if fixed and fixed[0].location else start
    best: list[Stop] | None = None
    for seed in (rest, nearest_neighbour(origin, rest, distance)):
        tour = _improve(start, fixed, seed, distance)
        if best is None or _better(evaluate(start, fixed + tour, distance)[:2],
                                   evaluate(start, fixed + best, distance)[:2]):
            best = tour
    return fixed + (best or [])
