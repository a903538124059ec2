"""The periodic delivery problem as plain, immutable data: depots, vehicle types, villages, matrices, policy.

A planner reads this module and knows the whole problem. Units: km, minutes, parcels, yuan; days are numbered
1-7 with Monday = 1 (for benchmark instances, 1..t).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np

Pattern = frozenset[int]
WEEKDAY_NAMES = {1: "Mon", 2: "Tue", 3: "Wed", 4: "Thu", 5: "Fri", 6: "Sat", 7: "Sun"}


@dataclass(frozen=True)
class Depot:
    """Where runs start and end: the co-distribution centre or a town station. ``index`` is its matrix row."""

    id: str
    name: str
    index: int
    name_pinyin: str = ""


@dataclass(frozen=True)
class VehicleType:
    """A kind of vehicle based at one depot.

    The fleet may have up to ``count`` of them, each available on each of ``days``; the fleet the plan needs is the
    most of them running on any one day. Costs (yuan): ``fixed_cost_per_week`` per vehicle in the fleet (its driver's
    wage, depreciation, insurance: paid whether it runs or not), ``fixed_cost_per_day`` per day it runs (per-diem,
    tolls), ``cost_per_km``. A run may last ``max_shift_minutes`` (driving plus stops). Travel times on the road are
    multiplied by ``speed_factor`` (1.2 = 20 % slower than the matrix).
    """

    name: str
    depot: str
    capacity: int  # parcels on board at any moment
    count: int = 1
    days: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7)
    fixed_cost_per_day: float = 0.0  # yuan per day the vehicle runs (per-diem, tolls)
    cost_per_km: float = 1.0  # yuan per km (fuel, wear)
    max_shift_minutes: float = float("inf")
    speed_factor: float = 1.0
    fixed_cost_per_week: float = 0.0  # yuan per vehicle in the fleet per week (driver's wage, depreciation, insurance)


@dataclass(frozen=True)
class Client:
    """A village service point (or a benchmark customer). ``index`` is its matrix row.

    Volumes are per week (``Problem.demand_per_visit`` False: a visit carries what accumulated since the previous
    visit) or per visit (True, as in the classical PVRP). ``patterns`` are the allowed sets of visit days; empty
    means the evenly spaced defaults for ``visits_per_week`` over the problem's days.
    """

    id: str
    name: str
    index: int
    delivery: float  # parcels down (per week, or per visit)
    pickup: float = 0.0  # parcels up (per week, or per visit)
    visits_per_week: int = 2
    patterns: tuple[Pattern, ...] = ()
    service_minutes: float = 0.0  # fixed time per stop
    service_minutes_per_parcel: float = 0.0
    opening: tuple[float, float] | None = None  # (open, close) minutes after the shift start
    name_pinyin: str = ""
    depot: str | None = None  # the depot whose vehicles may serve it (None: any)


@dataclass(frozen=True)
class TrunkCalls:
    """The relay trunk as the search sees it (``planning.trunk.estimate_calls``), so that it weighs the trunk when
    it chooses the days the station vans run (the trunk's days follow them).

    On a day some station's vans run, the trunk drives one tour from ``centre`` through those stations in the order
    of ``tour`` (depot ids) and back, with the stations of ``forced[day]`` on it anyway (counter-only stations, due
    on fixed days), ``unload_minutes`` at each; a tour longer than the trunk's shift takes as many trucks as it has
    shifts' worth of minutes. It costs ``cost_per_km`` a km and ``fixed_cost_per_day`` a truck; the week's most
    trucks on one day cost ``fixed_cost_per_week`` each. An estimate for choosing days (no capacity, one tour's km
    whatever the trucks): the plan's trunk is routed and priced exactly after the search (``planning.trunk``)."""

    centre: str
    tour: tuple[str, ...]
    cost_per_km: float
    fixed_cost_per_day: float
    fixed_cost_per_week: float
    shift_minutes: float
    unload_minutes: float
    speed_factor: float = 1.0
    forced: Mapping[int, frozenset[str]] = field(default_factory=dict)

    def day(self, problem: Problem, day: int, stations: set[str]) -> tuple[float, int]:
        """Estimated yuan (without the fleet) and trucks of the trunk on ``day`` when the vans of ``stations`` run."""
        rows = {d.id: d.index for d in problem.depots}
        called = [s for s in self.tour if s in stations or s in self.forced.get(day, ())]
        if not called:
            return 0.0, 0
        path = [rows[self.centre], *(rows[s] for s in called), rows[self.centre]]
        km = sum(float(problem.km[a, b]) for a, b in pairwise(path))
        minutes = sum(float(problem.minutes[a, b]) for a, b in pairwise(path)) * self.speed_factor
        trucks = max(1, math.ceil((minutes + self.unload_minutes * len(called)) / self.shift_minutes - 1e-9))
        return trucks * self.fixed_cost_per_day + self.cost_per_km * km, trucks

    def week_cost(self, problem: Problem, active: Mapping[int, set[str]]) -> float:
        """Estimated yuan a week when ``active[day]`` is the set of stations whose vans run that day."""
        days = [self.day(problem, d, active.get(d, set())) for d in problem.days]
        return sum(c for c, _ in days) + self.fixed_cost_per_week * max((n for _, n in days), default=0)


@dataclass(frozen=True)
class Problem:
    """A week of deliveries: who must be visited how often, by which fleet, over which road matrix."""

    depots: tuple[Depot, ...]
    vehicle_types: tuple[VehicleType, ...]
    clients: tuple[Client, ...]
    km: np.ndarray = field(repr=False)  # road km between matrix rows
    minutes: np.ndarray = field(repr=False)  # travel minutes between matrix rows
    days: tuple[int, ...] = (1, 2, 3, 4, 5, 6)
    period_days: int = 7  # calendar days over which volumes accumulate (the pattern repeats each period)
    demand_per_visit: bool = False
    unserved_penalty: float | None = None  # yuan per missed visit; None: every visit is required
    shift_start_minutes: float = 8 * 60  # clock time the runs leave the depot (for arrival times)
    name: str = "problem"
    trunk_calls: TrunkCalls | None = None  # relay designs: the trunk's estimated cost of the station vans' days

    def __post_init__(self) -> None:
        n = len(self.km)
        if self.km.shape != (n, n) or self.minutes.shape != (n, n):
            raise ValueError("km and minutes must be square matrices of the same size")

    def depot(self, depot_id: str) -> Depot:
        for d in self.depots:
            if d.id == depot_id:
                return d
        raise KeyError(f"unknown depot {depot_id!r}")

    @property
    def has_fleet_cost(self) -> bool:
        """Whether some vehicle type costs per week in the fleet (the plan then balances its days)."""
        return any(vt.fixed_cost_per_week for vt in self.vehicle_types)

    def vehicles_on(self, day: int) -> list[tuple[int, int]]:
        """(vehicle type index, copy number) of every vehicle available on ``day``."""
        return [(t, c) for t, vt in enumerate(self.vehicle_types) if day in vt.days for c in range(vt.count)]


def trunk_calls_cost(problem: Problem, runs: Iterable[tuple[int, int]]) -> float:
    """The trunk's estimated weekly cost (yuan, ``Problem.trunk_calls``; 0 without) for ``runs``, the (day, vehicle
    type) of every run of the week."""
    calls = problem.trunk_calls
    if calls is None:
        return 0.0
    active: dict[int, set[str]] = {d: set() for d in problem.days}
    for day, t in runs:
        active[day].add(problem.vehicle_types[t].depot)
    return calls.week_cost(problem, active)


def type_label(vt: VehicleType) -> str:
    """A vehicle type's name with its depot, e.g. ``van@HUB`` (names of station copies carry it already)."""
    return vt.name if vt.name.endswith(f"@{vt.depot}") else f"{vt.name}@{vt.depot}"


def fleet_by_type(problem: Problem, used: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Vehicles each type needs in the fleet: the most of its vehicles running on any one day, from the
    (day, vehicle type) of every non-empty run in ``used``."""
    per_day: dict[tuple[int, int], int] = {}
    for day, t in used:
        per_day[(day, t)] = per_day.get((day, t), 0) + 1
    fleet = dict.fromkeys(range(len(problem.vehicle_types)), 0)
    for (_, t), n in per_day.items():
        fleet[t] = max(fleet[t], n)
    return fleet


def fleet_cost(problem: Problem, fleet: dict[int, int]) -> float:
    """Weekly cost (yuan) of a fleet given as vehicles per type."""
    return sum(problem.vehicle_types[t].fixed_cost_per_week * n for t, n in fleet.items())


def default_patterns(visits: int, days: Sequence[int]) -> tuple[Pattern, ...]:
    """Evenly spaced day patterns for ``visits`` a week over the working ``days``.

    Over Monday-Saturday: 1 a week any day; 2: Mon+Thu, Tue+Fri, Wed+Sat; 3: Mon+Wed+Fri, Tue+Thu+Sat.
    """
    days = sorted(days)
    n = len(days)
    if not 1 <= visits <= n:
        raise ValueError(f"{visits} visits a week cannot fit {n} working days")
    seen: dict[Pattern, None] = {}
    for start in range(n):
        pattern = frozenset(days[(start + (i * n) // visits) % n] for i in range(visits))
        seen.setdefault(pattern, None)
    return tuple(seen)


def client_patterns(problem: Problem, client: Client) -> tuple[Pattern, ...]:
    """The allowed patterns of a client (its own, or the defaults for its visits per week)."""
    return client.patterns or default_patterns(client.visits_per_week, problem.days)


def visit_loads(problem: Problem, client: Client, pattern: Pattern) -> dict[int, tuple[int, int]]:
    """Parcels (delivered, picked up) on each visit day of ``pattern``.

    Per-visit demands are taken as they are. Weekly volumes are split by the calendar gap since the previous visit
    (cyclic over ``problem.period_days``), rounded so the visits add up to the week's total.
    """
    days = sorted(pattern)
    if problem.demand_per_visit:
        return {d: (round(client.delivery), round(client.pickup)) for d in days}
    gaps = [(d - days[i - 1]) % problem.period_days or problem.period_days for i, d in enumerate(days)]
    shares = [g / problem.period_days for g in gaps]
    down = _split(round(client.delivery), shares)
    up = _split(round(client.pickup), shares)
    return {d: (down[i], up[i]) for i, d in enumerate(days)}


def _split(total: int, shares: list[float]) -> list[int]:
    """Integers proportional to ``shares`` that add up to ``total`` (largest remainder)."""
    raw = [total * s for s in shares]
    out = [int(np.floor(x)) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (out[i] - raw[i], i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


def service_minutes(client: Client, delivered: int, picked_up: int) -> float:
    """Minutes spent at a stop: fixed time plus time per parcel handled."""
    return client.service_minutes + client.service_minutes_per_parcel * (delivered + picked_up)
