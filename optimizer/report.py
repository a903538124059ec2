"""Plan outputs for planners and drivers: ``routes.csv``, ``plan.json``, ``summary.md``, written atomically.

All files of a run are written to a staging folder first and then moved into ``out`` one by one, so a run that
fails leaves the previous outputs as they were.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from optimizer.evaluate import plan_loads, route_figures
from optimizer.model import WEEKDAY_NAMES
from optimizer.planning import PlanRun

ROUTE_COLUMNS = [
    "day", "vehicle", "seq", "stop_id", "stop_name", "arrival", "delivered", "picked_up", "load_after", "leg_km",
    "leg_min", "stop_name_pinyin", "vehicle_type", "depot_id", "coord_estimated", "road_km_estimated",
]  # fmt: skip
DAY_ZH = {1: "周一", 2: "周二", 3: "周三", 4: "周四", 5: "周五", 6: "周六", 7: "周日"}


def clock(minutes_after_start: float, shift_start: float) -> str:
    """HH:MM of a time given in minutes after the shift start."""
    total = round(shift_start + minutes_after_start)
    return f"{total // 60 % 24:02d}:{total % 60:02d}"


def vehicle_label(run: PlanRun, vehicle_type: int, copy: int) -> str:
    return f"{run.problem.vehicle_types[vehicle_type].name}-{copy + 1}"


def route_rows(run: PlanRun) -> list[dict]:
    """One row per stop of every run (seq 0 leaving the depot, last back at it), in ``ROUTE_COLUMNS`` order."""
    problem, plan = run.problem, run.result.plan
    loads = plan_loads(problem, plan.patterns)
    places = {p.id: p for p in (run.dataset.centre, *run.dataset.stations, *run.dataset.villages)}
    rows = []
    for route in sorted(plan.routes, key=lambda r: (r.day, r.vehicle_type, r.vehicle)):
        vt = problem.vehicle_types[route.vehicle_type]
        depot = problem.depot(vt.depot)
        fig = route_figures(problem, route, loads)
        common = {
            "day": route.day, "vehicle": vehicle_label(run, route.vehicle_type, route.vehicle),
            "vehicle_type": vt.name, "depot_id": depot.id, "road_km_estimated": int(run.matrices.estimated),
        }  # fmt: skip
        # (matrix row, id, name, pinyin, arrival minutes, delivered, picked up, load after)
        stops = [(depot.index, depot.id, depot.name, depot.name_pinyin, 0.0, 0, 0, fig.start_load)]
        for seq, c in enumerate(route.clients):
            client = problem.clients[c]
            down, up = loads[(c, route.day)]
            stops.append((client.index, client.id, client.name, client.name_pinyin, fig.arrivals[seq], down, up,
                          fig.load_after[seq]))  # fmt: skip
        stops.append((depot.index, depot.id, depot.name, depot.name_pinyin, fig.arrivals[-1], 0, 0,
                      fig.load_after[-1] if fig.load_after else 0))  # fmt: skip
        prev = depot.index
        for seq, (index, pid, name, pinyin, arrival, down, up, load) in enumerate(stops):
            place = places.get(pid)
            rows.append({
                **common, "seq": seq, "stop_id": pid, "stop_name": name,
                "arrival": clock(arrival, problem.shift_start_minutes), "delivered": down, "picked_up": up,
                "load_after": load, "leg_km": f"{problem.km[prev, index]:.2f}",
                "leg_min": f"{problem.minutes[prev, index] * vt.speed_factor:.1f}", "stop_name_pinyin": pinyin,
                "coord_estimated": int(bool(place and place.coord_estimated)),
            })  # fmt: skip
            prev = index
    return rows


def key_figures(run: PlanRun) -> dict:
    s = run.result.stats
    return {
        "total_km": round(s.total_km, 1),
        "total_cost": round(s.total_cost, 2),
        "vehicles_used": s.vehicles_used,
        "vehicle_days": s.vehicle_days,
        "driver_hours": round(s.driver_hours, 1),
        "cost_per_parcel": round(s.cost_per_parcel, 3),
        "unserved": s.unserved,
        "route_cost": round(s.route_cost, 2),
        "trunk_cost": round(s.trunk_cost, 2),
        "penalty_cost": round(s.penalty_cost, 2),
        "parcels_per_week": s.parcels,
        "feasible": s.feasible and run.check.ok,
    }


def plan_document(run: PlanRun) -> dict:
    """The whole plan as JSON-ready data: scenario as resolved, key figures, data-quality flags, visits, runs."""
    problem, plan, result = run.problem, run.result.plan, run.result
    loads = plan_loads(problem, plan.patterns)
    villages = []
    for c, client in enumerate(problem.clients):
        days = sorted(plan.patterns[c] or ())
        villages.append(
            {
                "id": client.id,
                "name": client.name,
                "name_pinyin": client.name_pinyin,
                "visits_per_week": len(days),
                "days": days,
                "depot": client.depot or problem.depots[0].id,
                "parcels_per_visit": {
                    str(d): {"delivered": loads[(c, d)][0], "picked_up": loads[(c, d)][1]} for d in days
                },
            }
        )
    return {
        "scenario": run.scenario.to_dict(),
        "key_figures": key_figures(run),
        "data_quality": run.quality_flags(),
        "attribution": None if run.matrices.estimated else "Road data © OpenStreetMap contributors, ODbL 1.0",
        "search": {
            "runtime_s": round(result.runtime_s, 2),
            "iterations": result.iterations,
            "stopped_by": result.stopped_by,
            "first_feasible_s": None if result.first_feasible_s is None else round(result.first_feasible_s, 2),
            "history": [[round(t, 2), round(c, 2)] for t, c in result.history],
        },
        "check": {"ok": run.check.ok, "violations": run.check.violations, "recomputed_cost": round(run.check.cost, 2)},
        "villages": villages,
        "unserved": [{"id": problem.clients[c].id, "day": d} for c, d in plan.unserved],
        "runs": [
            {
                "day": r.day,
                "vehicle": vehicle_label(run, r.vehicle_type, r.vehicle),
                "stops": [problem.clients[c].id for c in r.clients],
            }
            for r in plan.routes
        ],
    }


def quality_note(run: PlanRun) -> str:
    """One line saying which inputs are estimates (empty when none are)."""
    flags = run.quality_flags()
    parts = []
    if flags["estimated_coordinates"]:
        parts.append(f"{flags['estimated_coordinates']} estimated positions")
    if flags["estimated_volumes"]:
        parts.append(f"{flags['estimated_volumes']} estimated parcel volumes")
    if flags["estimated_road_distances"]:
        parts.append("estimated road distances (great-circle x circuity, no OpenStreetMap graph)")
    return ("ESTIMATED DATA: " + "; ".join(parts)) if parts else ""


def summary_markdown(run: PlanRun) -> str:
    """Planner's summary in Chinese with pinyin: key figures and one row per village."""
    doc = plan_document(run)
    k = doc["key_figures"]
    lines = [f"# 配送计划 Delivery plan — {run.scenario.name}", ""]
    note = quality_note(run)
    if note:
        lines += [f"> **估算数据 / {note}**", ""]
    if not k["feasible"]:
        lines += ["> **计划不可行 / PLAN NOT FEASIBLE**: " + "; ".join(run.check.violations[:5]), ""]
    lines += [
        "## 关键指标 Key figures", "",
        "| 指标 | figure | value |", "| --- | --- | --- |",
        f"| 每周总成本（元） | total cost per week (yuan) | {k['total_cost']:,.2f} |",
        f"| 其中干线运输 | of which trunk runs | {k['trunk_cost']:,.2f} |",
        f"| 总里程（公里） | total km | {k['total_km']:,.1f} |",
        f"| 使用车辆 | vehicles used | {k['vehicles_used']} |",
        f"| 车·日 | vehicle-days | {k['vehicle_days']} |",
        f"| 司机工时 | driver hours | {k['driver_hours']:,.1f} |",
        f"| 每件成本（元） | cost per parcel (yuan) | {k['cost_per_parcel']:.3f} |",
        f"| 未服务次数 | unserved visits | {k['unserved']} |",
        "",
        "## 各村服务 Villages", "",
        "| 村 village | 拼音 pinyin | 每周次数 visits/week | 配送日 days "
        "| 每次件数（下行/上行） parcels per visit (down/up) |",
        "| --- | --- | --- | --- | --- |",
    ]  # fmt: skip
    for v in doc["villages"]:
        days = "、".join(f"{DAY_ZH[d]} {WEEKDAY_NAMES[d]}" for d in v["days"])
        per = ", ".join(f"{p['delivered']}/{p['picked_up']}" for p in v["parcels_per_visit"].values())
        lines.append(f"| {v['name']} | {v['name_pinyin']} | {v['visits_per_week']} | {days} | {per} |")
    lines += ["", f"_{run.matrices.label}._", ""]
    return "\n".join(lines)


def write_outputs(run: PlanRun, out: str | Path, extra: dict[str, Callable[[Path], None]] | None = None) -> list[Path]:
    """Write the plan's files into ``out``: staged in a temporary folder, then moved into place one by one.

    ``extra`` maps further file names to functions that write them (maps, route sheets).
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=out))
    try:
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=ROUTE_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(route_rows(run))
        (staging / "routes.csv").write_text(buf.getvalue(), encoding="utf-8")
        (staging / "plan.json").write_text(
            json.dumps(plan_document(run), ensure_ascii=False, indent=1), encoding="utf-8"
        )
        (staging / "summary.md").write_text(summary_markdown(run), encoding="utf-8")
        for name, writer_fn in (extra or {}).items():
            writer_fn(staging / name)
        written = []
        for path in sorted(staging.iterdir()):
            target = out / path.name
            if path.is_dir():
                if target.exists():
                    shutil.rmtree(target)
                path.rename(target)
            else:
                os.replace(path, target)
            written.append(target)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)
