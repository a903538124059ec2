"""The week's problem as flat NumPy arrays, the form the genetic search's compiled kernels read.

Built once per solve from a prepared ``Problem`` (``encode``). Days are numbered 0..D-1 here (``days[k]`` is the
problem's day), vehicles are the day's slots (each slot one vehicle of a type), and a client's allowed patterns are
bit masks over those day numbers with the parcels and stop minutes of every visit they imply.

Node numbering, per day: clients ``0..N-1``; slot ``s``'s start depot ``N + 2s`` and end depot ``N + 2s + 1``;
the missed visits' list (the "bin", route number ``S``) ``N + 2S`` and ``N + 2S + 1``.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from optimizer.model import Problem, client_patterns, service_minutes, visit_loads

BIG = 1e18  # stands for "no limit" (a shift without end, a village never closing): finite, so no inf - inf
REQUIRED_MISS = 1e7  # yuan charged per required visit left out, where the problem allows none (never chosen)


class WeekArrays(NamedTuple):
    """The problem, flattened. Units: km, minutes, parcels, yuan. ``N`` clients, ``T`` vehicle types, ``D`` days,
    ``S`` slots a day at most, ``P`` patterns a client at most, ``K`` granular neighbours."""

    km: np.ndarray  # (M, M) road km between matrix rows
    minutes: np.ndarray  # (M, M) travel minutes between matrix rows
    loc: np.ndarray  # (N,) matrix row of each client
    open: np.ndarray  # (N,) opening, minutes after the shift start (0 without opening hours)
    close: np.ndarray  # (N,) closing (BIG without)
    allowed: np.ndarray  # (N, T) whether a client may ride a vehicle type (its depot)
    capacity: np.ndarray  # (T,) parcels on board at any moment
    shift: np.ndarray  # (T,) minutes a run may last (BIG: no limit)
    per_km: np.ndarray  # (T,) yuan a km
    speed: np.ndarray  # (T,) factor on the matrix's minutes
    fixed_day: np.ndarray  # (T,) yuan a run
    fixed_week: np.ndarray  # (T,) yuan a vehicle in the fleet
    depot: np.ndarray  # (T,) matrix row of the type's depot
    slot_type: np.ndarray  # (D, S) vehicle type of each slot, -1 where the day has fewer slots
    node_loc: np.ndarray  # (D, N + 2S + 2) matrix row of each node (-1 for the bin's ends)
    npat: np.ndarray  # (N,) allowed patterns of each client
    pmask: np.ndarray  # (N, P) pattern bit masks over day numbers (0 past npat)
    pload: np.ndarray  # (N, P, D, 3) delivered, picked up, stop minutes of each visit of each pattern
    nn: np.ndarray  # (N, K) nearest other clients by km (-1 padded), more than ``granular`` (see ``encode``)
    granular: int  # route moves try a visit with this many of its nearest clients visited the same day
    miss: float  # yuan per missed visit (REQUIRED_MISS where none is allowed)
    optional: bool  # the problem prices missed visits (visits may be left out)
    restricted: bool  # some client may not ride some vehicle type
    depots_differ: bool  # the slots' depots or speeds differ (2-opt* then checks the tails' ends)
    station: np.ndarray  # (T,) position on the trunk's tour of each type's depot (``Problem.trunk_calls``), or -1
    tour_row: np.ndarray  # (G,) matrix row of each station on the trunk's tour, in the tour's order
    forced: np.ndarray  # (D, G) the trunk calls at the station that day anyway
    trunk: np.ndarray  # (7,) the trunk's yuan a km, a truck-day, a truck-week; shift, unload minutes; speed factor;
    # the centre's matrix row (G = 0: no trunk)


def encode(problem: Problem, granular: int) -> WeekArrays:
    """The arrays of a prepared ``problem`` (``solver.prepare``); ``granular``: how many of a visit's nearest
    clients visited the same day its route moves look at. A client's list of neighbours holds enough of its nearest
    for that on days where only some are visited: ``granular`` times the days over the mean visits a client makes
    (at most 100)."""
    clients = problem.clients
    types = problem.vehicle_types
    days = sorted(problem.days)
    n, n_types, n_days = len(clients), len(types), len(days)
    day_number = {d: k for k, d in enumerate(days)}
    depot_row = {d.id: d.index for d in problem.depots}
    km = np.ascontiguousarray(problem.km, dtype=np.float64)
    minutes = np.ascontiguousarray(problem.minutes, dtype=np.float64)
    loc = np.array([c.index for c in clients], dtype=np.int64)
    opening = np.zeros(n)
    closing = np.full(n, BIG)
    for i, c in enumerate(clients):
        if c.opening is not None:
            opening[i], closing[i] = c.opening
    allowed = np.array([[c.depot in (None, vt.depot) for vt in types] for c in clients], dtype=np.bool_)
    allowed = allowed.reshape(n, n_types)

    def per_type(values) -> np.ndarray:
        return np.array(list(values), dtype=np.float64)

    capacity = per_type(vt.capacity for vt in types)
    shift = per_type(vt.max_shift_minutes if math.isfinite(vt.max_shift_minutes) else BIG for vt in types)
    slots = [problem.vehicles_on(d) for d in days]
    width = max(1, max(len(s) for s in slots))
    slot_type = np.full((n_days, width), -1, dtype=np.int64)
    for k, day_slots in enumerate(slots):
        slot_type[k, : len(day_slots)] = [t for t, _ in day_slots]
    depot = np.array([depot_row[vt.depot] for vt in types], dtype=np.int64)
    node_loc = np.full((n_days, n + 2 * width + 2), -1, dtype=np.int64)
    node_loc[:, :n] = loc
    for k in range(n_days):
        for s in range(width):
            if slot_type[k, s] >= 0:
                node_loc[k, n + 2 * s] = node_loc[k, n + 2 * s + 1] = depot[slot_type[k, s]]
    patterns = [client_patterns(problem, c) for c in clients]
    width_p = max(len(ps) for ps in patterns) if patterns else 1
    npat = np.array([len(ps) for ps in patterns], dtype=np.int64)
    pmask = np.zeros((n, width_p), dtype=np.int64)
    pload = np.zeros((n, width_p, n_days, 3))
    for i, (c, ps) in enumerate(zip(clients, patterns, strict=True)):
        for p, pattern in enumerate(ps):
            for day, (down, up) in visit_loads(problem, c, pattern).items():
                k = day_number[day]
                pmask[i, p] |= 1 << k
                pload[i, p, k] = (down, up, service_minutes(c, down, up))
    used = {t for day_slots in slots for t, _ in day_slots}
    station, tour_row, forced, trunk = _trunk_calls(problem, days)
    return WeekArrays(
        km=km,
        minutes=minutes,
        loc=loc,
        open=opening,
        close=closing,
        allowed=allowed,
        capacity=capacity,
        shift=shift,
        per_km=per_type(vt.cost_per_km for vt in types),
        speed=per_type(vt.speed_factor for vt in types),
        fixed_day=per_type(vt.fixed_cost_per_day for vt in types),
        fixed_week=per_type(vt.fixed_cost_per_week for vt in types),
        depot=depot,
        slot_type=slot_type,
        node_loc=node_loc,
        npat=npat,
        pmask=pmask,
        pload=pload,
        nn=_neighbours(km, loc, _list_length(granular, npat, pmask, n_days)),
        granular=granular,
        miss=float(problem.unserved_penalty) if problem.unserved_penalty is not None else REQUIRED_MISS,
        optional=problem.unserved_penalty is not None,
        restricted=bool(not allowed.all()),
        depots_differ=len({(int(depot[t]), types[t].speed_factor) for t in used}) > 1,
        station=station,
        tour_row=tour_row,
        forced=forced,
        trunk=trunk,
    )


def _trunk_calls(problem: Problem, days: list[int]) -> tuple[np.ndarray, ...]:
    """``station``, ``tour_row``, ``forced`` and ``trunk`` of ``encode`` from ``Problem.trunk_calls``."""
    station = np.full(len(problem.vehicle_types), -1, dtype=np.int64)
    calls = problem.trunk_calls
    if calls is None:
        return station, np.zeros(0, dtype=np.int64), np.zeros((len(days), 0), dtype=np.bool_), np.zeros(7)
    rows = {d.id: d.index for d in problem.depots}
    position = {s: g for g, s in enumerate(calls.tour)}
    for t, vt in enumerate(problem.vehicle_types):
        station[t] = position.get(vt.depot, -1)
    forced = np.array([[s in calls.forced.get(d, ()) for s in calls.tour] for d in days], dtype=np.bool_)
    forced = forced.reshape(len(days), len(calls.tour))
    tour_row = np.array([rows[s] for s in calls.tour], dtype=np.int64)
    trunk = np.array([calls.cost_per_km, calls.fixed_cost_per_day, calls.fixed_cost_per_week, calls.shift_minutes,
                      calls.unload_minutes, calls.speed_factor, rows[calls.centre]])  # fmt: skip
    return station, tour_row, forced, trunk


def _list_length(granular: int, npat: np.ndarray, pmask: np.ndarray, n_days: int) -> int:
    if not len(npat):
        return granular
    visits = np.array([bin(int(m)).count("1") for m in pmask[:, 0]])
    spread = n_days / max(1.0, float(visits.mean()))
    return int(min(100, max(granular, math.ceil(granular * spread))))


def _neighbours(km: np.ndarray, loc: np.ndarray, granular: int) -> np.ndarray:
    """Each client's ``granular`` nearest other clients, by the shorter of the two directions' km (ties by
    number)."""
    n = len(loc)
    k = min(granular, n - 1)
    out = np.full((n, max(k, 1)), -1, dtype=np.int64)
    if k <= 0:
        return out
    sub = km[np.ix_(loc, loc)]
    near = np.minimum(sub, sub.T)
    np.fill_diagonal(near, np.inf)
    order = np.argsort(near, axis=1, kind="stable")[:, :k]
    out[:, :k] = order
    return out
