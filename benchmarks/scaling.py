"""Synthetic banners of 61 to 3,000 villages, drawn from the Hangjin data model: time to the first feasible plan,
objective over time, memory. Villages are spread over an area growing with their number (Hangjin's density) with
one depot per county-sized cell (61 villages each, 8 vans each); a village is served from its nearest depot, so the
routing falls apart into per-depot models (decomposition by catchment). Volumes follow Hangjin's."""

from __future__ import annotations

import math

from benchmarks.common import at_checkpoints, run_isolated

SIZES = {61: 60.0, 250: 120.0, 1000: 600.0, 3000: 600.0}


def synthetic_problem(n: int, seed: int = 0):
    from dataclasses import replace

    import numpy as np

    import network
    from optimizer.model.problem import Client, Depot, Problem
    from optimizer.planning import load_dataset
    from optimizer.planning.build import DEFAULT_VAN

    rng = np.random.default_rng(seed)
    hangjin = load_dataset().service_points
    grid = math.ceil(math.sqrt(n / 61))  # grid x grid depots, each cell at most a Hangjin
    side_km = math.sqrt(18_900 * n / 61)  # Hangjin's density of service points
    origin = (39.8, 108.7)
    km_lat, km_lon = 111.0, 111.0 * math.cos(math.radians(origin[0]))
    cell = side_km / grid
    depots_xy = [((i + 0.5) * cell, (j + 0.5) * cell) for i in range(grid) for j in range(grid)]
    xy = rng.uniform(0, side_km, (n, 2))
    points = [(origin[0] + y / km_lat, origin[1] + x / km_lon) for x, y in [*depots_xy, *xy]]
    km, minutes = network.estimated_matrix(points)
    template = [hangjin[i % len(hangjin)] for i in rng.permutation(n)]
    nearest = km[: len(depots_xy), len(depots_xy) :].argmin(axis=0)
    depots = tuple(Depot(f"D{d}", f"depot {d}", d) for d in range(len(depots_xy)))
    clients = tuple(
        Client(id=f"v{i}", name=f"v{i}", index=len(depots) + i, delivery=v.parcels_down_per_week,
               pickup=v.parcels_up_per_week, visits_per_week=2, service_minutes=10.0, service_minutes_per_parcel=0.2,
               depot=f"D{nearest[i]}")
        for i, v in enumerate(template)
    )  # fmt: skip
    vans = tuple(replace(DEFAULT_VAN, name=f"van@D{d}", depot=f"D{d}", count=8) for d in range(len(depots)))
    return Problem(depots, vans, clients, km, minutes, name=f"synthetic-{n}")


def solve_once(n: int, time_limit: float, router: str = "ortools") -> dict:
    import time

    from optimizer import SolveParams, check, solve

    start = time.perf_counter()
    problem = synthetic_problem(n)
    built = time.perf_counter() - start
    result = solve(problem, SolveParams(time_limit_s=time_limit, iterations=None, seed=1, router=router))
    report = check(problem, result.plan)
    return {
        "villages": n, "router": router, "depots": len(problem.depots),
        "vans": sum(vt.count for vt in problem.vehicle_types),
        "time_limit_s": time_limit, "build_s": round(built, 1),
        "first_feasible_s": result.first_feasible_s, "first_plan_s": round(result.history[0][0], 1),
        "final": round(result.stats.total_cost, 2), "unserved": result.stats.unserved, "feasible": report.ok,
        "iterations": result.iterations, "runtime_s": round(result.runtime_s, 1),
        "checkpoints": at_checkpoints(result.history, (60, 120, 300, 600)),
    }  # fmt: skip


def run(quick: bool, jobs: int, sizes: dict[int, float] | None = None) -> dict:
    sizes = {61: 5.0} if quick else (sizes or SIZES)
    return {"runs": run_isolated([(solve_once, {"n": n, "time_limit": t}) for n, t in sizes.items()], jobs)}


def table(res: dict) -> str:
    lines = ["| villages | depots | vans | first plan (s) | first feasible (s) | time limit (s) | iterations | "
             "final cost | unserved | runtime (s) | peak MB |", "|" + " --- |" * 11]  # fmt: skip
    for r in sorted(res["runs"], key=lambda r: r.get("villages", r.get("n", 0))):
        if "error" in r:
            lines.append(f"| {r.get('n')} | – | – | – | {r['error']} |" + " |" * 6)
            continue
        ff = "not reached" if r["first_feasible_s"] is None else f"{r['first_feasible_s']:.1f}"
        lines.append(
            f"| {r['villages']} | {r.get('depots', 1)} | {r['vans']} | {r['first_plan_s']} | {ff} | "
            f"{r['time_limit_s']:g} | "
            f"{r['iterations']} | {r['final']:,.0f} | {r['unserved']} | {r['runtime_s']} | {r['peak_rss_mb']} |"
        )
    return "\n".join(lines)
