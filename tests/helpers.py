"""Small problems built by hand for optimizer tests."""

from __future__ import annotations

import itertools
import math

import numpy as np

from optimizer import Client, Depot, Problem, VehicleType
from optimizer.model import client_patterns, visit_loads


def euclid(points: list[tuple[float, float]]) -> np.ndarray:
    xy = np.array(points, dtype=float)
    return np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1))


def small_problem(
    points: list[tuple[float, float]],
    demands: list[float],
    *,
    capacity: int,
    vehicles: int,
    days: tuple[int, ...],
    visits: int = 1,
    per_visit: bool = True,
    pickups: list[float] | None = None,
    fixed_cost: float = 0.0,
    max_shift: float = math.inf,
) -> Problem:
    """Depot at points[0]; client i at points[i+1]."""
    dist = euclid(points)
    clients = tuple(
        Client(id=f"c{i}", name=f"村{i}", name_pinyin=f"Cun {i}", index=i + 1, delivery=d,
               pickup=(pickups or [0.0] * len(demands))[i], visits_per_week=visits)
        for i, d in enumerate(demands)
    )  # fmt: skip
    van = VehicleType("van", "D", capacity, vehicles, days, fixed_cost, 1.0, max_shift)
    return Problem(
        depots=(Depot("D", "仓", 0),), vehicle_types=(van,), clients=clients, km=dist, minutes=dist, days=days,
        period_days=len(days) if per_visit else 7, demand_per_visit=per_visit,
    )  # fmt: skip


def _best_day_cost(problem: Problem, day_clients: list[int], loads, day: int) -> float:
    """Optimal cost of one day by enumerating ordered partitions into at most ``count`` routes."""
    vt = problem.vehicle_types[0]
    dist = problem.km
    best = math.inf
    n = len(day_clients)
    if n == 0:
        return 0.0
    for perm in itertools.permutations(day_clients):
        # cut the permutation into up to vt.count consecutive routes
        for cuts in itertools.product([0, 1], repeat=n - 1):
            if sum(cuts) + 1 > vt.count:
                continue
            routes, cur = [], [perm[0]]
            for c, cut in zip(perm[1:], cuts, strict=True):
                if cut:
                    routes.append(cur)
                    cur = []
                cur.append(c)
            routes.append(cur)
            total = 0.0
            ok = True
            for r in routes:
                on_board = sum(loads[(c, day)][0] for c in r)
                peak = on_board
                for c in r:
                    on_board += loads[(c, day)][1] - loads[(c, day)][0]
                    peak = max(peak, on_board)
                if peak > vt.capacity:
                    ok = False
                    break
                path = [0] + [problem.clients[c].index for c in r] + [0]
                total += sum(dist[a, b] for a, b in itertools.pairwise(path)) + vt.fixed_cost_per_day
            if ok:
                best = min(best, total)
    return best


def optimum_by_enumeration(problem: Problem) -> float:
    """The optimal weekly cost of a tiny problem: every pattern assignment, every day's best routes."""
    options = [client_patterns(problem, c) for c in problem.clients]
    best = math.inf
    for choice in itertools.product(*options):
        loads = {}
        for k, pattern in enumerate(choice):
            for d, load in visit_loads(problem, problem.clients[k], pattern).items():
                loads[(k, d)] = load
        total = 0.0
        for day in problem.days:
            total += _best_day_cost(problem, [k for k, p in enumerate(choice) if day in p], loads, day)
            if total >= best:
                break
        best = min(best, total)
    return best
