"""The problem's own checks, which every way into the solver passes (``solver.prepare`` calls them):
finite numbers in range, a size the machine can search, and a fleet that could at all carry the week.

Also ``require_served``: after a search, a plan with required visits left out is an ``InfeasibleError`` naming the
villages, never a plan written as if it were one. Imports only ``errors`` and ``model``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from optimizer.errors import InfeasibleError, InputError, SolverError
from optimizer.model import WEEKDAY_NAMES, Problem, client_patterns, service_minutes, visit_loads
from optimizer.model.solution import BY_TIME, Result

# Sizes one run can plan on one machine within its time limit: beyond them memory or the first routing of a day
# outgrows any budget. A larger county is planned region by region.
MAX_CLIENTS = 2000
MAX_VEHICLES_A_DAY = 500
MAX_NAMED = 10  # villages named on the line when the time limit, not the fleet, left visits out


def _bad_number(value: object, minimum: float, *, above: bool = False, infinite: bool = False) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        return True
    if math.isnan(value) or (math.isinf(value) and not infinite):
        return True
    return value <= minimum if above else value < minimum


def _label(client) -> str:
    return f"{client.name} ({client.name_pinyin})" if client.name_pinyin else client.name


def _number_problems(problem: Problem) -> list[str]:
    bad = []
    if not problem.days:
        bad.append("no working days")
    for vt in problem.vehicle_types:
        at = f"vehicle type {vt.name}"
        if isinstance(vt.capacity, bool) or not isinstance(vt.capacity, (int, np.integer)) or vt.capacity < 1:
            bad.append(f"{at}: capacity {vt.capacity!r} must be a whole number of parcels, at least 1")
        if isinstance(vt.count, bool) or not isinstance(vt.count, (int, np.integer)) or vt.count < 0:
            bad.append(f"{at}: count {vt.count!r} must be a whole number, at least 0")
        for key in ("fixed_cost_per_day", "cost_per_km"):
            if _bad_number(getattr(vt, key), 0):
                bad.append(f"{at}: {key} {getattr(vt, key)!r} must be a finite number, at least 0")
        if _bad_number(vt.max_shift_minutes, 0, above=True, infinite=True):
            bad.append(f"{at}: max_shift_minutes {vt.max_shift_minutes!r} must be above 0")
        if _bad_number(vt.speed_factor, 0, above=True):
            bad.append(f"{at}: speed_factor {vt.speed_factor!r} must be a finite number above 0")
    for c in problem.clients:
        for key in ("delivery", "pickup", "service_minutes", "service_minutes_per_parcel"):
            if _bad_number(getattr(c, key), 0):
                bad.append(f"{_label(c)}: {key} {getattr(c, key)!r} must be a finite number, at least 0")
        if c.opening is not None and any(_bad_number(t, -math.inf) for t in c.opening):
            bad.append(f"{_label(c)}: opening hours {c.opening!r} must be finite minutes")
        if not c.patterns and not 1 <= c.visits_per_week <= len(problem.days):
            bad.append(
                f"{_label(c)}: {c.visits_per_week} visits a week cannot fit the {len(problem.days)} working days"
            )
    if problem.unserved_penalty is not None and _bad_number(problem.unserved_penalty, 0):
        bad.append(f"unserved_penalty {problem.unserved_penalty!r} must be a finite number, at least 0")
    if bad:
        return bad
    rows = sorted({d.index for d in problem.depots} | {c.index for c in problem.clients})
    for name, matrix in (("km", problem.km), ("minutes", problem.minutes)):
        sub = np.asarray(matrix, dtype=float)[np.ix_(rows, rows)]
        broken = ~np.isfinite(sub) | (sub < 0)
        if broken.any():
            i, j = np.argwhere(broken)[0]
            bad.append(f"road {name} from matrix row {rows[i]} to row {rows[j]} is {sub[i, j]} (no road between them?)")
    return bad


def _too_many_clients(n: int) -> str | None:
    return f"{n} service points: at most {MAX_CLIENTS} in one run (plan region by region)" if n > MAX_CLIENTS else None


def check_size(n_clients: int, where: str) -> None:
    """Before building anything for ``n_clients`` service points (road matrices take minutes at a province's
    size): ``InputError`` when there are more than one run can plan."""
    bad = _too_many_clients(n_clients)
    if bad:
        raise InputError(f"{where}: {bad}")


def _size_problems(problem: Problem) -> list[str]:
    bad = []
    if too_many := _too_many_clients(len(problem.clients)):
        bad.append(too_many)
    per_day = max((sum(vt.count for vt in problem.vehicle_types if d in vt.days) for d in problem.days), default=0)
    if per_day > MAX_VEHICLES_A_DAY:
        bad.append(f"fleet: {per_day} vehicles on one day: at most {MAX_VEHICLES_A_DAY} (give a count that fits)")
    return bad


def _vehicle_days(problem: Problem, depot: str | None = None) -> Iterable[tuple[int, float, float]]:
    """(vehicle-days, capacity, shift minutes) of each vehicle type, at ``depot`` if given."""
    week = set(problem.days)
    for vt in problem.vehicle_types:
        if depot is None or vt.depot == depot:
            yield vt.count * len(week & set(vt.days)), vt.capacity, vt.max_shift_minutes


def _fleet_problems(problem: Problem) -> list[str]:
    """Necessary conditions on the whole fleet: parcels against capacity, time at stops and on the road against
    shift time (each visit needs at least its stop and the shortest road into it)."""
    down: Counter = Counter()
    up: Counter = Counter()
    minutes = 0.0
    rows = [d.index for d in problem.depots] + [c.index for c in problem.clients]
    slowest = min((vt.speed_factor for vt in problem.vehicle_types), default=1.0)
    into = np.asarray(problem.minutes, dtype=float)[np.ix_(rows, rows)].copy()
    np.fill_diagonal(into, np.inf)
    nearest_in = into.min(axis=0)[len(problem.depots) :]
    for k, c in enumerate(problem.clients):
        loads = visit_loads(problem, c, client_patterns(problem, c)[0])
        for d_down, d_up in loads.values():
            down[c.depot] += d_down
            up[c.depot] += d_up
            minutes += service_minutes(c, d_down, d_up) + nearest_in[k] * slowest
    bad = []
    depots = [None, *sorted(d for d in down if d is not None)]
    for depot in depots:
        need = max(sum(down.values()), sum(up.values())) if depot is None else max(down[depot], up[depot])
        room = sum(n * cap for n, cap, _ in _vehicle_days(problem, depot))
        if need > room:
            where = "the fleet" if depot is None else f"the vehicles at {depot}"
            bad.append(f"{where} can carry {room:,} parcels a week (capacity x vehicle-days), the week has {need:,}")
    shifts = [(n, shift) for n, _, shift in _vehicle_days(problem) if n]
    if shifts and all(math.isfinite(s) for _, s in shifts):
        room_min = sum(n * s for n, s in shifts)
        if minutes > room_min + 1e-6:
            bad.append(
                f"the fleet's shifts give {room_min / 60:,.0f} h a week, the visits need at least "
                f"{minutes / 60:,.0f} h (stops plus the shortest road into each)"
            )
    return bad


@dataclass(frozen=True)
class LargeVisits:
    """The visits one working day must make (every allowed pattern of the client includes the day) that each carry
    more than half the largest vehicle's parcels down, or up: no two fit one vehicle, so the day needs ``need``
    vehicles where the fleet has ``have``. ``depot`` None: the whole fleet; else the vehicles based there."""

    day: int
    depot: str | None
    need: int
    have: int
    capacity: int  # parcels: the largest vehicle that may make these visits that day
    clients: tuple[int, ...]  # indices into ``problem.clients``


def large_visits(problem: Problem) -> list[LargeVisits]:
    """A lower bound on each working day's vehicles, by depot (a bin-packing bound; see ``LargeVisits``). Only the
    days with such visits are listed; capacities count every vehicle type, whatever its count."""
    out = []
    scopes = [None, *sorted({c.depot for c in problem.clients if c.depot is not None})]
    for depot in scopes:
        members = [k for k, c in enumerate(problem.clients) if depot is None or c.depot == depot]
        for day in problem.days:
            running = [vt for vt in problem.vehicle_types if day in vt.days and depot in (None, vt.depot)]
            if not running:
                continue  # a day without vehicles: the patterns' own check says so
            cap = max(vt.capacity for vt in running)
            large: tuple[list[int], list[int]] = ([], [])
            for k in members:
                patterns = client_patterns(problem, problem.clients[k])
                if not patterns or not all(day in p for p in patterns):
                    continue
                loads = [visit_loads(problem, problem.clients[k], p)[day] for p in patterns]
                for side in (0, 1):
                    if 2 * min(load[side] for load in loads) > cap:
                        large[side].append(k)
            most = max(large, key=len)
            if most:
                have = sum(vt.count for vt in running)
                out.append(LargeVisits(day, depot, len(most), have, cap, tuple(most)))
    return out


def _large_visit_problems(problem: Problem) -> list[str]:
    bad = []
    for lv in large_visits(problem):
        if lv.need > lv.have:
            names = ", ".join(_label(problem.clients[k]) for k in lv.clients[:MAX_NAMED])
            more = len(lv.clients) - MAX_NAMED
            where = "the fleet has" if lv.depot is None else f"depot {lv.depot} has"
            names += f" and {more} more" if more > 0 else ""
            bad.append(
                f"{WEEKDAY_NAMES.get(lv.day, f'day {lv.day}')}: {lv.need} visits each carry more than half of a "
                f"{lv.capacity}-parcel vehicle, so no two share one: {names}; {where} {lv.have} vehicles that day"
            )
    return bad


def check_problem(problem: Problem) -> None:
    """Raise before any search: ``InputError`` for a number out of range (NaN, infinity, negative, a zero speed
    factor) or a size beyond ``MAX_CLIENTS`` / ``MAX_VEHICLES_A_DAY``; ``InfeasibleError`` for a fleet with no
    vehicle."""
    bad = _number_problems(problem)
    if bad:
        raise InputError(f"{problem.name}: " + "; ".join(bad))
    bad = _size_problems(problem)
    if bad:
        raise InputError(f"{problem.name}: " + "; ".join(bad))
    if not any(n for n, _, _ in _vehicle_days(problem)):
        raise InfeasibleError(["the fleet has no vehicle on any working day (every count is 0?)"])


def check_fleet(problem: Problem) -> None:
    """When every visit is required: ``InfeasibleError`` for a fleet too small to carry the week's parcels, to fit
    its visits into its shifts, or to make one day's large visits (``large_visits``): necessary conditions, checked
    after each village's own."""
    if problem.unserved_penalty is None:
        bad = _fleet_problems(problem) + _large_visit_problems(problem)
        if bad:
            raise InfeasibleError([*bad, "add vehicles or set policy.unserved_penalty to plan what fits"])


