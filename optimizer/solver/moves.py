"""Moves over visit days and routes, priced by insertion (no router): single-village pattern moves, cluster
perturbations, and ruin and recreate."""

from __future__ import annotations

import random
import time

from optimizer.model import Pattern, client_patterns
from optimizer.solver.reroute import day_key
from optimizer.solver.state import INF, Move, WeekState


def local_search(state: WeekState, rng: random.Random, deadline: float = float("inf")) -> set[int]:
    """First-improvement pattern moves until none improves (or ``deadline``, a ``perf_counter`` time, passes);
    returns the days changed."""
    changed: set[int] = set()
    improved = True
    while improved:
        improved = False
        order = list(range(len(state.patterns)))
        rng.shuffle(order)
        for c in order:
            if time.perf_counter() > deadline:
                return changed
            best_delta, best_move = cheapest_pattern(state, c, other_than=state.patterns[c])
            if best_delta < -1e-6:
                changed |= state.apply(best_move)
                improved = True
    return changed


def cheapest_pattern(state: WeekState, c: int, other_than: Pattern | None = None) -> tuple[float, Move | None]:
    """The allowed pattern (other than ``other_than``) whose move costs least for client ``c``: (cost change, move),
    the first of equals; (INF, None) if none is feasible."""
    best_delta, best_move = INF, None
    for pattern in client_patterns(state.problem, state.problem.clients[c]):
        if pattern == other_than:
            continue
        delta, move = state.move_delta(c, pattern)
        if delta < best_delta:
            best_delta, best_move = delta, move
    return best_delta, best_move


def perturb(state: WeekState, rng: random.Random, size: int) -> set[int]:
    """Move a cluster of up to ``size`` villages near a random one to the same days, together.

    Single-village moves priced by insertion cannot empty a day's run into another day; moving a cluster can.
    Each village takes its allowed pattern sharing the most days with the target (ties: random).
    """
    problem = state.problem
    flexible = [c for c, cl in enumerate(problem.clients) if len(client_patterns(problem, cl)) > 1]
    if not flexible:
        return set()
    seed = rng.choice(flexible)
    options = [p for p in client_patterns(problem, problem.clients[seed]) if p != state.patterns[seed]]
    target = rng.choice(options)
    here = problem.clients[seed].index
    near = sorted(flexible, key=lambda c: (problem.km[here, problem.clients[c].index], c))[:size]
    changed: set[int] = set()
    for c in near:
        choices = client_patterns(problem, problem.clients[c])
        best = max(len(p & target) for p in choices)
        pattern = rng.choice([p for p in choices if len(p & target) == best])
        if pattern == state.patterns[c]:
            continue
        delta, move = state.move_delta(c, pattern)
        if delta < INF:
            changed |= state.apply(move)
    return changed


def ruin(state: WeekState, rng: random.Random, size: int) -> list[int]:
    """Villages to take off: the ``size`` nearest to a random one, or those of a random run (whose villages may
    then move to other days, emptying it), or ``size`` at random."""
    problem = state.problem
    n = len(problem.clients)
    kind = rng.random()
    if kind < 0.25:
        runs = [s for d in sorted(state.routes) for _, s in sorted(state.routes[d].items()) if s]
        if runs:
            return list(dict.fromkeys(rng.choice(runs)))
    if kind < 0.4:
        return rng.sample(range(n), min(n, size))
    here = problem.clients[rng.randrange(n)].index
    return sorted(range(n), key=lambda c: (problem.km[here, problem.clients[c].index], c))[:size]


def ruin_recreate(state: WeekState, rng: random.Random, size: int) -> set[int]:
    """Take some villages off all their days (``ruin``), then put them back one by one, each on the allowed
    pattern and at the positions that add the least cost (ruin and recreate over days and routes at once);
    returns the days changed."""
    # villages with visits not placed go back first (up to ``size`` of them), before others take the room
    missed = sorted({c for c, _ in state.unserved})
    rng.shuffle(missed)
    missed = missed[:size]
    removed = [c for c in ruin(state, rng, size) if c not in missed]
    changed: set[int] = set()
    for c in missed + removed:
        changed |= state.remove(c)
    rng.shuffle(removed)
    if rng.random() < 0.5:  # the hardest first: most visits, then most parcels
        removed.sort(key=lambda c: (-len(state.patterns[c]), -sum(max(state.loads[(c, d)]) for d in state.patterns[c])))
    for c in missed + removed:
        _, best_move = cheapest_pattern(state, c)
        if best_move is not None:
            changed |= state.apply(best_move)
    return changed


def lns(
    state: WeekState, rng: random.Random, moves: int, max_size: int, margin: float, deadline: float
) -> tuple[WeekState, set[int]]:
    """``moves`` rounds of ruin and recreate, carrying on from any result within ``margin`` (relative) of the
    best of the rounds; returns the best state and the days changed."""
    start = state
    best, best_cost = state, state.cost()
    cost = best_cost
    for _ in range(moves):
        if time.perf_counter() > deadline:
            break
        trial = state.copy()
        ruin_recreate(trial, rng, 2 + rng.randrange(max_size - 1))
        trial_cost = trial.cost()
        if trial_cost <= cost + 1e-9 or trial_cost <= best_cost * (1.0 + margin):
            state, cost = trial, trial_cost
            if cost < best_cost - 1e-9:
                best, best_cost = state.copy(), cost
    return best, {d for d in state.problem.days if day_key(best, d) != day_key(start, d)}
