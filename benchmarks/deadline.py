"""Does the time limit hold at every size? ``ruralpost plan`` on synthetic banners (the data model of
``benchmarks.scaling``, written as a data folder), timed from the command's start to its exit.

    python -m benchmarks.deadline --sizes 1000,2000,3000 --limits 5,10,30

Each run is a fresh ``ruralpost plan --iterations 0 --time-limit T`` process (time only, the hardest case for the
cap); it reports the wall time to exit, the time to its first line (Python's start and imports, before the limit's
clock starts), to "plan ready" (the limit plus the overrun: ``ready_over_limit_s``), the time writing the outputs,
the exit status and the last line on stderr. Run one at a time: the figures are wall-clock times.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
import subprocess
import sys
import time
from pathlib import Path

VILLAGE_COLUMNS = ["id", "name", "name_pinyin", "township", "lat", "lon", "coord_status", "in_town_seat",
                   "service_point", "parcels_down_per_week", "parcels_up_per_week", "volume_status"]  # fmt: skip
STATION_COLUMNS = ["id", "name", "name_pinyin", "kind", "township", "lat", "lon", "coord_status"]


def write_banner(folder: Path, n: int, seed: int = 0) -> Path:
    """A data folder of ``n`` villages at Hangjin's density and volumes, one station per county-sized cell (as
    ``benchmarks.scaling.synthetic_problem``), the centre in the middle; and a scenario planning it with the mixed
    design (each village from its nearest depot, 8 vans at each). Returns the scenario file."""
    import numpy as np

    from optimizer.planning import load_dataset

    rng = np.random.default_rng(seed)
    hangjin = load_dataset().service_points
    grid = math.ceil(math.sqrt(n / 61))
    side_km = math.sqrt(18_900 * n / 61)
    origin = (39.8, 108.7)
    km_lat, km_lon = 111.0, 111.0 * math.cos(math.radians(origin[0]))
    cell = side_km / grid
    folder.mkdir(parents=True, exist_ok=True)

    def lat_lon(x: float, y: float) -> tuple[str, str]:
        return f"{origin[0] + y / km_lat:.6f}", f"{origin[1] + x / km_lon:.6f}"

    with open(folder / "stations.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(STATION_COLUMNS)
        w.writerow(["HUB", "centre", "centre", "centre", "T-HUB", *lat_lon(side_km / 2 + 1, side_km / 2 + 1), "x"])
        for i in range(grid):
            for j in range(grid):
                w.writerow([f"S{i}_{j}", f"station {i} {j}", f"station {i} {j}", "station", f"T{i}_{j}",
                            *lat_lon((i + 0.5) * cell, (j + 0.5) * cell), "x"])  # fmt: skip
    xy = rng.uniform(0, side_km, (n, 2))
    template = [hangjin[i % len(hangjin)] for i in rng.permutation(n)]
    with open(folder / "villages.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(VILLAGE_COLUMNS)
        for k, ((x, y), v) in enumerate(zip(xy, template, strict=True)):
            w.writerow([f"V{k}", f"村{k}", f"Cun {k}", "T-rural", *lat_lon(x, y), "synthetic", 0, 1,
                        v.parcels_down_per_week, v.parcels_up_per_week, "synthetic"])  # fmt: skip
    scenario = folder / "scenario.toml"
    scenario.write_text(
        f'name = "synthetic-{n}"\ndata = "{folder}"\ndesign = "mixed"\n\n'
        '[[fleet]]\nname = "van"\ndepot = "stations"\ncount = 8\n\n'
        '[[fleet]]\nname = "van"\ndepot = "HUB"\ncount = 8\n\n'
        f"[trunk]\ncount = {grid * grid}\ncapacity = 100000\nmax_shift_minutes = 100000\n",
        encoding="utf-8",
    )
    return scenario


def run_plan(scenario: Path, out: Path, time_limit: float) -> dict:
    """One ``ruralpost plan`` process, timed from its start: when it began (first line, after Python's imports), when
    the plan was ready (the line before writing), its exit."""
    cmd = [sys.executable, "-m", "optimizer.cli", "plan", "--scenario", str(scenario), "--out", str(out),
           "--time-limit", f"{time_limit:g}", "--iterations", "0"]  # fmt: skip
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    began = ready = None
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if began is None and line.startswith("ruralpost plan:"):
            began = time.perf_counter() - start
        if ready is None and "plan ready after" in line:
            ready = time.perf_counter() - start
    err = proc.stderr.read().strip().splitlines()
    code = proc.wait()
    wall = time.perf_counter() - start
    ended = ready if ready is not None else wall  # a run that ends in an error writes nothing
    stdout = "".join(lines)
    search = re.search(r"stopped by .* after (\d+) iterations, ([\d.]+) s", stdout)
    return {
        "time_limit_s": time_limit, "exit": code, "wall_s": round(wall, 2), "imports_s": round(began or 0, 2),
        "plan_ready_s": round(ended, 2), "ready_over_limit_s": round(ended - (began or 0) - time_limit, 2),
        "writing_s": round(wall - ready, 2) if ready is not None else None,
        "iterations": int(search[1]) if search else None, "search_s": float(search[2]) if search else None,
        "stderr_last": err[-1][:200] if err else "",
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="1000,2000,3000")
    p.add_argument("--limits", default="5,10,30")
    p.add_argument("--work", default="/tmp/ruralpost-deadline")
    p.add_argument("--json", help="append each result to this JSON-lines file")
    args = p.parse_args(argv)
    work = Path(args.work)
    for n in (int(s) for s in args.sizes.split(",")):
        scenario = write_banner(work / f"banner-{n}", n)
        for limit in (float(t) for t in args.limits.split(",")):
            row = {"villages": n, **run_plan(scenario, work / f"out-{n}-{limit:g}", limit)}
            print(json.dumps(row, ensure_ascii=False), flush=True)
            if args.json:
                with open(args.json, "a", encoding="utf-8") as fh:
                    fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
