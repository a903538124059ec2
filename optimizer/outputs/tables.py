"""The plan as tables and documents: ``routes.csv`` rows (``ROUTE_COLUMNS``), key figures, ``plan.json``."""

from __future__ import annotations

from dataclasses import dataclass

from optimizer.model import Loads, Problem, Route, plan_loads, route_figures
from optimizer.outputs.labels import attribution, clock, vehicle_label
from optimizer.planning.run import PlanRun

ROUTE_COLUMNS = [
    "day", "vehicle", "seq", "stop_id", "stop_name", "arrival", "delivered", "picked_up", "load_after", "leg_km",
    "leg_min", "stop_name_pinyin", "vehicle_type", "depot_id", "coord_estimated", "road_km_estimated",
]  # fmt: skip


@dataclass(frozen=True)
class RunRecord:
    """One run as the outputs show it: a van's (``kind = "van"``) or the trunk's, with the problem it belongs to,
    its label (e.g. ``van-2``), and the clock minutes it leaves its depot."""

    kind: str
    problem: Problem
    route: Route
    loads: Loads
    label: str
    start_minutes: float


def all_runs(run: PlanRun) -> list[RunRecord]:
    """Every run of the week, day by day: the vans' (by type and number), then the trunk's."""
    problem, plan = run.problem, run.result.plan
    loads = plan_loads(problem, plan.patterns)
    records = []
    for route in sorted(plan.routes, key=lambda r: (r.day, r.vehicle_type, r.vehicle)):
        depot = problem.vehicle_types[route.vehicle_type].depot
        label = vehicle_label(run, route.vehicle_type, route.vehicle)
        records.append(RunRecord("van", problem, route, loads, label, run.van_start(route.day, depot)))
    if run.trunk is not None:
        for day in run.trunk.days:
            day_loads = plan_loads(day.problem, day.plan.patterns)
            for route in day.plan.routes:
                label = f"{day.problem.vehicle_types[route.vehicle_type].name}-{route.vehicle + 1}"
                records.append(RunRecord("trunk", day.problem, route, day_loads, label, run.trunk.departs_minutes))
    records.sort(key=lambda r: (r.route.day, r.kind != "trunk"))  # stable: the trunk leaves first
    return records


def route_rows(run: PlanRun) -> list[dict]:
    """One row per stop of every run (seq 0 leaving the depot, last back at it), in ``ROUTE_COLUMNS`` order; trunk
    runs' stops are stations. Arrival clock times count from each run's start (after the trunk, at a station of a
    same-day relay)."""
    places = {p.id: p for p in (run.dataset.centre, *run.dataset.stations, *run.dataset.villages)}
    rows = []
    for record in all_runs(run):
        problem, route, loads = record.problem, record.route, record.loads
        vt = problem.vehicle_types[route.vehicle_type]
        depot = problem.depot(vt.depot)
        fig = route_figures(problem, route, loads)
        common = {
            "day": route.day, "vehicle": record.label, "vehicle_type": vt.name, "depot_id": depot.id,
            "road_km_estimated": int(run.matrices.estimated),
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
                "arrival": clock(arrival, record.start_minutes), "delivered": down, "picked_up": up,
                "load_after": load, "leg_km": f"{problem.km[prev, index]:.2f}",
                "leg_min": f"{problem.minutes[prev, index] * vt.speed_factor:.1f}", "stop_name_pinyin": pinyin,
                "coord_estimated": int(bool(place and place.coord_estimated)),
            })  # fmt: skip
            prev = index
    return rows


