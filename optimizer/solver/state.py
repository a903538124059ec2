"""The state of a week under search: each client's pattern, each day's routes, and cheap move evaluation.

Pattern moves (change the days a village is visited) are priced by removing the village from the routes of the
days it leaves and inserting it at the cheapest feasible position on the days it joins; OR-Tools re-optimises the
days a move touched afterwards.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from optimizer.model import Loads, Pattern, Plan, Problem, Route, route_figures, service_minutes, visit_loads

INF = float("inf")
_CACHE_LIMIT = 5000
_SLACK = 1e-6  # tolerance of the shift check (minutes), as in ``RouteFigures.feasible``


# columns of a route's insertion rows: one row per gap between consecutive points of depot, stops, depot
_POS, _A, _B, _BEFORE, _AFTER, _CAPACITY, _SPARE, _PER_KM, _SPEED, _DEPOT, _ARC_KM, _ARC_MIN = range(12)


@dataclass(frozen=True)
class _RouteInfo:
    """A route's cost (INF if it breaks a constraint) and, if feasible, its insertion rows.

    Row k is the gap between points k and k+1 of the path depot, stops, depot: its position in the stop list,
    matrix indices ``a``/``b``, arc km and minutes, the most parcels on board up to point k (``before``) and from
    point k on (``after``), and the vehicle's capacity, spare shift minutes, cost per km, speed factor and depot
    number. Inserting a visit that delivers ``d`` and picks up ``u`` there makes the peak load
    ``max(before + d, after + u)``; without opening hours the run grows by the detour's driving time plus the
    stop's time. Both checks are O(1) per position.
    """

    cost: float
    rows: np.ndarray | None = None


_EMPTY = _RouteInfo(0.0)


def _cheapest_first(values: np.ndarray) -> Iterator[int]:
    """Indices of ``values`` in stable ascending order, the first found without sorting (it usually suffices)."""
    first = int(np.argmin(values))
    yield first
    for k in np.argsort(values, kind="stable"):
        if k != first:
            yield int(k)


@dataclass(frozen=True)
class _DayTable:
    """The insertion rows of all feasible routes of a day; ``owner[k]`` indexes ``vehicles``; ``a``/``b`` are the
    rows' matrix indices as integers. ``key`` is the day's non-empty routes ((vehicle, stops), ...) it was built
    from and ``infos`` their figures, in the same order, which a rebuild reuses for routes that did not change."""

    key: tuple[tuple[tuple[int, int], tuple[int, ...]], ...]
    infos: tuple[_RouteInfo, ...]
    vehicles: list[tuple[int, int]]
    owner: np.ndarray
    rows: np.ndarray
    a: np.ndarray
    b: np.ndarray


@dataclass(frozen=True)
class Move:
    """Giving ``client`` the visit days ``pattern``: the stops left on the routes of the days it leaves
    (``removals``: day -> (vehicle, stops)), where it joins a route (``inserts``: day -> (vehicle or None for a
    missed visit, position)) and every visit's parcels afterwards (``loads``)."""

    client: int
    pattern: Pattern
    removals: Mapping[int, tuple[tuple[int, int], tuple[int, ...]]]
    inserts: Mapping[int, tuple[tuple[int, int] | None, int]]
    loads: Loads