def require_served(problem: Problem, result: Result, report) -> None:
    """After a search: required visits left out are an ``InfeasibleError`` naming the villages; any other
    violation the independent check finds is a ``SolverError``."""
    plan = result.plan
    if problem.unserved_penalty is None and plan.unserved:
        missed = Counter(c for c, _ in plan.unserved)
        names = [f"{_label(problem.clients[c])} ({n} visit{'s' if n > 1 else ''})" for c, n in missed.items()]
        if result.stopped_by == BY_TIME and result.first_feasible_s is None:
            # the clock, not the fleet, is what is short: say so first, and keep the line short
            more = len(names) - MAX_NAMED
            shown = ", ".join(names[:MAX_NAMED]) + (f" and {more} more villages" if more > 0 else "")
            due = sum(len(days) for days in plan.patterns)
            raise InfeasibleError(
                [
                    f"the time limit ({result.time_limit_s:g} s) ended the run before a plan serving every visit was "
                    f"found: {len(plan.unserved):,} of {due:,} required visits not placed "
                    f"({result.iterations} iteration{'' if result.iterations == 1 else 's'}): {shown}",
                    "raise the time limit (--time-limit, or [solver] time_limit), or set policy.unserved_penalty",
                ]
            )
        # seconds only where the clock ended the run: a work-bounded run's message is the same on any machine
        clock = f", {result.runtime_s:.0f} s" if result.stopped_by == BY_TIME else ""
        raise InfeasibleError(
            [
                f"{len(plan.unserved)} required visits left unserved by the search ({result.iterations} iterations"
                f"{clock}, stopped by {result.stopped_by}): " + ", ".join(names),
                "add vehicles, lengthen the shifts, raise the time limit, or set policy.unserved_penalty",
            ]
        )
    if not report.ok:
        raise SolverError(f"{problem.name}: the plan fails the independent check: {'; '.join(report.violations[:3])}")
