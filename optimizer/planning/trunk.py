"""The relay trunk: runs from the centre to the stations, routed for every day a station needs parcels.

The trunk visits a station on each day its vans run (``station_hold_days = 0``: the vans wait for it and deliver the
same day) or on the working day before (1: the parcels wait a night at the station); a station that only serves its
town seat's counter is visited on the policy's evenly spaced days. Each visit brings the parcels the station's vans
deliver that day (or the next) and its share of the town seat's parcels since the previous visit, and takes back
the produce the station's vans collected on their previous run day and the town seat's produce. Each trunk day is
routed by the day router (OR-Tools) on its own, bounded by work (deterministic).
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from optimizer.errors import InfeasibleError
from optimizer.model import (
    Client,
    Depot,
    Plan,
    Problem,
    Stats,
    TrunkCalls,
    VehicleType,
    default_patterns,
    plan_loads,
    plan_stats,
    route_figures,
    visit_loads,
)  # fmt: skip
from optimizer.planning.build import TownSeatCounter
from optimizer.routing import DayVisit, SearchBudget, route_day

TRUNK_BUDGET = SearchBudget(time_s=2.0, solutions=200)
TRUNK_MIN_S = 0.05  # seconds a trunk day gets even once the time limit has passed
UNLOAD_MINUTES = 20.0  # at a station: hand over the parcels down, load the produce up


@dataclass(frozen=True)
class TrunkDay:
    """One day's trunk runs: their own problem (the centre; the stations due, with that day's parcels per visit)
    and plan, and the clock minutes (after midnight) at which each station's parcels are there."""

    day: int
    problem: Problem
    plan: Plan
    stats: Stats
    arrival: Mapping[str, float]  # station id -> clock minutes the trunk has unloaded there


@dataclass(frozen=True)
class TrunkPlan:
    """The week's trunk runs. Fleet: the most trucks running on any one day. Costs in yuan a week."""

    vehicle: VehicleType
    days: tuple[TrunkDay, ...]
    hold_days: int
    departs_minutes: float  # clock minutes after midnight

    @property
    def fleet_size(self) -> int:
        return max((d.stats.fleet_size for d in self.days), default=0)

    @property
    def vehicle_days(self) -> int:
        return sum(d.stats.vehicle_days for d in self.days)

    @property
    def total_km(self) -> float:
        return sum(d.stats.total_km for d in self.days)

    @property
    def driver_hours(self) -> float:
        return sum(d.stats.driver_hours for d in self.days)

    @property
    def route_cost(self) -> float:
        """Truck-days x daily cost + km x cost per km."""
        return sum(d.stats.route_cost for d in self.days)

    @property
    def fleet_cost(self) -> float:
        return self.fleet_size * self.vehicle.fixed_cost_per_week

    @property
    def total_cost(self) -> float:
        return self.fleet_cost + self.route_cost

    def van_start(self, day: int, station: str, shift_start: float) -> float:
        """Clock minutes a station's vans leave on ``day``: when the trunk has unloaded (same-day relay), else the
        shift start (the parcels came the day before)."""
        if self.hold_days:
            return shift_start
        for trunk_day in self.days:
            if trunk_day.day == day and station in trunk_day.arrival:
                return max(shift_start, trunk_day.arrival[station])
        return shift_start


