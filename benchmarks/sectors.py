"""A planner's simple week for Hangjin, as the yardstick of the default plan: contiguous angular sectors of equal
volume around the centre, each sector's villages on the same days, every day routed by PyVRP for 10 s, priced
under the plan's own cost model (fleet, van-days, km).

Villages are grouped by their allowed patterns (twice a week: Mon+Thu, Tue+Fri, Wed+Sat; the station counters'
more frequent visits form groups of their own). Within a group, villages are sorted by their bearing from the
centre, starting after the widest empty angle, and cut into as many contiguous sectors as the group has patterns,
each of about the same weekly parcels (down or up, whichever is more); sector k takes pattern k.
"""

from __future__ import annotations

import math

SECONDS_A_DAY = 10.0


def sector_patterns(problem, bearing: dict[int, float]) -> list:
    """Each client's pattern: sectors of equal weekly volume by ``bearing`` (degrees, by client position)."""
    from optimizer.model import client_patterns

    groups: dict[tuple, list[int]] = {}
    for c, client in enumerate(problem.clients):
        groups.setdefault(client_patterns(problem, client), []).append(c)
    patterns: list = [None] * len(problem.clients)
    for options, members in groups.items():
        ordered = _from_widest_gap(members, bearing)
        weight = [max(problem.clients[c].delivery, problem.clients[c].pickup) for c in ordered]
        total = sum(weight) or 1.0
        done = 0.0
        for c, w in zip(ordered, weight, strict=True):
            k = min(len(options) - 1, int(len(options) * (done + w / 2) / total))
            patterns[c] = options[k]
            done += w
    return patterns


def _from_widest_gap(members: list[int], bearing: dict[int, float]) -> list[int]:
    ordered = sorted(members, key=lambda c: (bearing[c], c))
    if len(ordered) < 2:
        return ordered
    angles = [bearing[c] for c in ordered]
    gaps = [(angles[(i + 1) % len(angles)] - angles[i]) % 360 for i in range(len(angles))]
    start = (max(range(len(gaps)), key=lambda i: gaps[i]) + 1) % len(ordered)
    return ordered[start:] + ordered[:start]


def solve_once(design: str = "direct", seed: int = 1) -> dict:
    """The sector week of the default scenario (``design`` direct), each day routed by PyVRP for 10 s."""
    from optimizer import check
    from optimizer.model import Plan, plan_loads, plan_stats
    from optimizer.planning.build import build_problem, facility_matrices
    from optimizer.planning.dataset import load_dataset
    from optimizer.planning.scenario import Scenario
    from optimizer.routing import DayVisit, SearchBudget, route_day, router_named
    from optimizer.solver import prepare

    scenario = Scenario(design=design)
    dataset = load_dataset(scenario.data)
    matrices = facility_matrices(dataset)
    problem = prepare(build_problem(dataset, matrices, design=design, fleet=scenario.fleet, policy=scenario.policy))
    places = {p.id: p for p in (dataset.centre, *dataset.stations, *dataset.service_points)}
    centre = dataset.centre
    bearing = {c: _bearing(centre.lat, centre.lon, places[cl.id].lat, places[cl.id].lon)
               for c, cl in enumerate(problem.clients)}  # fmt: skip
    patterns = sector_patterns(problem, bearing)
    loads = plan_loads(problem, tuple(patterns))
    routes, unserved = [], []
    pyvrp = router_named("pyvrp")
    for day in problem.days:
        visits = [DayVisit(c, *loads[(c, day)]) for c, p in enumerate(patterns) if day in p]
        found, missed = route_day(problem, day, visits, SearchBudget(time_s=SECONDS_A_DAY, solutions=None), seed=seed,
                                  router=pyvrp)  # fmt: skip
        routes += found
        unserved += [(c, day) for c in missed]
    plan = Plan(tuple(patterns), tuple(routes), tuple(sorted(unserved)))
    stats = plan_stats(problem, plan)
    return {
        "design": design, "method": "sectors", "seed": seed, "feasible": check(problem, plan).ok,
        "total_cost": round(stats.total_cost, 2), "fleet_size": stats.fleet_size, "vehicle_days": stats.vehicle_days,
        "total_km": round(stats.total_km, 1), "unserved": stats.unserved,
    }  # fmt: skip


def _bearing(lat0: float, lon0: float, lat: float, lon: float) -> float:
    """Degrees clockwise from north, on a local flat projection."""
    x = (lon - lon0) * math.cos(math.radians(lat0))
    y = lat - lat0
    return math.degrees(math.atan2(x, y)) % 360
