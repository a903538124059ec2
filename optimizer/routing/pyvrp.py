"""PyVRP models: the hybrid genetic search as a router for problems it expresses directly (today the plain CVRP of
``ruralpost cvrp --engine pyvrp``).

PyVRP needs integer distances and demands; the callers pass them integer already (CVRPLIB's rounded distances).
"""

from __future__ import annotations

import numpy as np

from optimizer.errors import SolverError


def solve_cvrp(
    coords: np.ndarray, distance: np.ndarray, demand: np.ndarray, capacity: int, *, time_limit_s: float, seed: int
) -> list[list[int]]:
    """A single-depot CVRP (node 0 the depot; ``distance`` integer, ``demand`` integer parcels) by PyVRP's hybrid
    genetic search for ``time_limit_s`` seconds: routes as lists of node numbers 1..n."""
    try:
        import pyvrp
        from pyvrp.stop import MaxRuntime
    except ImportError as exc:  # a dependency, but a broken install should say what is missing
        raise SolverError("the pyvrp engine needs PyVRP: pip install pyvrp") from exc
    model = pyvrp.Model()
    locations = [model.add_location(float(x), float(y)) for x, y in coords]
    model.add_depot(locations[0])
    n = len(locations) - 1
    for i in range(1, n + 1):
        model.add_client(locations[i], delivery=int(demand[i]))
    model.add_vehicle_type(num_available=n, capacity=int(capacity))
    for i, a in enumerate(locations):
        for j, b in enumerate(locations):
            if i != j:
                model.add_edge(a, b, distance=int(distance[i, j]))
    result = model.solve(stop=MaxRuntime(time_limit_s), seed=seed, display=False)
    # activities: depot, clients (idx counts clients from 0), depot
    return [[int(a.idx) + 1 for a in r if a.is_client()] for r in result.best.routes()]