def plan_trunk(
    problem: Problem,
    plan: Plan,
    centre: str,
    counters: Sequence[TownSeatCounter],
    trunk: VehicleType,
    *,
    visits_per_week: int,
    departs_at_hour: float,
    hold_days: int,
    deadline: float | None = None,
) -> TrunkPlan | None:
    """Route the trunk for the vans' ``plan`` of ``problem`` (relay or mixed design). None without stations.

    ``deadline`` (a ``time.perf_counter`` time, the run's time limit): each day's routing gets at most its share of
    the time left, and ``TRUNK_MIN_S`` at least (enough for a first solution over a region's stations)."""
    days = sorted(problem.days)
    loads = plan_loads(problem, plan.patterns)
    stations = [d for d in problem.depots if d.id != centre]
    station_counters = {c.place_id: c for c in counters if c.place_id != centre}
    names = {d.id: d for d in problem.depots}
    if not stations and not station_counters:
        return None
    # parcels each station's vans deliver and collect, per day they run
    down: dict[tuple[str, int], int] = {}
    up: dict[tuple[str, int], int] = {}
    for route in plan.routes:
        depot = problem.vehicle_types[route.vehicle_type].depot
        if depot == centre or not route.clients:
            continue
        key = (depot, route.day)
        down[key] = down.get(key, 0) + sum(loads[(c, route.day)][0] for c in route.clients)
        up[key] = up.get(key, 0) + sum(loads[(c, route.day)][1] for c in route.clients)

    def before(day: int) -> int:  # the previous working day, cyclically
        return days[(days.index(day) - 1) % len(days)]

    visits: dict[int, dict[str, list[float]]] = {d: {} for d in days}  # trunk day -> station -> [down, up]
    # every station with a counter is a depot of the vans' week (``build_problem``), so it has a matrix row
    for station in sorted({d.id for d in stations} | set(station_counters), key=lambda s: names[s].index):
        van_days = sorted(d for d in days if (station, d) in down)
        if van_days:
            trunk_days = {(before(d) if hold_days else d): d for d in van_days}
            for t, d in trunk_days.items():
                previous = van_days[(van_days.index(d) - 1) % len(van_days)]
                visits[t][station] = [down[(station, d)], up[(station, previous)]]
        else:
            trunk_days = {d: d for d in sorted(default_patterns(min(visits_per_week, len(days)), days)[0])}
            for t in trunk_days:
                visits[t][station] = [0, 0]
        counter = station_counters.get(station)
        if counter is not None:  # the town seat's parcels, split by the gaps between trunk visits
            share = visit_loads(
                replace(problem, demand_per_visit=False),
                Client(id=station, name=station, index=0, delivery=counter.down, pickup=counter.up),
                frozenset(trunk_days),
            )
            for t, (d_share, u_share) in share.items():
                visits[t][station][0] += d_share
                visits[t][station][1] += u_share
    due_days = [(day, due) for day, due in sorted(visits.items()) if due]
    trunk_days = []
    for k, (day, due) in enumerate(due_days):
        budget = TRUNK_BUDGET
        if deadline is not None:
            share = (deadline - time.perf_counter()) / (len(due_days) - k)
            budget = replace(budget, time_s=max(TRUNK_MIN_S, min(budget.time_s, share)))
        trunk_days.append(_route_trunk_day(problem, centre, trunk, day, due, departs_at_hour * 60, names, budget))
    trunk_days = tuple(trunk_days)
    return TrunkPlan(trunk, trunk_days, hold_days, departs_at_hour * 60)


