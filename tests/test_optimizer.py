"""The periodic optimizer: patterns, loads, optimality on tiny instances, pickups, infeasibility, the checker."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from optimizer import InfeasibleError, Plan, Route, SolveParams, check, default_patterns, solve, visit_loads
from optimizer.model import Client
from tests.helpers import optimum_by_enumeration, small_problem

MON_SAT = (1, 2, 3, 4, 5, 6)
QUICK = SolveParams(time_limit_s=60, iterations=15, seed=1)


def test_default_patterns_monday_to_saturday():
    assert len(default_patterns(1, MON_SAT)) == 6
    assert set(default_patterns(2, MON_SAT)) == {frozenset({1, 4}), frozenset({2, 5}), frozenset({3, 6})}
    assert set(default_patterns(3, MON_SAT)) == {frozenset({1, 3, 5}), frozenset({2, 4, 6})}
    assert default_patterns(6, MON_SAT) == (frozenset(MON_SAT),)
    with pytest.raises(ValueError, match="7 visits a week cannot fit 6 working days"):
        default_patterns(7, MON_SAT)


def test_visit_loads_follow_the_gap_since_the_previous_visit():
    problem = small_problem([(0, 0), (1, 0)], [70], capacity=100, vehicles=1, days=MON_SAT, per_visit=False)
    client = replace(problem.clients[0], pickup=14)
    # Monday carries Thursday..Sunday (4 days), Thursday carries Monday..Wednesday (3 days)
    assert visit_loads(problem, client, frozenset({1, 4})) == {1: (40, 8), 4: (30, 6)}
    assert visit_loads(problem, client, frozenset({3})) == {3: (70, 14)}
    loads = visit_loads(problem, replace(client, delivery=100), frozenset({1, 3, 5}))
    assert sum(d for d, _ in loads.values()) == 100  # rounding keeps the week's total


@pytest.mark.parametrize("seed", [1, 2])
def test_tiny_instance_reaches_the_enumerated_optimum(seed):
    # 5 villages, 2 days, one visit each on either day, one van of capacity 12 a day: which days and which order
    # matter together (village 4 and 5 lie close to each other, far from the rest).
    points = [(0, 0), (4, 1), (5, -1), (-3, 3), (10, 8), (11, 7)]
    problem = small_problem(points, [4, 3, 5, 4, 4], capacity=12, vehicles=1, days=(1, 2), visits=1)
    best = optimum_by_enumeration(problem)
    assert math.isfinite(best)
    result = solve(problem, replace(QUICK, seed=seed))
    report = check(problem, result.plan)
    assert report.ok, report.violations
    assert report.cost == pytest.approx(result.stats.total_cost)
    assert result.stats.total_cost == pytest.approx(best, rel=1e-9)


def test_tiny_periodic_instance_with_fixed_costs_reaches_the_optimum():
    # 4 villages twice over 4 days (patterns {1,3} or {2,4}), 2 vans a day with a fixed cost per day used:
    # the optimum groups villages into as few vehicle-days as capacity allows.
    points = [(0, 0), (3, 0), (0, 3), (-3, 0), (0, -3)]
    problem = small_problem(points, [5, 5, 5, 5], capacity=10, vehicles=2, days=(1, 2, 3, 4), visits=2, fixed_cost=4)
    best = optimum_by_enumeration(problem)
    result = solve(problem, QUICK)
    assert check(problem, result.plan).ok
    assert result.stats.total_cost == pytest.approx(best, rel=1e-9)


def test_pickups_that_overflow_a_naive_load_count():
    # A receives 8 and sends nothing; B sends 8 and receives nothing. One van of 10: max(sum down, sum up) = 8 fits,
    # but visiting B first would carry 8 + 8 = 16. One-way roads make B first five times cheaper, so only the load
    # constraint can make the solver go to A first.
    problem = small_problem([(0, 0), (1, 0), (0, 1)], [8, 0.0], capacity=10, vehicles=1, days=(1,), pickups=[0.0, 8])
    km = np.array([[0, 5, 1], [1, 0, 5], [5, 1, 0]], dtype=float)  # depot, A, B
    problem = replace(problem, km=km, minutes=km)
    result = solve(problem, QUICK)
    assert check(problem, result.plan).ok
    (route,) = result.plan.routes
    assert route.clients == (0, 1)
    assert result.stats.total_km == pytest.approx(15.0)
    reversed_plan = replace(result.plan, routes=(replace(route, clients=(1, 0)),))
    report = check(problem, reversed_plan)
    assert report.cost == pytest.approx(3.0)
    assert any("16 parcels on board exceed the capacity 10" in v for v in report.violations)


def test_infeasible_volume_names_the_village():
    problem = small_problem([(0, 0), (1, 0), (2, 0)], [420, 10], capacity=300, vehicles=2, days=(1,))
    problem = replace(problem, clients=(replace(problem.clients[0], name="巴音温都尔嘎查"), problem.clients[1]))
    with pytest.raises(
        InfeasibleError, match="巴音温都尔嘎查 .*: 420 parcels on one visit exceed the largest vehicle's 300"
    ):
        solve(problem, QUICK)


def test_infeasible_shift_and_days_are_explained():
    far = small_problem([(0, 0), (400, 0)], [5], capacity=10, vehicles=1, days=(1,), max_shift=600)
    with pytest.raises(InfeasibleError, match="round trip takes 800 min, longer than the 600-min shift"):
        solve(far, QUICK)
    problem = small_problem([(0, 0), (1, 0)], [5], capacity=10, vehicles=1, days=(1, 2))
    problem = replace(problem, vehicle_types=(replace(problem.vehicle_types[0], days=(2,)),),
                      clients=(replace(problem.clients[0], patterns=(frozenset({1}),)),))  # fmt: skip
    with pytest.raises(InfeasibleError, match="no vehicle runs on day 1"):
        solve(problem, QUICK)


def test_too_small_fleet_is_reported_not_hidden():
    points = [(0, 0), (1, 0), (0, 1), (-1, 0)]
    problem = small_problem(points, [8, 8, 8], capacity=10, vehicles=1, days=(1,))
    result = solve(problem, QUICK)
    assert not result.stats.feasible
    assert result.stats.unserved == 2
    report = check(problem, result.plan)
    assert "2 visits unserved and the problem allows none" in report.violations
    # with a penalty the planner allows dropping: the plan is feasible and pays for it
    allowed = replace(problem, unserved_penalty=100.0)
    result = solve(allowed, QUICK)
    assert result.stats.feasible and result.stats.penalty_cost == 200.0
    assert check(allowed, result.plan).cost == pytest.approx(result.stats.total_cost)


def test_opening_hours_are_kept():
    points = [(0, 0), (10, 0), (10, 1)]
    problem = small_problem(points, [1, 1], capacity=10, vehicles=1, days=(1,))
    late = replace(problem.clients[0], opening=(100.0, 200.0))
    problem = replace(problem, clients=(late, problem.clients[1]))
    result = solve(problem, QUICK)
    assert check(problem, result.plan).ok
    from optimizer import route_figures
    from optimizer.evaluate import plan_loads

    (route,) = result.plan.routes
    fig = route_figures(problem, route, plan_loads(problem, result.plan.patterns))
    at = fig.arrivals[route.clients.index(0)]
    assert 100.0 <= at <= 200.0


def test_checker_catches_each_kind_of_violation():
    points = [(0, 0), (1, 0), (0, 1)]
    problem = small_problem(points, [6, 6], capacity=10, vehicles=1, days=(1, 2), max_shift=100)
    p1, p2 = frozenset({1}), frozenset({2})
    good = Plan((p1, p2), (Route(1, 0, 0, (0,)), Route(2, 0, 0, (1,))))
    assert check(problem, good).ok
    assert check(problem, good).cost == pytest.approx(4.0)
    cases = {
        "not an allowed pattern": Plan((frozenset({1, 2}), p2), good.routes),
        "not visited and not reported unserved": Plan((p1, p2), good.routes[:1]),
        "already has a run that day": Plan((p1, p1), (Route(1, 0, 0, (0,)), Route(1, 0, 0, (1,)))),
        "exceed the capacity": Plan((p1, p1), (Route(1, 0, 0, (0, 1)),)),
        "only 1 vehicles": Plan((p1, p2), (Route(1, 0, 1, (0,)), Route(2, 0, 0, (1,)))),
        "is not due on day 2": Plan((p1, p2), (Route(1, 0, 0, (0,)), Route(2, 0, 0, (1, 0)))),
    }
    for expected, plan in cases.items():
        report = check(problem, plan)
        assert any(expected in v for v in report.violations), (expected, report.violations)
    slow = replace(problem, vehicle_types=(replace(problem.vehicle_types[0], max_shift_minutes=1.5),))
    assert any("over the 2-min shift" in v for v in check(slow, good).violations)


def test_same_seed_same_plan():
    points = [(0, 0)] + [(math.cos(k) * (3 + k % 4), math.sin(k) * (3 + k % 3)) for k in range(14)]
    problem = small_problem(points, [3] * 14, capacity=12, vehicles=2, days=MON_SAT, visits=2, per_visit=False)
    a = solve(problem, SolveParams(time_limit_s=120, iterations=6, seed=7))
    b = solve(problem, SolveParams(time_limit_s=120, iterations=6, seed=7))
    assert a.stopped_by == "iterations"
    assert a.plan == b.plan
    assert check(problem, a.plan).ok


def test_unknown_depot_and_empty_fleet():
    problem = small_problem([(0, 0), (1, 0)], [1], capacity=5, vehicles=1, days=(1,))
    with pytest.raises(InfeasibleError, match="unknown depot 'X'"):
        solve(replace(problem, vehicle_types=(replace(problem.vehicle_types[0], depot="X"),)), QUICK)
    with pytest.raises(InfeasibleError, match="the fleet is empty"):
        solve(replace(problem, vehicle_types=()), QUICK)
    bad = replace(problem, clients=(Client("z", "z", 1, 1.0, visits_per_week=1, depot="X"),))
    with pytest.raises(InfeasibleError, match="no vehicle is based at its depot X"):
        solve(bad, QUICK)


def test_or_tools_calls_near_the_time_cap_share_what_is_left():
    from optimizer.engine import SearchBudget
    from optimizer.search import _capped

    budget = SearchBudget(time_s=5.0, solutions=60)
    assert _capped(budget, left_s=100.0, calls=4) is budget  # time to spare: unchanged, so runs stay reproducible
    assert _capped(budget, left_s=6.0, calls=4).time_s == pytest.approx(1.5)
    assert _capped(budget, left_s=-3.0, calls=4).time_s == pytest.approx(0.05)  # past the cap: the least call
    assert _capped(budget, left_s=6.0, calls=4).solutions == 60


def _ring(n: int) -> list[tuple[float, float]]:
    return [(0.0, 0.0)] + [(10 * math.cos(2 * math.pi * k / n), 10 * math.sin(2 * math.pi * k / n)) for k in range(n)]


def test_local_search_from_given_routes_mends_them_and_keeps_every_visit():
    from optimizer.engine import SearchBudget, WeekVisit, route_week
    from optimizer.evaluate import route_figures

    problem = small_problem(_ring(12), [1] * 12, capacity=6, vehicles=2, days=(1,))
    visits = [WeekVisit(c, (1,), 1, 0) for c in range(12)]
    # each van takes six neighbours on the ring, but in a zigzag order: far from a local optimum
    start = {(1, 0, 0): [0, 3, 1, 4, 2, 5], (1, 0, 1): [6, 9, 7, 10, 8, 11]}
    loads = {(c, 1): (1, 0) for c in range(12)}

    def cost(routes) -> float:
        return sum(route_figures(problem, r, loads).cost for r in routes)

    before = cost([Route(1, 0, v, tuple(s)) for (_, _, v), s in start.items()])
    for budget in (SearchBudget(time_s=5.0), SearchBudget(time_s=0.5, ils=False)):  # descent; guided local search
        routes, dropped = route_week(problem, visits, budget, seed=1, start=start)
        assert not dropped
        assert sorted(c for r in routes for c in r.clients) == list(range(12))
        assert cost(routes) < before - 1.0
        assert all(sum(loads[(c, 1)][0] for c in r.clients) <= 6 for r in routes)


def test_local_search_from_routes_over_capacity_gives_nothing_to_keep():
    from optimizer.engine import SearchBudget, WeekVisit, route_week

    problem = small_problem(_ring(6), [2] * 6, capacity=6, vehicles=2, days=(1,))
    visits = [WeekVisit(c, (1,), 2, 0) for c in range(6)]
    routes, dropped = route_week(problem, visits, SearchBudget(time_s=1.0), start={(1, 0, 0): list(range(6))})
    assert routes == [] and len(dropped) == 6  # the caller keeps its own routes (``keep_better``)


def test_routes_fit_the_shift_in_exact_minutes_not_only_in_whole_seconds():
    from optimizer.engine import SearchBudget, WeekVisit, route_week
    from optimizer.evaluate import route_figures

    # one run over both villages takes 30.24 + 30.24 + 42.77 s = 103.25 s; rounded to whole seconds per leg it
    # would fit a 103 s shift, which it does not: two runs are needed
    problem = small_problem([(0, 0), (0.504, 0), (0.504, 0.504)], [1, 1], capacity=5, vehicles=2, days=(1,),
                            max_shift=103 / 60)  # fmt: skip
    loads = {(0, 1): (1, 0), (1, 1): (1, 0)}
    routes, dropped = route_week(problem, [WeekVisit(c, (1,), 1, 0) for c in range(2)], SearchBudget(time_s=0.5))
    assert not dropped and len(routes) == 2
    assert all(route_figures(problem, r, loads).feasible(5, problem.vehicle_types[0].max_shift_minutes) for r in routes)


@pytest.mark.parametrize("seed", range(5))
def test_ruin_and_recreate_puts_back_visits_not_yet_placed_first(seed):
    import random

    from optimizer.search import _ruin_recreate
    from optimizer.week import WeekState

    problem = small_problem(_ring(12), [1] * 12, capacity=6, vehicles=2, days=(1,))
    routes = {1: {(0, 0): [0, 1, 2, 3, 4, 5], (0, 1): [6, 7, 8, 9, 10]}}
    state = WeekState(problem, [frozenset({1})] * 12, routes, unserved={(11, 1)})
    _ruin_recreate(state, random.Random(seed), size=2)  # two of twelve taken off: village 11 rarely among them
    assert not state.unserved
    assert sorted(c for s in state.routes[1].values() for c in s) == list(range(12))


def test_routing_afresh_backs_off_while_it_rarely_wins():
    from optimizer.engine import SearchBudget
    from optimizer.search import _adapt, _adapt_every

    assert [_adapt_every(1, 0.1), _adapt_every(16, 0.0), _adapt_every(8, 0.3), _adapt_every(8, 0.6)] == [2, 16, 8, 4]
    low = SearchBudget(time_s=5.0, solutions=60)
    assert _adapt(low, 0.0, low).solutions == 120
    assert _adapt(replace(low, solutions=960), 0.0, low).solutions == 960  # at most 16 x the floor
    assert _adapt(replace(low, solutions=240), 0.9, low).solutions == 120


def test_independent_models_of_a_day_share_its_time(monkeypatch):
    import optimizer.engine as engine
    from optimizer.model import Depot, VehicleType

    base = small_problem(_ring(6), [1] * 6, capacity=6, vehicles=1, days=(1,))
    # villages 0-3 belong to depot D, 4-5 to depot E: two models that share no vehicle
    clients = tuple(replace(c, depot="D" if k < 4 else "E") for k, c in enumerate(base.clients))
    vans = (base.vehicle_types[0], VehicleType("van E", "E", 6, 1, (1,), 0.0, 1.0, math.inf))
    problem = replace(base, depots=(Depot("D", "仓", 0), Depot("E", "站", 1)), vehicle_types=vans, clients=clients)
    seen: list[tuple[int, float]] = []
    real = engine._route_group

    def spy(problem, visits, vehicles, budget, seed, start=None):
        seen.append((len(visits), budget.time_s))
        return real(problem, visits, vehicles, budget, seed, start)

    monkeypatch.setattr(engine, "_route_group", spy)
    visits = [engine.WeekVisit(c, (1,), 1, 0) for c in range(6)]
    routes, dropped = engine.route_week(problem, visits, engine.SearchBudget(time_s=0.6), seed=1)
    assert not dropped and len(routes) == 2
    assert sorted(seen) == [(2, pytest.approx(0.2)), (4, pytest.approx(0.4))]
