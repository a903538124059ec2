"""Independent plan checker: verifies every constraint and recomputes the cost from the problem alone.

It shares only the problem's definitions (allowed patterns, parcels per visit) with the solver, not its route
arithmetic, so a bug in the search's bookkeeping cannot hide here.
"""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass, field

from optimizer.model.problem import Problem, client_patterns, visit_loads
from optimizer.model.solution import Plan


@dataclass(frozen=True)
class CheckReport:
    """Violations found (empty: the plan is feasible) and the recomputed figures: weekly cost (yuan: fleet, runs,
    penalties) and km."""

    violations: list[str] = field(default_factory=list)
    cost: float = 0.0
    km: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.violations


def check(problem: Problem, plan: Plan, *, tolerance: float = 1e-6) -> CheckReport:
    """Check ``plan`` against ``problem``: patterns, visits, fleet, capacity at every stop, shifts, opening hours."""
    bad: list[str] = []
    names = [c.name for c in problem.clients]
    if len(plan.patterns) != len(problem.clients):
        return CheckReport([f"plan has {len(plan.patterns)} patterns for {len(problem.clients)} clients"])
    expected: dict[tuple[int, int], tuple[int, int]] = {}
    for c, pattern in enumerate(plan.patterns):
        client = problem.clients[c]
        if pattern is None:
            bad.append(f"{names[c]}: no visit days")
            continue
        if pattern not in client_patterns(problem, client):
            bad.append(f"{names[c]}: days {sorted(pattern)} are not an allowed pattern")
        for day, load in visit_loads(problem, client, pattern).items():
            expected[(c, day)] = load
    missed = set(plan.unserved)
    if missed and problem.unserved_penalty is None:
        bad.append(f"{len(missed)} visits unserved and the problem allows none")
    seen: dict[tuple[int, int], int] = {}
    used: set[tuple[int, int, int]] = set()
    cost = km_total = 0.0
    for r, route in enumerate(plan.routes):
        where = f"route {r} (day {route.day}, vehicle type {route.vehicle_type}#{route.vehicle})"
        if not 0 <= route.vehicle_type < len(problem.vehicle_types):
            bad.append(f"{where}: unknown vehicle type")
            continue
        vt = problem.vehicle_types[route.vehicle_type]
        if not 0 <= route.vehicle < vt.count:
            bad.append(f"{where}: only {vt.count} vehicles of type {vt.name}")
        if route.day not in vt.days or route.day not in problem.days:
            bad.append(f"{where}: vehicle type {vt.name} does not run on day {route.day}")
        key = (route.day, route.vehicle_type, route.vehicle)
        if key in used:
            bad.append(f"{where}: the vehicle already has a run that day")
        used.add(key)
        if not route.clients:
            continue
        depot = next((d.index for d in problem.depots if d.id == vt.depot), None)
        if depot is None:
            bad.append(f"{where}: unknown depot {vt.depot}")
            continue
        stops = []
        for c in route.clients:
            if (c, route.day) not in expected:
                bad.append(f"{where}: {names[c]} is not due on day {route.day}")
                continue
            if (c, route.day) in seen:
                bad.append(f"{where}: {names[c]} visited twice on day {route.day}")
            seen[(c, route.day)] = r
            home = problem.clients[c].depot
            if home is not None and home != vt.depot:
                bad.append(f"{where}: {names[c]} belongs to depot {home}, vehicle to {vt.depot}")
            stops.append(c)
        on_board = sum(expected[(c, route.day)][0] for c in stops)
        peak = on_board
        clock = 0.0
        km = 0.0
        here = depot
        for c in stops:
            client = problem.clients[c]
            down, up = expected[(c, route.day)]
            km += float(problem.km[here][client.index])
            clock += float(problem.minutes[here][client.index]) * vt.speed_factor
            if client.opening is not None:
                if clock > client.opening[1] + tolerance:
                    bad.append(f"{where}: arrives at {names[c]} after it closes")
                clock = max(clock, client.opening[0])
            clock += client.service_minutes + client.service_minutes_per_parcel * (down + up)
            on_board = on_board - down + up
            peak = max(peak, on_board)
            here = client.index
        km += float(problem.km[here][depot])
        clock += float(problem.minutes[here][depot]) * vt.speed_factor
        if peak > vt.capacity:
            bad.append(f"{where}: {peak} parcels on board exceed the capacity {vt.capacity}")
        if clock > vt.max_shift_minutes + tolerance:
            bad.append(f"{where}: run lasts {clock:.1f} min, over the {vt.max_shift_minutes:.0f}-min shift")
        cost += vt.fixed_cost_per_day + vt.cost_per_km * km
        km_total += km
    for key in expected:
        if key not in seen and key not in missed:
            bad.append(f"{names[key[0]]}: due on day {key[1]} but not visited and not reported unserved")
    for key in missed:
        if key in seen:
            bad.append(f"{names[key[0]]}: reported unserved on day {key[1]} but visited")
    if problem.unserved_penalty is not None:
        cost += problem.unserved_penalty * len(missed)
    # the fleet: per vehicle type, the most of its vehicles with a run on any one day, each at its weekly cost
    runs_on: dict[tuple[int, int], int] = {}
    for route in plan.routes:
        if route.clients and 0 <= route.vehicle_type < len(problem.vehicle_types):
            runs_on[(route.day, route.vehicle_type)] = runs_on.get((route.day, route.vehicle_type), 0) + 1
    for t, vt in enumerate(problem.vehicle_types):
        cost += vt.fixed_cost_per_week * max((n for (_, k), n in runs_on.items() if k == t), default=0)
    return CheckReport(bad, cost, km_total)


class _CallableModule(types.ModuleType):
    """``from optimizer import check`` gives this module once ``optimizer.check`` has been imported (the import
    system binds a package's submodule over the package's name); calling it calls ``check``."""

    def __call__(self, problem: Problem, plan: Plan, *, tolerance: float = 1e-6) -> CheckReport:
        return check(problem, plan, tolerance=tolerance)


sys.modules[__name__].__class__ = _CallableModule
