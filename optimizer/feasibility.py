"""Explain infeasible input before searching: name the village and the constraint it cannot meet."""

from __future__ import annotations

from dataclasses import replace

from network.errors import InputError
from optimizer.model import Problem, client_patterns, service_minutes, visit_loads


class InfeasibleError(InputError):
    """The problem has no feasible plan; ``problems`` lists every reason found, one line each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("no feasible plan:\n  " + "\n  ".join(problems))


def _label(client) -> str:
    return f"{client.name} ({client.name_pinyin})" if client.name_pinyin else client.name


def prepare(problem: Problem) -> Problem:
    """Check the problem and drop the day patterns no vehicle could serve; raise ``InfeasibleError`` if a village
    is left with none (or the problem is malformed).

    A pattern is dropped when one of its visits carries more parcels than the largest vehicle that may serve the
    village, or falls on a day with no such vehicle.
    """
    problems: list[str] = []
    if not problem.vehicle_types:
        raise InfeasibleError(["the fleet is empty"])
    depot_ids = {d.id for d in problem.depots}
    for vt in problem.vehicle_types:
        if vt.depot not in depot_ids:
            problems.append(f"vehicle type {vt.name}: unknown depot {vt.depot!r}")
        if vt.capacity <= 0 or vt.count < 0:
            problems.append(f"vehicle type {vt.name}: capacity and count must be positive")
    if problems:
        raise InfeasibleError(problems)
    clients = []
    for client in problem.clients:
        label = _label(client)
        fleet = [vt for vt in problem.vehicle_types if vt.count > 0 and client.depot in (None, vt.depot)]
        if not fleet:
            problems.append(f"{label}: no vehicle is based at its depot {client.depot}")
            continue
        try:
            patterns = client_patterns(problem, client)
        except ValueError as exc:
            problems.append(f"{label}: {exc}")
            continue
        bad_days = [p for p in patterns if not p <= set(problem.days)]
        if bad_days:
            problems.append(f"{label}: pattern {sorted(bad_days[0])} uses days outside the week {problem.days}")
            continue
        kept = []
        worst = None
        for pattern in patterns:
            loads = visit_loads(problem, client, pattern)
            ok = True
            for day, (down, up) in loads.items():
                cap = max((vt.capacity for vt in fleet if day in vt.days), default=0)
                if cap == 0:
                    ok = False
                    worst = worst or f"{label}: no vehicle runs on day {day}"
                elif max(down, up) > cap:
                    ok = False
                    worst = f"{label}: {max(down, up)} parcels on one visit exceed the largest vehicle's {cap}"
            if ok:
                kept.append(pattern)
        if not kept:
            problems.append(worst or f"{label}: no allowed visit pattern")
            continue
        reach = []
        for vt in fleet:
            depot = problem.depot(vt.depot).index
            down, up = max(visit_loads(problem, client, kept[0]).values())
            out_back = (problem.minutes[depot, client.index] + problem.minutes[client.index, depot]) * vt.speed_factor
            reach.append((out_back + service_minutes(client, down, up), vt))
        shortest, vt = min(reach, key=lambda x: x[0])
        if shortest > vt.max_shift_minutes:
            problems.append(
                f"{label}: the round trip takes {shortest:.0f} min, "
                f"longer than the {vt.max_shift_minutes:.0f}-min shift"
            )
        if client.opening is not None and client.opening[0] > client.opening[1]:
            problems.append(f"{label}: opening hours close before they open")
        clients.append(replace(client, patterns=tuple(kept)))
    if problems:
        raise InfeasibleError(problems)
    return replace(problem, clients=tuple(clients))
