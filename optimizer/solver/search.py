"""Solve the periodic VRP: choose visit days, route every day with the router, improve the day choice around it.

1. Construct: each village takes the allowed pattern whose days already hold its nearest neighbours, with
   a penalty for days whose fleet capacity fills up (``construct``).
2. Route every day (``reroute``, through ``optimizer.routing``).
3. Improve until the budget ends (``stop``). Each iteration: perturb a cluster of villages towards new patterns;
   run rounds of ruin and recreate (villages taken off all their days and put back on the allowed pattern and
   positions that add least, priced by ``WeekState.best_insertion``; record-to-record acceptance); move single
   villages between patterns while that pays (``moves``); improve the routes of the days that changed by OR-Tools'
   local search, starting from them, then let OR-Tools route those days afresh (less often while that rarely wins,
   ``budgets``); every ``joint_every`` iterations route the whole week afresh in one model, so once-a-week villages
   may change day; a day or week keeps new routes only if cheaper. Carry on from the result if it is within a
   shrinking margin of the best, else go back to the best.
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
from collections.abc import Callable
from dataclasses import replace

from optimizer.model import Problem, Result, client_patterns, plan_stats
from optimizer.routing import router_named
from optimizer.solver.budgets import adapt, adapt_every, capped
from optimizer.solver.construct import initial_patterns
from optimizer.solver.moves import lns, local_search, perturb
from optimizer.solver.params import SolveParams
from optimizer.solver.prepare import prepare
from optimizer.solver.reroute import RouterUse, day_key, route_days, route_jointly
from optimizer.solver.state import WeekState
from optimizer.solver.stop import BY_TIME, Stop

log = logging.getLogger(__name__)

# (seconds, best weekly cost without the placeholder charge for required visits not yet placed, iteration,
#  visits not placed)
Progress = Callable[[float, float, int, int], None]


def solve(
    problem: Problem,
    params: SolveParams | None = None,
    progress: Progress | None = None,
    *,
    started: float | None = None,
) -> Result:
    """Plan the week: the cheapest plan found within the budget, with its figures and search history.

    ``started``: the ``time.perf_counter`` time the time limit counts from (default: now; ``run_scenario`` passes
    when it began reading the data). Every phase ends by the limit: the first plan's day choice and routing and the
    search loop by ``loop_share`` of it, the polish by the limit itself (``Stop``). If the limit passes before
    every day has been routed once, the result holds what was routed, the rest unserved (``stopped_by`` says
    "time limit"; ``require_served`` then names the visits).

    Raises ``InfeasibleError`` (naming the villages and constraints) when no plan can exist.
    """
    params = params or SolveParams()
    stop = Stop(params.time_limit_s, params.iterations, **({} if started is None else {"start": started}))
    problem = prepare(problem)
    rng = random.Random(params.seed)
    elapsed, left = stop.elapsed, stop.left
    use = RouterUse(router_named(params.router))

    # once-a-week villages with a choice of day: their day is chosen by routing several days in one model
    flexible = any(len(ps) > 1 and len(ps[0]) == 1 for ps in (client_patterns(problem, c) for c in problem.clients))

    state = WeekState(problem, initial_patterns(problem, rng, stop.cap), {})
    if flexible:
        construct = capped(params.construct, left(), 1)
        route_jointly(state, set(problem.days), construct, params.seed, keep_better=False, deadline=stop.cap, use=use)
    else:
        construct = capped(params.construct, left(), len(problem.days))
        route_days(state, problem.days, construct, params.seed, keep_better=False, deadline=stop.cap, use=use)
    best, best_cost = state.copy(), state.cost()
    history = [(elapsed(), best_cost)]
    first_feasible = elapsed() if not state.unserved or problem.unserved_penalty is not None else None

    def report(iteration: int) -> None:
        if progress:
            missed = len(best.unserved)
            placeholder = missed * best.missed_cost() if problem.unserved_penalty is None else 0.0
            progress(elapsed(), best_cost - placeholder, iteration, missed)

    report(0)

    iteration = 0
    routed: dict[int, tuple] = {}  # each day's routes and loads when OR-Tools last improved it
    fresh_every, calls, wins = 1, 0, 0  # routing changed days afresh: every so many iterations; calls and wins
    joint, joint_calls, joint_wins = params.joint, 0, 0
    while not stop.done(iteration):  # the last tenth of the time is for the polish
        iteration += 1
        size = 1 + rng.randrange(params.perturb_size)
        changed = perturb(state, rng, size) if iteration > 1 else set()
        state, touched = lns(state, rng, params.lns_moves, params.lns_size, params.lns_margin, stop.cap)
        changed |= touched
        changed |= local_search(state, rng, stop.cap)
        # OR-Tools' local search from the routes at hand mends what the insertion-priced moves left (skipping days
        # improved as they are now; an iteration begun near the cap must not overrun it)
        todo = {d for d in changed if routed.get(d) != day_key(state, d)}
        budget = capped(params.improve, left(), len(todo))
        route_days(
            state, todo, budget, params.seed + iteration, keep_better=True, warm=True, deadline=stop.cap, use=use
        )
        if todo and iteration % fresh_every == 0:
            # routing afresh wins where days are small; on large days it rarely beats the mended routes
            calls += len(todo)
            budget = capped(params.reoptimise, left(), len(todo))
            wins += route_days(
                state, todo, budget, params.seed + iteration, keep_better=True, deadline=stop.cap, use=use
            )
            if calls >= 2 * len(problem.days):
                fresh_every = adapt_every(fresh_every, wins / calls)
                calls = wins = 0
        routed.update((d, day_key(state, d)) for d in todo)
        if flexible and iteration % params.joint_every == 0:
            # once-a-week villages may change day across the whole week
            joint_calls += 1
            joint_wins += route_jointly(
                state, set(problem.days), capped(joint, left(), 1), params.seed + iteration, keep_better=True,
                deadline=stop.cap, use=use,
            )  # fmt: skip
            if joint_calls >= 2:
                joint = adapt(joint, joint_wins / joint_calls, params.joint)
                joint_calls = joint_wins = 0
        cost = state.cost()
        # record-to-record travel: carry on from a plan slightly worse than the best, less so as the run ends
        threshold = params.accept_worse * max(0.0, 1.0 - stop.fraction(iteration))
        if cost < best_cost - 1e-6:
            best, best_cost = state.copy(), cost
            history.append((elapsed(), best_cost))
            if first_feasible is None and not state.unserved:
                first_feasible = elapsed()
            report(iteration)
            log.info("iteration %d: weekly cost %.2f at %.1f s", iteration, best_cost, elapsed())
        elif cost > best_cost * (1.0 + threshold):
            state = best.copy()
    stop.note_clock()

    # polish: every day of the best plan once more with a larger OR-Tools budget. A run bounded by work polishes by
    # work too (reproducible while it ends within the limit); a run the clock stopped gets what time is left.
    polish = params.polish
    if stop.stopped_by == BY_TIME:
        polish = replace(polish, time_s=stop.polish_time_s(len(problem.days)), solutions=None)
    route_days(best, problem.days, polish, params.seed - 1, keep_better=True, deadline=stop.deadline, use=use)
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
        stopped_by=stop.stopped_by,
        history=history,
        first_feasible_s=first_feasible,
        router=params.router,
        routed_by=dict(sorted(best.routed_by.items())),
        router_fallbacks=[{"day": day, "reason": why, "models": n} for (day, why), n in sorted(use.fallbacks.items())],
        time_limit_s=params.time_limit_s,
    )
