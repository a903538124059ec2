"""Hand days of a week plan to the router and take back the routes (``WeekState.adopt_routes``)."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field, replace

from optimizer.model import client_patterns
from optimizer.routing import DayRouter, Routed, SearchBudget, VehicleDay, WeekVisit, route_week, router_named
from optimizer.solver.state import WeekState


@dataclass
class RouterUse:
    """The plan's router, and the models OR-Tools routed in its place: (day, why) -> how many times."""

    router: DayRouter = field(default_factory=lambda: router_named("ortools"))
    fallbacks: Counter[tuple[int, str]] = field(default_factory=Counter)

    def note(self, trace: list[Routed]) -> dict[int, str]:
        """Count the fallbacks of ``trace``; returns which router made each of its days (names joined by "+" where
        a day's models were made by different routers)."""
        made: dict[int, set[str]] = {}
        for routed in trace:
            for day in routed.days:
                made.setdefault(day, set()).add(routed.router)
                if routed.fallback is not None:
                    self.fallbacks[(day, routed.fallback)] += 1
        return {day: "+".join(sorted(names)) for day, names in made.items()}


@dataclass(frozen=True)
class RouterCall:
    """One request to the router: its ``budget`` and ``seed``; ``keep_better``: the days keep their routes unless
    the router finds cheaper ones; ``warm``: it improves the routes at hand instead of starting afresh;
    ``deadline`` (``perf_counter`` time, see ``route_week``); ``use``: the router and its fallbacks."""

    budget: SearchBudget
    seed: int
    keep_better: bool = True
    warm: bool = False
    deadline: float | None = None
    use: RouterUse = field(default_factory=RouterUse)


def route_days(state: WeekState, days, call: RouterCall) -> int:
    """Route each of ``days`` in a model of its own, in place. The days share the time left to ``call.deadline``;
    a day reached after it keeps its routes. Returns how many days took new routes."""
    todo = sorted(days)
    taken = 0
    for k, day in enumerate(todo):
        now = time.perf_counter()
        share = None if call.deadline is None else now + (call.deadline - now) / (len(todo) - k)
        taken += route_jointly(state, {day}, replace(call, seed=call.seed * 10 + day, deadline=share))
    return taken


def route_jointly(state: WeekState, days: set[int], call: RouterCall) -> bool:
    """Route ``days`` in one model, in place (a model over several days is OR-Tools' whatever ``call.use`` says).

    Once-a-week villages due on one of these days may move to any other of them that their patterns allow (the
    routing chooses). Returns whether the days took the new routes.
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
    if call.warm:
        start = {(d, *v): stops for d in days for v, stops in state.routes.get(d, {}).items() if stops}
    if call.keep_better and call.deadline is not None and time.perf_counter() >= call.deadline:
        return False  # no time left: nothing to gain, the days keep their routes
    trace: list[Routed] = []
    routes, dropped = route_week(
        problem, visits, call.budget, seed=call.seed, start=start, router=call.use.router,
        fixed_costs=fleet_costs(state, days), deadline=call.deadline, trace=trace,
    )  # fmt: skip
    made_by = call.use.note(trace)
    dropped_days = ((v.client, v.days) for v in dropped)
    return state.adopt_routes(days, routes, dropped_days, keep_better=call.keep_better, made_by=made_by)


def fleet_costs(state: WeekState, days: set[int]) -> dict[VehicleDay, float] | None:
    """What using each vehicle-day of ``days`` costs (yuan) when vehicles cost per week in the fleet: its daily cost,
    plus the weekly cost for vehicles beyond those its type already needs on the other days. None without fleet
    costs (every vehicle-day then costs its type's daily cost)."""
    problem = state.problem
    if not problem.has_fleet_cost:
        return None
    paid = dict.fromkeys(range(len(problem.vehicle_types)), 0)
    for (day, t), n in state.runs_on().items():
        if day not in days:
            paid[t] = max(paid[t], n)
    costs: dict[VehicleDay, float] = {}
    for day in days:
        for t, copy in problem.vehicles_on(day):
            vt = problem.vehicle_types[t]
            costs[(day, t, copy)] = vt.fixed_cost_per_day + (vt.fixed_cost_per_week if copy >= paid[t] else 0.0)
    return costs
