"""The first plan's visit days: a greedy choice that puts each village on the days of its nearest neighbours."""

from __future__ import annotations

import random
import time

import numpy as np

from optimizer.model import Pattern, Problem, client_patterns, visit_loads


def initial_patterns(problem: Problem, rng: random.Random, deadline: float = float("inf")) -> list[Pattern]:
    """Greedy pattern choice: nearest already-placed neighbour per day, penalised as the day's capacity fills (with
    weekly fleet costs, as the day passes an even share of the week's parcels). Villages still to place when
    ``deadline`` (a ``perf_counter`` time) passes take their first allowed pattern."""
    day_capacity = {
        d: sum(problem.vehicle_types[t].capacity for t, _ in problem.vehicles_on(d)) or 1 for d in problem.days
    }
    if problem.has_fleet_cost:
        # vehicles cost per week in the fleet, which the busiest day sets: fill the days evenly
        work = sum(
            max(down, up)
            for c in problem.clients
            for down, up in visit_loads(problem, c, client_patterns(problem, c)[0]).values()
        )
        day_capacity = dict.fromkeys(problem.days, max(1.0, work / len(problem.days)))
    day_load = dict.fromkeys(problem.days, 0.0)
    depots = [d.index for d in problem.depots]
    # matrix rows of the depots and of the villages placed on each day
    placed = {d: list(depots) for d in problem.days}
    km = problem.km
    scale = float(problem.km.mean()) or 1.0
    order = sorted(
        range(len(problem.clients)),
        key=lambda c: (
            len(client_patterns(problem, problem.clients[c])),
            -problem.clients[c].visits_per_week,
            -min(problem.km[d, problem.clients[c].index] for d in depots),
            rng.random(),
        ),
    )
    patterns: list[Pattern | None] = [None] * len(problem.clients)
    for c in order:
        client = problem.clients[c]
        if time.perf_counter() > deadline:
            patterns[c] = client_patterns(problem, client)[0]
            continue
        best: tuple[float, Pattern] | None = None
        for pattern in client_patterns(problem, client):
            score = 0.0
            for day, (down, up) in visit_loads(problem, client, pattern).items():
                near = placed[day]
                nn = float(np.minimum(km[client.index, near], km[near, client.index]).min())
                fill = (day_load[day] + max(down, up)) / day_capacity[day]
                score += nn * (1.0 + fill) + (10 * scale * (fill - 1.0) if fill > 1.0 else 0.0)
            if best is None or score < best[0] - 1e-9:
                best = (score, pattern)
        assert best is not None  # prepare() guarantees at least one pattern
        patterns[c] = best[1]
        for day, (down, up) in visit_loads(problem, client, best[1]).items():
            day_load[day] += max(down, up)
            placed[day].append(client.index)
    return patterns  # type: ignore[return-value]
