"""PyVRP models: one builder (``build_data``) for every use of PyVRP in the project (the weekly planner's
``pyvrp`` day router, ``ruralpost cvrp --engine pyvrp``, ``benchmarks/day_routing.py``), its solve bounded by work
(``solve_data``), and the router itself (``PyVrpRouter``).

PyVRP needs integers. The router scales as the OR-Tools router does: the distance of each vehicle type's profile
is its cost in thousandths of a yuan (``COST_SCALE``, km x yuan per km), durations are seconds (``TIME_SCALE``),
travel times rounded up and limits inwards, so routes PyVRP finds feasible are feasible in exact minutes and the
checker's figures and PyVRP's agree to the rounding.

PyVRP 0.14 cannot say "this visit may only ride these vehicles", so a model where a visit's day is still free (the
joint week model) or where villages tied to one depot share the model with other depots' vehicles goes to OR-Tools
(``PyVrpRouter.unsupported``); ``optimizer.routing.week`` does that and records why.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from optimizer.errors import SolverError
from optimizer.model import Problem, Route, service_minutes
from optimizer.routing.base import SearchBudget, VehicleDay, WeekVisit

COST_SCALE = 1000  # thousandths of a yuan, as the OR-Tools router
TIME_SCALE = 60  # seconds
ITERATIONS_PER_SOLUTION = 10  # PyVRP iterations a budget's OR-Tools solution is worth (see SearchBudget)
IMPROVE_ITERATIONS = 100  # PyVRP iterations from given routes when the budget has no solution limit (descent)
_SEED_MODULUS = 2**32


class RouterFallback(Exception):
    """PyVRP could not route a model it was given (no feasible solution within its budget); OR-Tools routes it."""


@dataclass(frozen=True)
class ClientSpec:
    """A PyVRP client. ``location``: its row in the model's matrices (depots first). ``prize`` None: required.
    Integer units: parcels, the model's duration unit, the model's cost unit."""

    location: int
    delivery: int
    pickup: int = 0
    service: int = 0
    window: tuple[int, int] | None = None
    prize: int | None = None


@dataclass(frozen=True)
class FleetSpec:
    """A PyVRP vehicle type: ``count`` vehicles at depot ``depot`` (row of the matrices), costing ``fixed_cost``
    when used and the distance of ``profile`` per unit driven; ``shift`` (None: no limit) bounds a route's duration
    from its start at time 0 (waiting included)."""

    depot: int
    count: int
    capacity: int
    fixed_cost: int = 0
    shift: int | None = None
    profile: int = 0


def _pyvrp():
    try:
        import pyvrp
    except ImportError as exc:  # a dependency, but a broken install should say what is missing
        raise SolverError("the pyvrp router needs PyVRP: pip install pyvrp") from exc
    return pyvrp


def build_data(
    n_depots: int,
    clients: Sequence[ClientSpec],
    fleets: Sequence[FleetSpec],
    distances: Sequence[np.ndarray],
    durations: Sequence[np.ndarray] | None = None,
):
    """PyVRP's ``ProblemData``: locations 0..n_depots-1 are the depots, then the clients in order; one profile
    per matrix in ``distances`` (integer, square over all locations; ``durations`` likewise, zeros if None)."""
    pyvrp = _pyvrp()
    n = n_depots + len(clients)
    if any(c.location != n_depots + k for k, c in enumerate(clients)):
        raise ValueError("build_data: client k must be at location n_depots + k")
    durations = durations if durations is not None else [np.zeros((n, n), dtype=np.int64)] * len(distances)
    locations = [pyvrp.Location(0, 0) for _ in range(n)]
    depots = [pyvrp.Depot(location=d) for d in range(n_depots)]
    pv_clients = []
    for c in clients:
        window = {} if c.window is None else {"tw_early": c.window[0], "tw_late": c.window[1]}
        prize = {} if c.prize is None else {"prize": c.prize, "required": False}
        pv_clients.append(
            pyvrp.Client(
                location=c.location,
                delivery=[c.delivery],
                pickup=[c.pickup],
                service_duration=c.service,
                **window,
                **prize,
            )
        )
    types = []
    for f in fleets:
        shift = {} if f.shift is None else {"shift_duration": f.shift}
        types.append(
            pyvrp.VehicleType(
                num_available=f.count,
                capacity=[f.capacity],
                start_depot=f.depot,
                end_depot=f.depot,
                fixed_cost=f.fixed_cost,
                profile=f.profile,
                start_late=0,
                **shift,
            )
        )
    as_int = [np.ascontiguousarray(m, dtype=np.int64) for m in distances]
    times = [np.ascontiguousarray(m, dtype=np.int64) for m in durations]
    for m in as_int + times:
        np.fill_diagonal(m, 0)
    return pyvrp.ProblemData(locations, pv_clients, depots, types, as_int, times)


def solve_data(data, *, iterations: int | None, time_s: float, seed: int, initial: Sequence[tuple[int, Sequence[int]]]
               | None = None):  # fmt: skip
    """PyVRP's iterated local search on ``data`` for at most ``iterations`` iterations (None: time only) and
    ``time_s`` seconds, from ``initial`` routes ((vehicle type, client numbers from 0)) if given. Returns PyVRP's
    ``Result``. The same data, seed and iterations give the same result while the time cap is not reached."""
    pyvrp = _pyvrp()
    from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria

    stop = MaxRuntime(time_s)
    if iterations is not None:
        stop = MultipleCriteria([MaxIterations(iterations), stop])
    start = None
    if initial:
        start = pyvrp.Solution(data, [pyvrp.Route(data, list(stops), t) for t, stops in initial])
    return pyvrp.solve(data, stop=stop, seed=seed % _SEED_MODULUS, display=False, collect_stats=False,
                       initial_solution=start)  # fmt: skip


def routes_of(solution) -> list[tuple[int, list[int]]]:
    """A PyVRP solution's routes as (vehicle type, client numbers from 0), in PyVRP's order."""
    return [(int(r.vehicle_type()), [int(a.idx) for a in r if a.is_client()]) for r in solution.routes()]


def solve_cvrp(
    coords: np.ndarray, distance: np.ndarray, demand: np.ndarray, capacity: int, *, time_limit_s: float, seed: int
) -> list[list[int]]:
    """A single-depot CVRP (node 0 the depot; ``distance`` integer, ``demand`` integer parcels) by PyVRP's iterated
    local search for ``time_limit_s`` seconds: routes as lists of node numbers 1..n."""
    del coords  # PyVRP needs no coordinates when the distances are given
    n = len(demand) - 1
    clients = [ClientSpec(location=i, delivery=int(demand[i])) for i in range(1, n + 1)]
    data = build_data(1, clients, [FleetSpec(depot=0, count=n, capacity=int(capacity))], [np.asarray(distance)])
    result = solve_data(data, iterations=None, time_s=time_limit_s, seed=seed)
    return [[c + 1 for c in stops] for _, stops in routes_of(result.best)]


@dataclass
class _DayModel:
    """One model's PyVRP data and how to read it back: ``fleets[k]`` are the vehicle-days of PyVRP type k."""

    data: object
    visits: list[WeekVisit]
    fleets: list[list[VehicleDay]]


