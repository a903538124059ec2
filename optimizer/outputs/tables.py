"""The plan as tables and documents: ``routes.csv`` rows (``ROUTE_COLUMNS``), key figures, ``plan.json``."""

from __future__ import annotations

from optimizer.model import plan_loads, route_figures
from optimizer.outputs.labels import attribution, clock, vehicle_label
from optimizer.planning.run import PlanRun

ROUTE_COLUMNS = [
    "day", "vehicle", "seq", "stop_id", "stop_name", "arrival", "delivered", "picked_up", "load_after", "leg_km",
    "leg_min", "stop_name_pinyin", "vehicle_type", "depot_id", "coord_estimated", "road_km_estimated",
]  # fmt: skip


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
        "attribution": attribution(run),
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
