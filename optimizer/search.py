"""Solve the periodic VRP: choose visit days, route every day with OR-Tools, improve the day choice around it.

1. Construct: each village takes the allowed pattern whose days already hold its nearest neighbours, with
   a penalty for days whose fleet capacity fills up.
2. Route every day with OR-Tools (``optimizer.engine``).
3. Improve until the budget ends. Each iteration: perturb a cluster of villages towards new patterns; run rounds of
   ruin and recreate (villages taken off all their days and put back on the allowed pattern and positions that add
   least, priced by ``WeekState.best_insertion``; record-to-record acceptance); move single villages between
   patterns while that pays; improve the routes of the days that changed by OR-Tools' local search, starting from
   them, then let OR-Tools route those days afresh (less often while that rarely wins); every ``joint_every``
   iterations route the whole week afresh in one model, so once-a-week villages may change day; a day or week
   keeps new routes only if cheaper. Carry on from the result if it is within a shrinking margin of the best, else
   go back to the best.
4. Polish: OR-Tools routes every day of the best plan afresh with a larger budget; a day keeps the cheaper routes.

OR-Tools' iterated local search starts from nothing each call (it cannot start from given routes): on a 50-visit day
it soon beats the routes at hand, on a 120-visit day it needs seconds. Its local search from the routes at hand
mends the insertion moves' damage in a fraction of that, so every changed day gets it, and the fresh routing backs
off where it does not pay.

The search is bounded by work (iterations, OR-Tools solution counts, local search to a local optimum) so the same
inputs and seed give the same plan; the time limit is a safety cap, and a run it stops says so in
``Result.stopped_by`` (its polish then gets the time left).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from optimizer.engine import SearchBudget, WeekVisit, route_week
from optimizer.evaluate import plan_stats
from optimizer.feasibility import prepare
from optimizer.model import Pattern, Problem, client_patterns, visit_loads
from optimizer.solution import Result
from optimizer.week import INF, WeekState

log = logging.getLogger(__name__)

# (seconds, best weekly cost without the placeholder charge for required visits not yet placed, iteration,
#  visits not placed)
Progress = Callable[[float, float, int, int], None]


@dataclass(frozen=True)
class SolveParams:
    """Search effort. ``iterations`` perturbation rounds (None: until ``time_limit_s``). OR-Tools gets
    ``construct`` for the first routing of each day; ``improve`` for its local search from the routes at hand after
    each iteration (to a local optimum, at most ``improve.time_s`` a day); ``reoptimise`` for routing a changed
    day afresh (tried less often while it rarely wins); ``joint`` for routing the whole week afresh in one model
    (once-a-week villages; its solution budget doubles while it rarely wins); ``polish`` for the last routing."""

    time_limit_s: float = 60.0
    iterations: int | None = 40
    seed: int = 0
    construct: SearchBudget = field(default_factory=lambda: SearchBudget(time_s=2.0, solutions=30))
    improve: SearchBudget = field(default_factory=lambda: SearchBudget(time_s=5.0, solutions=None))
    reoptimise: SearchBudget = field(default_factory=lambda: SearchBudget(time_s=5.0, solutions=60))
    joint: SearchBudget = field(default_factory=lambda: SearchBudget(time_s=5.0, solutions=60))
    polish: SearchBudget = field(default_factory=lambda: SearchBudget(time_s=10.0, solutions=300))
    perturb_size: int = 12
    lns_moves: int = 100  # ruin-and-recreate rounds per iteration (cheap: priced by insertion, no OR-Tools)
    lns_size: int = 15  # villages removed per round, at most (at least 2)
    lns_margin: float = 0.002  # relative margin over the best of the rounds for carrying on
    accept_worse: float = 0.01  # relative margin over the best for carrying on (decays to 0 over the run)
    joint_every: int = 10  # route the whole week afresh in one model every so many iterations (once-a-week villages)


def initial_patterns(problem: Problem, rng: random.Random) -> list[Pattern]:
    """Greedy pattern choice: nearest already-placed neighbour per day, penalised as the day's capacity fills."""
    day_capacity = {
        d: sum(problem.vehicle_types[t].capacity for t, _ in problem.vehicles_on(d)) or 1 for d in problem.days
    }
    day_load = dict.fromkeys(problem.days, 0.0)
    placed: dict[int, list[int]] = {d: [] for d in problem.days}
    depots = [d.index for d in problem.depots]
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
        best: tuple[float, Pattern] | None = None
        for pattern in client_patterns(problem, client):
            score = 0.0
            for day, (down, up) in visit_loads(problem, client, pattern).items():
                near = [problem.clients[o].index for o in placed[day]] + depots
                nn = min(min(problem.km[client.index, x], problem.km[x, client.index]) for x in near)
                fill = (day_load[day] + max(down, up)) / day_capacity[day]
                score += nn * (1.0 + fill) + (10 * scale * (fill - 1.0) if fill > 1.0 else 0.0)
            if best is None or score < best[0] - 1e-9:
                best = (score, pattern)
        assert best is not None  # prepare() guarantees at least one pattern
        patterns[c] = best[1]
        for day, (down, up) in visit_loads(problem, client, best[1]).items():
            day_load[day] += max(down, up)
            placed[day].append(c)
    return patterns  # type: ignore[return-value]


