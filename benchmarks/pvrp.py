"""Cordeau's 42 periodic-VRP instances: gap to the best-known values (Vidal et al. 2012) per instance and family,
with the 1997 reference solutions (CGL97) beside them."""

from __future__ import annotations

import csv
from pathlib import Path

from benchmarks.common import fmt, run_isolated, spread

FAMILIES = {"p01-p10": range(1, 11), "p11-p13": range(11, 14), "p14-p32": range(14, 33)}
TARGET = {f"p{i:02d}" for i in (*range(2, 11), *range(14, 27))} | {f"pr{i:02d}" for i in range(1, 11)}


def in_group(name: str, group: str) -> bool:
    """Whether instance ``name`` belongs to a table's row ``group``: a family, the target set, or "all"."""
    if group == "all":
        return True
    if group.startswith("target"):
        return name in TARGET
    return family(name) == group


def family(name: str) -> str:
    if name.startswith("pr"):
        return "pr01-pr10"
    number = int(name[1:])
    return next(f for f, r in FAMILIES.items() if number in r)


def solve_once(path: str, time_limit: float, seed: int, router: str = "ortools") -> dict:
    from optimizer import SolveParams, check, solve
    from optimizer.classic.pvrp import read_pvrp

    problem = read_pvrp(path).to_problem()
    result = solve(problem, SolveParams(time_limit_s=time_limit, iterations=None, seed=seed, router=router))
    report = check(problem, result.plan)
    return {"instance": Path(path).stem, "time_limit_s": time_limit, "seed": seed, "router": router,
            "cost": round(report.cost, 2), "feasible": report.ok, "iterations": result.iterations,
            "runtime_s": round(result.runtime_s, 1)}  # fmt: skip


def run(
    quick: bool,
    jobs: int,
    shared: Path,
    limits: list[float] | None = None,
    seeds: list[int] | None = None,
    names: list[str] | None = None,
) -> dict:
    folder = shared / "benchmarks" / "pvrp"
    with open(folder / "instances.csv", encoding="utf-8") as fh:
        meta = {r["instance"]: r for r in csv.DictReader(fh)}
    unknown = set(names or ()) - set(meta)
    if unknown:
        raise SystemExit(f"unknown PVRP instance(s): {', '.join(sorted(unknown))}")
    names = sorted(names or meta)
    if quick:
        names, limits, seeds = ["p01"], [3.0], [1]
    else:
        limits, seeds = limits or [30.0, 120.0], seeds or [1, 2, 3]
    tasks = [(solve_once, {"path": str(folder / "instances" / f"{n}.txt"), "time_limit": t, "seed": s})
             for t in limits for s in seeds for n in names]  # fmt: skip
    runs = []
    for r in run_isolated(tasks, jobs):
        if "error" in r:  # a crashed run: reported as such, never as a gap
            r = {"instance": Path(r["path"]).stem, "time_limit_s": r["time_limit"], "seed": r["seed"], "cost": None,
                 "feasible": False, "error": r["error"], "peak_rss_mb": r["peak_rss_mb"]}  # fmt: skip
        m = meta[r["instance"]]
        r["bks"] = float(m["bks"])
        r["gap_pct"] = None if r["cost"] is None else round(100 * (r["cost"] - r["bks"]) / r["bks"], 3)
        r["cgl97_gap_pct"] = round(100 * (float(m["cgl97_res"]) - r["bks"]) / r["bks"], 3)
        runs.append(r)
    return {"runs": runs}


def table(res: dict) -> str:
    runs = res["runs"]
    limits = sorted({r["time_limit_s"] for r in runs})
    codes = {
        t: sorted({str((r.get("measured") or {}).get("code")) for r in runs if r["time_limit_s"] == t}) for t in limits
    }
    mixed = len({c for cs in codes.values() for c in cs}) > 1  # columns measured on different commits say which
    heads = [f"ruralpost {t:g} s" + (f" ({', '.join(codes[t])})" if mixed else "") for t in limits]
    lines = ["| family | instances | " + " | ".join(heads) + " | CGL97 (1997) |",
             "|" + " --- |" * (len(limits) + 3)]  # fmt: skip
    groups = [*FAMILIES, "pr01-pr10", "target set (p02-p10, p14-p26, pr01-pr10)", "all"]
    for g in groups:
        part = [r for r in runs if in_group(r["instance"], g)]
        if not part:
            continue
        cgl = {r["instance"]: r["cgl97_gap_pct"] for r in part}
        cells = []
        for t in limits:
            done = [r for r in part if r["time_limit_s"] == t]
            per_instance = {}  # mean gap of each instance's feasible runs: every instance weighs the same
            for name in sorted({r["instance"] for r in done}):
                feasible = [r["gap_pct"] for r in done if r["instance"] == name and r["feasible"]]
                if feasible:
                    per_instance[name] = sum(feasible) / len(feasible)
            gaps = list(per_instance.values())
            cell = f"{sum(gaps) / len(gaps):.2f} %" if gaps else "–"
            measured = len({r["instance"] for r in done})
            if gaps and measured < len(cgl):
                cell += f" ({measured} of {len(cgl)})"
            cells.append(cell)
        lines.append(f"| {g} | {len(cgl)} | " + " | ".join(cells) + f" | {sum(cgl.values()) / len(cgl):.2f} % |")
    lines += ["", "| instance | " + " | ".join(f"{t:g} s gap" for t in limits) + " | CGL97 gap |",
              "|" + " --- |" * (len(limits) + 2)]  # fmt: skip
    for name in sorted({r["instance"] for r in runs}):
        cells = []
        for t in limits:
            done = [r for r in runs if r["instance"] == name and r["time_limit_s"] == t]
            cell = fmt(spread([r["gap_pct"] for r in done if r["feasible"]]), " %") if done else "–"
            bad = sum(not r["feasible"] for r in done)
            cells.append(cell + (f" ({bad} of {len(done)} infeasible)" if bad else ""))
        cgl = next(r["cgl97_gap_pct"] for r in runs if r["instance"] == name)
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {cgl:.2f} % |")
    lines.append("")
    for t in limits:  # the limit is a cap on the search; say by how much the slowest run passed it
        timed = [r for r in runs if r["time_limit_s"] == t and r.get("runtime_s") is not None]
        if timed:
            slow = max(timed, key=lambda r: r["runtime_s"])
            lines.append(f"Longest {t:g} s run: {slow['runtime_s']:g} s ({slow['instance']} seed {slow['seed']}; "
                         f"{len(timed)} of {sum(r['time_limit_s'] == t for r in runs)} runs timed).")  # fmt: skip
    bad = [r for r in runs if not r["feasible"]]
    if bad:
        lines.append(
            f"{len(bad)} of {len(runs)} runs ended infeasible (visits still unplaced when the time ran out) or "
            "failed: "
            + ", ".join(
                f"{r['instance']} {r['time_limit_s']:g} s seed {r['seed']}"
                + (f" ({r['error']})" if "error" in r else "")
                for r in bad
            )
            + ". Family averages: the mean over instances of each one's mean gap over its feasible runs; "
            "(n of m): instances measured at that limit."
        )
    else:
        lines.append(
            f"All {len(runs)} plans checked feasible: yes. Family averages: the mean over instances of each one's "
            "mean gap; (n of m): instances measured at that limit."
        )
    return "\n".join(lines)
