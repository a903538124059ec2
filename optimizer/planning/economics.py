"""What the plan costs the banner: the fleet (vans and trunk), the week's runs, the network's monthly cost, and
whether each station's planned floor area holds its busiest day.

``plan_figures`` joins the vans' week (``Stats``), the trunk runs and the town-seat counters into the key figures
every output repeats; ``network_cost`` prices the month; ``station_areas`` checks the stations.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from optimizer.model import Problem, Stats, plan_loads
from optimizer.model.solution import Plan
from optimizer.planning.build import TownSeatCounter
from optimizer.planning.costs import MONTHS_PER_YEAR, NetworkCosts, monthly
from optimizer.planning.dataset import DataSet
from optimizer.planning.trunk import TrunkPlan


@dataclass(frozen=True)
class PlanFigures:
    """The plan's key figures, vans and trunk together (yuan a week, km, hours, parcels a week).

    ``total_cost`` = fleet (vehicles x weekly cost) + runs (vehicle-days x daily cost + km x cost per km) +
    ``penalty_cost`` (missed visits, reported apart: not money the banner pays). ``parcels_per_week`` counts every
    parcel down and up, the town seats' counters included; ``cost_per_parcel`` excludes the penalty.
    """

    fleet_size: int
    fleet_by_type: dict[str, int]
    vehicle_days: int
    total_km: float
    driver_hours: float
    fleet_cost: float
    route_cost: float
    trunk_cost: float
    penalty_cost: float
    total_cost: float
    parcels_per_week: int
    counter_parcels_per_week: int
    cost_per_parcel: float
    unserved: int
    feasible: bool


def plan_figures(
    stats: Stats, trunk: TrunkPlan | None, counters: Sequence[TownSeatCounter], *, counters_in_week: Sequence[str],
    feasible: bool,
) -> PlanFigures:  # fmt: skip
    """Key figures of the vans' week ``stats`` with the ``trunk`` runs and the counters' parcels (those whose place
    is a client of the vans' week, ``counters_in_week``, are in ``stats`` already)."""
    fleet = dict(stats.fleet_by_type)
    trunk_cost = 0.0
    km, hours, days = stats.total_km, stats.driver_hours, stats.vehicle_days
    fleet_cost, route_cost = stats.fleet_cost, stats.route_cost
    if trunk is not None and trunk.days:
        fleet[f"{trunk.vehicle.name}@{trunk.days[0].problem.depots[0].id}"] = trunk.fleet_size
        km += trunk.total_km
        hours += trunk.driver_hours
        days += trunk.vehicle_days
        fleet_cost += trunk.fleet_cost
        route_cost += trunk.route_cost
        trunk_cost = trunk.total_cost
    counter = round(sum(c.down + c.up for c in counters if c.place_id not in counters_in_week))
    parcels = stats.parcels + counter
    paid = fleet_cost + route_cost
    return PlanFigures(
        fleet_size=sum(fleet.values()),
        fleet_by_type=fleet,
        vehicle_days=days,
        total_km=km,
        driver_hours=hours,
        fleet_cost=fleet_cost,
        route_cost=route_cost,
        trunk_cost=trunk_cost,
        penalty_cost=stats.penalty_cost,
        total_cost=paid + stats.penalty_cost,
        parcels_per_week=parcels,
        counter_parcels_per_week=round(sum(c.down + c.up for c in counters)),
        cost_per_parcel=paid / parcels if parcels else 0.0,
        unserved=stats.unserved,
        feasible=feasible,
    )


def network_cost(figures: PlanFigures, dataset: DataSet, costs: NetworkCosts) -> dict:
    """The network's monthly cost (yuan): vehicles (weekly x 52 / 12, penalty excluded), one public-welfare post per
    village service point, the centre's staff, the stations' rent, the cold store; ``total`` is their sum."""
    vehicles = monthly(figures.fleet_cost + figures.route_cost)
    posts = len(dataset.service_points) * costs.village_post_yuan_per_month
    staff = costs.centre_staff * costs.centre_staff_yuan_per_month
    rent = sum(
        max(0.0, (floor_low_m2(s.floor_m2) or 0.0) - costs.free_m2(s.id)) * costs.station_rent_yuan_per_m2_month
        for s in dataset.stations
    )
    parts = {
        "vehicles": round(vehicles, 2),
        "village_posts": round(posts, 2),
        "centre_staff": round(staff, 2),
        "stations": round(rent, 2),
        "cold_store": round(costs.cold_store_yuan_per_month, 2),
    }
    total = round(sum(parts.values()), 2)
    parcels_month = monthly(figures.parcels_per_week)
    return {
        "monthly": {**parts, "total": total},
        "yearly_total": round(total * MONTHS_PER_YEAR, 2),
        "cost_per_parcel": round(total / parcels_month, 3) if parcels_month else None,
    }


def floor_low_m2(text: str) -> float | None:
    """The low end of a planned floor area as written in stations.csv ("200-300", "881.13", "100-200 (...)")."""
    match = re.match(r"\s*(\d+(?:\.\d+)?)", text or "")
    return float(match.group(1)) if match else None


def station_areas(
    dataset: DataSet, problem: Problem, plan: Plan, trunk: TrunkPlan | None, costs: NetworkCosts
) -> list[dict]:
    """Per station: parcels handled (down + up) on its busiest day, the planned floor area (its low end), the area
    that day needs at ``costs.station_m2_per_parcel_day``, and whether the plan's space is enough."""
    handled: dict[str, dict[int, float]] = {s.id: {} for s in dataset.stations}
    if trunk is not None:
        for day in trunk.days:
            for c in day.problem.clients:
                handled.setdefault(c.id, {})[day.day] = handled.get(c.id, {}).get(day.day, 0) + c.delivery + c.pickup
    else:  # direct design: the vans bring the town seat's parcels to the station's counter
        loads = plan_loads(problem, plan.patterns)
        for (c, d), (down, up) in loads.items():
            cid = problem.clients[c].id
            if cid in handled:
                handled[cid][d] = handled[cid].get(d, 0) + down + up
    out = []
    for s in dataset.stations:
        peak = max(handled.get(s.id, {}).values(), default=0)
        floor = floor_low_m2(s.floor_m2)
        required = round(peak * costs.station_m2_per_parcel_day, 1)
        out.append({
            "id": s.id, "name": s.name, "peak_parcels_per_day": round(peak), "floor_m2": floor,
            "required_m2": required, "ok": None if floor is None else floor >= required,
        })  # fmt: skip
    return out
