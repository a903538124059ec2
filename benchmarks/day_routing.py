"""The routing engine alone: the days of Cordeau's 1997 reference solutions (CGL97), each routed afresh for the
same seconds by the optimizer's OR-Tools engine and by PyVRP's hybrid genetic search. The day choice is fixed to
a good one, so the gap to the reference's own routes measures the router and nothing else.

    python -m benchmarks.day_routing pr05 pr03 p22 --seconds 2 --seeds 1,2

Not part of ``benchmarks.run``: it answers one question (how much of the PVRP gap is the routing engine's), and
its findings are in ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import math
import statistics
from dataclasses import dataclass
from pathlib import Path

from benchmarks.run import shared_folder
from optimizer.classic.pvrp import read_pvrp, read_res
from optimizer.routing import SearchBudget, WeekVisit, route_week
from optimizer.solver import WeekState, prepare
from optimizer.solver.state import INF

ENGINES = ("ortools", "pyvrp")
_SCALE = 1000  # PyVRP needs integers: thousandths of a distance (and time) unit


@dataclass(frozen=True)
class DayRouting:
    """One engine's routing of every day of a reference solution: cost of its routes and of the reference's, and
    the days whose routes left visits out or broke capacity or duration (those count at the reference's cost)."""

    instance: str
    engine: str
    seed: int
    cost: float
    reference: float
    failed_days: int

    @property
    def gap_pct(self) -> float:
        return 100 * (self.cost - self.reference) / self.reference


def reference_state(name: str, shared: Path) -> WeekState:
    """The instance with the CGL97 solution's patterns and routes."""
    folder = shared / "benchmarks" / "pvrp"
    problem = prepare(read_pvrp(folder / "instances" / f"{name}.txt").to_problem())
    plan, _ = read_res(folder / "solutions-cgl97" / f"{name}.res", problem)
    routes: dict[int, dict[tuple[int, int], list[int]]] = {d: {} for d in problem.days}
    for r in plan.routes:
        routes[r.day][(r.vehicle_type, r.vehicle)] = list(r.clients)
    return WeekState(problem, list(plan.patterns), routes)


def _route_ortools(state: WeekState, day: int, seconds: float, seed: int) -> tuple[list[list[int]], int]:
    visits = [WeekVisit(c, (day,), *state.loads[(c, day)]) for c, p in enumerate(state.patterns) if day in p]
    routes, dropped = route_week(state.problem, visits, SearchBudget(time_s=seconds), seed=seed)
    return [list(r.clients) for r in routes], len(dropped)


def _route_pyvrp(state: WeekState, day: int, seconds: float, seed: int) -> tuple[list[list[int]], int]:
    """PyVRP on the day's visits: one depot, identical vehicles, capacity and route duration (travel + service)."""
    import pyvrp
    from pyvrp.stop import MaxRuntime

    problem = state.problem
    (vt,) = problem.vehicle_types
    clients = [c for c, p in enumerate(state.patterns) if day in p]
    model = pyvrp.Model()
    places = [model.add_location(0, 0) for _ in range(len(clients) + 1)]
    model.add_depot(places[0])
    for place, c in zip(places[1:], clients, strict=True):
        service = math.ceil(problem.clients[c].service_minutes * _SCALE)  # rounded up, the shift down: feasible
        model.add_client(place, delivery=[state.loads[(c, day)][0]], service_duration=service)
    shift = {} if vt.max_shift_minutes == math.inf else {"shift_duration": math.floor(vt.max_shift_minutes * _SCALE)}
    model.add_vehicle_type(num_available=vt.count, capacity=[vt.capacity], **shift)
    index = [problem.depot(vt.depot).index] + [problem.clients[c].index for c in clients]
    for i, a in enumerate(places):
        for j, b in enumerate(places):
            if i != j:
                km, minutes = problem.km[index[i], index[j]], problem.minutes[index[i], index[j]] * vt.speed_factor
                model.add_edge(a, b, distance=round(km * _SCALE), duration=math.ceil(minutes * _SCALE))
    result = model.solve(stop=MaxRuntime(seconds), seed=seed, display=False)
    routes = [[clients[a.idx] for a in r if a.is_client()] for r in result.best.routes()]
    return routes, 0 if result.is_feasible() else len(clients)


def route_days(state: WeekState, engine: str, seconds: float, seed: int) -> DayRouting:
    """Route every day of ``state`` afresh with ``engine`` for ``seconds`` each; each route is priced (and its
    capacity and duration checked) by the optimizer's own figures."""
    route = {"ortools": _route_ortools, "pyvrp": _route_pyvrp}[engine]
    cost = reference = 0.0
    failed = 0
    for day in state.problem.days:
        routes, missed = route(state, day, seconds, seed)
        old = state.day_cost(day)
        trial = state.copy()
        trial.routes[day] = {(0, v): stops for v, stops in enumerate(routes)}
        trial.forget_costs()
        new = trial.day_cost(day)
        served = sorted(c for stops in routes for c in stops)
        due = sorted(c for c, p in enumerate(state.patterns) if day in p)
        if missed or new == INF or served != due:
            failed += 1
            new = old
        cost += new
        reference += old
    return DayRouting(state.problem.name, engine, seed, cost, reference, failed)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instances", nargs="+", help="Cordeau instance names, e.g. pr05")
    parser.add_argument("--seconds", type=float, default=2.0, help="routing time per day and engine (s)")
    parser.add_argument("--seeds", default="1,2", help="comma-separated seeds")
    args = parser.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]
    for name in args.instances:
        state = reference_state(name, shared_folder())
        for engine in ENGINES:
            runs = [route_days(state, engine, args.seconds, s) for s in seeds]
            gaps = " ".join(f"{r.gap_pct:+.2f}" for r in runs)
            print(f"{name} {engine:7s} {args.seconds:g} s a day: {statistics.mean(r.gap_pct for r in runs):+.2f} % "
                  f"above CGL97's routes (seeds {args.seeds}: {gaps}); days not routed in full (counted at CGL97's "
                  f"cost): {sum(r.failed_days for r in runs)}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
