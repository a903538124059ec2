"""The router seam: what a day router is given (visits, vehicle-days, a budget) and what it must do.

A router solves one model: some visits, each allowed on some vehicle-days, with capacity (simultaneous delivery and
pickup), shifts, opening hours and the unserved penalty of the ``Problem``. It either routes the visits afresh
(``route``) or improves given feasible routes (``improve``). ``optimizer.routing.week`` splits a week into such
models and hands them to a router.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from optimizer.model import Problem, Route

VehicleDay = tuple[int, int, int]  # (day, vehicle type index, copy number)


@dataclass(frozen=True)
class DayVisit:
    """A visit to be routed: client position, parcels delivered and picked up."""

    client: int
    delivered: int
    picked_up: int


@dataclass(frozen=True)
class WeekVisit:
    """A visit that may go on any of ``days`` (one day for a fixed pattern; several for a once-a-week village
    whose day is still free), carrying the same parcels whichever day it takes."""

    client: int
    days: tuple[int, ...]
    delivered: int
    picked_up: int


@dataclass(frozen=True)
class SearchBudget:
    """How long a router searches one model: at most ``time_s`` seconds, and (for reproducible plans) at most
    ``solutions`` improving solutions (None: time only). With a solution limit the time cap shrinks to 0.05 s per
    visit (at least 0.2 s): a handful of visits may never yield that many solutions. ``ils``: iterated local
    search (routes built afresh) or, from given routes, descent to a local optimum; off: guided local search.
    ``first_solution``: an OR-Tools ``FirstSolutionStrategy`` name."""

    time_s: float = 1.0
    solutions: int | None = None
    ils: bool = True
    first_solution: str = "PATH_CHEAPEST_ARC"

    def __post_init__(self) -> None:
        if not self.time_s > 0:  # also rejects NaN
            raise ValueError(f"SearchBudget.time_s: {self.time_s} must be a positive number of seconds")
        if self.solutions is not None and self.solutions < 1:
            raise ValueError(f"SearchBudget.solutions: {self.solutions} must be at least 1 (or None)")


class DayRouter(Protocol):
    """One small interface: route these visits afresh, or improve these routes.

    ``vehicles`` are the vehicle-days of the model, each usable by some visit. ``fixed_costs`` (yuan) is what using
    a vehicle-day costs, where it differs from its type's ``fixed_cost_per_day`` (the scheduling layer adds the
    weekly fleet cost to the vehicles beyond those the other days already need). Both return the non-empty routes
    (each route's ``day`` says which day its visits took) and the visits left unserved.
    """

    name: str

    def unsupported(self, problem: Problem, visits: Sequence[WeekVisit], vehicles: Sequence[VehicleDay]) -> str | None:
        """Why this router cannot express the model (None: it can); such models go to OR-Tools."""
        ...

    def route(
        self, problem: Problem, visits: Sequence[WeekVisit], vehicles: Sequence[VehicleDay], budget: SearchBudget,
        seed: int, fixed_costs: Mapping[VehicleDay, float] | None = None,
    ) -> tuple[list[Route], list[WeekVisit]]: ...  # fmt: skip

    def improve(
        self, problem: Problem, visits: Sequence[WeekVisit], vehicles: Sequence[VehicleDay], budget: SearchBudget,
        seed: int, start: Mapping[VehicleDay, Sequence[int]], fixed_costs: Mapping[VehicleDay, float] | None = None,
    ) -> tuple[list[Route], list[WeekVisit]]: ...  # fmt: skip


@dataclass(frozen=True)
class Routed:
    """One model a router was asked for: its days, the router that made its routes, and why OR-Tools stood in for
    the chosen router (None: it did not)."""

    days: tuple[int, ...]
    router: str
    fallback: str | None = None
