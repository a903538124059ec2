"""A week plan handed to the day routers: each client's pattern, each day's routes, the visits missed, and what
it costs. The genetic search works on arrays (``individual``); the routers' polish works on this."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from optimizer.model import Loads, Pattern, Plan, Problem, Route, plan_loads, route_figures, trunk_calls_cost
from optimizer.solver.arrays import REQUIRED_MISS

INF = float("inf")


@dataclass
class WeekState:
    """``routes[day]`` maps a vehicle (type, copy) to its stop list; ``unserved`` holds (client, day) visits
    missed; ``loads`` every visit's parcels (derived from the patterns when not given); ``routed_by`` which router
    made each day's routes."""

    problem: Problem
    patterns: list[Pattern]
    routes: dict[int, dict[tuple[int, int], list[int]]]
    unserved: set[tuple[int, int]] = field(default_factory=set)
    loads: Loads = field(default_factory=dict)
    routed_by: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.loads:
            self.loads = plan_loads(self.problem, tuple(self.patterns))

    @classmethod
    def from_plan(cls, problem: Problem, plan: Plan) -> WeekState:
        routes: dict[int, dict[tuple[int, int], list[int]]] = {d: {} for d in problem.days}
        for r in plan.routes:
            routes[r.day][(r.vehicle_type, r.vehicle)] = list(r.clients)
        return cls(problem, list(plan.patterns), routes, set(plan.unserved))

    def copy(self) -> WeekState:
        return WeekState(
            self.problem,
            list(self.patterns),
            {d: {v: list(s) for v, s in r.items()} for d, r in self.routes.items()},
            set(self.unserved),
            dict(self.loads),
            dict(self.routed_by),
        )

    def route_cost(self, day: int, vehicle: tuple[int, int], stops: Sequence[int]) -> float:
        """Cost (yuan) of a stop list for a vehicle on a day; INF if it breaks capacity, shift or opening hours."""
        if not stops:
            return 0.0
        vt = self.problem.vehicle_types[vehicle[0]]
        fig = route_figures(self.problem, Route(day, vehicle[0], vehicle[1], tuple(stops)), self.loads)
        return fig.cost if fig.feasible(vt.capacity, vt.max_shift_minutes) else INF

    def day_cost(self, day: int) -> float:
        return sum(self.route_cost(day, v, s) for v, s in self.routes.get(day, {}).items())

    def missed_cost(self) -> float:
        """Cost of one missed visit: the problem's penalty, or a large one where none is allowed."""
        per = self.problem.unserved_penalty
        return per if per is not None else REQUIRED_MISS

    def cost(self) -> float:
        """Total weekly cost (yuan): the fleet, the runs, the missed visits, and the trunk's estimated calls (relay
        designs: ``Problem.trunk_calls``)."""
        days = sum(self.day_cost(d) for d in self.problem.days)
        return days + len(self.unserved) * self.missed_cost() + self.fleet_cost() + self.calls_cost()

    def runs_on(self) -> dict[tuple[int, int], int]:
        """Non-empty runs per (day, vehicle type)."""
        counts: dict[tuple[int, int], int] = {}
        for day, routes in self.routes.items():
            for (t, _), stops in routes.items():
                if stops:
                    counts[(day, t)] = counts.get((day, t), 0) + 1
        return counts

    def fleet_cost(self) -> float:
        """Weekly cost (yuan) of the fleet the runs need (per type, the most running on any one day)."""
        peak: dict[int, int] = {}
        for (_, t), n in self.runs_on().items():
            peak[t] = max(peak.get(t, 0), n)
        return sum(self.problem.vehicle_types[t].fixed_cost_per_week * n for t, n in peak.items())

    def calls_cost(self) -> float:
        """The trunk's estimated weekly cost (yuan) of the days the station vans run (0 without trunk calls)."""
        return trunk_calls_cost(self.problem, self.runs_on())

    def to_plan(self) -> Plan:
        """The plan; each day's runs of a type are numbered 0, 1, ... (vehicle k of the fleet drives run k)."""
        routes = []
        for day in sorted(self.routes):
            copies: dict[int, int] = {}
            for (t, _), stops in sorted(self.routes[day].items()):
                if stops:
                    routes.append(Route(day, t, copies.get(t, 0), tuple(stops)))
                    copies[t] = copies.get(t, 0) + 1
        return Plan(tuple(self.patterns), tuple(routes), tuple(sorted(self.unserved)))

    def adopt_routes(
        self,
        days: set[int],
        routes: Iterable[Route],
        dropped: Iterable[tuple[int, Sequence[int]]],
        *,
        keep_better: bool,
        made_by: Mapping[int, str] | None = None,
    ) -> bool:
        """Take new routes for ``days`` (from a router), in place: a once-a-week village a route puts on another of
        these days moves there; ``dropped`` (client, allowed days) visits become missed. With ``keep_better`` the
        days keep their routes unless the new ones cost less. ``made_by``: which router made each day's new routes
        (kept in ``routed_by``). Returns whether the new routes were taken."""
        routes = list(routes)
        trial = self.copy()
        moved = False
        for route in routes:
            for c in route.clients:
                if len(trial.patterns[c]) == 1 and route.day not in trial.patterns[c]:
                    trial.patterns[c] = frozenset({route.day})
                    moved = True
        if moved:
            trial.loads = plan_loads(self.problem, tuple(trial.patterns))
        for d in days:
            trial.routes[d] = {}
        for route in routes:
            trial.routes[route.day][(route.vehicle_type, route.vehicle)] = list(route.clients)
        missed = {(c, d) for c, allowed in dropped for d in allowed if d in trial.patterns[c]}
        trial.unserved = {u for u in trial.unserved if u[1] not in days} | missed
        if keep_better and trial._days_cost(days) >= self._days_cost(days) - 1e-9:
            return False
        self.patterns, self.routes = trial.patterns, trial.routes
        self.unserved, self.loads = trial.unserved, trial.loads
        for d in days:
            if made_by and d in made_by:
                self.routed_by[d] = made_by[d]
            else:
                self.routed_by.pop(d, None)
        return True

    def _days_cost(self, days: set[int]) -> float:
        """Cost (yuan) of the routes and missed visits of ``days``, and of the whole fleet and trunk calls."""
        missed = self.missed_cost() * sum(1 for u in self.unserved if u[1] in days)
        return sum(self.day_cost(d) for d in days) + missed + self.fleet_cost() + self.calls_cost()
