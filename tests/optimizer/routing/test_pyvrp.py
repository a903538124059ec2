"""The PyVRP day router: the same model as OR-Tools' (costs, capacity with pickups, shifts, opening hours, fixed costs,
several vehicle types), work-bounded and reproducible, and OR-Tools standing in where PyVRP cannot route a model."""

from __future__ import annotations

from dataclasses import replace

import pytest

from optimizer import Client, Depot, Problem, SolveParams, VehicleType
from optimizer.check import check
from optimizer.model import route_figures
from optimizer.routing import Routed, SearchBudget, WeekVisit, route_week, router_named
from optimizer.routing.pyvrp import COST_SCALE, PYVRP, _build, _read, solve_data
from optimizer.solver import solve
from tests.helpers import euclid


def _mixed_problem(*, opening: bool = True, penalty: float | None = None) -> Problem:
    """Ten villages on a grid around one depot, with pickups, stop times, two van types (different capacity,
    cost per km, fixed cost and speed), shifts, and opening hours at two villages."""
    points = [(0.0, 0.0)] + [(3.0 * (k % 5) - 6.0, 4.0 * (k // 5) - 2.0) for k in range(10)]
    dist = euclid(points) * 3  # km
    clients = tuple(
        Client(id=f"c{k}", name=f"村{k}", index=k + 1, delivery=4 + k % 3, pickup=k % 2, visits_per_week=1,
               service_minutes=5.0, service_minutes_per_parcel=0.5,
               opening=(60.0, 120.0) if opening and k in (2, 7) else None)
        for k in range(10)
    )  # fmt: skip
    small = VehicleType("small", "D", 12, 3, (1,), 30.0, 0.8, 240.0, 1.0)
    large = VehicleType("large", "D", 25, 2, (1,), 80.0, 1.5, 300.0, 1.3)
    return Problem(
        depots=(Depot("D", "仓", 0),), vehicle_types=(small, large), clients=clients, km=dist, minutes=dist * 1.2,
        days=(1,), period_days=1, demand_per_visit=True, unserved_penalty=penalty,
    )  # fmt: skip


def _visits(problem: Problem) -> list[WeekVisit]:
    return [WeekVisit(k, (1,), int(c.delivery), int(c.pickup)) for k, c in enumerate(problem.clients)]


def _loads(problem: Problem) -> dict[tuple[int, int], tuple[int, int]]:
    return {(k, 1): (int(c.delivery), int(c.pickup)) for k, c in enumerate(problem.clients)}


def test_pyvrp_routes_are_feasible_and_priced_as_the_planner_prices_them():
    problem = _mixed_problem()
    trace: list[Routed] = []
    budget = SearchBudget(time_s=30.0, solutions=30)
    routes, dropped = route_week(problem, _visits(problem), budget, seed=3, router=PYVRP, trace=trace)
    assert trace == [Routed((1,), "pyvrp", None)]
    assert not dropped and sorted(c for r in routes for c in r.clients) == list(range(10))
    loads = _loads(problem)
    ours = 0.0
    for r in routes:
        vt = problem.vehicle_types[r.vehicle_type]
        figures = route_figures(problem, r, loads)
        assert figures.feasible(vt.capacity, vt.max_shift_minutes), r
        ours += figures.cost
    # PyVRP's own objective of a solution is the planner's cost of its routes in thousandths of a yuan, up to the
    # rounding of each leg
    vehicles = [(1, t, c) for t, vt in enumerate(problem.vehicle_types) for c in range(vt.count)]
    model = _build(problem, _visits(problem), vehicles, {})
    best = solve_data(model.data, iterations=300, time_s=30.0, seed=3).best
    theirs = (best.distance_cost() + best.fixed_vehicle_cost()) / COST_SCALE
    read, _ = _read(model, type("R", (), {"best": best})())
    legs = sum(len(r.clients) + 1 for r in read)
    assert theirs == pytest.approx(sum(route_figures(problem, r, loads).cost for r in read), abs=legs * 0.0005)
    assert ours <= theirs + legs * 0.001  # the router's own routes are no dearer than these
    # opening hours: the two villages with a window are served inside it
    for r in routes:
        t, prev = 0.0, 0
        vt = problem.vehicle_types[r.vehicle_type]
        for c in r.clients:
            t += problem.minutes[prev, problem.clients[c].index] * vt.speed_factor
            window = problem.clients[c].opening
            if window:
                t = max(t, window[0])
                assert t <= window[1] + 1e-6
            t += problem.clients[c].service_minutes + problem.clients[c].service_minutes_per_parcel * sum(loads[(c, 1)])
            prev = problem.clients[c].index


def test_pyvrp_with_the_same_seed_and_work_gives_the_same_routes_and_improves_given_ones():
    problem = _mixed_problem(opening=False)
    budget = SearchBudget(time_s=60.0, solutions=20)
    a = route_week(problem, _visits(problem), budget, seed=7, router=PYVRP)
    b = route_week(problem, _visits(problem), budget, seed=7, router=PYVRP)
    assert a == b
    # improving from poor routes (one village per small van, the rest on the large vans) never makes them dearer
    start = {(1, 0, 0): [0], (1, 0, 1): [9], (1, 0, 2): [4], (1, 1, 0): [1, 8, 2, 7], (1, 1, 1): [3, 6, 5]}
    loads = _loads(problem)
    before = sum(route_figures(problem, _route(v, s), loads).cost for v, s in start.items())
    routes, dropped = route_week(problem, _visits(problem), SearchBudget(time_s=60.0), seed=1, start=start,
                                 router=PYVRP)  # fmt: skip
    assert not dropped
    assert sum(route_figures(problem, r, loads).cost for r in routes) < before - 1.0


def _route(vehicle, stops):
    from optimizer import Route

    day, t, copy = vehicle
    return Route(day, t, copy, tuple(stops))


def test_optional_visits_are_dropped_where_the_penalty_is_lower_than_serving_them():
    problem = _mixed_problem(opening=False, penalty=1.0)  # serving any village costs more than 1 yuan
    routes, dropped = route_week(problem, _visits(problem), SearchBudget(time_s=30, solutions=10), seed=1,
                                 router=PYVRP)  # fmt: skip
    assert routes == [] and len(dropped) == 10


def test_models_pyvrp_cannot_express_or_route_go_to_ortools_and_say_why():
    problem = _mixed_problem(opening=False)
    # a once-a-week village whose day is still free: the joint week model
    vans = tuple(replace(v, days=(1, 2)) for v in problem.vehicle_types)
    two_days = replace(problem, days=(1, 2), vehicle_types=vans)
    visits = [replace(v, days=(1, 2)) for v in _visits(two_days)]
    trace: list[Routed] = []
    _, dropped = route_week(two_days, visits, SearchBudget(time_s=5, solutions=10), seed=1, router=PYVRP,
                                 trace=trace)  # fmt: skip
    assert not dropped and [t.router for t in trace] == ["ortools"] and "joint week model" in trace[0].fallback
    # a required village no van can carry: PyVRP finds nothing feasible, OR-Tools leaves the village out
    heavy = replace(problem, clients=(replace(problem.clients[0], delivery=40), *problem.clients[1:]))
    visits = [WeekVisit(0, (1,), 40, 0), *_visits(heavy)[1:]]
    trace = []
    _, dropped = route_week(heavy, visits, SearchBudget(time_s=5, solutions=5), seed=1, router=PYVRP,
                                 trace=trace)  # fmt: skip
    assert [v.client for v in dropped] == [0]
    assert trace[0].router == "ortools" and "no feasible routes" in trace[0].fallback
    # villages tied to one depot in a model with another depot's vans
    depots = (Depot("D", "仓", 0), Depot("E", "站", 1))
    vans = (problem.vehicle_types[0], replace(problem.vehicle_types[1], depot="E"))
    tied = replace(
        problem,
        depots=depots,
        vehicle_types=vans,
        clients=tuple(replace(c, depot="D" if k == 0 else None) for k, c in enumerate(problem.clients)),
    )
    assert "tied to one depot" in PYVRP.unsupported(tied, _visits(tied), [(1, 0, 0), (1, 1, 0)])


@pytest.mark.parametrize("router", ["ortools", "pyvrp"])
def test_a_week_plan_is_reproducible_and_checked_with_either_router(router):
    from optimizer.classic.pvrp import read_pvrp
    from tests.conftest import SHARED

    problem = read_pvrp(SHARED / "benchmarks" / "pvrp" / "instances" / "p01.txt").to_problem()
    params = SolveParams(time_limit_s=600, iterations=3, seed=2, router=router)
    a, b = solve(problem, params), solve(problem, params)
    assert a.stopped_by == b.stopped_by == "iterations"
    assert a.plan == b.plan and a.stats.total_cost == b.stats.total_cost
    assert check(problem, a.plan).ok
    # every day with runs says who made its routes: the genetic search, or a router that bettered them
    assert a.router == router and set(a.routed_by) == {r.day for r in a.plan.routes}
    assert set(a.routed_by.values()) <= {router, "ortools", "genetic"}
    if router == "pyvrp":
        # p01's customers may take either of two days: the joint model is OR-Tools', each day alone PyVRP's
        assert all("joint week model" in f["reason"] for f in a.router_fallbacks)
    else:
        assert a.router_fallbacks == []


def test_router_names_are_checked():
    with pytest.raises(ValueError, match="router 'gurobi': must be one of ortools, pyvrp"):
        router_named("gurobi")
    with pytest.raises(ValueError, match="SolveParams.router"):
        SolveParams(router="PyVRP")
