"""The search state's insertion pricing against brute force: every vehicle, every position, simulated."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from optimizer.model import client_patterns
from optimizer.solver.state import INF, WeekState
from tests.helpers import small_problem


def _random_state(seed: int, *, windows: bool) -> WeekState:
    """Three runs on day 1 and, for odd seeds, a fourth vehicle standing idle."""
    rng = random.Random(seed)
    n = 14
    points = [(0.0, 0.0)] + [(rng.uniform(-10, 10), rng.uniform(-10, 10)) for _ in range(n)]
    problem = small_problem(
        points,
        [float(rng.randint(1, 6)) for _ in range(n)],
        pickups=[float(rng.randint(0, 5)) for _ in range(n)],
        capacity=14,
        vehicles=3 + seed % 2,
        days=(1,),
        max_shift=rng.uniform(45, 80),
    )
    clients = tuple(
        replace(c, service_minutes=rng.uniform(0, 3), service_minutes_per_parcel=0.2,
                opening=(rng.uniform(0, 20), rng.uniform(30, 60)) if windows and rng.random() < 0.5 else None)
        for c in problem.clients
    )  # fmt: skip
    problem = replace(problem, clients=clients)
    patterns = [client_patterns(problem, c)[0] for c in problem.clients]
    state = WeekState(problem, patterns, {1: {}})
    # three runs of random villages, cut back until each is feasible; the rest stay off the routes
    order = list(range(n))
    rng.shuffle(order)
    for v in range(3):
        stops = order[v * 4 : v * 4 + 4]
        while stops and state.route_cost(1, (0, v), stops) == INF:
            stops = stops[:-1]
        state.routes[1][(0, v)] = stops
    return state


def _brute_force(state: WeekState, c: int) -> float:
    best = INF
    for vehicle in state.problem.vehicles_on(1):
        stops = state.routes[1].get(vehicle, [])
        before = state.route_cost(1, vehicle, stops)
        for pos in range(len(stops) + 1):
            after = state.route_cost(1, vehicle, [*stops[:pos], c, *stops[pos:]])
            if after < INF:
                best = min(best, after - before)
    return best


@pytest.mark.parametrize("windows", [False, True], ids=["shift and loads", "opening hours"])
def test_best_insertion_agrees_with_brute_force(windows):
    compared = feasible = idle = 0
    for seed in range(12):
        state = _random_state(seed, windows=windows)
        placed = {s for stops in state.routes[1].values() for s in stops}
        for c in range(len(state.problem.clients)):
            if c in placed:
                continue
            added, vehicle, pos = state.best_insertion(c, 1, state.loads)
            expected = _brute_force(state, c)
            compared += 1
            if expected == INF:
                assert vehicle is None
                continue
            feasible += 1
            idle += vehicle == (0, 3)
            assert added == pytest.approx(expected, abs=1e-9)
            stops = state.routes[1].get(vehicle, [])
            assert state.route_cost(1, vehicle, [*stops[:pos], c, *stops[pos:]]) < INF
    assert compared > 50 and 0 < feasible < compared and idle > 0  # every outcome was exercised


def test_remove_takes_every_visit_off_and_counts_it_missed():
    state = _random_state(3, windows=False)
    c = next(s[0] for s in state.routes[1].values() if s)
    before = state.cost()
    assert state.remove(c) == {1}
    assert all(c not in s for s in state.routes[1].values())
    assert (c, 1) in state.unserved
    assert state.cost() > before  # a missed visit costs more than any run


def test_best_insertion_stays_exact_as_routes_change_one_at_a_time():
    """The day's insertion table is rebuilt from the figures of the routes that did not change: after every
    insertion and removal the pricing must still agree with brute force."""
    compared = 0
    for seed in range(6):
        state = _random_state(seed, windows=False)
        rng = random.Random(seed)
        for _ in range(12):
            placed = sorted({s for stops in state.routes[1].values() for s in stops})
            if placed and rng.random() < 0.4:
                state.remove(rng.choice(placed))
                continue
            free = [c for c in range(len(state.problem.clients)) if c not in placed]
            if not free:
                break
            for c in free:
                added, vehicle, _ = state.best_insertion(c, 1, state.loads)
                expected = _brute_force(state, c)
                compared += 1
                assert (vehicle is None) == (expected == INF)
                if vehicle is not None:
                    assert added == pytest.approx(expected, abs=1e-9)
            c = rng.choice(free)
            delta, move = state.move_delta(c, state.patterns[c])
            if delta < INF:
                state.apply(move)
    assert compared > 100