def key_figures(run: PlanRun) -> dict:
    """The plan's key figures (yuan a week unless named monthly; vans and trunk together)."""
    f = run.figures
    return {
        "total_km": round(f.total_km, 1),
        "total_cost": round(f.total_cost, 2),
        "monthly_cost": run.network_cost["monthly"]["total"],
        "fleet_size": f.fleet_size,
        "fleet_by_type": f.fleet_by_type,
        "vehicles_used": f.fleet_size,
        "vehicle_days": f.vehicle_days,
        "driver_hours": round(f.driver_hours, 1),
        "cost_per_parcel": round(f.cost_per_parcel, 3),
        "unserved": f.unserved,
        "fleet_cost": round(f.fleet_cost, 2),
        "route_cost": round(f.route_cost, 2),
        "trunk_cost": round(f.trunk_cost, 2),
        "penalty_cost": round(f.penalty_cost, 2),
        "parcels_per_week": f.parcels_per_week,
        "feasible": f.feasible,
    }


def plan_document(run: PlanRun) -> dict:
    """The whole plan as JSON-ready data: scenario as resolved, key figures, data-quality flags, visits, runs."""
    problem, plan, result = run.problem, run.result.plan, run.result
    loads = plan_loads(problem, plan.patterns)
    villages = []
    village_ids = {v.id for v in run.dataset.villages}
    for c, client in enumerate(problem.clients):
        days = sorted(plan.patterns[c] or ())
        villages.append(
            {
                "id": client.id,
                "kind": "village" if client.id in village_ids else "station counter",
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
        "attribution": attribution(run),
        "search": {
            "runtime_s": round(result.runtime_s, 2),
            "iterations": result.iterations,
            "stopped_by": result.stopped_by,
            "first_feasible_s": None if result.first_feasible_s is None else round(result.first_feasible_s, 2),
            "router": result.router,
            "routed_by": {str(day): name for day, name in result.routed_by.items()},
            "router_fallbacks": result.router_fallbacks,
            "history": [[round(t, 2), round(c, 2)] for t, c in result.history],
        },
        "check": {
            "ok": run.check.ok and all(c.ok for c in run.trunk_checks),
            "violations": run.check.violations + [v for c in run.trunk_checks for v in c.violations],
            "recomputed_cost": round(
                run.check.cost + sum(c.cost for c in run.trunk_checks) + (run.trunk.fleet_cost if run.trunk else 0.0), 2
            ),
        },
        "network_cost": run.network_cost,
        "stations": run.stations,
        "relay": _relay(run),
        "skipped_types": {
            "types": list(run.scenario.policy.skip_types),
            "villages": [v.id for v in run.dataset.villages if v.type in run.scenario.policy.skip_types],
        },
        "town_seats": [
            {
                "served_at": c.place_id,
                "villages": list(c.village_ids),
                "parcels_down_per_week": round(c.down),
                "parcels_up_per_week": round(c.up),
            }
            for c in run.counters
        ],
        "villages": villages,
        "unserved": [{"id": problem.clients[c].id, "day": d} for c, d in plan.unserved],
        "runs": [
            {
                "day": r.route.day,
                "vehicle": r.label,
                "kind": r.kind,
                "departs": clock(0.0, r.start_minutes),
                "stops": [r.problem.clients[c].id for c in r.route.clients],
            }
            for r in all_runs(run)
        ],
    }


def _relay(run: PlanRun) -> dict | None:
    """How the trunk and the station vans meet (relay and mixed designs)."""
    if run.trunk is None:
        return None
    same_day = run.trunk.hold_days == 0
    latest = 0.0  # clock minutes the last station van is back
    for r in all_runs(run):
        if r.kind == "van" and r.problem.vehicle_types[r.route.vehicle_type].depot != run.dataset.centre.id:
            latest = max(latest, r.start_minutes + route_figures(r.problem, r.route, r.loads).minutes)
    back = clock(0.0, latest) + (" (+1 day)" if latest >= 24 * 60 else "")
    return {
        "trunk_departs": clock(0.0, run.trunk.departs_minutes),
        "station_hold_days": run.trunk.hold_days,
        "rule": "station vans wait for the trunk and deliver the same day"
        if same_day
        else "parcels wait one night at the station; station vans leave at the shift start the next working day",
        "trunk_days": [d.day for d in run.trunk.days],
        "trunk_fleet": run.trunk.fleet_size,
        "latest_station_van_return": back,
    }
