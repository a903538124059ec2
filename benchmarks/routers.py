"""Both day routers side by side, in one run on one commit: Cordeau's PVRP instances (gap to the best-known values,
CGL97's gaps beside) and Hangjin's two designs (first feasible plan, cost at 5/10/30/60 s, the default work-bounded
run and its fleet), and optionally a synthetic banner (``--banner N`` villages at 10 minutes, first feasible plan and
cost over time).

    python -m benchmarks.routers --instances target --limits 30 --seeds 1
    python -m benchmarks.routers --instances pr05,pr10 --limits 120 --seeds 1,2,3 --no-hangjin
    python -m benchmarks.routers --instances target --limits 120 --jobs 2 --banner 1000   # + the synthetic banner
    python -m benchmarks.routers --merge seed1.json seeds23.json --out results-routers.json   # one table from both

Writes ``benchmarks/results-routers.json`` (every run, with the machine and the commit) and prints the tables that
``benchmarks/README.md`` quotes. Runs one at a time by default (``--jobs 1``): the PVRP runs are bounded by time, so
their quality depends on the CPU they get.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
from pathlib import Path

from benchmarks import common, hangjin, pvrp, scaling, sectors
from benchmarks.common import code_version, fmt, run_isolated, spread
from benchmarks.run import shared_folder
from optimizer.routing import ROUTERS

HERE = Path(__file__).resolve().parent


def _instances(spec: str, meta: dict) -> list[str]:
    if spec == "target":
        return sorted(pvrp.TARGET)
    if spec == "all":
        return sorted(meta)
    names = [n.strip() for n in spec.split(",") if n.strip()]
    unknown = sorted(set(names) - set(meta))
    if unknown:
        raise SystemExit(f"unknown PVRP instance(s): {', '.join(unknown)}")
    return names


BANNER_LIMIT_S = 600.0  # the synthetic banner's time limit (the 10 minutes)


def run(
    names: list[str], limits: list[float], seeds: list[int], jobs: int, with_hangjin: bool, banner: int = 0
) -> dict:
    """Every (instance, limit, seed) for each router, then Hangjin's runs for each router, then the synthetic banner
    of ``banner`` villages (0: none) for each router."""
    folder = shared_folder() / "benchmarks" / "pvrp"
    with open(folder / "instances.csv", encoding="utf-8") as fh:
        meta = {r["instance"]: r for r in csv.DictReader(fh)}
    tasks = [
        (pvrp.solve_once, {"path": str(folder / "instances" / f"{n}.txt"), "time_limit": t, "seed": s, "router": r})
        for t in limits for s in seeds for n in names for r in ROUTERS
    ]  # fmt: skip
    runs = []
    for r in run_isolated(tasks, jobs):
        if "error" in r:
            r = {"instance": Path(r["path"]).stem, "time_limit_s": r["time_limit"], "seed": r["seed"],
                 "router": r["router"], "cost": None, "feasible": False, "error": r["error"]}  # fmt: skip
        m = meta[r["instance"]]
        r["bks"] = float(m["bks"])
        r["gap_pct"] = None if r["cost"] is None else round(100 * (r["cost"] - r["bks"]) / r["bks"], 3)
        r["cgl97_gap_pct"] = round(100 * (float(m["cgl97_res"]) - r["bks"]) / r["bks"], 3)
        runs.append(r)
    hangjin_runs = []
    if with_hangjin:
        tasks = [(hangjin.solve_once, {"design": d, "seed": 1, "time_limit": 60.0, "router": r})
                 for d in ("direct", "relay") for r in ROUTERS]  # fmt: skip
        tasks += [(hangjin.solve_once, {"design": d, "seed": 0, "time_limit": None, "router": r})
                  for d in ("direct", "relay") for r in ROUTERS]  # fmt: skip
        tasks += [(sectors.solve_once, {"design": "direct", "seed": 1})]
        hangjin_runs = run_isolated(tasks, jobs)
    tasks = [(scaling.solve_once, {"n": banner, "time_limit": BANNER_LIMIT_S, "router": r}) for r in ROUTERS]
    banner_runs = run_isolated(tasks, jobs) if banner else []
    return {
        "code": code_version(), "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}",
        "jobs": jobs, "pvrp": runs, "hangjin": hangjin_runs, "banner": banner_runs,
    }  # fmt: skip


def merge(results: list[dict]) -> dict:
    """Results files of the same commit and machine as one: every PVRP run once (by instance, limit, seed and
    router), the Hangjin and banner runs of the one file that has them. Files of different commits or machines are
    refused: a table's columns must come from one solver (``ValueError`` naming both)."""
    first = results[0]
    for res in results[1:]:
        for key in ("code", "machine"):
            if res[key] != first[key]:
                raise ValueError(f"results of different {key}s ({first[key]} and {res[key]}): measure again at one")
    runs: dict[tuple, dict] = {}
    for res in results:
        for r in res["pvrp"]:
            key = (r["instance"], r["time_limit_s"], r["seed"], r["router"])
            if key in runs:
                raise ValueError(f"{' '.join(map(str, key))}: measured twice")
            runs[key] = r
    extra = {}
    for section in ("hangjin", "banner"):
        having = [res[section] for res in results if res.get(section)]
        if len(having) > 1:
            raise ValueError(f"{section} runs in more than one file")
        extra[section] = having[0] if having else []
    jobs = sorted({res["jobs"] for res in results})
    return {"code": first["code"], "machine": first["machine"], "jobs": jobs[0] if len(jobs) == 1 else jobs,
            "pvrp": sorted(runs.values(), key=lambda r: (r["time_limit_s"], r["seed"], r["instance"], r["router"])),
            **extra}  # fmt: skip