@dataclass
class WeekState:
    """Mutable search state. ``routes[day]`` maps a vehicle (type, copy) to its stop list; once insertions have been
    priced, change the routes only through ``remove``, ``apply`` or ``adopt_routes`` (or call ``forget_costs``
    after), which keep each day's insertion table in step."""

    problem: Problem
    patterns: list[Pattern]
    routes: dict[int, dict[tuple[int, int], list[int]]]
    unserved: set[tuple[int, int]] = field(default_factory=set)
    loads: Loads = field(default_factory=dict)
    # figures of (day, vehicle, stops) under the current loads; entries naming a client go when its loads change
    _costs: dict[tuple[int, tuple[int, int], tuple[int, ...]], _RouteInfo] = field(default_factory=dict, repr=False)
    routed_by: dict[int, str] = field(default_factory=dict)  # day -> the router that made its routes

    def __post_init__(self) -> None:
        self._fleet_priced = self.problem.has_fleet_cost  # weekly fleet costs: the days are balanced
        # without opening hours, a route's duration grows by exactly the detour and the stop: O(1) shift checks
        self._windows = any(c.opening is not None for c in self.problem.clients)
        self._tables: dict[int, _DayTable] = {}  # per day, until its routes or their loads change
        self._stale: set[int] = set()  # days whose routes changed since their table was built (``remove``, ``apply``)
        self._depot_number = {d.id: k for k, d in enumerate(self.problem.depots)}
        # parcels of each (client, day) that cached route figures may assume; a change drops the client's entries
        self._seen: dict[tuple[int, int], tuple[int, int]] = dict(self.loads)
        if not self.loads:
            for c, p in enumerate(self.patterns):
                self._set_loads(c, p)

    # -- bookkeeping -------------------------------------------------------------------------------------------
    def _set_loads(self, c: int, pattern: Pattern) -> None:
        for day in self.problem.days:
            self.loads.pop((c, day), None)
        for day, load in visit_loads(self.problem, self.problem.clients[c], pattern).items():
            self.loads[(c, day)] = load
        self._note_loads(c)

    def _note_loads(self, c: int) -> None:
        """Drop cached figures of routes through ``c`` if its parcels on a day differ from those they assumed."""
        days = [d for d in self.problem.days if (c, d) in self.loads]
        if any(self._seen.get((c, d), self.loads[(c, d)]) != self.loads[(c, d)] for d in days):
            self.forget_costs(c)
        for d in days:
            self._seen[(c, d)] = self.loads[(c, d)]

    def copy(self) -> WeekState:
        other = WeekState(
            self.problem,
            list(self.patterns),
            {d: {v: list(s) for v, s in r.items()} for d, r in self.routes.items()},
            set(self.unserved),
            dict(self.loads),
            dict(self._costs),
        )
        other._seen = dict(self._seen)
        other._tables = dict(self._tables)
        other._stale = set(self._stale)
        other.routed_by = dict(self.routed_by)
        return other

    def route_cost(self, day: int, vehicle: tuple[int, int], stops: list[int], loads: Loads | None = None) -> float:
        """Cost (yuan) of a stop list for a vehicle on a day; INF if it breaks capacity, shift or opening hours.

        Without ``loads`` (the current ones) the result is cached.
        """
        if not stops:
            return 0.0
        if loads is None:
            return self._info(day, vehicle, stops).cost
        vt = self.problem.vehicle_types[vehicle[0]]
        fig = route_figures(self.problem, Route(day, vehicle[0], vehicle[1], tuple(stops)), loads)
        return fig.cost if fig.feasible(vt.capacity, vt.max_shift_minutes) else INF

    def _info(self, day: int, vehicle: tuple[int, int], stops: Sequence[int]) -> _RouteInfo:
        """Cached figures of a route under the current loads (cost INF if it breaks a constraint)."""
        if not stops:
            return _EMPTY
        key = (day, vehicle, tuple(stops))
        info = self._costs.get(key)
        if info is not None:
            return info
        problem = self.problem
        vt = problem.vehicle_types[vehicle[0]]
        fig = route_figures(problem, Route(day, vehicle[0], vehicle[1], key[2]), self.loads)
        if fig.feasible(vt.capacity, vt.max_shift_minutes):
            on_board = [fig.start_load, *fig.load_after]
            depot = problem.depot(vt.depot).index
            path = [depot, *(problem.clients[s].index for s in stops), depot]
            rows = np.empty((len(path) - 1, 12))
            rows[:, _POS] = np.arange(len(path) - 1)
            rows[:, _A], rows[:, _B] = path[:-1], path[1:]
            rows[:, _BEFORE] = list(itertools.accumulate(on_board, max))
            rows[:, _AFTER] = list(itertools.accumulate(reversed(on_board), max))[::-1]
            rows[:, _CAPACITY] = vt.capacity
            rows[:, _SPARE] = vt.max_shift_minutes - fig.minutes
            rows[:, _PER_KM] = vt.cost_per_km
            rows[:, _SPEED] = vt.speed_factor
            rows[:, _DEPOT] = self._depot_number[vt.depot]
            rows[:, _ARC_KM] = problem.km[path[:-1], path[1:]]
            rows[:, _ARC_MIN] = problem.minutes[path[:-1], path[1:]]
            info = _RouteInfo(fig.cost, rows)
        else:
            info = _RouteInfo(INF)
        if len(self._costs) >= _CACHE_LIMIT:  # bounded: forgetting a client's entries scans the cache
            self._costs.clear()
        self._costs[key] = info
        return info

    def forget_costs(self, client: int | None = None) -> None:
        """Drop cached route costs (those of routes visiting ``client``, or all)."""
        if client is None:
            self._tables.clear()
            self._costs.clear()
        else:
            self._tables = {d: t for d, t in self._tables.items() if not any(client in s for _, s in t.key)}
            self._costs = {k: v for k, v in self._costs.items() if client not in k[2]}

    def day_cost(self, day: int) -> float:
        return sum(self.route_cost(day, v, s) for v, s in self.routes.get(day, {}).items())

    def penalty(self) -> float:
        return len(self.unserved) * self.missed_cost()

    def cost(self) -> float:
        """Total weekly cost (yuan): the fleet, the runs, and penalties for unserved visits (a large one where none
        is allowed)."""
        return sum(self.day_cost(d) for d in self.problem.days) + self.penalty() + self.fleet_cost()

    # -- the fleet -----------------------------------------------------------------------------------------------
    def runs_on(self) -> dict[tuple[int, int], int]:
        """Non-empty runs per (day, vehicle type)."""
        counts: dict[tuple[int, int], int] = {}
        for day, routes in self.routes.items():
            for (t, _), stops in routes.items():
                if stops:
                    counts[(day, t)] = counts.get((day, t), 0) + 1
        return counts

    def fleet_cost(self, counts: Mapping[tuple[int, int], int] | None = None) -> float:
        """Weekly cost (yuan) of the fleet the runs need (per type, the most running on any one day)."""
        if not self._fleet_priced:
            return 0.0
        counts = self.runs_on() if counts is None else counts
        peak: dict[int, int] = {}
        for (_, t), n in counts.items():
            peak[t] = max(peak.get(t, 0), n)
        return sum(self.problem.vehicle_types[t].fixed_cost_per_week * n for t, n in peak.items())

    def _fleet_delta(self, change: Mapping[tuple[int, int], int]) -> float:
        """Change of the fleet's weekly cost when the runs per (day, type) change by ``change``."""
        if not self._fleet_priced or not any(change.values()):
            return 0.0
        counts = self.runs_on()
        before = self.fleet_cost(counts)
        for key, n in change.items():
            counts[key] = counts.get(key, 0) + n
        return self.fleet_cost(counts) - before

    def _new_vehicle_cost(self, day: int, t: int) -> float:
        """Weekly cost added by one more run of type ``t`` on ``day`` (its vehicle joins the fleet if that day is
        then the type's busiest)."""
        vt = self.problem.vehicle_types[t]
        if not vt.fixed_cost_per_week:
            return 0.0
        counts = self.runs_on()
        peak = max((n for (_, k), n in counts.items() if k == t), default=0)
        return vt.fixed_cost_per_week if counts.get((day, t), 0) + 1 > peak else 0.0

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
        for route in routes:
            for c in route.clients:
                if len(trial.patterns[c]) == 1 and route.day not in trial.patterns[c]:
                    trial.patterns[c] = frozenset({route.day})
                    trial._set_loads(c, trial.patterns[c])
        for d in days:
            trial.routes[d] = {}
        for route in routes:
            trial.routes[route.day][(route.vehicle_type, route.vehicle)] = list(route.clients)
        missed = {(c, d) for c, allowed in dropped for d in allowed if d in trial.patterns[c]}
        trial.unserved = {u for u in trial.unserved if u[1] not in days} | missed
        if keep_better and trial._days_cost(days) >= self._days_cost(days) - 1e-9:
            return False
        self.patterns, self.routes, self.unserved = trial.patterns, trial.routes, trial.unserved
        self.loads = trial.loads
        self._seen = trial._seen
        self.forget_costs()
        for d in days:
            if made_by and d in made_by:
                self.routed_by[d] = made_by[d]
            else:
                self.routed_by.pop(d, None)
        return True

    def _days_cost(self, days: set[int]) -> float:
        """Cost (yuan) of the routes and missed visits of ``days``, and of the whole fleet."""
        missed = self.missed_cost() * sum(1 for u in self.unserved if u[1] in days)
        return sum(self.day_cost(d) for d in days) + missed + self.fleet_cost()

    # -- moves ---------------------------------------------------------------------------------------------------
    def _allowed(self, c: int, vehicle: tuple[int, int]) -> bool:
        home = self.problem.clients[c].depot
        return home is None or self.problem.vehicle_types[vehicle[0]].depot == home

    def best_insertion(self, c: int, day: int, loads: Loads) -> tuple[float, tuple[int, int] | None, int]:
        """Cheapest feasible insertion of client ``c`` on ``day``: (added cost, vehicle, position).

        A route's cost changes only by cost per km x detour (plus the fixed cost if the vehicle was idle, and its
        weekly cost if the day is then its type's busiest: the fleet grows). All
        positions of the day are priced at once (``_DayTable``); those that break capacity, or, without opening
        hours, the shift, are ruled out there, and the cheapest one left is confirmed by simulating the route.
        """
        problem = self.problem
        client = problem.clients[c]
        here = client.index
        down, up = loads[(c, day)]
        stop_minutes = service_minutes(client, down, up)
        best: tuple[float, tuple[int, int] | None, int] = (INF, None, 0)
        table = self._day_table(day)
        if len(table.rows):
            km, rows, a, b = problem.km, table.rows, table.a, table.b
            added = rows[:, _PER_KM] * (km[a, here] + km[here, b] - rows[:, _ARC_KM])
            ok = np.maximum(rows[:, _BEFORE] + down, rows[:, _AFTER] + up) <= rows[:, _CAPACITY]
            if client.depot is not None:
                ok &= rows[:, _DEPOT] == self._depot_number[client.depot]
            if not self._windows:
                minutes = problem.minutes
                longer = (minutes[a, here] + minutes[here, b] - rows[:, _ARC_MIN]) * rows[:, _SPEED]
                spare = rows[:, _SPARE] - longer - stop_minutes
                ok &= spare >= -2 * _SLACK
            added = np.where(ok, added, INF)
            for k in _cheapest_first(added):
                if added[k] == INF:
                    break
                vehicle, pos = table.vehicles[table.owner[k]], int(rows[k, _POS])
                stops = self.routes[day][vehicle]
                # the O(1) checks are exact but for rounding: simulate where opening hours or a thin margin decide
                sure = not self._windows and spare[k] > 1e-3
                if sure or self.route_cost(day, vehicle, [*stops[:pos], c, *stops[pos:]], loads) < INF:
                    best = (float(added[k]), vehicle, pos)
                    break
        # idle vehicles: one of each type
        tried: set[int] = set()
        day_routes = self.routes.get(day, {})
        for vehicle in problem.vehicles_on(day):
            if vehicle[0] in tried or day_routes.get(vehicle) or not self._allowed(c, vehicle):
                continue
            tried.add(vehicle[0])
            vt = problem.vehicle_types[vehicle[0]]
            depot = problem.depot(vt.depot).index
            added_idle = vt.fixed_cost_per_day + vt.cost_per_km * (problem.km[depot, here] + problem.km[here, depot])
            if self._fleet_priced:
                added_idle += self._new_vehicle_cost(day, vehicle[0])
            if added_idle < best[0] and self.route_cost(day, vehicle, [c], loads) < INF:
                best = (added_idle, vehicle, 0)
        return best

    def _day_table(self, day: int) -> _DayTable:
        """The insertion rows of the day's feasible routes (cached until the routes or their loads change; a
        rebuild reuses the figures of the routes that did not change)."""
        cached = self._tables.get(day)
        if cached is not None and day not in self._stale:
            return cached
        key = tuple((v, tuple(s)) for v, s in sorted(self.routes.get(day, {}).items()) if s)
        self._stale.discard(day)
        if cached is not None and cached.key == key:
            return cached
        # a cached table is dropped when a client's loads change (``forget_costs``): its figures still hold. Reuse
        # is looked up by vehicle, then the stops compared: hashing every route's stops would cost more.
        old = {v: (stops, info) for (v, stops), info in zip(cached.key, cached.infos, strict=True)} if cached else {}
        infos = tuple(old[v][1] if v in old and old[v][0] == stops else self._info(day, v, stops) for v, stops in key)
        vehicles = [vehicle for (vehicle, _), info in zip(key, infos, strict=True) if info.rows is not None]
        parts = [info.rows for info in infos if info.rows is not None]
        if parts:
            owner = np.repeat(np.arange(len(parts)), [len(p) for p in parts])
            rows = np.concatenate(parts)
        else:
            owner, rows = np.zeros(0, dtype=int), np.zeros((0, 12))
        table = _DayTable(key, infos, vehicles, owner, rows, rows[:, _A].astype(int), rows[:, _B].astype(int))
        self._tables[day] = table
        return table

    def move_delta(self, c: int, new: Pattern) -> tuple[float, Move | None]:
        """Cost change of giving client ``c`` the pattern ``new`` (INF and None if infeasible), and the move."""
        old = self.patterns[c]
        loads = dict(self.loads)
        for day in self.problem.days:
            loads.pop((c, day), None)
        for day, load in visit_loads(self.problem, self.problem.clients[c], new).items():
            loads[(c, day)] = load
        delta = 0.0
        change: dict[tuple[int, int], int] = {}  # runs added (+1) or emptied (-1) per (day, vehicle type)
        removals: dict[int, tuple[tuple[int, int], tuple[int, ...]]] = {}
        inserts: dict[int, tuple[tuple[int, int] | None, int]] = {}
        for day in self.problem.days:
            if day not in old and day not in new:
                continue
            missed = (c, day) in self.unserved  # a missed visit is on no route
            current = None if missed else next(((v, s) for v, s in self.routes.get(day, {}).items() if c in s), None)
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
                    removals[day] = (vehicle, tuple(rest))
                    if not rest:
                        change[(day, vehicle[0])] = change.get((day, vehicle[0]), 0) - 1
                elif missed:
                    delta -= self.missed_cost()
            if day in new:
                added, vehicle, pos = self.best_insertion(c, day, loads)
                if vehicle is None:
                    delta += self.missed_cost()
                else:
                    delta += added
                    if self._fleet_priced and not self.routes.get(day, {}).get(vehicle):
                        # a new run: its fleet cost is priced below for all days at once, not per day
                        delta -= self._new_vehicle_cost(day, vehicle[0])
                        change[(day, vehicle[0])] = change.get((day, vehicle[0]), 0) + 1
                inserts[day] = (vehicle, pos)
            if delta == INF:
                return INF, None
        delta += self._fleet_delta(change)
        return delta, Move(c, new, removals, inserts, loads)

    def missed_cost(self) -> float:
        """Cost of one missed visit: the problem's penalty, or a large one where none is allowed."""
        per = self.problem.unserved_penalty
        return per if per is not None else 1e7

    def remove(self, c: int) -> set[int]:
        """Take client ``c`` off every route (its visits count as missed until it is reinserted); returns the days
        changed."""
        changed = set()
        for day in self.patterns[c]:
            for stops in self.routes.get(day, {}).values():
                if c in stops:
                    stops.remove(c)
                    changed.add(day)
            self.unserved.add((c, day))
        self._stale |= changed
        return changed

    def apply(self, move: Move) -> set[int]:
        """Apply a move from ``move_delta``; returns the days it changed."""
        c = move.client
        changed = set(move.removals) | set(move.inserts)
        for day in self.problem.days:
            self.unserved.discard((c, day))
        for day, (vehicle, rest) in move.removals.items():
            self.routes[day][vehicle] = list(rest)
        for day, (vehicle, pos) in move.inserts.items():
            if vehicle is None:
                self.unserved.add((c, day))
            else:
                self.routes.setdefault(day, {}).setdefault(vehicle, []).insert(pos, c)
        self._stale |= set(move.removals) | {d for d, (v, _) in move.inserts.items() if v is not None}
        self.patterns[c] = move.pattern
        self.loads = dict(move.loads)
        self._note_loads(c)
        # a kept day's route is unchanged but its loads moved: it counts as changed for re-optimisation
        changed |= set(self.patterns[c])
        return changed