def _route_days(
    state: WeekState, days, budget: SearchBudget, seed: int, *, keep_better: bool, warm: bool = False
) -> int:
    """Route each of ``days`` with OR-Tools, in place; with ``keep_better`` a day keeps its routes unless
    OR-Tools finds cheaper ones; with ``warm`` OR-Tools improves the day's routes instead of starting afresh.
    Returns how many days took new routes."""
    return sum(
        _route_jointly(state, {day}, budget, seed * 10 + day, keep_better=keep_better, warm=warm)
        for day in sorted(days)
    )


def _route_jointly(
    state: WeekState, days: set[int], budget: SearchBudget, seed: int, *, keep_better: bool, warm: bool = False
) -> bool:
    """Route ``days`` in one OR-Tools model, in place.

    Once-a-week villages due on one of these days may move to any other of them that their patterns allow (the
    routing chooses). With ``keep_better`` the days keep their current routes unless OR-Tools finds cheaper ones.
    Returns whether the days took the new routes.
    """
    problem = state.problem
    if not days:
        return False
    visits = []
    for c, pattern in enumerate(state.patterns):
        due = sorted(pattern & days)
        if not due:
            continue
        if len(pattern) == 1:  # once a week: any allowed single day among those rerouted
            allowed = {d for p in client_patterns(problem, problem.clients[c]) if len(p) == 1 for d in p} & days
            visits.append(WeekVisit(c, tuple(sorted(allowed | set(due))), *state.loads[(c, due[0])]))
        else:
            visits += [WeekVisit(c, (d,), *state.loads[(c, d)]) for d in due]
    start = None
    if warm:
        start = {(d, *v): stops for d in days for v, stops in state.routes.get(d, {}).items() if stops}
    routes, dropped = route_week(problem, visits, budget, seed=seed, start=start)
    trial = state.copy()
    for route in routes:
        for c in route.clients:
            if len(trial.patterns[c]) == 1 and route.day not in trial.patterns[c]:
                trial.patterns[c] = frozenset({route.day})
                trial._set_loads(c, trial.patterns[c])
    for d in days:
        trial.routes[d] = {}
    for route in routes:
        trial.routes[route.day][(route.vehicle_type, route.vehicle)] = list(route.clients)
    missed = {(v.client, d) for v in dropped for d in v.days if d in trial.patterns[v.client]}
    trial.unserved = {u for u in trial.unserved if u[1] not in days} | missed
    if keep_better:

        def cost(s: WeekState) -> float:
            return sum(s.day_cost(d) for d in days) + s.missed_cost() * sum(1 for u in s.unserved if u[1] in days)

        if cost(trial) >= cost(state) - 1e-9:
            return False
    state.patterns, state.routes, state.unserved, state.loads = (
        trial.patterns,
        trial.routes,
        trial.unserved,
        trial.loads,
    )
    state.forget_costs()
    return True


def _local_search(state: WeekState, rng: random.Random, deadline: float = float("inf")) -> set[int]:
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
            best_delta, best_move = _cheapest_pattern(state, c, other_than=state.patterns[c])
            if best_delta < -1e-6:
                changed |= state.apply(c, best_move)
                improved = True
    return changed


def _cheapest_pattern(state: WeekState, c: int, other_than: Pattern | None = None) -> tuple[float, dict | None]:
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


def _perturb(state: WeekState, rng: random.Random, size: int) -> set[int]:
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
            changed |= state.apply(c, move)
    return changed