def _mean_gap(runs: list[dict]) -> tuple[float | None, int]:
    """The mean over instances of each instance's mean gap over its feasible runs, and how many instances."""
    per: dict[str, list[float]] = {}
    for r in runs:
        if r["feasible"] and r["gap_pct"] is not None:
            per.setdefault(r["instance"], []).append(r["gap_pct"])
    if not per:
        return None, 0
    return sum(sum(g) / len(g) for g in per.values()) / len(per), len(per)


def coverage(runs: list[dict]) -> str:
    """Which seeds each time limit has, and on how many instances (both routers' runs), in one sentence."""
    parts = []
    names = {r["instance"] for r in runs}
    for t in sorted({r["time_limit_s"] for r in runs}):
        by_seed = {}
        for seed in sorted({r["seed"] for r in runs if r["time_limit_s"] == t}):
            done = {(r["instance"], r["router"]) for r in runs if r["time_limit_s"] == t and r["seed"] == seed}
            by_seed[seed] = sum(all((n, router) in done for router in ROUTERS) for n in names)
        full = [s for s, n in by_seed.items() if n == len(names)]
        part = [f"seed {s} on {n} of {len(names)}" for s, n in by_seed.items() if n < len(names)]
        seeds = f"seed{'s' if len(full) > 1 else ''} {', '.join(map(str, full))} on all {len(names)}" if full else ""
        parts.append(f"{t:g} s: " + "; ".join([x for x in [seeds, *part] if x]))
    return "Seeds measured (both routers): " + "; ".join(parts) + "."


