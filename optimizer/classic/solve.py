"""The classical special cases, as external yardsticks: CVRP (CVRPLIB) and PVRP (Cordeau), solved by the same
engine and search that plan Hangjin."""

from __future__ import annotations

import math

from optimizer.classic.cvrplib import CvrpInstance, route_cost
from optimizer.errors import InputError, SolverError
from optimizer.model import Client, Depot, Problem, VehicleType
from optimizer.routing import DayVisit, SearchBudget, route_day
from optimizer.routing.pyvrp import solve_cvrp as pyvrp_cvrp

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
    if not (time_limit_s > 0 and math.isfinite(time_limit_s)):
        raise InputError(f"time limit {time_limit_s!r}: must be a positive number of seconds")
    if engine == "pyvrp":
        try:
            routes = pyvrp_cvrp(
                instance.coords, instance.distance, instance.demand, instance.capacity, time_limit_s=time_limit_s,
                seed=seed,
            )  # fmt: skip
        except (ValueError, RuntimeError, OverflowError) as exc:  # PyVRP's own checks of what we passed it
            raise SolverError(f"{instance.name}: PyVRP refused the instance: {exc}") from exc
    elif engine == "ortools":
        problem = cvrp_problem(instance)
        visits = [DayVisit(i, int(instance.demand[i + 1]), 0) for i in range(instance.n_customers)]
        found, dropped = route_day(problem, 1, visits, SearchBudget(time_s=time_limit_s), seed=seed)
        if dropped:
            raise SolverError(f"{instance.name}: {len(dropped)} customers left unrouted")
        routes = [[c + 1 for c in r.clients] for r in found]
    else:
        raise InputError(f"engine {engine!r}: use one of {', '.join(ENGINES)}")
    return routes, route_cost(instance, routes)
