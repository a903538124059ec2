"""The genetic search's kernels against recomputation from scratch: every move they make lowers the penalised cost
by what they priced it at, and their incremental figures equal those of the plan read out and loaded afresh."""

from __future__ import annotations

import random

import numpy as np
import pytest

from optimizer.check import check
from optimizer.model import Client, Depot, Problem, TrunkCalls, VehicleType, plan_stats, trunk_calls_cost
from optimizer.solver._kernels import entry, insertion, patterns, routes
from optimizer.solver._kernels.work import NONE
from optimizer.solver.arrays import encode
from optimizer.solver.prepare import prepare
from optimizer.solver.state import INF, WeekState
from optimizer.solver.workspace import Workspace


def _problem(seed: int) -> Problem:
    """Two depots, two van types (one restricted to its depot's villages), pickups, opening hours for some, weekly
    volumes split by the gaps between visits, fleet costs, a shift. Odd seeds: a third depot and van type, and B and
    C are relay stations, the trunk from A priced in the search (``TrunkCalls``: a shift that takes a second truck
    on days both are called, C called on day 3 anyway)."""
    rng = random.Random(seed)
    n = 16
    stations = [(-8.0, -3.0)] if seed % 2 else []
    points = [(0.0, 0.0), (8.0, 3.0), *stations] + [(rng.uniform(-10, 10), rng.uniform(-10, 10)) for _ in range(n)]
    xy = np.array(points)
    km = np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(-1))
    km = km * (1 + 0.1 * np.array([[rng.random() for _ in points] for _ in points]))  # asymmetric
    first = 2 + len(stations)  # matrix row of the first client
    clients = tuple(
        Client(
            id=f"c{i}", name=f"村{i}", index=i + first, delivery=float(rng.randint(1, 30)),
            pickup=float(rng.randint(0, 8)),
            visits_per_week=rng.choice([1, 2, 2, 3]), service_minutes=rng.uniform(1, 4),
            service_minutes_per_parcel=0.1,
            opening=(rng.uniform(0, 15), rng.uniform(40, 90)) if rng.random() < 0.3 else None,
            depot="B" if i % 5 == 0 else "C" if i % 5 == 1 and seed % 2 else None,
        )
        for i in range(n)
    )  # fmt: skip
    vans = (
        VehicleType("van", "A", 40, 3, (1, 2, 3, 4), 5.0, 1.0, 90.0, 1.0, 30.0),
        VehicleType("van@B", "B", 30, 2, (1, 2, 3, 4), 3.0, 1.2, 90.0, 1.1, 20.0),
    )
    depots = (Depot("A", "甲", 0), Depot("B", "乙", 1))
    calls = None
    if seed % 2:
        depots += (Depot("C", "丙", 2),)
        vans += (VehicleType("van@C", "C", 30, 1, (1, 2, 3, 4), 3.0, 1.1, 90.0, 1.0, 25.0),)
        calls = TrunkCalls("A", ("B", "C"), 1.6, 20.0, 40.0, 45.0, 5.0, forced={3: frozenset({"C"})})
    return Problem(depots, vans, clients, km, km * 1.5, days=(1, 2, 3, 4), period_days=7,
                   trunk_calls=calls)  # fmt: skip


def _unimproved(ws: Workspace) -> None:
    """A plan of random patterns at their cheapest places, not educated (so that moves have work to do)."""
    ws.construct(1.0, None)


def _penalised(ws: Workspace) -> float:
    return ws.read().figures[entry.PENALISED]


def _fresh(ws: Workspace) -> float:
    """The penalised cost of the plan held, recomputed by loading it afresh."""
    ind = ws.read()
    other = Workspace(ws.arrays, 0)
    other.weights(*ws.work.w[:2])
    other.load(ind)
    return other.read().figures[entry.PENALISED]


