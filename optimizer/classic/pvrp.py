"""Cordeau's periodic-VRP benchmark files (p01-p32, pr01-pr10) and their ``.res`` solutions, mapped into the
optimizer's own model so the classical benchmark measures the same code that plans Hangjin.

Cost is the total Euclidean distance, unrounded; service time counts toward the route-duration limit D only.
A combination code is a t-bit number whose leftmost bit is day 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from optimizer.errors import InputError
from optimizer.files import read_lines, write_text_atomic
from optimizer.model.problem import Client, Depot, Pattern, Problem, VehicleType
from optimizer.model.solution import Plan, Route


@dataclass(frozen=True)
class PvrpInstance:
    """A PVRP instance as read: node 0 is the depot. ``at_depot`` are customers located at the depot (p01's dummy
    customer 51 fills a whole vehicle on day 1); reference solutions may omit them (see ``read_res``)."""

    name: str
    vehicles_per_day: int
    days: int
    duration_limit: float  # D; 0 = none
    capacity: int
    xy: np.ndarray
    service: np.ndarray
    demand: np.ndarray
    frequency: np.ndarray
    combinations: tuple[tuple[int, ...], ...]  # per node (depot: ())
    at_depot: tuple[int, ...]

    def pattern(self, code: int) -> Pattern:
        """The days (1-based) of a combination code; day 1 is the leftmost of ``days`` bits."""
        return frozenset(k for k in range(1, self.days + 1) if code >> (self.days - k) & 1)

    def to_problem(self) -> Problem:
        """The instance in the optimizer's model: one depot, ``m`` identical vehicles a day, per-visit demands."""
        diff = self.xy[:, None, :] - self.xy[None, :, :]
        dist = np.sqrt((diff**2).sum(-1))
        limit = self.duration_limit if self.duration_limit > 0 else math.inf
        clients = tuple(
            Client(
                id=str(i),
                name=f"customer {i}",
                index=i,
                delivery=float(self.demand[i]),
                visits_per_week=int(self.frequency[i]),
                patterns=tuple(dict.fromkeys(self.pattern(c) for c in self.combinations[i])),
                service_minutes=float(self.service[i]),
            )
            for i in range(1, len(self.xy))
        )
        van = VehicleType(
            name="vehicle",
            depot="0",
            capacity=self.capacity,
            count=self.vehicles_per_day,
            days=tuple(range(1, self.days + 1)),
            cost_per_km=1.0,
            max_shift_minutes=limit,
        )
        return Problem(
            depots=(Depot("0", "depot", 0),),
            vehicle_types=(van,),
            clients=clients,
            km=dist,
            minutes=dist,
            days=tuple(range(1, self.days + 1)),
            period_days=self.days,
            demand_per_visit=True,
            name=self.name,
        )


def _numbers(path: Path, lineno: int, line: str, count: int | None = None) -> list[float]:
    try:
        values = [float(x) for x in line.split()]
    except ValueError as exc:
        raise InputError(f"{path}, line {lineno}: not numbers: {line.strip()!r}") from exc
    if not all(map(math.isfinite, values)):
        raise InputError(f"{path}, line {lineno}: not finite numbers: {line.strip()!r}")
    if count is not None and len(values) < count:
        raise InputError(f"{path}, line {lineno}: expected {count} numbers, found {len(values)}")
    return values