def _ruin(state: WeekState, rng: random.Random, size: int) -> list[int]:
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


def _ruin_recreate(state: WeekState, rng: random.Random, size: int) -> set[int]:
    """Take some villages off all their days (``_ruin``), then put them back one by one, each on the allowed
    pattern and at the positions that add the least cost (ruin and recreate over days and routes at once);
    returns the days changed."""
    # villages with visits not placed go back first (up to ``size`` of them), before others take the room
    missed = sorted({c for c, _ in state.unserved})
    rng.shuffle(missed)
    missed = missed[:size]
    removed = [c for c in _ruin(state, rng, size) if c not in missed]
    changed: set[int] = set()
    for c in missed + removed:
        changed |= state.remove(c)
    rng.shuffle(removed)
    if rng.random() < 0.5:  # the hardest first: most visits, then most parcels
        removed.sort(key=lambda c: (-len(state.patterns[c]), -sum(max(state.loads[(c, d)]) for d in state.patterns[c])))
    for c in missed + removed:
        _, best_move = _cheapest_pattern(state, c)
        if best_move is not None:
            changed |= state.apply(c, best_move)
    return changed


def _lns(
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
        _ruin_recreate(trial, rng, 2 + rng.randrange(max_size - 1))
        trial_cost = trial.cost()
        if trial_cost <= cost + 1e-9 or trial_cost <= best_cost * (1.0 + margin):
            state, cost = trial, trial_cost
            if cost < best_cost - 1e-9:
                best, best_cost = state.copy(), cost
    return best, {d for d in state.problem.days if _day_key(best, d) != _day_key(start, d)}


def _day_key(state: WeekState, day: int) -> tuple:
    """A day's routes with the parcels of each stop: equal keys, equal routing problems and solutions."""
    return tuple(
        (v, tuple((c, state.loads[(c, day)]) for c in stops))
        for v, stops in sorted(state.routes.get(day, {}).items())
        if stops
    )


def _capped(budget: SearchBudget, left_s: float, calls: int) -> SearchBudget:
    """``budget`` with its time cut so that ``calls`` OR-Tools calls fit in ``left_s`` seconds (0.05 s each at
    least); unchanged while there is time to spare, so work-bounded runs stay reproducible."""
    share = max(0.05, left_s / max(1, calls))
    return budget if share >= budget.time_s else replace(budget, time_s=share)


def _by_success(value: int, success: float, low: int, high: int) -> int:
    """Double ``value`` when fewer than a fifth of OR-Tools' routings won, halve it when over half did, within
    [``low``, ``high``]."""
    if success < 0.2:
        return min(high, 2 * value)
    if success > 0.5:
        return max(low, value // 2)
    return value


def _adapt(budget: SearchBudget, success: float, low: SearchBudget) -> SearchBudget:
    """OR-Tools' solution budget by ``_by_success``, within [``low``, 16 x ``low``]."""
    if budget.solutions is None or low.solutions is None:
        return budget
    return replace(budget, solutions=_by_success(budget.solutions, success, low.solutions, 16 * low.solutions))


def _adapt_every(every: int, success: float) -> int:
    """Route afresh every so many iterations, by ``_by_success``: half as often while it rarely wins (1 to 16)."""
    return _by_success(every, success, 1, 16)


def solve(problem: Problem, params: SolveParams | None = None, progress: Progress | None = None) -> Result:
    """Plan the week: the cheapest plan found within the budget, with its figures and search history.

    Raises ``InfeasibleError`` (naming the villages and constraints) when no plan can exist.
    """
    params = params or SolveParams()
    start = time.perf_counter()
    problem = prepare(problem)
    rng = random.Random(params.seed)

    def elapsed() -> float:
        return time.perf_counter() - start

    # once-a-week villages with a choice of day: their day is chosen by routing several days in one model
    flexible = any(len(ps) > 1 and len(ps[0]) == 1 for ps in (client_patterns(problem, c) for c in problem.clients))
    cap = start + 0.9 * params.time_limit_s  # the search loop's end; the last tenth is for the polish

    def left() -> float:
        return cap - time.perf_counter()

    state = WeekState(problem, initial_patterns(problem, rng), {})
    if flexible:
        _route_jointly(state, set(problem.days), _capped(params.construct, left(), 1), params.seed, keep_better=False)
    else:
        construct = _capped(params.construct, left(), len(problem.days))
        _route_days(state, problem.days, construct, params.seed, keep_better=False)
    best, best_cost = state.copy(), state.cost()
    history = [(elapsed(), best_cost)]
    first_feasible = elapsed() if not state.unserved or problem.unserved_penalty is not None else None

    def report(iteration: int) -> None:
        if progress:
            missed = len(best.unserved)
            placeholder = missed * best.missed_cost() if problem.unserved_penalty is None else 0.0
            progress(elapsed(), best_cost - placeholder, iteration, missed)

    report(0)

    iteration, stopped_by = 0, "iterations"
    routed: dict[int, tuple] = {}  # each day's routes and loads when OR-Tools last improved it
    fresh_every, calls, wins = 1, 0, 0  # routing changed days afresh: every so many iterations; calls and wins
    joint, joint_calls, joint_wins = params.joint, 0, 0
    while params.iterations is None or iteration < params.iterations:
        if left() <= 0:  # the last tenth is for the polish
            stopped_by = "time limit"
            break
        iteration += 1
        size = 1 + rng.randrange(params.perturb_size)
        changed = _perturb(state, rng, size) if iteration > 1 else set()
        state, touched = _lns(state, rng, params.lns_moves, params.lns_size, params.lns_margin, cap)
        changed |= touched
        changed |= _local_search(state, rng, cap)
        # OR-Tools' local search from the routes at hand mends what the insertion-priced moves left (skipping days
        # improved as they are now; an iteration begun near the cap must not overrun it)
        todo = {d for d in changed if routed.get(d) != _day_key(state, d)}
        budget = _capped(params.improve, left(), len(todo))
        _route_days(state, todo, budget, params.seed + iteration, keep_better=True, warm=True)
        if todo and iteration % fresh_every == 0:
            # routing afresh wins where days are small; on large days it rarely beats the mended routes
            calls += len(todo)
            budget = _capped(params.reoptimise, left(), len(todo))
            wins += _route_days(state, todo, budget, params.seed + iteration, keep_better=True)
            if calls >= 2 * len(problem.days):
                fresh_every = _adapt_every(fresh_every, wins / calls)
                calls = wins = 0
        routed.update((d, _day_key(state, d)) for d in todo)
        if flexible and iteration % params.joint_every == 0:
            # once-a-week villages may change day across the whole week
            joint_calls += 1
            joint_wins += _route_jointly(
                state, set(problem.days), _capped(joint, left(), 1), params.seed + iteration, keep_better=True
            )
            if joint_calls >= 2:
                joint = _adapt(joint, joint_wins / joint_calls, params.joint)
                joint_calls = joint_wins = 0
        cost = state.cost()
        # record-to-record travel: carry on from a plan slightly worse than the best, less so as the run ends
        progress_fraction = iteration / params.iterations if params.iterations else elapsed() / params.time_limit_s
        threshold = params.accept_worse * max(0.0, 1.0 - progress_fraction)
        if cost < best_cost - 1e-6:
            best, best_cost = state.copy(), cost
            history.append((elapsed(), best_cost))
            if first_feasible is None and not state.unserved:
                first_feasible = elapsed()
            report(iteration)
            log.info("iteration %d: weekly cost %.2f at %.1f s", iteration, best_cost, elapsed())
        elif cost > best_cost * (1.0 + threshold):
            state = best.copy()
    if left() <= 0:  # the clock, not the work budget, may have cut the search short
        stopped_by = "time limit"

    # polish: every day of the best plan once more with a larger OR-Tools budget. A run bounded by work polishes by
    # work too (reproducible, a few seconds past the cap at most); a run the clock stopped gets what time is left.
    polish = params.polish
    if stopped_by == "time limit":
        per_day = max(0.05, (params.time_limit_s - elapsed()) / len(problem.days))
        polish = replace(polish, time_s=per_day, solutions=None)
    _route_days(best, problem.days, polish, params.seed - 1, keep_better=True)
    if best.cost() < best_cost - 1e-6:
        best_cost = best.cost()
        history.append((elapsed(), best_cost))
        report(iteration)
    plan = best.to_plan()
    return Result(
        plan=plan,
        stats=plan_stats(problem, plan),
        runtime_s=elapsed(),
        iterations=iteration,
        stopped_by=stopped_by,
        history=history,
        first_feasible_s=first_feasible,
    )
