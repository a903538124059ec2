"""Route visits over one or several days: split them into independent models and hand each to a router."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import replace

from optimizer.model import Problem, Route
from optimizer.routing.base import DayRouter, DayVisit, Routed, SearchBudget, VehicleDay, WeekVisit

ROUTERS = ("ortools", "pyvrp")


def router_named(name: str) -> DayRouter:
    """The router called ``name`` (one of ``ROUTERS``); ``ValueError`` naming the choices otherwise."""
    if name == "ortools":
        from optimizer.routing.ortools import ORTOOLS

        return ORTOOLS
    if name == "pyvrp":
        from optimizer.routing.pyvrp import PYVRP

        return PYVRP
    raise ValueError(f"router {name!r}: must be one of {', '.join(ROUTERS)}")


def _route_group(
    router: DayRouter, problem: Problem, visits: list[WeekVisit], vehicles: list[VehicleDay], budget: SearchBudget,
    seed: int, start: Mapping[VehicleDay, Sequence[int]] | None, fixed_costs: Mapping[VehicleDay, float] | None,
) -> tuple[list[Route], list[WeekVisit], Routed]:  # fmt: skip
    """One model by ``router``, or by OR-Tools where the router cannot express it or finds no feasible routes."""
    from optimizer.routing.ortools import ORTOOLS
    from optimizer.routing.pyvrp import RouterFallback

    days = tuple(sorted({d for d, _, _ in vehicles}))
    why = router.unsupported(problem, visits, vehicles)
    if why is None:
        try:
            if start is None:
                found, missed = router.route(problem, visits, vehicles, budget, seed, fixed_costs)
            else:
                found, missed = router.improve(problem, visits, vehicles, budget, seed, start, fixed_costs)
            return found, missed, Routed(days, router.name)
        except RouterFallback as exc:
            why = str(exc)
    if start is None:
        found, missed = ORTOOLS.route(problem, visits, vehicles, budget, seed, fixed_costs)
    else:
        found, missed = ORTOOLS.improve(problem, visits, vehicles, budget, seed, start, fixed_costs)
    return found, missed, Routed(days, ORTOOLS.name, why)


def route_week(
    problem: Problem,
    visits: list[WeekVisit],
    budget: SearchBudget,
    *,
    seed: int = 0,
    start: Mapping[VehicleDay, Sequence[int]] | None = None,
    router: DayRouter | None = None,
    fixed_costs: Mapping[VehicleDay, float] | None = None,
    trace: list[Routed] | None = None,
    deadline: float | None = None,
) -> tuple[list[Route], list[WeekVisit]]:
    """Route visits over several days in one model per group: every vehicle-day is a vehicle, and each visit may
    only ride the vehicles of its allowed days (and of its depot). Choosing the day of a once-a-week village is then
    part of the routing, which moves whole runs between days where single-village moves cannot.

    Visits that share no vehicle (e.g. the villages of different stations) are routed in separate models that share
    the budget's time by their number of visits, and vehicles no visit may use are left out: OR-Tools' iterated
    local search can loop without end, past its time limit, when most vehicles of a model are forbidden to every
    visit (seen with OR-Tools 9.15).

    With ``start`` (the clients of each vehicle-day (day, type, copy), in order: feasible routes of these visits)
    the router improves those routes instead of building new ones: cheap, and it keeps what earlier searches found.
    ``fixed_costs``: yuan for using a vehicle-day, where it differs from its type's daily cost (see ``DayRouter``).
    ``router`` (default OR-Tools) routes each model; a model it cannot express, or where it finds no feasible
    routes, goes to OR-Tools, and ``trace`` (if given) gets a ``Routed`` per model saying which router made it.

    ``deadline`` (a ``time.perf_counter`` time): no model is given more than its share of the time left (the time
    left over the visits of this and the later models); a model reached after it is not solved: with ``start`` its
    routes stay as they were, without, its visits come back unserved. Unchanged while there is time to spare, so
    work-bounded runs stay reproducible.

    Returns the non-empty routes (their ``day`` says which day each visit took) and the visits left unserved.
    """
    router = router or router_named("ortools")
    days = sorted({d for v in visits for d in v.days})
    vehicles = [(d, t, c) for d in days for t, c in problem.vehicles_on(d)]
    allowed = [
        frozenset(
            k for k, (d, t, _) in enumerate(vehicles)
            if d in visit.days and problem.clients[visit.client].depot in (None, problem.vehicle_types[t].depot)
        )
        for visit in visits
    ]  # fmt: skip
    routes: list[Route] = []
    dropped = [v for v, vs in zip(visits, allowed, strict=True) if not vs]
    groups = _groups(allowed, len(vehicles))
    routable = sum(len(m) for m in groups)
    waiting = routable  # visits of this and the later models
    for members in groups:
        fleet = sorted(set().union(*(allowed[i] for i in members)))
        share = (
            replace(budget, time_s=max(0.05, budget.time_s * len(members) / routable)) if len(groups) > 1 else budget
        )
        group_visits = [visits[i] for i in members]
        group_vehicles = [vehicles[k] for k in fleet]
        left = float("inf") if deadline is None else (deadline - time.perf_counter()) * len(members) / waiting
        waiting -= len(members)
        if left <= 0:  # the time is up: keep what there is
            found, missed = _unsolved(group_visits, group_vehicles, start)
            routes += found
            dropped += missed
            if trace is not None:
                days = tuple(sorted({d for d, _, _ in group_vehicles}))
                trace.append(Routed(days, "unrouted", "the time limit came before this model"))
            continue
        if left < share.time_s:
            share = replace(share, time_s=left)
        found, missed, routed = _route_group(
            router, problem, group_visits, group_vehicles, share, seed, start, fixed_costs
        )
        if trace is not None:
            trace.append(routed)
        routes += found
        dropped += missed
    return routes, dropped


def _unsolved(
    visits: list[WeekVisit], vehicles: list[VehicleDay], start: Mapping[VehicleDay, Sequence[int]] | None
) -> tuple[list[Route], list[WeekVisit]]:
    """A model not solved for lack of time: its ``start`` routes as they are (none without), the rest unserved."""
    routes = [Route(d, t, c, tuple(start[(d, t, c)])) for d, t, c in vehicles if start and start.get((d, t, c))]
    on_route = {(c, r.day) for r in routes for c in r.clients}
    return routes, [v for v in visits if not any((v.client, d) in on_route for d in v.days)]


def _groups(allowed: list[frozenset[int]], n_vehicles: int) -> list[list[int]]:
    """Visits that can share a vehicle, grouped (union-find over vehicles), in a fixed order."""
    parent = list(range(n_vehicles))

    def find(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for vs in allowed:
        first = next(iter(vs), None)
        for k in vs:
            parent[find(k)] = find(first)
    groups: dict[int, list[int]] = {}
    for i, vs in enumerate(allowed):
        if vs:
            groups.setdefault(find(next(iter(vs))), []).append(i)
    return [groups[root] for root in sorted(groups)]


def route_day(
    problem: Problem,
    day: int,
    visits: list[DayVisit],
    budget: SearchBudget,
    *,
    seed: int = 0,
    router: DayRouter | None = None,
) -> tuple[list[Route], list[int]]:
    """Route one day's visits with the vehicles available that day.

    Returns the non-empty routes and the clients left unserved (when no vehicle can take them, or when the
    problem's ``unserved_penalty`` makes dropping cheaper).
    """
    week = [WeekVisit(v.client, (day,), v.delivered, v.picked_up) for v in visits]
    routes, dropped = route_week(problem, week, budget, seed=seed, router=router)
    return routes, [v.client for v in dropped]