def pvrp_table(res: dict) -> str:
    runs = res["pvrp"]
    limits = sorted({r["time_limit_s"] for r in runs})
    heads = [f"{router} {t:g} s" for t in limits for router in ROUTERS]
    lines = ["| family | instances | " + " | ".join(heads) + " | CGL97 (1997) |", "|" + " --- |" * (len(heads) + 3)]
    groups = [*pvrp.FAMILIES, "pr01-pr10", "target set (p02-p10, p14-p26, pr01-pr10)", "all"]
    for g in groups:
        part = [r for r in runs if pvrp.in_group(r["instance"], g)]
        if not part:
            continue
        cgl = {r["instance"]: r["cgl97_gap_pct"] for r in part}
        cells = []
        for t in limits:
            for router in ROUTERS:
                gap, n = _mean_gap([r for r in part if r["time_limit_s"] == t and r["router"] == router])
                cells.append("–" if gap is None else f"{gap:.2f} %" + (f" ({n} of {len(cgl)})" if n < len(cgl) else ""))
        lines.append(f"| {g} | {len(cgl)} | " + " | ".join(cells) + f" | {sum(cgl.values()) / len(cgl):.2f} % |")
    lines += ["", coverage(runs) + " A family's figure is the mean over its instances of each instance's mean gap "
              "over its seeds; an instance's cell is the median (min-max) over its seeds."]  # fmt: skip
    lines += ["", "| instance | " + " | ".join(f"{h} gap" for h in heads) + " | CGL97 gap |",
              "|" + " --- |" * (len(heads) + 2)]  # fmt: skip
    for name in sorted({r["instance"] for r in runs}):
        cells = []
        for t in limits:
            for router in ROUTERS:
                done = [r for r in runs if r["instance"] == name and r["time_limit_s"] == t and r["router"] == router]
                bad = sum(not r["feasible"] for r in done)
                cell = fmt(spread([r["gap_pct"] for r in done if r["feasible"]]), " %") if done else "–"
                cells.append(cell + (f" ({bad} of {len(done)} infeasible)" if bad else ""))
        cgl = next(r["cgl97_gap_pct"] for r in runs if r["instance"] == name)
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {cgl:.2f} % |")
    bad = [r for r in runs if not r["feasible"]]
    lines.append("")
    lines.append(f"{len(runs) - len(bad)} of {len(runs)} plans checked feasible by `optimizer.check`."
                 + (" Not: " + ", ".join(f"{r['instance']} {r['router']} {r['time_limit_s']:g} s seed {r['seed']}"
                                         for r in bad) + "." if bad else ""))  # fmt: skip
    return "\n".join(lines)


