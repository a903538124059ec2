"""The OR-Tools day router: one model's multi-depot VRP with simultaneous pickup and delivery, shifts and opening
hours, solved by OR-Tools routing (iterated local search with SISR ruin-and-recreate), or improved from given routes
by its local search.

OR-Tools needs integers: costs are scaled to thousandths of a yuan (``COST_SCALE``) and times to seconds
(``TIME_SCALE``); travel times round up and limits inwards, so a route OR-Tools finds within a shift or opening hours
is within them in exact minutes.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2
from ortools.util import optional_boolean_pb2

from optimizer.model import Problem, Route, service_minutes
from optimizer.routing.base import SearchBudget, VehicleDay, WeekVisit

COST_SCALE = 1000  # costs in thousandths of a yuan (or of a distance unit)
TIME_SCALE = 60  # times in seconds
_NO_LIMIT = 10**12
# OR-Tools' local search operators left out where no vehicle has a fixed cost: these two rebuild whole routes by
# cheapest insertion, each call for up to ``lns_time_limit`` (0.1 s). They can empty a run, which pays where a van-day
# has a fixed cost (Hangjin's default plan, seeds 0-5: 0.9 % dearer without them); without fixed costs (the PVRP and
# CVRP benchmarks) they cost time for nothing: the descent on pr10's days runs 15-35 % faster without them, OR-Tools'
# iterated local search makes ~25 % more solutions a second on pr05's days (benchmarks/README.md).
OPERATORS_OFF = ("use_global_cheapest_insertion_path_lns", "use_local_cheapest_insertion_path_lns")


@dataclass
class _Model:
    """An OR-Tools routing model of ``visits`` (node ``n_depots + k`` is visit k) on ``vehicles``."""

    routing: pywrapcp.RoutingModel
    manager: pywrapcp.RoutingIndexManager
    visits: list[WeekVisit]
    vehicles: list[VehicleDay]
    n_depots: int
    capacities: list[int]  # per vehicle, parcels


class OrToolsRouter:
    """The default router (``router = "ortools"``); see ``optimizer.routing.base.DayRouter``."""

    name = "ortools"

    def unsupported(self, problem: Problem, visits: Sequence[WeekVisit], vehicles: Sequence[VehicleDay]) -> None:
        """OR-Tools expresses every model of the planner."""
        return None

    def route(
        self, problem: Problem, visits: Sequence[WeekVisit], vehicles: Sequence[VehicleDay], budget: SearchBudget,
        seed: int, fixed_costs: Mapping[VehicleDay, float] | None = None,
    ) -> tuple[list[Route], list[WeekVisit]]:  # fmt: skip
        """Route afresh: iterated local search (``budget.ils``) or guided local search from a first solution."""
        model = _build(problem, visits, vehicles, seed, fixed_costs)
        params = _parameters(problem, model, budget)
        if budget.ils:
            _ils_parameters(params)
            solution = model.routing.SolveWithIteratedLocalSearch(params)
        else:
            params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
            solution = model.routing.SolveWithParameters(params)
        return _read_routes(model, solution)

    def improve(
        self, problem: Problem, visits: Sequence[WeekVisit], vehicles: Sequence[VehicleDay], budget: SearchBudget,
        seed: int, start: Mapping[VehicleDay, Sequence[int]], fixed_costs: Mapping[VehicleDay, float] | None = None,
    ) -> tuple[list[Route], list[WeekVisit]]:  # fmt: skip
        """OR-Tools' local search from the routes in ``start``: descent with ``budget.ils``, else guided local
        search. Nothing is routed (every visit comes back unserved) if OR-Tools rejects the routes, e.g. a shift
        that fits only before its rounding to whole seconds."""
        model = _build(problem, visits, vehicles, seed, fixed_costs)
        params = _parameters(problem, model, budget)
        node = {(v.client, d): model.n_depots + k for k, v in enumerate(model.visits) for d in v.days}
        manager, routing = model.manager, model.routing
        routes = [[manager.NodeToIndex(node[(c, vehicle[0])]) for c in start.get(vehicle, ())] for vehicle in vehicles]
        if not budget.ils:
            params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
        routing.CloseModelWithParameters(params)
        initial = routing.ReadAssignmentFromRoutes(routes, True)
        solution = None if initial is None else routing.SolveFromAssignmentWithParameters(initial, params)
        return _read_routes(model, solution)


ORTOOLS = OrToolsRouter()


def _build(
    problem: Problem, visits: Sequence[WeekVisit], vehicles: Sequence[VehicleDay], seed: int,
    fixed_costs: Mapping[VehicleDay, float] | None = None,
) -> _Model:  # fmt: skip
    """The model: nodes (depots, then visits in an order the seed shuffles), costs, loads, times, visits."""
    visits = list(visits)
    random.Random(seed).shuffle(visits)  # the seed changes the search's path through equal choices
    types = [problem.vehicle_types[t] for _, t, _ in vehicles]
    depot_ids = sorted({vt.depot for vt in types})
    depot_node = {d: i for i, d in enumerate(depot_ids)}
    locations = [problem.depot(d).index for d in depot_ids] + [problem.clients[v.client].index for v in visits]
    starts = [depot_node[vt.depot] for vt in types]
    manager = pywrapcp.RoutingIndexManager(len(locations), len(vehicles), starts, starts)
    capacities = [vt.capacity for vt in types]
    model = _Model(pywrapcp.RoutingModel(manager), manager, visits, list(vehicles), len(depot_ids), capacities)
    time_cb = _add_costs(problem, model, locations, fixed_costs or {})
    _add_loads(model)
    _add_times(problem, model, time_cb)
    _add_visits(problem, model)
    return model


def _add_costs(
    problem: Problem, model: _Model, locations: list[int], fixed_costs: Mapping[VehicleDay, float]
) -> dict[int, int]:
    """Arc costs and fixed costs per vehicle; returns the travel-time callback of each vehicle type (seconds,
    service times included, rounded up)."""
    routing = model.routing
    km = problem.km[locations][:, locations]
    mins = problem.minutes[locations][:, locations]
    service = [0.0] * model.n_depots + [
        service_minutes(problem.clients[v.client], v.delivered, v.picked_up) for v in model.visits
    ]
    cost_cb: dict[int, int] = {}
    time_cb: dict[int, int] = {}
    for t in sorted({t for _, t, _ in model.vehicles}):
        vt = problem.vehicle_types[t]
        cost = (km * (vt.cost_per_km * COST_SCALE)).round().astype(int).tolist()
        cost_cb[t] = routing.RegisterTransitMatrix(cost)
        travel = mins * vt.speed_factor + [[s] for s in service]
        # rounded up (and the limits below inwards): routes OR-Tools finds feasible are feasible in exact minutes
        time_cb[t] = routing.RegisterTransitMatrix(np.ceil(travel * TIME_SCALE - 1e-6).astype(int).tolist())
    for v, vehicle in enumerate(model.vehicles):
        t = vehicle[1]
        routing.SetArcCostEvaluatorOfVehicle(cost_cb[t], v)
        fixed = fixed_costs.get(vehicle, problem.vehicle_types[t].fixed_cost_per_day)
        routing.SetFixedCostOfVehicle(round(fixed * COST_SCALE), v)
    return time_cb


def _add_loads(model: _Model) -> None:
    """Capacity. With pickups, simultaneous pickup and delivery: the van leaves with all its deliveries; load =
    start - delivered so far + picked up so far must stay within capacity at every stop."""
    routing, visits, n_depots = model.routing, model.visits, model.n_depots
    capacities = model.capacities
    deliveries = [0] * n_depots + [v.delivered for v in visits]
    pickups = [0] * n_depots + [v.picked_up for v in visits]
    if any(pickups):
        delivered_cb = routing.RegisterUnaryTransitVector(deliveries)
        routing.AddDimensionWithVehicleCapacity(delivered_cb, 0, capacities, True, "delivered")
        net_cb = routing.RegisterUnaryTransitVector([p - d for p, d in zip(pickups, deliveries, strict=True)])
        routing.AddDimensionWithVehicleCapacity(net_cb, 0, capacities, False, "load")
        delivered_dim, load_dim = routing.GetDimensionOrDie("delivered"), routing.GetDimensionOrDie("load")
        solver = routing.solver()
        for v in range(len(model.vehicles)):
            solver.Add(load_dim.CumulVar(routing.Start(v)) == delivered_dim.CumulVar(routing.End(v)))
    else:
        demand_cb = routing.RegisterUnaryTransitVector(deliveries)
        routing.AddDimensionWithVehicleCapacity(demand_cb, 0, capacities, True, "load")


def _add_times(problem: Problem, model: _Model, time_cb: dict[int, int]) -> None:
    """Shift limits and opening hours, in whole seconds after the shift start (limits rounded inwards)."""
    types = [problem.vehicle_types[t] for _, t, _ in model.vehicles]
    shifts = [vt.max_shift_minutes for vt in types]
    windows = [problem.clients[v.client].opening for v in model.visits]
    if all(s == float("inf") for s in shifts) and all(w is None for w in windows):
        return
    routing = model.routing
    horizon = int(min(_NO_LIMIT, max((s for s in shifts if s != float("inf")), default=24 * 60) * TIME_SCALE))
    horizon = max(horizon, int(24 * 60 * TIME_SCALE))
    routing.AddDimensionWithVehicleTransits([time_cb[t] for _, t, _ in model.vehicles], horizon, horizon, True, "time")
    time_dim = routing.GetDimensionOrDie("time")
    for v, vt in enumerate(types):
        if vt.max_shift_minutes != float("inf"):
            time_dim.CumulVar(routing.End(v)).SetMax(math.floor(vt.max_shift_minutes * TIME_SCALE + 1e-6))
    for k, w in enumerate(windows):
        if w is not None:
            time_dim.CumulVar(model.manager.NodeToIndex(model.n_depots + k)).SetRange(
                math.ceil(w[0] * TIME_SCALE - 1e-6), math.floor(w[1] * TIME_SCALE + 1e-6)
            )


def _add_visits(problem: Problem, model: _Model) -> None:
    """Every visit optional at the unserved penalty (a prohibitive one where none is allowed), and allowed only on
    the vehicle-days of its days and depot."""
    routing, manager, visits, vehicles = model.routing, model.manager, model.visits, model.vehicles
    if problem.unserved_penalty is None:
        penalty = _NO_LIMIT // max(1, len(visits))
    else:
        penalty = int(problem.unserved_penalty * COST_SCALE)
    all_vehicles = list(range(len(vehicles)))
    for k, visit in enumerate(visits):
        index = manager.NodeToIndex(model.n_depots + k)
        routing.AddDisjunction([index], penalty)
        home = problem.clients[visit.client].depot
        allowed = [
            v for v, (d, t, _) in enumerate(vehicles)
            if d in visit.days and home in (None, problem.vehicle_types[t].depot)
        ]  # fmt: skip
        if allowed != all_vehicles:
            routing.VehicleVar(index).SetValues([-1, *allowed])


def _parameters(problem: Problem, model: _Model, budget: SearchBudget):
    """Search parameters: first solution strategy, operators, solution and time limits."""
    params = pywrapcp.DefaultRoutingSearchParameters()
    vehicle_types = [problem.vehicle_types[t] for _, t, _ in model.vehicles]
    if not any(vt.fixed_cost_per_day or vt.fixed_cost_per_week for vt in vehicle_types):
        for operator in OPERATORS_OFF:
            setattr(params.local_search_operators, operator, optional_boolean_pb2.BOOL_FALSE)
    params.first_solution_strategy = getattr(routing_enums_pb2.FirstSolutionStrategy, budget.first_solution)
    time_s = budget.time_s
    if budget.solutions is not None:
        params.solution_limit = budget.solutions
        # a few visits may never yield that many solutions: the search would run to its time cap for nothing
        time_s = min(time_s, max(0.2, 0.05 * len(model.visits)))
    params.time_limit.FromMilliseconds(max(1, int(time_s * 1000)))
    return params


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


def _read_routes(model: _Model, solution) -> tuple[list[Route], list[WeekVisit]]:
    """The non-empty routes of a solution and the visits it leaves out (all of them without a solution)."""
    if solution is None:
        return [], list(model.visits)
    routing, manager = model.routing, model.manager
    routes: list[Route] = []
    served: set[int] = set()
    for v, (day, t, copy) in enumerate(model.vehicles):
        index = solution.Value(routing.NextVar(routing.Start(v)))
        stops: list[int] = []
        while not routing.IsEnd(index):
            k = manager.IndexToNode(index) - model.n_depots
            stops.append(model.visits[k].client)
            served.add(k)
            index = solution.Value(routing.NextVar(index))
        if stops:
            routes.append(Route(day, t, copy, tuple(stops)))
    return routes, [v for k, v in enumerate(model.visits) if k not in served]
