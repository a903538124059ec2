"""Explain infeasible input before searching: name the village and the constraint it cannot meet."""

from __future__ import annotations

import logging
from dataclasses import replace

from optimizer.errors import InfeasibleError
from optimizer.model import Problem, client_patterns, service_minutes, visit_loads
from optimizer.validate import check_fleet, check_problem

log = logging.getLogger(__name__)


def _label(client) -> str:
    return f"{client.name} ({client.name_pinyin})" if client.name_pinyin else client.name


def prepare(problem: Problem) -> Problem:
    """Check the problem and drop the day patterns no vehicle could serve.

    A pattern is dropped when one of its visits carries more parcels than the largest vehicle that may serve the
    village, or falls on a day with no such vehicle. A village no vehicle can serve at all (no pattern left, or a
    round trip longer than any shift) makes the problem infeasible (``InfeasibleError`` naming every such village
    and why) unless the problem allows unserved visits at a penalty: then it is kept, logged, and left unserved.
    Malformed input (unknown depots, patterns outside the week) always raises.
    """
    problems: list[str] = []
    if not problem.vehicle_types:
        raise InfeasibleError(["the fleet is empty"])
    check_problem(problem)  # numbers, size and the fleet as a whole (``optimizer.validate``)
    depot_ids = {d.id for d in problem.depots}
    for vt in problem.vehicle_types:
        if vt.depot not in depot_ids:
            problems.append(f"vehicle type {vt.name}: unknown depot {vt.depot!r}")
        if vt.capacity <= 0 or vt.count < 0:
            problems.append(f"vehicle type {vt.name}: capacity and count must be positive")
    if problems:
        raise InfeasibleError(problems)
    clients = []
    unservable: list[str] = []
    for client in problem.clients:
        label = _label(client)
        try:
            patterns = client_patterns(problem, client)
        except ValueError as exc:
            problems.append(f"{label}: {exc}")
            continue
        bad_days = [p for p in patterns if not p <= set(problem.days)]
        if bad_days:
            problems.append(f"{label}: pattern {sorted(bad_days[0])} uses days outside the week {problem.days}")
            continue
        if client.opening is not None and client.opening[0] > client.opening[1]:
            problems.append(f"{label}: opening hours close before they open")
            continue
        kept, why = _servable_patterns(problem, client, patterns)
        if why:
            unservable.append(f"{label}: {why}")
        clients.append(replace(client, patterns=tuple(kept or patterns)))
    if problems or (unservable and problem.unserved_penalty is None):
        raise InfeasibleError(problems + unservable)
    check_fleet(problem)
    for line in unservable:
        log.warning("%s; its visits will be unserved", line)
    return replace(problem, clients=tuple(clients))


def _servable_patterns(problem: Problem, client, patterns) -> tuple[list, str | None]:
    """The patterns some vehicle can serve, and why the village cannot be served at all (None if it can)."""
    fleet = [vt for vt in problem.vehicle_types if vt.count > 0 and client.depot in (None, vt.depot)]
    if not fleet:
        return [], f"no vehicle is based at its depot {client.depot}"
    kept = []
    worst = None
    for pattern in patterns:
        ok = True
        for day, (down, up) in visit_loads(problem, client, pattern).items():
            cap = max((vt.capacity for vt in fleet if day in vt.days), default=0)
            if cap == 0:
                ok = False
                worst = worst or f"no vehicle runs on day {day}"
            elif max(down, up) > cap:
                ok = False
                worst = f"{max(down, up)} parcels on one visit exceed the largest vehicle's {cap}"
        if ok:
            kept.append(pattern)
    if not kept:
        return [], worst or "no allowed visit pattern"
    down, up = max(visit_loads(problem, client, kept[0]).values())
    reach = []
    for vt in fleet:
        depot = problem.depot(vt.depot).index
        out_back = (problem.minutes[depot, client.index] + problem.minutes[client.index, depot]) * vt.speed_factor
        reach.append((out_back + service_minutes(client, down, up), vt))
    shortest, vt = min(reach, key=lambda x: x[0])
    if shortest > vt.max_shift_minutes:
        return kept, f"the round trip takes {shortest:.0f} min, longer than the {vt.max_shift_minutes:.0f}-min shift"
    return kept, None
