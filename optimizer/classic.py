"""The classical special cases, as external yardsticks: CVRP (CVRPLIB) and PVRP (Cordeau), solved by the same
engine and search that plan Hangjin."""

from __future__ import annotations

import math

from optimizer.cvrplib import CvrpInstance, route_cost
from optimizer.engine import DayVisit, SearchBudget, route_day
from optimizer.model import Client, Depot, Problem, VehicleType

ENGINES = ("ortools", "pyvrp")


def cvrp_fleet_size(instance: CvrpInstance) -> int:
    """Vehicles offered to the solver: the capacity lower bound plus slack (the name's k can make optima
    unreachable, e.g. X-n101-k25's optimum uses 26 routes)."""
    lower = math.ceil(int(instance.demand.sum()) / instance.capacity)
    return lower + max(2, lower // 5)


def cvrp_problem(instance: CvrpInstance) -> Problem:
    """The CVRP as a one-day problem of the optimizer's model (integer CVRPLIB distances)."""
    clients = tuple(
        Client(id=str(i), name=f"customer {i}", index=i, delivery=float(instance.demand[i]), visits_per_week=1)
        for i in range(1, instance.n_customers + 1)
    )
    van = VehicleType(name="vehicle", depot="depot", capacity=instance.capacity, count=cvrp_fleet_size(instance),
                      days=(1,))  # fmt: skip
    dist = instance.distance.astype(float)
    return Problem(
        depots=(Depot("depot", "depot", 0),),
        vehicle_types=(van,),
        clients=clients,
        km=dist,
        minutes=dist,
        days=(1,),
        period_days=1,
        demand_per_visit=True,
        name=instance.name,
    )


def solve_cvrp(
    instance: CvrpInstance, *, time_limit_s: float, seed: int = 0, engine: str = "ortools"
) -> tuple[list[list[int]], int]:
    """Solve a CVRP within ``time_limit_s`` seconds: routes as customer numbers, and their rounded cost.

    ``ortools``: the optimizer's routing engine (OR-Tools iterated local search). ``pyvrp``: PyVRP's hybrid
    genetic search (optional dependency), measured side by side in ``benchmarks/``.
    """
    if engine == "pyvrp":
        routes = _solve_cvrp_pyvrp(instance, time_limit_s, seed)
    elif engine == "ortools":
        problem = cvrp_problem(instance)
        visits = [DayVisit(i, int(instance.demand[i + 1]), 0) for i in range(instance.n_customers)]
        found, dropped = route_day(problem, 1, visits, SearchBudget(time_s=time_limit_s), seed=seed)
        if dropped:
            raise RuntimeError(f"{instance.name}: {len(dropped)} customers left unrouted")
        routes = [[c + 1 for c in r.clients] for r in found]
    else:
        raise ValueError(f"engine {engine!r}: use one of {', '.join(ENGINES)}")
    return routes, route_cost(instance, routes)


def _solve_cvrp_pyvrp(instance: CvrpInstance, time_limit_s: float, seed: int) -> list[list[int]]:
    try:
        import pyvrp
        from pyvrp.stop import MaxRuntime
    except ImportError as exc:  # optional dependency
        raise RuntimeError("the pyvrp engine needs PyVRP: pip install pyvrp") from exc
    model = pyvrp.Model()
    locations = [model.add_location(float(x), float(y)) for x, y in instance.coords]
    model.add_depot(locations[0])
    for i in range(1, instance.n_customers + 1):
        model.add_client(locations[i], delivery=int(instance.demand[i]))
    model.add_vehicle_type(num_available=instance.n_customers, capacity=instance.capacity)
    dist = instance.distance
    for i, a in enumerate(locations):
        for j, b in enumerate(locations):
            if i != j:
                model.add_edge(a, b, distance=int(dist[i, j]))
    result = model.solve(stop=MaxRuntime(time_limit_s), seed=seed, display=False)
    # activities: depot, clients (idx counts clients from 0), depot
    return [[int(a.idx) + 1 for a in r if a.is_client()] for r in result.best.routes()]
