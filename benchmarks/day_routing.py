"""The routing engine alone: the days of Cordeau's 1997 reference solutions (CGL97), each routed afresh for the
same seconds by each of the weekly planner's day routers (``optimizer.routing``: OR-Tools, PyVRP). The day choice
is fixed to a good one, so the gap to the reference's own routes measures the router and nothing else.

    python -m benchmarks.day_routing pr05 pr03 p22 --seconds 2 --seeds 1,2
    python -m benchmarks.day_routing pr05 pr10 --seconds 2 --seeds 1 --ours 30 --router pyvrp

With ``--ours SECONDS`` the weekly planner also plans each instance itself (that many seconds, the first seed, the
router ``--router``), and its own days are routed afresh in the same way: with the routing held equal, the
difference between its days and CGL97's is what the planner's choice of visit days loses.

Not part of ``benchmarks.run``: it answers one question (how much of the PVRP gap is the routing engine's), and
its findings are in ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import csv
import statistics
from dataclasses import dataclass
from pathlib import Path

from benchmarks.run import shared_folder
from optimizer.classic.pvrp import read_pvrp, read_res
from optimizer.routing import ROUTERS, Routed, SearchBudget, WeekVisit, route_week, router_named
from optimizer.solver import WeekState, prepare
from optimizer.solver.state import INF

ENGINES = ROUTERS


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


def planned_state(
    name: str, shared: Path, router: str, seconds: float, seed: int, iterations: int | None = None
) -> tuple[WeekState, float]:
    """The instance with the weekly planner's own plan (``seconds``, ``seed``, ``router``; ``iterations`` bounds it
    by work instead), and the plan's cost as the independent checker prices it."""
    from optimizer import SolveParams, check, solve

    problem = prepare(read_pvrp(shared / "benchmarks" / "pvrp" / "instances" / f"{name}.txt").to_problem())
    result = solve(problem, SolveParams(time_limit_s=seconds, iterations=iterations, seed=seed, router=router))
    report = check(problem, result.plan)
    if not report.ok or result.plan.unserved:
        raise SystemExit(f"{name}: the {seconds:g} s plan with {router} is not feasible, nothing to compare")
    routes: dict[int, dict[tuple[int, int], list[int]]] = {d: {} for d in problem.days}
    for r in result.plan.routes:
        routes[r.day][(r.vehicle_type, r.vehicle)] = list(r.clients)
    return WeekState(problem, list(result.plan.patterns), routes), report.cost


def _bks(name: str, shared: Path) -> float:
    with open(shared / "benchmarks" / "pvrp" / "instances.csv", encoding="utf-8") as fh:
        return next(float(r["bks"]) for r in csv.DictReader(fh) if r["instance"] == name)


def _route(state: WeekState, day: int, router: str, budget: SearchBudget, seed: int) -> tuple[list[list[int]], int]:
    """One day's visits routed afresh by the weekly planner's router ``router`` (the same code path as a plan)."""
    visits = [WeekVisit(c, (day,), *state.loads[(c, day)]) for c, p in enumerate(state.patterns) if day in p]
    trace: list[Routed] = []
    routes, dropped = route_week(state.problem, visits, budget, seed=seed, router=router_named(router), trace=trace)
    if any(t.router != router for t in trace):  # OR-Tools stood in: not this router's routing
        return [], len(visits)
    return [list(r.clients) for r in routes], len(dropped)


def route_days(state: WeekState, engine: str, seconds: float, seed: int, solutions: int | None = None) -> DayRouting:
    """Route every day of ``state`` afresh with router ``engine`` for ``seconds`` each (or, with ``solutions``, a
    work bound: that many OR-Tools solutions, or PyVRP iterations worth as many); each route is priced (and its
    capacity and duration checked) by the optimizer's own figures."""
    budget = SearchBudget(time_s=seconds, solutions=solutions)
    cost = reference = 0.0
    failed = 0
    for day in state.problem.days:
        routes, missed = _route(state, day, engine, budget, seed)
        old = state.day_cost(day)
        trial = state.copy()
        trial.routes[day] = {(0, v): stops for v, stops in enumerate(routes)}
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
    parser.add_argument("--ours", type=float, help="also plan each instance for this many seconds and compare days")
    parser.add_argument("--router", choices=ROUTERS, default="pyvrp", help="the planner's router with --ours")
    args = parser.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]
    for name in args.instances:
        state = reference_state(name, shared_folder())
        if args.ours:
            _compare_days(name, state, args.ours, args.router, args.seconds, seeds[0])
            continue
        for engine in ENGINES:
            runs = [route_days(state, engine, args.seconds, s) for s in seeds]
            gaps = " ".join(f"{r.gap_pct:+.2f}" for r in runs)
            print(f"{name} {engine:7s} {args.seconds:g} s a day: {statistics.mean(r.gap_pct for r in runs):+.2f} % "
                  f"above CGL97's routes (seeds {args.seeds}: {gaps}); days not routed in full (counted at CGL97's "
                  f"cost): {sum(r.failed_days for r in runs)}", flush=True)  # fmt: skip


def _compare_days(name: str, reference: WeekState, seconds: float, router: str, per_day: float, seed: int) -> None:
    """Print the planner's plan against CGL97's, each with its days routed afresh by ``router`` (``per_day`` s)."""
    ours, cost = planned_state(name, shared_folder(), router, seconds, seed)
    bks = _bks(name, shared_folder())
    mine = route_days(ours, router, per_day, seed)
    theirs = route_days(reference, router, per_day, seed)
    mine_best, theirs_best = min(mine.cost, cost), min(theirs.cost, theirs.reference)

    def gap(x: float) -> str:
        return f"{100 * (x - bks) / bks:+.2f} %"

    print(f"{name} {router}: plan of {seconds:g} s {gap(cost)} to the best known; its days re-routed {per_day:g} s "
          f"each {gap(mine_best)}; CGL97's days re-routed the same way {gap(theirs_best)} (CGL97's own routes "
          f"{gap(theirs.reference)}); the choice of days loses {100 * (mine_best - theirs_best) / bks:+.2f} % of the "
          f"best known, the routing of the plan's days {100 * (cost - mine_best) / bks:+.2f} %",
          flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