@pytest.mark.parametrize("seed", range(6))
def test_every_route_move_lowers_the_cost_it_claims(seed):
    problem = prepare(_problem(seed))
    wa = encode(problem, 6)
    ws = Workspace(wa, seed)
    ws.weights(2.0, 1.5)
    _unimproved(ws)
    rng = random.Random(seed)
    n, days = len(wa.loc), wa.slot_type.shape[0]
    tried = moved = 0
    for _ in range(800):
        d = rng.randrange(days)
        on = [c for c in range(n) if 0 <= ws.work.rte[d, c] < wa.slot_type.shape[1]]
        if len(on) < 2:
            continue
        u, v = rng.sample(on, 2)
        x, y = ws.work.nxt[d, u], ws.work.nxt[d, v]
        before = _penalised(ws)
        kind = rng.randrange(7)
        a, k = ws._wa, ws._wk
        i = np.int64
        if kind == 0:
            done = routes.relocate(a, k, i(d), i(u), NONE, i(v))
        elif kind == 1 and x < n:
            done = routes.relocate(a, k, i(d), i(x), i(u), i(v))
        elif kind == 2:
            done = routes.swap(a, k, i(d), i(u), NONE, i(v), NONE)
        elif kind == 3 and x < n and y < n:
            done = routes.swap(a, k, i(d), i(u), i(x), i(v), i(y))
        elif kind == 4 and ws.work.rte[d, u] == ws.work.rte[d, v]:
            done = routes.two_opt(a, k, i(d), i(u), i(v))
        elif kind == 5:
            done = routes.two_opt_star(a, k, i(d), i(u), i(v))
        else:
            start = n + 2 * int(ws.work.rte[d, v])
            done = routes.relocate(a, k, i(d), i(u), NONE, i(start))
        tried += 1
        after = _penalised(ws)
        assert after == pytest.approx(_fresh(ws), abs=1e-6)
        if done:
            moved += 1
            assert after < before - 1e-9
        else:
            assert after == pytest.approx(before, abs=1e-9)
    assert tried > 100 and moved > 0


@pytest.mark.parametrize("seed", range(6))
def test_pattern_moves_and_education_lower_the_cost_and_keep_the_figures_exact(seed):
    problem = prepare(_problem(seed))
    wa = encode(problem, 6)
    ws = Workspace(wa, seed)
    ws.weights(2.0, 1.5)
    _unimproved(ws)
    a, k = ws._wa, ws._wk
    for c in range(len(wa.loc)):
        before = _penalised(ws)
        done = patterns.move_client(a, k, np.int64(c), np.bool_(False))
        after = _penalised(ws)
        assert after == pytest.approx(_fresh(ws), abs=1e-6)
        assert (after < before - 1e-9) if done else after == pytest.approx(before, abs=1e-9)
    rng = random.Random(seed)
    swaps = 0
    for _ in range(60):
        c, e = rng.sample(range(len(wa.loc)), 2)
        before = _penalised(ws)
        done = patterns.swap_patterns(a, k, np.int64(c), np.int64(e))
        after = _penalised(ws)
        swaps += done
        assert after == pytest.approx(_fresh(ws), abs=1e-6)
        assert (after < before - 1e-9) if done else after == pytest.approx(before, abs=1e-9)
    before = _penalised(ws)
    ws.educate(3)
    assert _penalised(ws) <= before + 1e-9
    assert _penalised(ws) == pytest.approx(_fresh(ws), abs=1e-6)


@pytest.mark.parametrize("seed", range(4))
def test_children_read_out_are_plans_the_checker_prices_the_same(seed):
    problem = prepare(_problem(seed))
    wa = encode(problem, 6)
    ws = Workspace(wa, seed)
    ws.weights(50.0, 50.0)
    ws.construct(0.5, 2)
    first = ws.read()
    ws.construct(0.5, 2)
    second = ws.read()
    for parents in ((first, second), (second, first)):
        ws.offspring(*parents, 2)
        child = ws.read()
        plan = child.to_plan(problem)
        report = check(problem, plan)
        stats = plan_stats(problem, plan)
        calls = trunk_calls_cost(problem, [(r.day, r.vehicle_type) for r in plan.routes if r.clients])
        assert (calls > 0) == (seed % 2 == 1)
        assert child.plan_cost == pytest.approx(stats.total_cost, abs=1e-6)
        assert child.cost == pytest.approx(stats.total_cost + calls, abs=1e-6)
        assert report.cost == pytest.approx(stats.total_cost, abs=1e-6)
        assert child.feasible == (report.ok and stats.feasible)


