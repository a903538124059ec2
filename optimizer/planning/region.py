"""Region runs: every county of a region data set planned with one scenario, one task per county x scenario case,
on a local process pool or a Dask cluster (``executors``), resumable, with one table and one map for the region.

A region folder holds ``counties.csv`` (``code``, ``name``, ``prefecture``, ``villages``, ``service_points``, ...)
and one data folder per county code in the Hangjin schema. The scenario is applied to each county with one stated
rule (``scale_fleet``): each vehicle type's ``count`` is the scenario's (set for Hangjin) times the larger of the
county's service points over Hangjin's 61 and its parcels down a week over Hangjin's (at least 1), and then raised
where one working day has more large visits than vehicles (``fit_large_visits``: visits that each carry more than half
a van, so no two share one); policy and costs are as the scenario says. Each task's seed is derived from the
county code and the run's seed, and its search is bounded by iterations, so a county's plan is the same wherever it
ran.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import as_completed
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from optimizer.errors import InfeasibleError, InputError, RuralpostError
from optimizer.files import read_text, write_text_atomic
from optimizer.model import Problem
from optimizer.planning.dataset import DEFAULT_DATA_DIR
from optimizer.planning.executors import executor
from optimizer.planning.scenario import Scenario
from optimizer.validate import large_visits

REGION_COLUMNS = [
    "county_code", "county_name", "villages", "service_points", "design", "fleet_size", "vehicle_days", "total_km",
    "weekly_cost", "cost_per_parcel", "unserved", "status",
]  # fmt: skip
EXTRA_COLUMNS = ["prefecture", "monthly_cost", "parcels_per_week", "iterations"]  # no times: the same anywhere
REFERENCE_SERVICE_POINTS = 61  # the scenario's fleet counts are for Hangjin's 61 service points
REFERENCE_DATA_DIR = DEFAULT_DATA_DIR  # ... and for Hangjin's parcels (its villages.csv)
PROGRESS = "region.progress.jsonl"
DEFAULT_REGION_DIR = Path(__file__).resolve().parents[1] / "data" / "inner-mongolia"


@dataclass(frozen=True)
class County:
    """One row of ``counties.csv``."""

    code: str
    name: str
    name_pinyin: str
    prefecture: str
    villages: int
    service_points: int
    folder: Path


def load_counties(region: str | Path, only: Sequence[str] | None = None) -> tuple[County, ...]:
    """The counties of a region folder (``counties.csv``), or those whose codes are in ``only`` (in that order)."""
    region = Path(region)
    path = region / "counties.csv"
    if not region.is_dir():
        raise InputError(f"{region}: region folder not found")
    rows = list(csv.DictReader(io.StringIO(read_text(path)))) if path.is_file() else None
    if rows is None:
        raise InputError(f"{path}: not found (a region folder needs counties.csv and one folder per county code)")
    need = ("code", "name", "prefecture", "villages", "service_points")
    if not rows or any(c not in rows[0] for c in need):
        raise InputError(f"{path}: needs the columns {', '.join(need)}")
    counties = {}
    for line, row in enumerate(rows, start=2):
        code = row["code"].strip()
        try:
            villages, points = int(row["villages"]), int(row["service_points"])
        except ValueError as exc:
            raise InputError(f"{path}, line {line}: villages and service_points must be whole numbers") from exc
        folder = region / (row.get("folder") or code).strip().rstrip("/")
        counties[code] = County(code, row["name"].strip(), (row.get("name_pinyin") or "").strip(),
                                row["prefecture"].strip(), villages, points, folder)  # fmt: skip
    if only:
        unknown = [c for c in only if c not in counties]
        if unknown:
            raise InputError(f"--counties: unknown county code(s) {', '.join(unknown)} (see {path})")
        return tuple(counties[c] for c in only)
    return tuple(counties.values())


@lru_cache(maxsize=256)
def parcels_down_per_week(folder: Path) -> float:
    """Parcels down a week of every village of a data folder (service points and town seats: what the vans and the
    counters carry), from its villages.csv; 0 where the file cannot be read (the county's own run says why)."""
    try:
        rows = csv.DictReader(io.StringIO(read_text(folder / "villages.csv", "villages file")))
        return sum(float(r.get("parcels_down_per_week") or 0) for r in rows)
    except (RuralpostError, ValueError):
        return 0.0


def scale_fleet(scenario: Scenario, service_points: int, parcels: float | None = None) -> Scenario:
    """The stated rule: each vehicle type's count scaled from Hangjin's to the county's by the larger of two ratios,
    service points (61 in Hangjin) and parcels down a week (Hangjin's villages.csv): a county of few villages but
    many parcels (an urban district's town-seat counters) gets the vans its volume needs."""
    ratio = service_points / REFERENCE_SERVICE_POINTS
    if parcels is not None:
        ratio = max(ratio, parcels / parcels_down_per_week(REFERENCE_DATA_DIR))
    fleet = tuple(replace(vt, count=max(1, math.ceil(vt.count * ratio))) for vt in scenario.fleet)
    return replace(scenario, fleet=fleet)


def fit_large_visits(scenario: Scenario, problem: Problem) -> Scenario:
    """The rule's second part: each working day gets at least as many vehicles as it has visits that each carry
    more than half the largest vehicle's parcels (``validate.large_visits``; e.g. an urban district's station
    counters after the Sunday gap). The missing vehicles are added to the largest type that may make those visits
    (a type based at ``"stations"`` is raised at every station). ``problem`` is the week built from ``scenario``."""
    owner = [_scenario_type(scenario, pt.name) for pt in problem.vehicle_types]
    counts = [vt.count for vt in scenario.fleet]
    while True:
        types = tuple(replace(vt, count=counts[owner[j]]) for j, vt in enumerate(problem.vehicle_types))
        problem = replace(problem, vehicle_types=types)
        short = [lv for lv in large_visits(problem) if lv.need > lv.have]
        if not short:
            break
        lv = short[0]
        usable = [k for k, vt in enumerate(types) if lv.day in vt.days and lv.depot in (None, vt.depot)]
        k = max(usable, key=lambda k: (types[k].capacity, -k))
        counts[owner[k]] += lv.need - lv.have
    return replace(scenario, fleet=tuple(replace(vt, count=n) for vt, n in zip(scenario.fleet, counts, strict=True)))


def _scenario_type(scenario: Scenario, name: str) -> int:
    """The index of the scenario's vehicle type a week's type comes from (``build_problem`` names a copy of a type
    based at the stations ``name@station``)."""
    for i, vt in enumerate(scenario.fleet):
        if name == vt.name or (vt.depot == "stations" and name.startswith(f"{vt.name}@")):
            return i
    raise ValueError(f"vehicle type {name!r} is not the scenario's")


def task_seed(code: str, seed: int) -> int:
    """A county's seed: from its code and the run's seed (the same on any machine)."""
    return int(hashlib.sha256(f"{code}:{seed}".encode()).hexdigest()[:8], 16)


def county_scenario(scenario: Scenario, county: County) -> Scenario:
    """The scenario as applied to one county (its data folder, fleet scaled, seed derived)."""
    scaled = scale_fleet(scenario, county.service_points, parcels_down_per_week(county.folder))
    return replace(scaled, name=f"{scenario.name} [{county.code}]", data=county.folder,
                   seed=task_seed(county.code, scenario.seed))  # fmt: skip


def task_key(scenario: Scenario, county: County) -> str:
    """What a finished task depends on: the county, the scenario as resolved, the county's data, the code version."""
    digest = hashlib.sha256()
    digest.update(json.dumps(county_scenario(scenario, county).to_dict(), sort_keys=True, default=str).encode())
    for name in ("villages.csv", "stations.csv", "boundary.geojson"):
        path = county.folder / name
        if path.is_file():
            digest.update(path.read_bytes())
    digest.update(_code_version().encode())
    return f"{county.code}:{digest.hexdigest()[:16]}"


def _code_version() -> str:
    try:
        return metadata.version("ruralpost")
    except metadata.PackageNotFoundError:
        return "unknown"


def _row_head(scenario: Scenario, county: County) -> dict:
    """The columns of a county's ``region.csv`` row known before it is planned."""
    return {
        "county_code": county.code,
        "county_name": county.name,
        "villages": county.villages,
        "service_points": county.service_points,
        "design": scenario.design,
        "prefecture": county.prefecture,
    }


def plan_county(scenario: Scenario, county: County, out: Path | None) -> dict:
    """Plan one county (a task: runs on a worker); its outputs go to ``out/counties/<code>/``. The row of
    ``region.csv``; a county without a feasible plan is a row with ``status`` saying why, never an exception."""
    from optimizer.outputs import write_all
    from optimizer.outputs.tables import key_figures
    from optimizer.planning.run import run_scenario

    row = _row_head(scenario, county)
    start = time.perf_counter()
    try:
        run = run_scenario(county_scenario(scenario, county), fleet_rule=fit_large_visits)
        if out is not None:
            write_all(run, out / "counties" / county.code)
        k = key_figures(run)
        row.update({
            "fleet_size": k["fleet_size"], "vehicle_days": k["vehicle_days"], "total_km": k["total_km"],
            "weekly_cost": k["total_cost"], "cost_per_parcel": k["cost_per_parcel"], "unserved": k["unserved"],
            "status": "ok" if k["feasible"] else "infeasible: " + "; ".join(
                (run.check.violations + [v for c in run.trunk_checks for v in c.violations])[:3]
            ),
            "monthly_cost": k["monthly_cost"], "parcels_per_week": k["parcels_per_week"],
            "iterations": run.result.iterations,
        })  # fmt: skip
    except RuralpostError as exc:  # bad data or no feasible plan: a result of the region run, not its end
        kind = "infeasible" if isinstance(exc, InfeasibleError) else "error"
        row["status"] = f"{kind}: {' '.join(str(exc).split())[:300]}"
    row["runtime_s"] = round(time.perf_counter() - start, 1)
    return row


def _done_tasks(out: Path) -> dict[str, dict]:
    """Finished tasks recorded in ``region.progress.jsonl`` (the last record of a key wins)."""
    path = out / PROGRESS
    done: dict[str, dict] = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
                done[record["key"]] = record["row"]
            except (ValueError, KeyError, TypeError):
                continue  # a line cut by a killed run
    return done


def run_region(
    scenario: Scenario,
    counties: Sequence[County],
    out: str | Path,
    *,
    scheduler: str | None = None,
    jobs: int | None = None,
    resume: bool = False,
    progress: Callable[[int, int, int, float], None] | None = None,
) -> list[dict]:
    """Plan every county (one task each) and return the rows in county order. Each finished task is appended to
    ``region.progress.jsonl`` at once; with ``resume`` only tasks missing there run. A task that raised is tried
    once more; a county that still fails is a row with ``status`` "error: ...", and the others go on."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    keys = {c.code: task_key(scenario, c) for c in counties}
    done = _done_tasks(out) if resume else {}
    if not resume:
        (out / PROGRESS).unlink(missing_ok=True)
    rows = {c.code: done[keys[c.code]] for c in counties if keys[c.code] in done}
    todo = [c for c in counties if c.code not in rows]
    start = time.perf_counter()
    failed = 0
    with executor(scheduler, jobs) as pool, open(out / PROGRESS, "a", encoding="utf-8") as log:
        tries = {c.code: 0 for c in todo}
        futures = {pool.submit(plan_county, scenario, c, out): c for c in todo}
        if progress and scheduler is None:
            print("  worker processes started", file=sys.stderr, flush=True)
        while futures:
            for future in as_completed(list(futures)):
                county = futures.pop(future)
                try:
                    row = future.result()
                except Exception as exc:  # a worker died or the task raised: once more, then report it
                    tries[county.code] += 1
                    if tries[county.code] < 2:
                        futures[pool.submit(plan_county, scenario, county, out)] = county
                        continue
                    row = {**_row_head(scenario, county), "status": f"error: {type(exc).__name__}: {exc}"[:300]}
                rows[county.code] = row
                failed += not str(row.get("status", "")).startswith("ok")
                log.write(json.dumps({"key": keys[county.code], "row": row}, ensure_ascii=False) + "\n")
                log.flush()
                if progress:
                    progress(len(rows), len(counties), failed, time.perf_counter() - start)
    return [rows[c.code] for c in counties]


def region_csv(rows: Sequence[dict]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=[*REGION_COLUMNS, *EXTRA_COLUMNS], extrasaction="ignore",
                            lineterminator="\n")  # fmt: skip
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def region_markdown(rows: Sequence[dict], scenario: Scenario) -> str:
    """The region and each prefecture: counties, service points, fleet, weekly and monthly cost, cost per parcel."""
    ok = [r for r in rows if str(r.get("status", "")).startswith("ok")]
    lines = [
        f"# 全区汇总 Region summary — {scenario.name} ({scenario.design})", "",
        "> **估算数据 ESTIMATED DATA**: village positions and all volumes of the region data set are estimates; costs "
        "are the scenario's (estimates, see optimizer/planning/costs.py). The fleet of each county is the scenario's "
        "(set for Hangjin) scaled by the larger of its service points over Hangjin's 61 and its parcels over "
        "Hangjin's.", "",
        f"{len(ok)} of {len(rows)} counties planned; not planned: "
        + ("; ".join(f"{r['county_name']} ({r['county_code']}): {r['status']}" for r in rows if r not in ok)
           or "none"),
        "",
        "| 盟市 prefecture | 旗县 counties | 服务点 service points | 车队 fleet | 车·日 vehicle-days "
        "| 每周成本 weekly cost | 每月运营成本 monthly cost | 每件 cost per parcel |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]  # fmt: skip
    groups: dict[str, list[dict]] = {}
    for r in ok:
        groups.setdefault(r.get("prefecture", ""), []).append(r)
    for name, part in [*sorted(groups.items()), ("全区 region", ok)]:
        parcels = sum(r.get("parcels_per_week", 0) for r in part)
        weekly = sum(r["weekly_cost"] for r in part)
        per = f"{weekly / parcels:.3f}" if parcels else "–"
        lines.append(f"| {name} | {len(part)} | {sum(r['service_points'] for r in part):,} | "
                     f"{sum(r['fleet_size'] for r in part):,} | {sum(r['vehicle_days'] for r in part):,} | "
                     f"{weekly:,.0f} | {sum(r.get('monthly_cost', 0) for r in part):,.0f} | {per} |")  # fmt: skip
    return "\n".join(lines) + "\n"


def region_map(rows: Sequence[dict], counties: Sequence[County]) -> str:
    """``region_map.html``: counties coloured by cost per parcel, a popup per county linking to its plan."""
    import folium
    from shapely.geometry import mapping

    from optimizer.planning.dataset import load_boundary

    fmap = folium.Map(location=[44.0, 113.0], zoom_start=5, tiles=None)
    costs = [r["cost_per_parcel"] for r in rows if str(r.get("status", "")).startswith("ok")]
    low, high = (min(costs), max(costs)) if costs else (0.0, 1.0)
    by_code = {c.code: c for c in counties}
    for r in rows:
        county = by_code[r["county_code"]]
        path = county.folder / "boundary.geojson"
        if not path.is_file():
            continue
        ok = str(r.get("status", "")).startswith("ok")
        share = (r["cost_per_parcel"] - low) / (high - low) if ok and high > low else 0.0
        colour = f"#{int(255 * share):02x}{int(180 * (1 - share)):02x}40" if ok else "#999999"
        text = (f"<b>{county.name}</b> ({county.code})<br>{r['status'][:120]}"
                + (f"<br>每件 cost per parcel {r['cost_per_parcel']:.3f} 元<br>车队 fleet {r['fleet_size']}"
                   f"<br><a href='counties/{county.code}/summary.md'>plan 计划</a>" if ok else ""))  # fmt: skip
        folium.GeoJson(
            mapping(load_boundary(path)),
            style_function=lambda _, c=colour: {"color": "#333", "weight": 1, "fillColor": c, "fillOpacity": 0.6},
            popup=folium.Popup(text, max_width=260), tooltip=county.name,
        ).add_to(fmap)  # fmt: skip
    return fmap.get_root().render()


def write_region(out: Path, rows: Sequence[dict], scenario: Scenario, counties: Sequence[County]) -> None:
    """``region.csv``, ``region.md`` and ``region_map.html``, each written atomically."""
    write_text_atomic(out / "region.csv", region_csv(rows))
    write_text_atomic(out / "region.md", region_markdown(rows, scenario))
    write_text_atomic(out / "region_map.html", region_map(rows, counties))


def print_progress(done: int, total: int, failed: int, elapsed_s: float) -> None:
    """A bar with done/failed counts and the time left on a terminal; a plain line every few tasks otherwise."""
    left = elapsed_s / done * (total - done) if done else 0.0
    if sys.stderr.isatty():
        bar = "#" * (30 * done // total)
        print(f"\r  [{bar:<30}] {done}/{total} counties, {failed} failed, ~{left / 60:.0f} min left", end="",
              file=sys.stderr, flush=True)  # fmt: skip
        if done == total:
            print(file=sys.stderr)
    elif done == total or done % 5 == 0:
        print(f"  {done}/{total} counties done, {failed} failed, ~{left / 60:.0f} min left", file=sys.stderr,
              flush=True)  # fmt: skip