class PyVrpRouter:
    """The second router (``router = "pyvrp"``): PyVRP's iterated local search; see
    ``optimizer.routing.base.DayRouter``. Work-bounded: a budget of ``solutions`` OR-Tools solutions is worth
    ``ITERATIONS_PER_SOLUTION`` PyVRP iterations each; improving given routes without a solution limit runs
    ``IMPROVE_ITERATIONS``; a budget without either runs to its time."""

    name = "pyvrp"

    def unsupported(self, problem: Problem, visits: Sequence[WeekVisit], vehicles: Sequence[VehicleDay]) -> str | None:
        """Why PyVRP cannot express this model (None: it can)."""
        if len({d for d, _, _ in vehicles}) > 1 or any(len(v.days) > 1 for v in visits):
            return "joint week model (a once-a-week village's day is still free): OR-Tools by design"
        depots = {problem.vehicle_types[t].depot for _, t, _ in vehicles}
        if len(depots) > 1 and any(problem.clients[v.client].depot is not None for v in visits):
            return "villages tied to one depot share the model with other depots' vehicles"
        return None

    def route(
        self, problem: Problem, visits: Sequence[WeekVisit], vehicles: Sequence[VehicleDay], budget: SearchBudget,
        seed: int, fixed_costs: Mapping[VehicleDay, float] | None = None,
    ) -> tuple[list[Route], list[WeekVisit]]:  # fmt: skip
        """Route afresh. Raises ``RouterFallback`` when PyVRP finds no feasible routes."""
        model = _build(problem, visits, vehicles, fixed_costs or {})
        iterations = None if budget.solutions is None else budget.solutions * ITERATIONS_PER_SOLUTION
        result = solve_data(model.data, iterations=iterations, time_s=budget.time_s, seed=seed)
        return _read(model, result)

    def improve(
        self, problem: Problem, visits: Sequence[WeekVisit], vehicles: Sequence[VehicleDay], budget: SearchBudget,
        seed: int, start: Mapping[VehicleDay, Sequence[int]], fixed_costs: Mapping[VehicleDay, float] | None = None,
    ) -> tuple[list[Route], list[WeekVisit]]:  # fmt: skip
        """Improve the routes in ``start`` (PyVRP's search warm-started from them). Raises ``RouterFallback``
        when PyVRP ends without a feasible solution."""
        model = _build(problem, visits, vehicles, fixed_costs or {})
        position = {v.client: k for k, v in enumerate(model.visits)}
        initial = []
        for t, fleet in enumerate(model.fleets):
            initial += [(t, [position[c] for c in start[v]]) for v in fleet if start.get(v)]
        iterations = IMPROVE_ITERATIONS if budget.solutions is None else budget.solutions * ITERATIONS_PER_SOLUTION
        result = solve_data(model.data, iterations=iterations, time_s=budget.time_s, seed=seed, initial=initial)
        return _read(model, result)