def estimate_calls(
    problem: Problem,
    centre: str,
    counters: Sequence[TownSeatCounter],
    trunk: VehicleType,
    *,
    visits_per_week: int,
    hold_days: int,
) -> TrunkCalls | None:
    """The trunk as the search sees it (``Problem.trunk_calls``); None without stations.

    The tour's order is the cheapest insertion of every station (with vans, or with a counter only) into a tour
    from the centre, on the km matrix; a day's estimate calls at the stations due in that order. A station with a
    counter and no vans is due on the policy's days (``plan_trunk``), so it is ``forced`` on the van days whose
    trunk runs then (the same day, or the day after with ``hold_days``)."""
    depots = {d.id: d for d in problem.depots}
    with_vans = {vt.depot for vt in problem.vehicle_types if vt.depot != centre}
    counter_only = {c.place_id for c in counters if c.place_id != centre and c.place_id in depots} - with_vans
    stations = sorted(with_vans | counter_only, key=lambda s: depots[s].index)
    if not stations:
        return None
    km = problem.km
    rows = [depots[centre].index] + [depots[s].index for s in stations]
    tour = [0, 0]  # positions in ``rows``; the centre at both ends
    for k in range(1, len(rows)):
        at = min(range(len(tour) - 1), key=lambda i: _detour(km, rows, tour[i], k, tour[i + 1]))
        tour.insert(at + 1, k)
    days = sorted(problem.days)
    forced: dict[int, frozenset[str]] = {}
    if counter_only:
        due = default_patterns(min(visits_per_week, len(days)), days)[0]
        for t in due:
            forced[days[(days.index(t) + 1) % len(days)] if hold_days else t] = frozenset(counter_only)
    order = tuple(stations[k - 1] for k in tour[1:-1])
    shift = trunk.max_shift_minutes if math.isfinite(trunk.max_shift_minutes) else 1e18
    return TrunkCalls(centre, order, trunk.cost_per_km, trunk.fixed_cost_per_day, trunk.fixed_cost_per_week, shift,
                      UNLOAD_MINUTES, trunk.speed_factor, forced)  # fmt: skip


def _detour(km, rows: list[int], a: int, k: int, b: int) -> float:
    """km a tour goes out of its way between positions ``a`` and ``b`` of ``rows`` to call at ``k``."""
    ra, rk, rb = rows[a], rows[k], rows[b]
    return float(km[ra, rk] + km[rk, rb] - km[ra, rb])


def _route_trunk_day(
    problem: Problem,
    centre: str,
    trunk: VehicleType,
    day: int,
    due: Mapping[str, Sequence[float]],
    departs: float,
    depots: Mapping[str, Depot],
    budget: SearchBudget = TRUNK_BUDGET,
) -> TrunkDay:
    """One day's trunk runs to the stations ``due`` (station id -> parcels down, up)."""
    clients = []
    for s in sorted(due, key=lambda s: depots[s].index):
        depot = depots[s]
        clients.append(Client(
            id=s, name=depot.name, name_pinyin=depot.name_pinyin, index=depot.index, delivery=round(due[s][0]),
            pickup=round(due[s][1]), visits_per_week=1, service_minutes=UNLOAD_MINUTES,
        ))  # fmt: skip
    sub = replace(
        problem,
        depots=(problem.depot(centre),),
        vehicle_types=(replace(trunk, depot=centre, days=(day,), fixed_cost_per_week=0.0),),
        clients=tuple(clients),
        days=(day,),
        period_days=7,
        demand_per_visit=True,
        unserved_penalty=None,
        shift_start_minutes=departs,
    )
    visits = [DayVisit(i, c.delivery, c.pickup) for i, c in enumerate(clients)]
    routes, dropped = route_day(sub, day, visits, budget, seed=day)
    if dropped:
        missed = ", ".join(clients[i].name for i in dropped)
        raise InfeasibleError(
            [
                f"trunk runs, day {day}: the trunk fleet ({trunk.count} x {trunk.capacity} parcels, "
                f"{trunk.max_shift_minutes:g}-min shift) cannot reach {missed}; raise trunk.count, capacity or shift"
            ]
        )
    copies: dict[int, int] = {}
    numbered = []
    for r in sorted(routes, key=lambda r: r.clients):
        numbered.append(replace(r, vehicle=copies.get(r.vehicle_type, 0)))
        copies[r.vehicle_type] = copies.get(r.vehicle_type, 0) + 1
    plan = Plan(tuple(frozenset({day}) for _ in clients), tuple(numbered))
    sub_loads = plan_loads(sub, plan.patterns)
    arrival = {}
    for route in plan.routes:
        fig = route_figures(sub, route, sub_loads)
        for k, c in enumerate(route.clients):
            arrival[clients[c].id] = departs + fig.arrivals[k] + UNLOAD_MINUTES
    return TrunkDay(day, sub, plan, plan_stats(sub, plan), arrival)
