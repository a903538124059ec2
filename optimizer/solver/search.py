"""Solve the periodic VRP: a hybrid genetic search over visit days and routes, then the day router's polish.

1. The genetic search (``genetic``) on the problem's arrays (``arrays``): a population of week plans (day pattern
   per village and routes per day) educated by route and pattern moves in compiled code (``_kernels``),
   crossover on day choices, penalties for capacity and shift overruns that adapt. Its clock cap is ``loop_share``
   of the time limit.
2. The polish: with once-a-week villages free to change day, OR-Tools' week model routes the whole week in one
   model; then the day router (``SolveParams.router``: OR-Tools or PyVRP) routes every day of the best plan afresh;
   a day (or the week) keeps the cheaper routes.

Bounded by work (children, router solution counts), so the same inputs and seed give the same plan; the time limit
is a cap, and a run it stops says so in ``Result.stopped_by`` (its polish then gets the time left).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace

from optimizer.model import Plan, Problem, Result, client_patterns, plan_stats
from optimizer.routing import router_named
from optimizer.solver._kernels import entry
from optimizer.solver.arrays import encode
from optimizer.solver.genetic import GeneticSearch
from optimizer.solver.individual import Individual
from optimizer.solver.params import SolveParams
from optimizer.solver.prepare import prepare
from optimizer.solver.reroute import RouterCall, RouterUse, route_days, route_jointly
from optimizer.solver.state import WeekState
from optimizer.solver.stop import BY_TIME, Stop

log = logging.getLogger(__name__)

# (seconds, best weekly cost, iteration, visits not placed)
Progress = Callable[[float, float, int, int], None]
GENETIC = "genetic"  # `routed_by` of a day whose routes the genetic search made and no router bettered
SHED_PENALTY = 1e6  # yuan a parcel or minute over while shedding visits from a plan that found no feasible one


def solve(
    problem: Problem,
    params: SolveParams | None = None,
    progress: Progress | None = None,
    *,
    started: float | None = None,
) -> Result:
    """Plan the week: the cheapest plan found within the budget, with its figures and search history.

    ``started``: the ``time.perf_counter`` time the time limit counts from (default: now, after the search's
    kernels are compiled or loaded; ``run_scenario`` passes when it began reading the data). The genetic search
    ends by ``loop_share`` of the limit, the polish by the limit itself (``Stop``). If no plan serving every
    required visit was found, the best one is returned with the visits its runs could not carry unserved
    (``require_served`` then names them).

    Raises ``InfeasibleError`` (naming the villages and constraints) when no plan can exist.
    """
    params = params or SolveParams()
    warm_up()
    stop = Stop(params.time_limit_s, params.iterations, **({} if started is None else {"start": started}))
    problem = prepare(problem)
    use = RouterUse(router_named(params.router))
    history: list[tuple[float, float]] = []
    first_feasible: list[float] = []

    def on_best(ind: Individual, iteration: int) -> None:
        history.append((stop.elapsed(), ind.plan_cost))
        if not first_feasible:
            first_feasible.append(stop.elapsed())
        if progress:
            progress(stop.elapsed(), ind.plan_cost, iteration, 0)

    if not problem.clients:
        plan = Plan((), ())
        return _result(problem, params, plan, stop, 0, history, stop.elapsed(), use, {})
    wa = encode(problem, params.granular)
    search = GeneticSearch(wa, params, stop, on_best)
    outcome = search.run()
    best = outcome.best
    if best is None:  # serve what the runs can carry; the rest is unserved
        search.work.load(outcome.best_infeasible)
        search.work.weights(SHED_PENALTY, SHED_PENALTY)
        search.work.shed()
        best = search.work.read()
        if problem.unserved_penalty is not None:
            history.append((stop.elapsed(), best.plan_cost))
            first_feasible.append(stop.elapsed())
        if progress:
            progress(stop.elapsed(), best.plan_cost, outcome.iterations, int(best.figures[entry.MISSED]))
    log.info("genetic search: %d children, %d educations, best %.2f", outcome.iterations, outcome.educations,
             best.cost)  # fmt: skip
    state = WeekState.from_plan(problem, best.to_plan(problem))
    state.routed_by = dict.fromkeys(problem.days, GENETIC)  # until a router betters a day
    before = state.cost()
    _polish(problem, state, params, stop, use)
    if state.cost() < before - 1e-6 and history:
        history.append((stop.elapsed(), state.cost() - state.calls_cost()))
        if progress:
            progress(stop.elapsed(), history[-1][1], outcome.iterations, len(state.unserved))
    routed_by = {d: by for d, by in sorted(state.routed_by.items()) if any(state.routes[d].values())}
    return _result(problem, params, state.to_plan(), stop, outcome.iterations, history,
                   first_feasible[0] if first_feasible else None, use, routed_by)  # fmt: skip


def warm_up() -> float:
    """Compile the search's kernels (once after an install or an update, ~20 s) or load them from the disk cache
    (~0.3 s), once a process; the seconds it took. ``solve`` calls it before its clock starts; a caller whose clock
    starts earlier (``run_scenario``) calls it first, so that the time limit never pays for the compilation."""
    began = time.perf_counter()
    entry.warm_up()
    took = time.perf_counter() - began
    if took > 2.0:
        log.info("compiled the search kernels in %.0f s (once after an install or an update)", took)
    return took


def _polish(problem: Problem, state: WeekState, params: SolveParams, stop: Stop, use: RouterUse) -> None:
    """The routers' turn: the week in one OR-Tools model where once-a-week villages may change day, then every day
    afresh with the plan's router. A run bounded by work polishes by work too (reproducible while it ends within the
    limit); a run the clock stopped gets what time is left."""
    polish, joint = params.polish, params.joint
    if stop.stopped_by == BY_TIME:
        polish = replace(polish, time_s=stop.polish_time_s(len(problem.days)), solutions=None)
        joint = replace(joint, time_s=stop.polish_time_s(1), solutions=None)
    flexible = any(len(ps) > 1 and len(ps[0]) == 1 for ps in (client_patterns(problem, c) for c in problem.clients))
    if flexible:
        route_jointly(state, set(problem.days), RouterCall(joint, params.seed, deadline=stop.deadline, use=use))
    route_days(state, problem.days, RouterCall(polish, params.seed - 1, deadline=stop.deadline, use=use))


def _result(problem, params, plan, stop, iterations, history, first_feasible, use, routed_by) -> Result:
    return Result(
        plan=plan,
        stats=plan_stats(problem, plan),
        runtime_s=stop.elapsed(),
        iterations=iterations,
        stopped_by=stop.stopped_by,
        history=history,
        first_feasible_s=first_feasible,
        router=params.router,
        routed_by=routed_by,
        router_fallbacks=[{"day": day, "reason": why, "models": n} for (day, why), n in sorted(use.fallbacks.items())],
        time_limit_s=params.time_limit_s,
    )