PYVRP = PyVrpRouter()


def _build(
    problem: Problem,
    visits: Sequence[WeekVisit],
    vehicles: Sequence[VehicleDay],
    fixed_costs: Mapping[VehicleDay, float],
) -> _DayModel:
    """One day's PyVRP data: the depots of its vehicles, then its visits; one PyVRP type per (vehicle type, cost
    of use) with one profile per vehicle type (its cost per km and speed)."""
    visits = list(visits)
    types = sorted({t for _, t, _ in vehicles})
    depot_ids = sorted({problem.vehicle_types[t].depot for t in types})
    depot_row = {d: k for k, d in enumerate(depot_ids)}
    rows = [problem.depot(d).index for d in depot_ids] + [problem.clients[v.client].index for v in visits]
    km, mins = problem.km[rows][:, rows], problem.minutes[rows][:, rows]
    penalty = None if problem.unserved_penalty is None else round(problem.unserved_penalty * COST_SCALE)
    clients = []
    for k, v in enumerate(visits):
        client = problem.clients[v.client]
        window = None
        if client.opening is not None:
            early, late = client.opening
            window = (math.ceil(early * TIME_SCALE - 1e-6), math.floor(late * TIME_SCALE + 1e-6))
        service = math.ceil(service_minutes(client, v.delivered, v.picked_up) * TIME_SCALE - 1e-6)
        clients.append(ClientSpec(len(depot_ids) + k, v.delivered, v.picked_up, service, window, penalty))
    profile = {t: p for p, t in enumerate(types)}
    distances, durations = [], []
    for t in types:
        vt = problem.vehicle_types[t]
        distances.append((km * (vt.cost_per_km * COST_SCALE)).round().astype(np.int64))
        durations.append(np.ceil(mins * vt.speed_factor * TIME_SCALE - 1e-6).astype(np.int64))
    groups: dict[tuple[int, int], list[VehicleDay]] = {}
    for vehicle in vehicles:
        t = vehicle[1]
        fixed = fixed_costs.get(vehicle, problem.vehicle_types[t].fixed_cost_per_day)
        groups.setdefault((t, round(fixed * COST_SCALE)), []).append(vehicle)
    fleets, specs = [], []
    for (t, fixed), fleet in sorted(groups.items()):
        vt = problem.vehicle_types[t]
        shift = None if vt.max_shift_minutes == math.inf else math.floor(vt.max_shift_minutes * TIME_SCALE + 1e-6)
        specs.append(FleetSpec(depot_row[vt.depot], len(fleet), vt.capacity, fixed, shift, profile[t]))
        fleets.append(sorted(fleet))
    return _DayModel(build_data(len(depot_ids), clients, specs, distances, durations), visits, fleets)


def _read(model: _DayModel, result) -> tuple[list[Route], list[WeekVisit]]:
    """The routes of PyVRP's best solution on the model's vehicle-days, and the visits it leaves out."""
    best = result.best
    if not (best.is_feasible() and best.is_complete()):
        raise RouterFallback("PyVRP found no feasible routes within its budget")
    used = [0] * len(model.fleets)
    routes: list[Route] = []
    served: set[int] = set()
    for t, stops in routes_of(best):
        day, vtype, copy = model.fleets[t][used[t]]
        used[t] += 1
        routes.append(Route(day, vtype, copy, tuple(model.visits[k].client for k in stops)))
        served.update(stops)
    return routes, [v for k, v in enumerate(model.visits) if k not in served]
