"""The state of a week under search: each client's pattern, each day's routes, and cheap move evaluation.

Pattern moves (change the days a village is visited) are priced by removing the village from the routes of the
days it leaves and inserting it at the cheapest feasible position on the days it joins; OR-Tools re-optimises the
days a move touched afterwards.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from optimizer.evaluate import Loads, route_figures
from optimizer.model import Pattern, Problem, visit_loads
from optimizer.solution import Plan, Route

INF = float("inf")
_CACHE_LIMIT = 5000


@dataclass
class WeekState:
    """Mutable search state. ``routes[day]`` maps a vehicle (type, copy) to its stop list."""

    problem: Problem
    patterns: list[Pattern]
    routes: dict[int, dict[tuple[int, int], list[int]]]
    unserved: set[tuple[int, int]] = field(default_factory=set)
    loads: Loads = field(default_factory=dict)
    # cost of (day, vehicle, stops) under the current loads; entries naming a client go when its loads change
    _costs: dict[tuple[int, tuple[int, int], tuple[int, ...]], float] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not self.loads:
            for c, p in enumerate(self.patterns):
                self._set_loads(c, p)

    # -- bookkeeping -------------------------------------------------------------------------------------------
    def _set_loads(self, c: int, pattern: Pattern) -> None:
        self.forget_costs(c)
        for day in self.problem.days:
            self.loads.pop((c, day), None)
        for day, load in visit_loads(self.problem, self.problem.clients[c], pattern).items():
            self.loads[(c, day)] = load

    def copy(self) -> WeekState:
        return WeekState(
            self.problem,
            list(self.patterns),
            {d: {v: list(s) for v, s in r.items()} for d, r in self.routes.items()},
            set(self.unserved),
            dict(self.loads),
            dict(self._costs),
        )

    def route_cost(self, day: int, vehicle: tuple[int, int], stops: list[int], loads: Loads | None = None) -> float:
        """Cost (yuan) of a stop list for a vehicle on a day; INF if it breaks capacity, shift or opening hours.

        Without ``loads`` (the current ones) the result is cached.
        """
        if not stops:
            return 0.0
        key = (day, vehicle, tuple(stops))
        if loads is None and key in self._costs:
            return self._costs[key]
        vt = self.problem.vehicle_types[vehicle[0]]
        fig = route_figures(self.problem, Route(day, vehicle[0], vehicle[1], key[2]), loads or self.loads)
        cost = fig.cost if fig.feasible(vt.capacity, vt.max_shift_minutes) else INF
        if loads is None:
            if len(self._costs) >= _CACHE_LIMIT:  # bounded: forgetting a client's entries scans the cache
                self._costs.clear()
            self._costs[key] = cost
        return cost

    def forget_costs(self, client: int | None = None) -> None:
        """Drop cached route costs (those of routes visiting ``client``, or all)."""
        if client is None:
            self._costs.clear()
        else:
            self._costs = {k: v for k, v in self._costs.items() if client not in k[2]}

    def day_cost(self, day: int) -> float:
        return sum(self.route_cost(day, v, s) for v, s in self.routes.get(day, {}).items())

    def penalty(self) -> float:
        return len(self.unserved) * self.missed_cost()

    def cost(self) -> float:
        """Total weekly cost (yuan): runs, the fixed trunk cost, and penalties for unserved visits (a large one
        where none is allowed)."""
        return sum(self.day_cost(d) for d in self.problem.days) + self.penalty() + self.problem.trunk_cost_per_week

    def to_plan(self) -> Plan:
        routes = [
            Route(day, v[0], v[1], tuple(stops))
            for day in sorted(self.routes)
            for v, stops in sorted(self.routes[day].items())
            if stops
        ]
        return Plan(tuple(self.patterns), tuple(routes), tuple(sorted(self.unserved)))

    # -- moves ---------------------------------------------------------------------------------------------------
    def _allowed(self, c: int, vehicle: tuple[int, int]) -> bool:
        home = self.problem.clients[c].depot
        return home is None or self.problem.vehicle_types[vehicle[0]].depot == home

    def best_insertion(self, c: int, day: int, loads: Loads) -> tuple[float, tuple[int, int] | None, int]:
        """Cheapest feasible insertion of client ``c`` on ``day``: (added cost, vehicle, position).

        Positions are tried in order of detour length, so each route stops at its first feasible position, which
        is its cheapest: the route's cost changes only by cost per km x detour (plus the fixed cost if it was idle).
        """
        problem = self.problem
        best: tuple[float, tuple[int, int] | None, int] = (INF, None, 0)
        day_routes = self.routes.setdefault(day, {})
        here = problem.clients[c].index
        km = problem.km
        tried_empty: set[int] = set()
        for vehicle in problem.vehicles_on(day):
            if not self._allowed(c, vehicle):
                continue
            stops = day_routes.get(vehicle, [])
            vt = problem.vehicle_types[vehicle[0]]
            if not stops:
                if vehicle[0] in tried_empty:  # identical idle vehicles: try one of each type
                    continue
                tried_empty.add(vehicle[0])
            depot = problem.depot(vt.depot).index
            path = [depot, *(problem.clients[s].index for s in stops), depot]
            detours = sorted(
                (km[a, here] + km[here, b] - km[a, b], pos) for pos, (a, b) in enumerate(itertools.pairwise(path))
            )
            extra = 0.0 if stops else vt.fixed_cost_per_day
            for detour, pos in detours:
                added = extra + vt.cost_per_km * detour
                if added >= best[0]:
                    break
                if self.route_cost(day, vehicle, [*stops[:pos], c, *stops[pos:]], loads) < INF:
                    best = (added, vehicle, pos)
                    break
        return best

    def move_delta(self, c: int, new: Pattern) -> tuple[float, dict]:
        """Cost change of giving client ``c`` the pattern ``new`` (INF if infeasible), and how to apply it."""
        old = self.patterns[c]
        loads = dict(self.loads)
        for day in self.problem.days:
            loads.pop((c, day), None)
        for day, load in visit_loads(self.problem, self.problem.clients[c], new).items():
            loads[(c, day)] = load
        delta = 0.0
        removals: dict[int, tuple[tuple[int, int], list[int]]] = {}
        inserts: dict[int, tuple[tuple[int, int] | None, int]] = {}
        for day in self.problem.days:
            missed = (c, day) in self.unserved
            current = next(((v, s) for v, s in self.routes.get(day, {}).items() if c in s), None)
            if day in old and day in new and current is not None:
                # kept day: same route, but the visit's parcels change with the gap to the previous visit
                vehicle, stops = current
                delta += self.route_cost(day, vehicle, stops, loads) - self.route_cost(day, vehicle, stops)
                continue
            if day in old:
                if current is not None:
                    vehicle, stops = current
                    rest = [s for s in stops if s != c]
                    delta += self.route_cost(day, vehicle, rest) - self.route_cost(day, vehicle, stops)
                    removals[day] = (vehicle, rest)
                elif missed:
                    delta -= self.missed_cost()
            if day in new:
                added, vehicle, pos = self.best_insertion(c, day, loads)
                if vehicle is None:
                    delta += self.missed_cost()
                else:
                    delta += added
                inserts[day] = (vehicle, pos)
            if delta == INF:
                return INF, {}
        return delta, {"pattern": new, "removals": removals, "inserts": inserts, "loads": loads}

    def missed_cost(self) -> float:
        """Cost of one missed visit: the problem's penalty, or a large one where none is allowed."""
        per = self.problem.unserved_penalty
        return per if per is not None else 1e7

    def apply(self, c: int, move: dict) -> set[int]:
        """Apply a move from ``move_delta``; returns the days it changed."""
        changed = set(move["removals"]) | set(move["inserts"])
        for day in self.problem.days:
            self.unserved.discard((c, day))
        for day, (vehicle, rest) in move["removals"].items():
            self.routes[day][vehicle] = rest
        for day, (vehicle, pos) in move["inserts"].items():
            if vehicle is None:
                self.unserved.add((c, day))
            else:
                self.routes.setdefault(day, {}).setdefault(vehicle, []).insert(pos, c)
        self.patterns[c] = move["pattern"]
        self.loads = move["loads"]
        self.forget_costs(c)
        # a kept day's route is unchanged but its loads moved: it counts as changed for re-optimisation
        changed |= set(self.patterns[c])
        return changed