def read_pvrp(path: str | Path) -> PvrpInstance:
    """Read a Cordeau PVRP file (type 1). Raises ``InputError`` naming file and line for bad or truncated files."""
    path = Path(path)
    lines = [(i, s) for i, s in enumerate(read_lines(path), start=1) if s.strip()]
    if not lines:
        raise InputError(f"{path}: empty file")
    lineno, head = lines[0]
    kind, m, n, t = (int(x) for x in _numbers(path, lineno, head, 4)[:4])
    if kind != 1:
        raise InputError(f"{path}, line {lineno}: problem type {kind}; only type 1 (PVRP) is supported")
    for name, value in (("m (vehicles a day)", m), ("n (customers)", n), ("t (days)", t)):
        if value < 1:
            raise InputError(f"{path}, line {lineno}: {name} = {value}; must be at least 1")
    if len(lines) < 1 + t + n + 1:
        raise InputError(f"{path}: truncated: expected {t} day lines and {n + 1} node lines, found {len(lines) - 1}")
    if len(lines) > 1 + t + n + 1:
        raise InputError(
            f"{path}: the header says n = {n} customers ({t} day lines and {n + 1} node lines), the file has "
            f"{len(lines) - 1} lines after it"
        )
    days = [_numbers(path, i, s, 2)[:2] for i, s in lines[1 : 1 + t]]
    if any(d != days[0] for d in days):
        raise InputError(f"{path}: day lines differ; only the same D and Q on every day is supported")
    duration, capacity = days[0]
    if duration < 0 or capacity < 1:
        raise InputError(
            f"{path}, line {lines[1][0]}: D = {duration:g} must be at least 0, Q = {capacity:g} at least 1"
        )
    xy, service, demand, freq, combos = [], [], [], [], []
    for expected, (i, s) in enumerate(lines[1 + t : 2 + t + n]):
        v = _numbers(path, i, s, 7 if expected else 3)
        if int(v[0]) != expected:
            raise InputError(f"{path}, line {i}: node {int(v[0])} where node {expected} was expected")
        xy.append(v[1:3])
        if expected == 0:
            service.append(0.0), demand.append(0), freq.append(0), combos.append(())
            continue
        a = int(v[6])
        codes = tuple(int(c) for c in v[7 : 7 + a])
        if len(codes) != a:
            raise InputError(f"{path}, line {i}: customer {expected} lists {len(codes)} of {a} combinations")
        pops = {bin(c).count("1") for c in codes}
        if len(pops) != 1 or any(c <= 0 or c >= 1 << t for c in codes):
            raise InputError(f"{path}, line {i}: customer {expected} has invalid combination codes {codes}")
        if v[3] < 0 or v[4] < 0:
            raise InputError(f"{path}, line {i}: customer {expected}: service {v[3]:g} and demand {v[4]:g} must not "
                             "be negative")  # fmt: skip
        service.append(v[3])
        demand.append(int(v[4]))
        freq.append(pops.pop())  # p11's customer 131 says f = 0: the codes' popcount is the frequency
        combos.append(codes)
    xy_arr = np.array(xy, dtype=float)
    at_depot = tuple(i for i in range(1, n + 1) if np.allclose(xy_arr[i], xy_arr[0]))
    return PvrpInstance(
        name=path.stem,
        vehicles_per_day=m,
        days=t,
        duration_limit=duration,
        capacity=int(capacity),
        xy=xy_arr,
        service=np.array(service),
        demand=np.array(demand),
        frequency=np.array(freq),
        combinations=tuple(combos),
        at_depot=at_depot,
    )


def client_position(problem: Problem) -> dict[int, int]:
    """Customer number -> position in ``problem.clients``."""
    return {int(c.id): k for k, c in enumerate(problem.clients)}


def read_res(path: str | Path, problem: Problem) -> tuple[Plan, float]:
    """Read a ``.res`` solution into a plan for ``problem`` (from ``PvrpInstance.to_problem``) and its stated cost.

    Each customer's pattern is the set of days it is visited on; vehicles are numbered from 1 in the file.
    A customer at the depot that the file omits (p01's dummy) gets a zero-length run of its own on its first
    allowed day, with a vehicle the file leaves free that day: it still uses up a vehicle, as the instance intends.
    """
    path = Path(path)
    pos = client_position(problem)
    lines = [(i, s) for i, s in enumerate(read_lines(path), start=1) if s.strip()]
    if not lines:
        raise InputError(f"{path}: empty solution file")
    stated = _numbers(path, lines[0][0], lines[0][1], 1)[0]
    routes, days_of = [], {k: set() for k in range(len(problem.clients))}
    for i, s in lines[1:]:
        v = s.split()
        try:
            day, vehicle = int(v[0]), int(v[1])
            stops = [int(x) for x in v[4:]]
        except (ValueError, IndexError) as exc:
            raise InputError(f"{path}, line {i}: cannot read route {s.strip()!r}") from exc
        if stops[:1] != [0] or stops[-1:] != [0]:
            raise InputError(f"{path}, line {i}: a route must start and end at the depot 0")
        clients = []
        for c in stops[1:-1]:
            if c not in pos:
                raise InputError(f"{path}, line {i}: unknown customer {c}")
            clients.append(pos[c])
            days_of[pos[c]].add(day)
        routes.append(Route(day, 0, vehicle - 1, tuple(clients)))
    depot = problem.depots[0].index
    for k, client in enumerate(problem.clients):
        if not days_of[k] and problem.km[depot, client.index] == 0 and client.patterns:
            day = min(client.patterns[0])
            busy = {r.vehicle for r in routes if r.day == day}
            free = next(v for v in range(len(busy) + 1) if v not in busy)
            routes.append(Route(day, 0, free, (k,)))
            days_of[k] = set(client.patterns[0])
    patterns = tuple(frozenset(d) if d else None for d in days_of.values())
    return Plan(patterns, tuple(routes)), stated


def write_res(path: str | Path, problem: Problem, plan: Plan) -> Path:
    """Write a plan in ``.res`` form: the total cost, then ``day vehicle duration load 0 c1 ... ck 0`` per route."""
    from optimizer.model.evaluate import plan_loads, route_figures

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    loads = plan_loads(problem, plan.patterns)
    rows, total = [], 0.0
    for route in sorted(plan.routes, key=lambda r: (r.day, r.vehicle)):
        if not route.clients:
            continue
        fig = route_figures(problem, route, loads)
        total += fig.km
        customers = " ".join(problem.clients[c].id for c in route.clients)
        rows.append(f"{route.day} {route.vehicle + 1} {fig.minutes:.2f} {fig.start_load} 0 {customers} 0")
    write_text_atomic(path, "\n".join([f"{total:.2f}", *rows]) + "\n")
    return path
