"""CVRPLIB X instances: gap to the best-known cost for `ruralpost cvrp --engine ortools` (the OR-Tools engine the
weekly planner uses), `--engine pyvrp` (the default) and plain OR-Tools (cheapest arc + guided local search, written
here as the baseline), same machine and limits."""

from __future__ import annotations

import time
from pathlib import Path

from benchmarks.common import fmt, run_isolated, spread

SOLVERS = ("ruralpost-ortools", "ruralpost-pyvrp", "ortools-gls")


def plain_ortools(instance, time_limit: float) -> list[list[int]]:
    """The baseline a newcomer writes: PATH_CHEAPEST_ARC + GUIDED_LOCAL_SEARCH, fleet = the capacity bound + slack."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    from optimizer.classic.solve import cvrp_fleet_size

    n = instance.n_customers + 1
    vehicles = cvrp_fleet_size(instance)
    manager = pywrapcp.RoutingIndexManager(n, vehicles, 0)
    routing = pywrapcp.RoutingModel(manager)
    transit = routing.RegisterTransitMatrix(instance.distance.tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(transit)
    demand = routing.RegisterUnaryTransitVector(instance.demand.tolist())
    routing.AddDimension(demand, 0, instance.capacity, True, "load")
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(int(time_limit * 1000))
    solution = routing.SolveWithParameters(params)
    routes = []
    for v in range(vehicles):
        index, route = solution.Value(routing.NextVar(routing.Start(v))), []
        while not routing.IsEnd(index):
            route.append(manager.IndexToNode(index))
            index = solution.Value(routing.NextVar(index))
        if route:
            routes.append(route)
    return routes


def solve_once(path: str, solver: str, time_limit: float, seed: int) -> dict:
    from optimizer.classic.cvrplib import check_cvrp, read_cvrp, read_solution, route_cost
    from optimizer.classic.solve import solve_cvrp

    instance = read_cvrp(path)
    _, bks = read_solution(Path(path).with_suffix(".sol"))
    start = time.perf_counter()
    if solver == "ortools-gls":
        routes = plain_ortools(instance, time_limit)
    else:
        engine = solver.removeprefix("ruralpost-")
        routes, _ = solve_cvrp(instance, time_limit_s=time_limit, seed=seed, engine=engine)
    cost = route_cost(instance, routes)
    return {
        "instance": instance.name, "solver": solver, "time_limit_s": time_limit, "seed": seed, "cost": cost,
        "bks": bks, "gap_pct": round(100 * (cost - bks) / bks, 3), "feasible": check_cvrp(instance, routes) == [],
        "runtime_s": round(time.perf_counter() - start, 1),
    }  # fmt: skip


def run(quick: bool, jobs: int, shared: Path, limits: list[float] | None = None) -> dict:
    paths = sorted((shared / "benchmarks" / "cvrp").glob("*.vrp"))
    if quick:
        paths, limits, seeds = paths[:1], [2.0], [1]
    else:
        limits, seeds = limits or [10.0, 60.0], [1]
    tasks = [(solve_once, {"path": str(p), "solver": s, "time_limit": t, "seed": seed})
             for p in paths for s in SOLVERS for t in limits for seed in seeds]  # fmt: skip
    return {"runs": run_isolated(tasks, jobs)}


def table(res: dict) -> str:
    runs = res["runs"]
    limits = sorted({r["time_limit_s"] for r in runs})
    instances = sorted({r["instance"] for r in runs})
    head = [f"{s} {t:g} s" for t in limits for s in SOLVERS]
    lines = ["| instance | " + " | ".join(head) + " |", "|" + " --- |" * (len(head) + 1)]
    for name in instances:
        cells = []
        for t in limits:
            for s in SOLVERS:
                gaps = [
                    r["gap_pct"] for r in runs if r["instance"] == name and r["solver"] == s and r["time_limit_s"] == t
                ]
                cells.append(fmt(spread(gaps), " %"))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    avg = []
    for t in limits:
        for s in SOLVERS:
            gaps = [r["gap_pct"] for r in runs if r["solver"] == s and r["time_limit_s"] == t]
            avg.append(f"**{sum(gaps) / len(gaps):.2f} %**" if gaps else "–")
    lines.append("| **average** | " + " | ".join(avg) + " |")
    feasible = all(r["feasible"] for r in runs)
    lines.append("")
    lines.append(f"All {len(runs)} solutions checked feasible: {'yes' if feasible else 'NO'}.")
    return "\n".join(lines)