def hangjin_table(res: dict) -> str:
    runs = res["hangjin"]
    if not runs:
        return ""
    lines = [
        "| design | router | first feasible (s) | 5 s | 10 s | 30 s | 60 s | default run (work-bounded) | "
        "fleet (vehicle-days), default run |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    plans = [r for r in runs if r.get("method") != "sectors"]
    for design in ("direct", "relay"):
        for router in ROUTERS:
            mine = [r for r in plans if r["design"] == design and r.get("router") == router]
            timed = [r for r in mine if r["time_limit_s"]]
            default = [r for r in mine if not r["time_limit_s"]]
            cells = [fmt(spread([r["first_feasible_s"] for r in timed]))]
            cells += [fmt(spread([r["checkpoints"].get(f"{t}s") for r in timed])) for t in hangjin.CHECKPOINTS]
            cells.append("; ".join(f"{r['final']:,.2f} ({r['runtime_s']} s, {r['iterations']} it.)" for r in default))
            cells.append("; ".join(f"{r['fleet_size']} ({r['vehicle_days']})" for r in default))
            lines.append(f"| {design} | {router} | " + " | ".join(c or "–" for c in cells) + " |")
    lines += ["", sectors_table(res)]
    return "\n".join(lines)


def sectors_table(res: dict) -> str:
    """The default direct plans (default settings) against the sector split, with the issue's three tests: no more
    vans, no more km, at least 8 % cheaper."""
    runs = res["hangjin"]
    split = next((r for r in runs if r.get("method") == "sectors"), None)
    if split is None:
        return ""
    lines = ["| plan | fleet | van-days | km | yuan a week | against the sector split |", "|" + " --- |" * 6,
             f"| sector split (PyVRP {sectors.SECONDS_A_DAY:g} s a day) | {split['fleet_size']} | "
             f"{split['vehicle_days']} | {split['total_km']:,.1f} | {split['total_cost']:,.2f} | – |"]  # fmt: skip
    for r in runs:
        if r.get("method") == "sectors" or r["design"] != "direct" or r["time_limit_s"]:
            continue
        cheaper = 100 * (split["total_cost"] - r["final"]) / split["total_cost"]
        verdict = (f"{cheaper:.2f} % cheaper; vans {'≤' if r['fleet_size'] <= split['fleet_size'] else '>'}, "
                   f"km {'≤' if r['total_km'] <= split['total_km'] else '>'}")  # fmt: skip
        lines.append(f"| default plan, {r['router']} | {r['fleet_size']} | {r['vehicle_days']} | {r['total_km']:,.1f} "
                     f"| {r['final']:,.2f} | {verdict} |")  # fmt: skip
    return "\n".join(lines)


def banner_table(res: dict) -> str:
    runs = res.get("banner") or []
    if not runs:
        return ""
    heads = ["60 s", "120 s", "300 s", "600 s"]
    lines = ["| villages | router | first feasible (s) | " + " | ".join(heads) + " | final | iterations | unserved | "
             "checked | peak MB |", "|" + " --- |" * (len(heads) + 8)]  # fmt: skip
    for r in runs:
        if "error" in r:
            lines.append(f"| {r['n']} | {r['router']} | {r['error']} |" + " |" * (len(heads) + 6))
            continue
        ff = "not reached" if r["first_feasible_s"] is None else f"{r['first_feasible_s']:.1f}"
        values = [r["checkpoints"].get(h.replace(" ", "")) for h in heads]
        # the search's objective carries 10^7 per missed visit until every visit is placed
        cells = ["–" if v is None else "visits missed" if v >= 1e7 else f"{v:,.0f}" for v in values]
        lines.append(f"| {r['villages']} | {r['router']} | {ff} | " + " | ".join(cells)
                     + f" | {r['final']:,.0f} | {r['iterations']} | {r['unserved']} | "
                     f"{'yes' if r['feasible'] else 'NO'} | {r['peak_rss_mb']} |")  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--instances", default="target", help="'target', 'all' or comma-separated names (default target)")
    ap.add_argument("--limits", default="30", help="comma-separated time limits in seconds (default 30)")
    ap.add_argument("--seeds", default="1", help="comma-separated seeds (default 1)")
    ap.add_argument("--jobs", type=int, default=1, help="runs side by side (default 1)")
    ap.add_argument("--no-hangjin", action="store_true", help="skip the Hangjin runs")
    ap.add_argument("--banner", type=int, default=0, help="villages of a synthetic banner, 10 min (default 0: none)")
    ap.add_argument("--out", default=str(HERE / "results-routers.json"), help="results JSON")
    ap.add_argument("--resume", action="store_true", help="reuse runs in the progress log made of the same commit")
    ap.add_argument("--merge", nargs="+", metavar="JSON", help="write one results file from these (same commit)")
    args = ap.parse_args(argv)
    if args.merge:
        try:
            res = merge([json.loads(Path(f).read_text(encoding="utf-8")) for f in args.merge])
        except (OSError, ValueError, KeyError) as exc:
            raise SystemExit(f"--merge: {exc}") from exc
        Path(args.out).write_text(json.dumps(res, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        _print_tables(res)
        return
    folder = shared_folder() / "benchmarks" / "pvrp"
    with open(folder / "instances.csv", encoding="utf-8") as fh:
        meta = {r["instance"]: r for r in csv.DictReader(fh)}
    names = _instances(args.instances, meta)
    limits = [float(x) for x in args.limits.split(",")]
    seeds = [int(x) for x in args.seeds.split(",")]
    common.progress_log = Path(args.out).with_suffix(".progress.jsonl")  # each run as it ends; --resume reuses them
    common.resume = args.resume
    res = run(names, limits, seeds, args.jobs, not args.no_hangjin, args.banner)
    Path(args.out).write_text(json.dumps(res, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    _print_tables(res)


def _print_tables(res: dict) -> None:
    print(f"measured at {res['code']} on {res['machine']}, {res['jobs']} run(s) at a time")
    print(pvrp_table(res))
    print()
    print(hangjin_table(res))
    print()
    print(banner_table(res))


if __name__ == "__main__":
    main()
