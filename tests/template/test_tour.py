"""cloud/_tour.py: the visiting order, without a server."""

from __future__ import annotations

import itertools
import random
from datetime import datetime, timedelta, timezone

import pytest

from cloud._geo import distance_km
from cloud._tour import SERVICE_MIN, WINDOW, Stop, evaluate, nearest_neighbour, plan_route

T0 = datetime(2030, 5, 6, 8, 0, tzinfo=timezone.utc)


def at(lat: float, lon: float) -> dict:
    return {"__type": "GeoPoint", "latitude": lat, "longitude": lon}


def keys(tour):
    return [s.key for s in tour]


HOME = at(41.90, -87.65)
LINE = [Stop(f"s{i}", at(41.90 + 0.01 * i, -87.65), None) for i in range(1, 7)]  # north, 1.1 km apart


def test_stops_on_a_line_are_visited_outwards():
    shuffled = [LINE[k] for k in (3, 0, 5, 1, 4, 2)]
    assert keys(plan_route(HOME, shuffled, distance_km)) == ["s1", "s2", "s3", "s4", "s5", "s6"]


def test_two_opt_undoes_the_crossing_a_greedy_tour_makes():
    # greedy from the middle goes the short way first and then has to come back across
    stops = [Stop("w1", at(41.90, -87.66), None), Stop("e1", at(41.90, -87.638), None),
             Stop("w2", at(41.90, -87.67), None), Stop("e2", at(41.90, -87.628), None)]
    greedy = nearest_neighbour(HOME, stops, distance_km)
    assert keys(greedy) == ["w1", "w2", "e1", "e2"]
    best = plan_route(HOME, stops, distance_km)
    best_km = evaluate(HOME, best, distance_km)[1]
    brute = min(evaluate(HOME, list(p), distance_km)[1] for p in itertools.permutations(stops))
    assert abs(best_km - brute) < 1e-9


def test_the_result_matches_brute_force_on_random_days():
    rng = random.Random(16)
    ratios = []
    for _ in range(20):
        stops = [Stop(i, at(41.85 + rng.random() * 0.1, -87.70 + rng.random() * 0.1), None) for i in range(6)]
        best_km = evaluate(HOME, plan_route(HOME, stops, distance_km), distance_km)[1]
        greedy_km = evaluate(HOME, nearest_neighbour(HOME, stops, distance_km), distance_km)[1]
        brute = min(evaluate(HOME, list(p), distance_km)[1] for p in itertools.permutations(stops))
        assert best_km <= greedy_km + 1e-9
        ratios.append(best_km / brute)
    # a local search, not an exact solver: optimal on most six-stop days, within 5 % on all
    assert sum(r < 1 + 1e-9 for r in ratios) >= 17 and max(ratios) < 1.05


def test_time_windows_win_over_distance():
    # the far stop is booked first: visiting the near one first would be more than an hour late
    near = Stop("near", at(41.91, -87.65), T0 + timedelta(hours=4))
    far = Stop("far", at(41.99, -87.65), T0)
    assert keys(plan_route(HOME, [near, far], distance_km)) == ["far", "near"]
    # when both windows allow either order, the shorter one wins
    near_soon = Stop("near", at(41.91, -87.65), T0 + timedelta(minutes=30))
    assert keys(plan_route(HOME, [far, near_soon], distance_km)) == ["near", "far"]


def test_the_job_in_progress_stays_first():
    tour = plan_route(HOME, list(reversed(LINE)), distance_km, first="s6")
    assert keys(tour) == ["s6", "s5", "s4", "s3", "s2", "s1"]


def test_arrivals_wait_for_the_window_and_add_travel_and_service():
    a = Stop("a", HOME, T0)
    b = Stop("b", at(41.90 + 0.09, -87.65), T0 + timedelta(hours=3))  # 10 km north
    late, km, arrivals = evaluate(HOME, [a, b], distance_km)
    assert late == 0 and round(km, 1) == 10.0
    assert arrivals[0] == T0 - WINDOW  # the clock starts when the first window opens
    assert arrivals[1] == T0 + timedelta(hours=3) - WINDOW  # early: waits for its window
    late, _, arrivals = evaluate(HOME, [b, a], distance_km)
    assert arrivals[0] == T0 + timedelta(hours=2)
    expected_late = (arrivals[1] - (T0 + WINDOW)).total_seconds() / 60
    assert round(late, 6) == round(expected_late, 6) and expected_late == pytest.approx(2 * 60 + SERVICE_MIN + 20 - 60, abs=0.1)


def test_stops_without_location_or_time_are_kept():
    stops = [Stop("x", None, None), Stop("y", at(41.91, -87.65), None)]
    tour = plan_route(HOME, stops, distance_km)
    assert sorted(keys(tour)) == ["x", "y"]
    assert evaluate(HOME, tour, distance_km)[2] == [None, None]
    assert plan_route(HOME, [], distance_km) == []
