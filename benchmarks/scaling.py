"""Synthetic banners of 61 to 3,000 villages, drawn from the Hangjin data model: time to the first feasible plan,
objective over time, memory. Villages are spread over an area growing with their number (Hangjin's density),
volumes follow Hangjin's, the fleet grows in proportion (8 vans per 61 villages)."""

from __future__ import annotations

import math

from benchmarks.common import at_checkpoints, run_isolated

SIZES = {61: 60.0, 250: 120.0, 1000: 600.0, 3000: 600.0}


def synthetic_problem(n: int, seed: int = 0):
    from dataclasses import replace

    import numpy as np

    import network
    from optimizer.build import DEFAULT_VAN
    from optimizer.model import Client, Depot, Problem

    rng = np.random.default_rng(seed)
    hangjin = network.load_dataset().service_points
    side_km = math.sqrt(18_900 * n / 61)  # Hangjin's density of service points
    centre = (39.8, 108.7)
    dlat = rng.uniform(-0.5, 0.5, n) * side_km / 111.0
    dlon = rng.uniform(-0.5, 0.5, n) * side_km / (111.0 * math.cos(math.radians(centre[0])))
    points = [centre, *zip(centre[0] + dlat, centre[1] + dlon, strict=True)]
    km, minutes = network.estimated_matrix(points)
    template = [hangjin[i % len(hangjin)] for i in rng.permutation(n)]
    clients = tuple(
        Client(id=f"v{i}", name=f"v{i}", index=i + 1, delivery=v.parcels_down_per_week, pickup=v.parcels_up_per_week,
               visits_per_week=2, service_minutes=10.0, service_minutes_per_parcel=0.2)
        for i, v in enumerate(template)
    )  # fmt: skip
    van = replace(DEFAULT_VAN, count=math.ceil(8 * n / 61))
    return Problem((Depot("HUB", "centre", 0),), (van,), clients, km, minutes, name=f"synthetic-{n}")


def solve_once(n: int, time_limit: float) -> dict:
    import time

    from optimizer import SolveParams, check, solve

    start = time.perf_counter()
    problem = synthetic_problem(n)
    built = time.perf_counter() - start
    result = solve(problem, SolveParams(time_limit_s=time_limit, iterations=None, seed=1))
    report = check(problem, result.plan)
    return {
        "villages": n, "vans": problem.vehicle_types[0].count, "time_limit_s": time_limit, "build_s": round(built, 1),
        "first_feasible_s": result.first_feasible_s, "first_plan_s": round(result.history[0][0], 1),
        "final": round(result.stats.total_cost, 2), "unserved": result.stats.unserved, "feasible": report.ok,
        "iterations": result.iterations, "runtime_s": round(result.runtime_s, 1),
        "checkpoints": at_checkpoints(result.history, (60, 120, 300, 600)),
    }  # fmt: skip


def run(quick: bool, jobs: int, sizes: dict[int, float] | None = None) -> dict:
    sizes = {61: 5.0} if quick else (sizes or SIZES)
    return {"runs": run_isolated([(solve_once, {"n": n, "time_limit": t}) for n, t in sizes.items()], jobs)}


def table(res: dict) -> str:
    lines = ["| villages | vans | first plan (s) | first feasible (s) | time limit (s) | iterations | final cost | "
             "unserved | runtime (s) | peak MB |", "|" + " --- |" * 10]  # fmt: skip
    for r in sorted(res["runs"], key=lambda r: r["villages"]):
        ff = "not reached" if r["first_feasible_s"] is None else f"{r['first_feasible_s']:.1f}"
        lines.append(
            f"| {r['villages']} | {r['vans']} | {r['first_plan_s']} | {ff} | {r['time_limit_s']:g} | "
            f"{r['iterations']} | {r['final']:,.0f} | {r['unserved']} | {r['runtime_s']} | {r['peak_rss_mb']} |"
        )
    return "\n".join(lines)
