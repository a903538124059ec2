"""Plans and results: which vehicle runs on which day through which villages, and what it costs."""

from __future__ import annotations

from dataclasses import dataclass, field

from optimizer.model.problem import Pattern

BY_ITERATIONS = "iterations"  # ``Result.stopped_by``: the deterministic end, same inputs and seed give the same plan
BY_TIME = "time limit"  # the clock ended the run: the plan may vary with machine load


@dataclass(frozen=True)
class Route:
    """One run: vehicle ``vehicle`` (copy number) of type ``vehicle_type`` on ``day``, visiting ``clients``
    (positions in ``Problem.clients``) in order, from and back to the type's depot."""

    day: int
    vehicle_type: int
    vehicle: int
    clients: tuple[int, ...]


@dataclass(frozen=True)
class Plan:
    """A week: each client's visit days and the runs. ``unserved`` lists (client, day) visits left out."""

    patterns: tuple[Pattern | None, ...]  # per client; None: not scheduled at all
    routes: tuple[Route, ...]
    unserved: tuple[tuple[int, int], ...] = ()

    def routes_on(self, day: int) -> list[Route]:
        return [r for r in self.routes if r.day == day]


@dataclass(frozen=True)
class Stats:
    """Key figures of a week's plan (yuan a week, km, hours, parcels).

    ``total_cost`` = ``fleet_cost`` (vehicles in the fleet x weekly cost) + ``route_cost`` (vehicle-days x daily
    cost + km x cost per km) + ``penalty_cost`` (missed visits). ``fleet_by_type`` maps a vehicle type's name to the
    most of its vehicles running on any one day; ``fleet_size`` sums them.
    """

    total_cost: float
    route_cost: float
    penalty_cost: float
    fleet_cost: float
    total_km: float
    driver_hours: float
    fleet_size: int
    fleet_by_type: dict[str, int]
    vehicle_days: int
    parcels: int
    cost_per_parcel: float  # (fleet + route cost) / parcels, yuan
    unserved: int
    feasible: bool

    @property
    def vehicles_used(self) -> int:
        """The fleet size (runs are numbered so that a day's runs of a type use vehicles 1..n)."""
        return self.fleet_size


@dataclass
class Result:
    """What a solve returns: the best plan, its figures, and how the search went."""

    plan: Plan
    stats: Stats
    runtime_s: float
    iterations: int
    stopped_by: str  # BY_ITERATIONS (deterministic) or BY_TIME (may vary with machine load)
    history: list[tuple[float, float]] = field(default_factory=list)  # (seconds, total cost) at each improvement
    first_feasible_s: float | None = None
    router: str = "ortools"  # the plan's day router
    routed_by: dict[int, str] = field(default_factory=dict)  # day -> the router that made its routes
    router_fallbacks: list[dict] = field(default_factory=list)  # {"day", "reason", "models"}: OR-Tools stood in
    time_limit_s: float | None = None  # the limit the run was given (seconds)

    def summary(self) -> str:
        s = self.stats
        return (
            f"cost {s.total_cost:,.2f}  km {s.total_km:,.1f}  vehicle-days {s.vehicle_days}  "
            f"fleet {s.fleet_size}  driver hours {s.driver_hours:,.1f}  unserved {s.unserved}  "
            f"({self.iterations} iterations, {self.runtime_s:.1f} s, stopped by {self.stopped_by})"
        )
