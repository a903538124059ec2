"""The routing engine: one day's multi-depot VRP with simultaneous pickup and delivery, shifts and opening hours,
solved by OR-Tools routing (iterated local search with SISR ruin-and-recreate), or improved from given routes by its
local search."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2
from ortools.util import optional_boolean_pb2

from optimizer.model import Problem, service_minutes
from optimizer.solution import Route

COST_SCALE = 1000  # OR-Tools needs integers: costs in thousandths of a yuan (or of a distance unit)
TIME_SCALE = 60  # and times in seconds
_NO_LIMIT = 10**12
# OR-Tools' local search operators left out where no vehicle has a fixed cost: these two rebuild whole routes by
# cheapest insertion, each call for up to ``lns_time_limit`` (0.1 s). They can empty a run, which pays where a van-day
# has a fixed cost (Hangjin's default plan, seeds 0-5: 0.9 % dearer without them); without fixed costs (the PVRP and
# CVRP benchmarks) they cost time for nothing: the descent on pr10's days runs 15-35 % faster without them, OR-Tools'
# iterated local search makes ~25 % more solutions a second on pr05's days (benchmarks/README.md).
OPERATORS_OFF = ("use_global_cheapest_insertion_path_lns", "use_local_cheapest_insertion_path_lns")


@dataclass(frozen=True)
class DayVisit:
    """A visit to be routed: client position, parcels delivered and picked up."""

    client: int
    delivered: int
    picked_up: int


@dataclass(frozen=True)
class SearchBudget:
    """How long OR-Tools searches one day: at most ``time_s`` seconds, and (for reproducible plans) at most
    ``solutions`` improving solutions (None: time only). With a solution limit the time cap shrinks to 0.05 s per
    visit (at least 0.2 s): a handful of visits may never yield that many solutions. ``ils``: iterated local
    search (routes built afresh) or, from given routes, descent to a local optimum; off: guided local search."""

    time_s: float = 1.0
    solutions: int | None = None
    ils: bool = True
    first_solution: str = "PATH_CHEAPEST_ARC"  # an OR-Tools FirstSolutionStrategy name


def _ils_parameters(params) -> None:
    ils = params.iterated_local_search_parameters
    ils.perturbation_strategy = 1  # RUIN_AND_RECREATE
    rr = ils.ruin_recreate_parameters
    sisr = rr.ruin_strategies.add().sisr
    sisr.max_removed_sequence_size = 10
    sisr.avg_num_removed_visits = 10
    sisr.bypass_factor = 0.01
    rr.recreate_strategy.heuristic = routing_enums_pb2.FirstSolutionStrategy.LOCAL_CHEAPEST_INSERTION
    rr.route_selection_neighbors_ratio = 1.0
    rr.route_selection_min_neighbors = 10
    rr.route_selection_max_neighbors = 100
    ils.improve_perturbed_solution = True
    ils.reference_solution_acceptance_strategy.greedy_descent.SetInParent()
    ils.best_solution_acceptance_strategy.greedy_descent.SetInParent()


def route_day(
    problem: Problem,
    day: int,
    visits: list[DayVisit],
    budget: SearchBudget,
    *,
    seed: int = 0,
) -> tuple[list[Route], list[int]]:
    """Route one day's visits with the vehicles available that day.

    Returns the non-empty routes and the clients left unserved (when no vehicle can take them, or when the
    problem's ``unserved_penalty`` makes dropping cheaper).
    """
    week = [WeekVisit(v.client, (day,), v.delivered, v.picked_up) for v in visits]
    routes, dropped = route_week(problem, week, budget, seed=seed)
    return routes, [v.client for v in dropped]


@dataclass(frozen=True)
class WeekVisit:
    """A visit that may go on any of ``days`` (one day for a fixed pattern; several for a once-a-week village
    whose day is still free), carrying the same parcels whichever day it takes."""

    client: int
    days: tuple[int, ...]
    delivered: int
    picked_up: int


def route_week(
    problem: Problem,
    visits: list[WeekVisit],
    budget: SearchBudget,
    *,
    seed: int = 0,
    start: Mapping[tuple[int, int, int], Sequence[int]] | None = None,
) -> tuple[list[Route], list[WeekVisit]]:
    """Route visits over several days in one OR-Tools model: every vehicle-day is a vehicle, and each visit may
    only ride the vehicles of its allowed days (and of its depot). Choosing the day of a once-a-week village is then
    part of the routing, which moves whole runs between days where single-village moves cannot.

    Visits that share no vehicle (e.g. the villages of different stations) are routed in separate models, and
    vehicles no visit may use are left out: OR-Tools' iterated local search can loop without end, past its time
    limit, when most vehicles of a model are forbidden to every visit (seen with OR-Tools 9.15).

    With ``start`` (the clients of each vehicle-day (day, type, copy), in order: feasible routes of these visits)
    OR-Tools improves those routes by local search (guided local search if ``budget.ils`` is off, else descent to
    a local optimum) instead of building new ones: cheap, and it keeps what earlier searches found.

    Returns the non-empty routes (their ``day`` says which day each visit took) and the visits left unserved.
    """
    days = sorted({d for v in visits for d in v.days})
    vehicles = [(d, t, c) for d in days for t, c in problem.vehicles_on(d)]
    allowed = [
        frozenset(
            k for k, (d, t, _) in enumerate(vehicles)
            if d in visit.days and problem.clients[visit.client].depot in (None, problem.vehicle_types[t].depot)
        )
        for visit in visits
    ]  # fmt: skip
    # group visits that can share a vehicle (union-find over vehicles)
    parent = list(range(len(vehicles)))

    def find(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for vs in allowed:
        first = next(iter(vs), None)
        for k in vs:
            parent[find(k)] = find(first)
    groups: dict[int, list[int]] = {}
    dropped = [v for v, vs in zip(visits, allowed, strict=True) if not vs]
    for i, vs in enumerate(allowed):
        if vs:
            groups.setdefault(find(next(iter(vs))), []).append(i)
    routes: list[Route] = []
    routable = sum(len(m) for m in groups.values())
    for root in sorted(groups):
        members = groups[root]
        fleet = sorted(set().union(*(allowed[i] for i in members)))
        # the models share the budget's time by their number of visits (each had all of it: a week of seven
        # stations' models took up to seven times its time)
        share = (
            replace(budget, time_s=max(0.05, budget.time_s * len(members) / routable)) if len(groups) > 1 else budget
        )
        found, missed = _route_group(
            problem, [visits[i] for i in members], [vehicles[k] for k in fleet], share, seed, start
        )
        routes += found
        dropped += missed
    return routes, dropped


def _route_group(
    problem: Problem,
    visits: list[WeekVisit],
    vehicles: list[tuple[int, int, int]],
    budget: SearchBudget,
    seed: int,
    start: Mapping[tuple[int, int, int], Sequence[int]] | None = None,
) -> tuple[list[Route], list[WeekVisit]]:
    """One OR-Tools model: ``visits`` on ``vehicles`` (day, type, copy), each of which some visit may use."""
    visits = list(visits)
    random.Random(seed).shuffle(visits)  # the seed changes the search's path through equal choices
    types = [problem.vehicle_types[t] for _, t, _ in vehicles]
    depot_ids = sorted({vt.depot for vt in types})
    depot_node = {d: i for i, d in enumerate(depot_ids)}
    locations = [problem.depot(d).index for d in depot_ids] + [problem.clients[v.client].index for v in visits]
    n_depots = len(depot_ids)
    n = len(locations)
    starts = [depot_node[vt.depot] for vt in types]
    manager = pywrapcp.RoutingIndexManager(n, len(vehicles), starts, starts)
    routing = pywrapcp.RoutingModel(manager)

    km = problem.km[locations][:, locations]
    mins = problem.minutes[locations][:, locations]
    service = [0.0] * n_depots + [service_minutes(problem.clients[v.client], v.delivered, v.picked_up) for v in visits]

    # Arc costs and travel times per vehicle type (cost per km and speed factor differ by type).
    cost_cb: dict[int, int] = {}
    time_cb: dict[int, int] = {}
    for t in sorted({t for _, t, _ in vehicles}):
        vt = problem.vehicle_types[t]
        cost = (km * (vt.cost_per_km * COST_SCALE)).round().astype(int).tolist()
        cost_cb[t] = routing.RegisterTransitMatrix(cost)
        travel = mins * vt.speed_factor + [[s] for s in service]
        # rounded up (and the limits below inwards): routes OR-Tools finds feasible are feasible in exact minutes
        time_cb[t] = routing.RegisterTransitMatrix(np.ceil(travel * TIME_SCALE - 1e-6).astype(int).tolist())
    for v, (_, t, _) in enumerate(vehicles):
        vt = problem.vehicle_types[t]
        routing.SetArcCostEvaluatorOfVehicle(cost_cb[t], v)
        routing.SetFixedCostOfVehicle(round(vt.fixed_cost_per_day * COST_SCALE), v)

    capacities = [vt.capacity for vt in types]
    deliveries = [0] * n_depots + [v.delivered for v in visits]
    pickups = [0] * n_depots + [v.picked_up for v in visits]
    if any(pickups):
        # Simultaneous pickup and delivery: the van leaves with all its deliveries; load = start - delivered so far
        # + picked up so far must stay within capacity at every stop.
        delivered_cb = routing.RegisterUnaryTransitVector(deliveries)
        routing.AddDimensionWithVehicleCapacity(delivered_cb, 0, capacities, True, "delivered")
        net_cb = routing.RegisterUnaryTransitVector([p - d for p, d in zip(pickups, deliveries, strict=True)])
        routing.AddDimensionWithVehicleCapacity(net_cb, 0, capacities, False, "load")
        delivered_dim, load_dim = routing.GetDimensionOrDie("delivered"), routing.GetDimensionOrDie("load")
        solver = routing.solver()
        for v in range(len(vehicles)):
            solver.Add(load_dim.CumulVar(routing.Start(v)) == delivered_dim.CumulVar(routing.End(v)))
    else:
        demand_cb = routing.RegisterUnaryTransitVector(deliveries)
        routing.AddDimensionWithVehicleCapacity(demand_cb, 0, capacities, True, "load")

    shifts = [vt.max_shift_minutes for vt in types]
    windows = [problem.clients[v.client].opening for v in visits]
    if any(s != float("inf") for s in shifts) or any(w is not None for w in windows):
        horizon = int(min(_NO_LIMIT, max((s for s in shifts if s != float("inf")), default=24 * 60) * TIME_SCALE))
        horizon = max(horizon, int(24 * 60 * TIME_SCALE))
        routing.AddDimensionWithVehicleTransits([time_cb[t] for _, t, _ in vehicles], horizon, horizon, True, "time")
        time_dim = routing.GetDimensionOrDie("time")
        for v, vt in enumerate(types):
            if vt.max_shift_minutes != float("inf"):
                time_dim.CumulVar(routing.End(v)).SetMax(math.floor(vt.max_shift_minutes * TIME_SCALE + 1e-6))
        for k, w in enumerate(windows):
            if w is not None:
                time_dim.CumulVar(manager.NodeToIndex(n_depots + k)).SetRange(
                    math.ceil(w[0] * TIME_SCALE - 1e-6), math.floor(w[1] * TIME_SCALE + 1e-6)
                )

    if problem.unserved_penalty is None:
        penalty = _NO_LIMIT // max(1, len(visits))
    else:
        penalty = int(problem.unserved_penalty * COST_SCALE)
    all_vehicles = list(range(len(vehicles)))
    for k, visit in enumerate(visits):
        index = manager.NodeToIndex(n_depots + k)
        routing.AddDisjunction([index], penalty)
        home = problem.clients[visit.client].depot
        allowed = [v for v, (d, _, _) in enumerate(vehicles) if d in visit.days and home in (None, types[v].depot)]
        if allowed != all_vehicles:
            routing.VehicleVar(index).SetValues([-1, *allowed])

    params = pywrapcp.DefaultRoutingSearchParameters()
    if not any(vt.fixed_cost_per_day for vt in types):
        for operator in OPERATORS_OFF:
            setattr(params.local_search_operators, operator, optional_boolean_pb2.BOOL_FALSE)
    params.first_solution_strategy = getattr(routing_enums_pb2.FirstSolutionStrategy, budget.first_solution)
    time_s = budget.time_s
    if budget.solutions is not None:
        params.solution_limit = budget.solutions
        # a few visits may never yield that many solutions: the search would run to its time cap for nothing
        time_s = min(time_s, max(0.2, 0.05 * len(visits)))
    params.time_limit.FromMilliseconds(max(1, int(time_s * 1000)))
    if start is not None:
        solution = _improve(routing, manager, params, budget, visits, vehicles, n_depots, start)
    elif budget.ils:
        _ils_parameters(params)
        solution = routing.SolveWithIteratedLocalSearch(params)
    else:
        params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
        solution = routing.SolveWithParameters(params)
    if solution is None:
        return [], list(visits)

    routes: list[Route] = []
    served: set[int] = set()
    for v, (day, t, copy) in enumerate(vehicles):
        index = solution.Value(routing.NextVar(routing.Start(v)))
        stops: list[int] = []
        while not routing.IsEnd(index):
            k = manager.IndexToNode(index) - n_depots
            stops.append(visits[k].client)
            served.add(k)
            index = solution.Value(routing.NextVar(index))
        if stops:
            routes.append(Route(day, t, copy, tuple(stops)))
    return routes, [v for k, v in enumerate(visits) if k not in served]


def _improve(
    routing: pywrapcp.RoutingModel,
    manager: pywrapcp.RoutingIndexManager,
    params,
    budget: SearchBudget,
    visits: list[WeekVisit],
    vehicles: list[tuple[int, int, int]],
    n_depots: int,
    start: Mapping[tuple[int, int, int], Sequence[int]],
):
    """OR-Tools' local search from the routes in ``start``: descent with ``budget.ils``, else guided local search.
    None if OR-Tools rejects the routes (e.g. a shift that fits only before its rounding to whole seconds)."""
    node = {(v.client, d): n_depots + k for k, v in enumerate(visits) for d in v.days}
    routes = [[manager.NodeToIndex(node[(c, vehicle[0])]) for c in start.get(vehicle, ())] for vehicle in vehicles]
    if not budget.ils:
        params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    routing.CloseModelWithParameters(params)
    initial = routing.ReadAssignmentFromRoutes(routes, True)
    if initial is None:
        return None
    return routing.SolveFromAssignmentWithParameters(initial, params)
