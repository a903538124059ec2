"""Figures of routes and plans: km, duration, loads on board, arrival times, cost. Used by the search and reports.

The independent checker (``optimizer.check``) does not use this module.
"""

from __future__ import annotations

from dataclasses import dataclass

from optimizer.model.problem import (
    Pattern,
    Problem,
    fleet_by_type,
    fleet_cost,
    service_minutes,
    type_label,
    visit_loads,
)  # fmt: skip
from optimizer.model.solution import Plan, Route, Stats

Loads = dict[tuple[int, int], tuple[int, int]]  # (client, day) -> (delivered, picked up)


def plan_loads(problem: Problem, patterns: tuple[Pattern | None, ...]) -> Loads:
    """Parcels delivered and picked up at every (client, day) visit the patterns imply."""
    loads: Loads = {}
    for c, pattern in enumerate(patterns):
        if pattern:
            for day, load in visit_loads(problem, problem.clients[c], pattern).items():
                loads[(c, day)] = load
    return loads


@dataclass(frozen=True)
class RouteFigures:
    """One route's km, duration (minutes, driving + waiting + stops), cost (yuan), loads and arrival times."""

    km: float
    minutes: float
    cost: float
    start_load: int  # parcels on board leaving the depot
    max_load: int
    arrivals: tuple[float, ...]  # minutes after shift start, per stop, then back at the depot
    load_after: tuple[int, ...]  # on board after each stop
    late_stops: tuple[int, ...]  # stops reached after their closing time

    def feasible(self, capacity: int, max_shift: float) -> bool:
        return self.max_load <= capacity and self.minutes <= max_shift + 1e-6 and not self.late_stops


def route_figures(problem: Problem, route: Route, loads: Loads) -> RouteFigures:
    """Simulate a route: loads on board after each stop, arrival times (waiting for opening hours), cost."""
    vt = problem.vehicle_types[route.vehicle_type]
    depot = problem.depot(vt.depot).index
    if not route.clients:
        return RouteFigures(0.0, 0.0, 0.0, 0, 0, (0.0,), (), ())
    visits = [loads[(c, route.day)] for c in route.clients]
    load = sum(d for d, _ in visits)
    start_load, max_load = load, load
    km = t = 0.0
    prev = depot
    arrivals: list[float] = []
    after: list[int] = []
    late: list[int] = []
    for c, (down, up) in zip(route.clients, visits, strict=True):
        client = problem.clients[c]
        km += problem.km[prev, client.index]
        t += problem.minutes[prev, client.index] * vt.speed_factor
        if client.opening is not None:
            if t > client.opening[1] + 1e-6:
                late.append(c)
            t = max(t, client.opening[0])
        arrivals.append(t)
        t += service_minutes(client, down, up)
        load += up - down
        max_load = max(max_load, load)
        after.append(load)
        prev = client.index
    km += problem.km[prev, depot]
    t += problem.minutes[prev, depot] * vt.speed_factor
    arrivals.append(t)
    cost = vt.fixed_cost_per_day + vt.cost_per_km * km
    return RouteFigures(km, t, cost, start_load, max_load, tuple(arrivals), tuple(after), tuple(late))


def plan_stats(problem: Problem, plan: Plan) -> Stats:
    """Key figures of a plan, and whether every route respects capacity, shift and opening hours."""
    loads = plan_loads(problem, plan.patterns)
    route_cost = km = hours = 0.0
    feasible = True
    used: list[tuple[int, int]] = []  # (day, vehicle type) of every run
    vehicle_days = 0
    for route in plan.routes:
        if not route.clients:
            continue
        fig = route_figures(problem, route, loads)
        vt = problem.vehicle_types[route.vehicle_type]
        feasible &= fig.feasible(vt.capacity, vt.max_shift_minutes)
        route_cost += fig.cost
        km += fig.km
        hours += fig.minutes / 60.0
        used.append((route.day, route.vehicle_type))
        vehicle_days += 1
    unserved = len(plan.unserved) + sum(1 for p in plan.patterns if p is None)
    penalty = 0.0
    if unserved:
        if problem.unserved_penalty is None:
            feasible = False
        else:
            penalty = problem.unserved_penalty * unserved
    missed = set(plan.unserved)
    parcels = sum(d + u for key, (d, u) in loads.items() if key not in missed)
    fleet = fleet_by_type(problem, used)
    fixed = fleet_cost(problem, fleet)
    return Stats(
        total_cost=fixed + route_cost + penalty,
        route_cost=route_cost,
        penalty_cost=penalty,
        fleet_cost=fixed,
        total_km=km,
        driver_hours=hours,
        fleet_size=sum(fleet.values()),
        fleet_by_type={type_label(problem.vehicle_types[t]): n for t, n in fleet.items() if n},
        vehicle_days=vehicle_days,
        parcels=parcels,
        cost_per_parcel=(fixed + route_cost) / parcels if parcels else 0.0,
        unserved=unserved,
        feasible=feasible,
    )