@pytest.mark.parametrize("seed", range(6))
def test_cheapest_insertion_agrees_with_brute_force(seed):
    """``best_insert`` against every position of every run and an idle van of each type, each priced by the
    model's own route figures and fleet rule."""
    problem = prepare(_problem(seed))
    wa = encode(problem, 6)
    ws = Workspace(wa, seed)
    ws.weights(1e6, 1e6)  # any overrun dearer than any feasible place
    _unimproved(ws)
    ws.educate(1)
    rng = random.Random(seed)
    days = sorted(problem.days)
    compared = 0
    whole = ws.read()
    for _ in range(15):
        ws.load(whole)  # each draw takes one visit off the whole plan
        d = rng.randrange(len(days))
        on = [c for c in range(len(wa.loc)) if 0 <= ws.work.rte[d, c] < wa.slot_type.shape[1]]
        if not on:
            continue
        c = rng.choice(on)
        down, up, minutes = (float(x) for x in ws.work.vis[d, c])
        insertion.take_off(ws._wa, ws._wk, np.int64(d), np.int64(c))
        ind = ws.read()
        state = WeekState.from_plan(problem, ind.to_plan(problem))
        state.unserved.discard((c, days[d]))
        base = state.cost()
        best = INF
        day = days[d]
        if any(state.route_cost(day, v, st) == INF for v, st in state.routes[day].items()):
            continue  # a run already over its limits: the kernel prices the change of its overrun, not tested here
        for vehicle in problem.vehicles_on(day):
            stops = state.routes[day].get(vehicle, [])
            if problem.clients[c].depot not in (None, problem.vehicle_types[vehicle[0]].depot):
                continue
            for pos in range(len(stops) + 1):
                trial = state.copy()
                trial.routes[day][vehicle] = [*stops[:pos], c, *stops[pos:]]
                if all(trial.route_cost(day, v, s) < INF for v, s in trial.routes[day].items()):
                    best = min(best, trial.cost() - base)
        added, _, _ = insertion.best_insert(ws._wa, ws._wk, np.int64(d), np.int64(c), down, up, minutes)
        if best < INF:
            compared += 1
            assert added == pytest.approx(best, abs=1e-6)
        else:
            assert added > 1e3  # only an overrun or a missed visit is left
    assert compared >= 8


@pytest.mark.parametrize("seed", [1, 3, 5])
def test_the_trunks_change_priced_for_many_runs_at_once_is_the_change_of_its_cost(seed):
    from optimizer.solver._kernels import work

    wa = encode(prepare(_problem(seed)), 6)
    ws = Workspace(wa, seed)
    rng = np.random.default_rng(seed)
    count, dcount = ws.work.count, ws.work.dcount
    trucks_changed = 0
    for _ in range(200):
        count[:] = rng.integers(0, 2, count.shape)
        dcount[:] = -count * rng.integers(0, 2, count.shape) + (1 - count) * rng.integers(0, 2, count.shape)
        before = work.calls_cost(ws._wa, ws._wk)
        delta = work._calls_change_many(ws._wa, ws._wk)
        count += dcount
        dcount[:] = 0
        after = work.calls_cost(ws._wa, ws._wk)
        assert delta == pytest.approx(after - before, abs=1e-9)
        trucks_changed += abs(after - before) > 40.0  # a truck-week more or less (or a day's tour and a truck)
    assert trucks_changed > 0
