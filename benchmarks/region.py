"""Region runs: the same counties at a fixed work budget on the local process pool and on Dask ``LocalCluster``s of
1 and 2 workers, in one run; wall time, the workers' CPU time, peak memory of the worker processes (the largest
so far: a later engine's figure covers the earlier ones), seconds per county task against its service points, and
whether every engine gave the same ``region.csv``.

    python -m benchmarks.region --counties 12 --iterations 10      # the 12 counties nearest the median size
    python -m benchmarks.region --counties all --iterations 10     # the whole region (long)
    python -m benchmarks.region --counties all --iterations 3 --engines pool,dask-2   # two engines, back to back

Not part of ``benchmarks.run``: the figures go to ``benchmarks/results-region.json`` and ``benchmarks/README.md``
by hand, with the machine and commit named.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ENGINES = {"pool": (None, 2), "dask-1": ("local", 1), "dask-2": ("local", 2)}  # name: (scheduler, workers)


def _pick(counties, n: str):
    if n == "all":
        return counties
    size = statistics.median(c.service_points for c in counties)
    return sorted(counties, key=lambda c: (abs(c.service_points - size), c.code))[: int(n)]


def _children_cpu_s() -> float:
    """User and system CPU seconds of the ended child processes (pool workers, Dask workers) so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> None:
    from optimizer.planning.region import DEFAULT_REGION_DIR, load_counties, print_progress, run_region
    from optimizer.planning.scenario import Scenario

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--counties", default="12", help="how many counties near the median size, or 'all'")
    ap.add_argument("--iterations", type=int, default=10)
    ap.add_argument(
        "--engines",
        default="pool,dask-1,dask-2",
        help="engines in order (repeats allowed, e.g. pool,dask-2,pool,dask-2 to interleave them)",
    )
    ap.add_argument("--out", default=str(Path(__file__).with_name("results-region.json")))
    args = ap.parse_args(argv)
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    if not engines or set(engines) - set(ENGINES):
        raise SystemExit(f"--engines: choose from {', '.join(ENGINES)}")
    counties = _pick(load_counties(DEFAULT_REGION_DIR), args.counties)
    scenario = Scenario(iterations=args.iterations, time_limit_s=600.0)
    runs, first = [], None
    for name in engines:
        scheduler, jobs = ENGINES[name]
        cpu_before = _children_cpu_s()
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            rows = run_region(scenario, counties, out, scheduler=scheduler, jobs=jobs, progress=print_progress)
            wall = time.perf_counter() - start
            table = {r["county_code"]: {k: v for k, v in r.items() if k != "runtime_s"} for r in rows}
            first = first or table
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        runs.append({
            "engine": name, "workers": jobs, "wall_s": round(wall, 1),
            "worker_cpu_s": round(_children_cpu_s() - cpu_before), "peak_child_mb_so_far": round(children, 1),
            "task_s_per_county": {r["county_code"]: r.get("runtime_s") for r in rows},
            "ok": sum(str(r.get("status", "")).startswith("ok") for r in rows),
            "rows_unlike_the_first_run": {
                code: {k: [first[code].get(k), v] for k, v in row.items() if first[code].get(k) != v}
                for code, row in table.items() if row != first[code]
            },
        })  # fmt: skip
        print(f"{name}: {wall:.1f} s wall for {len(counties)} counties", flush=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    result = {
        "commit": commit, "machine": f"{platform.machine()}, Python {platform.python_version()}",
        "counties": [{"code": c.code, "service_points": c.service_points} for c in counties],
        "iterations": args.iterations, "runs": runs,
        "same_table_everywhere": not any(r["rows_unlike_the_first_run"] for r in runs),
    }  # fmt: skip
    Path(args.out).write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "counties"}, indent=1))


if __name__ == "__main__":
    main()
