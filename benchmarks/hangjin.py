"""Hangjin, all 61 village service points: time to the first feasible plan, objective over time, memory."""

from __future__ import annotations

from pathlib import Path

from benchmarks.common import at_checkpoints, fmt, run_isolated, spread

REPO = Path(__file__).resolve().parents[1]

CHECKPOINTS = (5, 10, 30, 60)


def solve_once(design: str, seed: int, time_limit: float | None, router: str = "ortools") -> dict:
    """One run; ``time_limit`` None = the scenario's own budget (its iteration count, deterministic)."""
    from dataclasses import replace

    from optimizer.planning.run import run_scenario
    from optimizer.planning.scenario import load_scenario

    scenario = load_scenario(REPO / "scenarios" / ("baseline.toml" if design == "direct" else "relay.toml"))
    scenario = replace(scenario, router=router)
    if time_limit is not None:
        scenario = replace(scenario, seed=seed, time_limit_s=time_limit, iterations=None)
    run = run_scenario(scenario)
    result = run.result
    return {
        "design": design, "seed": seed, "time_limit_s": time_limit, "router": router, "feasible": run.check.ok,
        "stopped_by": result.stopped_by,
        "first_feasible_s": result.first_feasible_s, "final": round(result.stats.total_cost, 2),
        "plan_total_cost": round(run.figures.total_cost, 2), "trunk_cost": round(run.figures.trunk_cost, 2),
        "fleet_size": run.figures.fleet_size, "vehicle_days": run.figures.vehicle_days,
        "total_km": round(result.stats.total_km, 1),
        "checkpoints": at_checkpoints(result.history, CHECKPOINTS), "iterations": result.iterations,
        "runtime_s": round(result.runtime_s, 1),
    }  # fmt: skip


def run(quick: bool, jobs: int) -> dict:
    seeds = [1] if quick else [1, 2, 3]
    limit = 6.0 if quick else 60.0
    long_limit = 8.0 if quick else 300.0
    tasks = [(solve_once, {"design": d, "seed": s, "time_limit": limit}) for d in ("direct", "relay") for s in seeds]
    tasks += [(solve_once, {"design": d, "seed": 100, "time_limit": long_limit}) for d in ("direct", "relay")]
    tasks += [(solve_once, {"design": d, "seed": 0, "time_limit": None}) for d in ("direct", "relay")]
    rows = run_isolated(tasks, jobs)
    return {"runs": rows, "long_run_limit_s": long_limit}


def table(res: dict) -> str:
    lines = [
        "| design | first feasible (s) | 5 s | 10 s | 30 s | 60 s | long run (best) | 60 s gap to long run | "
        "default run (deterministic) | fleet, default run (van-days) | peak MB |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    failed = [r for r in res["runs"] if "error" in r]  # a crashed run: reported as such, never as a figure
    for design in ("direct", "relay"):
        ok = [r for r in res["runs"] if r["design"] == design and "error" not in r]
        if not ok:
            lines.append(f"| {design} | every run failed |" + " |" * 9)
            continue
        runs = [r for r in ok if r["seed"] not in (0, 100)]
        long = [r for r in ok if r["seed"] == 100]
        default = [r for r in ok if r["seed"] == 0]
        ref = min([r["final"] for r in long + runs + default])
        cells = [fmt(spread([r["first_feasible_s"] for r in runs]))]
        for t in CHECKPOINTS:
            cells.append(fmt(spread([r["checkpoints"].get(f"{t}s") for r in runs])))
        finals = [r["final"] for r in runs]
        cells.append(f"{ref:,.0f}")
        cells.append(fmt(spread([100 * (f - ref) / ref for f in finals]), " %"))
        cells.append("; ".join(f"{r['final']:,.0f} ({100 * (r['final'] - ref) / ref:+.2f} %, {r['runtime_s']} s, "
                               f"{r['iterations']} it.)" for r in default) or "–")  # fmt: skip
        cells.append("; ".join(f"{r.get('fleet_size', '–')} ({r.get('vehicle_days', '–')})" for r in default) or "–")
        cells.append(fmt(spread([r["peak_rss_mb"] for r in runs])))
        lines.append(f"| {design} | " + " | ".join(cells) + " |")
    for r in failed:
        limit = "default budget" if r["time_limit"] is None else f"{r['time_limit']:g} s"
        lines += ["", f"Failed: {r['design']}, seed {r['seed']}, {limit}: {r['error']}"]
    if res.get("correction"):
        lines += ["", f"Note: {res['correction']}"]
    return "\n".join(lines)
