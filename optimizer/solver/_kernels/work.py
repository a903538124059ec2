"""The work arrays of one week plan under search, and the bookkeeping that keeps them consistent.

Each day's runs are doubly linked lists of nodes (``optimizer.solver.arrays`` numbers them). For every node the
work arrays hold the segment from its run's start depot up to it (``fw``) and from it to the end depot (``bw``), so
a move that joins pieces of runs is priced in constant time (``merge``), as in Vidal's hybrid genetic search.

A segment is eight numbers: km; parcels delivered and picked up over it; the most parcels on board while driving it
(given that it starts loaded with its deliveries); its duration in minutes (driving, waiting, stops); its time warp
(minutes of lateness at closing times); the earliest and latest time its first stop may start. Runs leave the depot
at minute 0. A run's penalised cost adds ``w[0]`` yuan a parcel over capacity and ``w[1]`` yuan a minute over the
shift or late; the plain cost is the daily fixed cost (if the run is used) plus cost per km times km.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from optimizer.solver.arrays import BIG, WeekArrays

EPS = 1e-7  # yuan: smaller changes are no improvement
SLACK = 1e-6  # minutes and parcels: the checker's tolerance (``optimizer.check``)
# arguments passed as these (not as the literals -1, 1, True, False) compile once, not once per literal
NONE = np.int64(-1)
ONE = np.int64(1)
MINUS_ONE = np.int64(-1)
YES = np.bool_(True)
NO = np.bool_(False)
START = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
END = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, BIG)


class Work(NamedTuple):
    """Mutable arrays of one plan under search (``D`` days, ``NN`` nodes a day, ``S`` slots, ``T`` types)."""

    nxt: np.ndarray  # (D, NN) next node on the run (-1: the client is not visited that day)
    prv: np.ndarray  # (D, NN) previous node
    rte: np.ndarray  # (D, NN) slot of the node's run, S for the missed visits, -1 not visited
    pos: np.ndarray  # (D, NN) position on the run (start depot 0)
    fw: np.ndarray  # (D, NN, 8) segment from the run's start depot to the node
    bw: np.ndarray  # (D, NN, 8) segment from the node to the run's end depot
    rkm: np.ndarray  # (D, NN) km of the reversed arcs from the start depot to the node (2-opt on one run)
    vis: np.ndarray  # (D, N, 3) delivered, picked up, stop minutes of each visit
    rcost: np.ndarray  # (D, S + 1) penalised cost of each run (yuan; the missed visits' column unused)
    rpen: np.ndarray  # (D, S + 1) the penalty part of it
    rn: np.ndarray  # (D, S + 1) visits on the run (column S: missed visits)
    rmod: np.ndarray  # (D, S + 1) move count when the run last changed
    tested: np.ndarray  # (D, N) move count when the client's moves were last tried
    count: np.ndarray  # (D, T) runs used per day and vehicle type
    dcount: np.ndarray  # (D, T) scratch: change of ``count`` a pattern move would make
    pat: np.ndarray  # (N,) pattern number of each client (-1 while its days are being completed)
    vmask: np.ndarray  # (N,) days (bit mask) on which the client has a visit, on a run or missed
    w: np.ndarray  # (3,) yuan a parcel over capacity, a minute over shift or late, a missed visit (moves' price)
    ctr: np.ndarray  # (1,) moves made
    rng: np.ndarray  # (1,) random state (``rng``)
    buf: np.ndarray  # (NN,) scratch: a run's stops in a new order
    order: np.ndarray  # (N,) scratch: clients in random order
    days: np.ndarray  # (D,) scratch: day numbers in random order
    pick: np.ndarray  # (D,) scratch: what a crossover takes on each day
    used: np.ndarray  # (S,) scratch: slots taken
    ins_route: np.ndarray  # (P, D) scratch: the run each candidate pattern would join on each day (S: missed)
    ins_after: np.ndarray  # (P, D) scratch: the node it would follow


def allocate(wa: WeekArrays, state: np.ndarray) -> Work:
    """Work arrays for ``wa``; ``state`` is the random state (``rng.seeded``)."""
    n = len(wa.loc)
    n_days, slots = wa.slot_type.shape
    nodes = wa.node_loc.shape[1]
    n_types = len(wa.capacity)
    width_p = wa.pmask.shape[1]

    def ints(*shape: int) -> np.ndarray:
        return np.zeros(shape, dtype=np.int64)

    return Work(
        nxt=np.full((n_days, nodes), -1, dtype=np.int64),
        prv=np.full((n_days, nodes), -1, dtype=np.int64),
        rte=np.full((n_days, nodes), -1, dtype=np.int64),
        pos=ints(n_days, nodes),
        fw=np.zeros((n_days, nodes, 8)),
        bw=np.zeros((n_days, nodes, 8)),
        rkm=np.zeros((n_days, nodes)),
        vis=np.zeros((n_days, n, 3)),
        rcost=np.zeros((n_days, slots + 1)),
        rpen=np.zeros((n_days, slots + 1)),
        rn=ints(n_days, slots + 1),
        rmod=ints(n_days, slots + 1),
        tested=ints(n_days, n),
        count=ints(n_days, n_types),
        dcount=ints(n_days, n_types),
        pat=np.full(n, -1, dtype=np.int64),
        vmask=ints(n),
        w=np.array([1.0, 1.0, wa.miss]),
        ctr=ints(1),
        rng=state,
        buf=ints(nodes),
        order=ints(max(n, 1)),
        days=ints(n_days),
        pick=ints(n_days),
        used=ints(slots + 1),
        ins_route=ints(width_p, n_days),
        ins_after=ints(width_p, n_days),
    )


# -- segments ------------------------------------------------------------------------------------------------------
@njit(cache=True)
def merge(a, b, km, minutes):
    """Segment ``a`` then ``b``, joined by an arc of ``km`` and ``minutes`` (already times the speed factor)."""
    delta = a[4] - a[5] + minutes
    wait = max(b[6] - delta - a[7], 0.0)
    late = max(a[6] + delta - b[7], 0.0)
    return (
        a[0] + km + b[0],
        a[1] + b[1],
        a[2] + b[2],
        max(a[3] + b[1], b[3] + a[2]),
        a[4] + b[4] + minutes + wait,
        a[5] + b[5] + late,
        max(b[6] - delta, a[6]) - wait,
        min(b[7] - delta, a[7]) + late,
    )


@njit(cache=True)
def visit(wa, wk, d, c):
    """The segment of client ``c``'s visit on day ``d`` alone."""
    down, up = wk.vis[d, c, 0], wk.vis[d, c, 1]
    return (0.0, down, up, max(down, up), wk.vis[d, c, 2], 0.0, wa.open[c], wa.close[c])


@njit(cache=True)
def visit_with(wa, c, down, up, minutes):
    """The segment of a visit to ``c`` carrying ``down``/``up`` parcels with ``minutes`` at the stop."""
    return (0.0, down, up, max(down, up), minutes, 0.0, wa.open[c], wa.close[c])


@njit(cache=True)
def get(arr, d, x):
    return (arr[d, x, 0], arr[d, x, 1], arr[d, x, 2], arr[d, x, 3], arr[d, x, 4], arr[d, x, 5], arr[d, x, 6],
            arr[d, x, 7])  # fmt: skip


@njit(cache=True)
def put(arr, d, x, seg) -> None:
    for k in range(8):
        arr[d, x, k] = seg[k]


@njit(cache=True)
def join(wa, a, b, la, lb, t):
    """``merge`` over the arc from matrix row ``la`` to ``lb`` driven by vehicle type ``t``."""
    return merge(a, b, wa.km[la, lb], wa.minutes[la, lb] * wa.speed[t])


@njit(cache=True)
def excesses(wa, t, seg):
    """Parcels over capacity, and minutes over the shift plus minutes late, of a whole run's segment."""
    return max(seg[3] - wa.capacity[t], 0.0), max(seg[4] - wa.shift[t], 0.0) + seg[5]


@njit(cache=True)
def cost_of(wa, wk, t, seg, n):
    """Penalised cost (yuan) of a run of type ``t`` with ``n`` visits whose whole segment is ``seg``."""
    if n == 0:
        return 0.0
    over_q, over_t = excesses(wa, t, seg)
    return wa.fixed_day[t] + wa.per_km[t] * seg[0] + wk.w[0] * over_q + wk.w[1] * over_t


# -- nodes and runs -------------------------------------------------------------------------------------------------
@njit(cache=True)
def start_of(n, s):
    return n + 2 * s


@njit(cache=True)
def end_of(n, s):
    return n + 2 * s + 1


@njit(cache=True)
def unlink(wk, d, x) -> None:
    a, b = wk.prv[d, x], wk.nxt[d, x]
    wk.nxt[d, a] = b
    wk.prv[d, b] = a


@njit(cache=True)
def link_after(wk, d, x, a) -> None:
    """Put node ``x`` right after node ``a``."""
    b = wk.nxt[d, a]
    wk.nxt[d, a] = x
    wk.prv[d, x] = a
    wk.nxt[d, x] = b
    wk.prv[d, b] = x


@njit(cache=True)
def reset(wa, wk) -> None:
    """Every run empty, no visits, counters at zero."""
    n = len(wa.loc)
    n_days, slots = wa.slot_type.shape
    wk.nxt[:] = -1
    wk.prv[:] = -1
    wk.rte[:] = -1
    wk.rcost[:] = 0.0
    wk.rpen[:] = 0.0
    wk.rn[:] = 0
    wk.rmod[:] = 0
    wk.tested[:] = -1
    wk.count[:] = 0
    wk.pat[:] = -1
    wk.vmask[:] = 0
    wk.ctr[0] = 0
    for d in range(n_days):
        for s in range(slots + 1):
            a, b = start_of(n, s), end_of(n, s)
            wk.nxt[d, a], wk.prv[d, b] = b, a
            wk.rte[d, a] = wk.rte[d, b] = s
            wk.pos[d, a], wk.pos[d, b] = 0, 1
            put(wk.fw, d, a, START)
            put(wk.bw, d, b, END)


@njit(cache=True)
def set_loads(wa, wk, c, p) -> None:
    """Client ``c``'s visits carry pattern ``p``'s parcels (on every day of the pattern)."""
    for d in range(wa.slot_type.shape[0]):
        for k in range(3):
            wk.vis[d, c, k] = wa.pload[c, p, d, k]


@njit(cache=True)
def update_route(wa, wk, d, s) -> None:
    """Recompute the segments, positions and cost of slot ``s``'s run on day ``d`` (S: the missed visits)."""
    n = len(wa.loc)
    slots = wa.slot_type.shape[1]
    a, b = start_of(n, s), end_of(n, s)
    wk.rmod[d, s] = wk.ctr[0]
    if s == slots:  # the missed visits: no run, a price per visit
        k, x = 0, wk.nxt[d, a]
        while x != b:
            k += 1
            wk.rte[d, x], wk.pos[d, x] = s, k
            x = wk.nxt[d, x]
        wk.rn[d, s] = k
        return
    t = wa.slot_type[d, s]
    speed = wa.speed[t]
    here = wa.depot[t]
    seg = START
    rkm = 0.0
    k, x = 0, wk.nxt[d, a]
    while x != b:
        k += 1
        there = wa.loc[x]
        seg = merge(seg, visit(wa, wk, d, x), wa.km[here, there], wa.minutes[here, there] * speed)
        rkm += wa.km[there, here]
        put(wk.fw, d, x, seg)
        wk.rkm[d, x] = rkm
        wk.rte[d, x], wk.pos[d, x] = s, k
        here = there
        x = wk.nxt[d, x]
    depot = wa.depot[t]
    total = merge(seg, END, wa.km[here, depot], wa.minutes[here, depot] * speed)
    put(wk.fw, d, b, total)
    wk.pos[d, b] = k + 1
    seg = END
    there = depot
    x = wk.prv[d, b]
    while x != a:
        here = wa.loc[x]
        seg = merge(visit(wa, wk, d, x), seg, wa.km[here, there], wa.minutes[here, there] * speed)
        put(wk.bw, d, x, seg)
        there = here
        x = wk.prv[d, x]
    put(wk.bw, d, a, total)
    was = wk.rn[d, s]
    if was == 0 and k > 0:
        wk.count[d, t] += 1
    elif was > 0 and k == 0:
        wk.count[d, t] -= 1
    wk.rn[d, s] = k
    cost = cost_of(wa, wk, t, total, k)
    wk.rcost[d, s] = cost
    wk.rpen[d, s] = cost - (wa.fixed_day[t] + wa.per_km[t] * total[0] if k else 0.0)


@njit(cache=True)
def reprice(wa, wk) -> None:
    """Every run's cost again (after the penalties changed)."""
    n_days, slots = wa.slot_type.shape
    n = len(wa.loc)
    for d in range(n_days):
        for s in range(slots):
            t = wa.slot_type[d, s]
            if t < 0 or wk.rn[d, s] == 0:
                continue
            total = get(wk.fw, d, end_of(n, s))
            cost = cost_of(wa, wk, t, total, wk.rn[d, s])
            wk.rcost[d, s] = cost
            wk.rpen[d, s] = cost - wa.fixed_day[t] - wa.per_km[t] * total[0]


# -- the fleet ------------------------------------------------------------------------------------------------------
@njit(cache=True)
def fleet_change(wa, wk, d, t, change) -> float:
    """Change of the fleet's weekly cost and of the trunk's calls (yuan) if type ``t`` runs ``change`` (+1 or -1)
    more runs on day ``d``."""
    return _fleet_change(wa, wk, d, t, change) + calls_change(wa, wk, d, t, change, t, 0)


@njit(cache=True)
def _fleet_change(wa, wk, d, t, change) -> float:
    if change == 0 or wa.fixed_week[t] == 0.0:
        return 0.0
    n_days = wa.slot_type.shape[0]
    peak = 0
    at_peak = 0
    for k in range(n_days):
        if wk.count[k, t] > peak:
            peak, at_peak = wk.count[k, t], 1
        elif wk.count[k, t] == peak:
            at_peak += 1
    after = wk.count[d, t] + change
    if change > 0:
        return wa.fixed_week[t] * max(after - peak, 0)
    if wk.count[d, t] == peak and at_peak == 1:
        return -wa.fixed_week[t] * (peak - max(after, _second_peak(wk, d, t)))
    return 0.0


@njit(cache=True)
def _second_peak(wk, d, t) -> int:
    best = 0
    for k in range(wk.count.shape[0]):
        if k != d and wk.count[k, t] > best:
            best = wk.count[k, t]
    return best


@njit(cache=True)
def fleet_change2(wa, wk, d, t1, c1, t2, c2) -> float:
    """``fleet_change`` for two changes on day ``d`` at once."""
    calls = calls_change(wa, wk, d, t1, c1, t2, c2)
    if t1 == t2:
        return _fleet_change(wa, wk, d, t1, c1 + c2) + calls
    return _fleet_change(wa, wk, d, t1, c1) + _fleet_change(wa, wk, d, t2, c2) + calls


@njit(cache=True)
def fleet_change_many(wa, wk) -> float:
    """Change of the fleet's weekly cost if the runs per day and type changed by ``wk.dcount``."""
    n_days, n_types = wk.count.shape
    delta = 0.0
    for t in range(n_types):
        if wa.fixed_week[t] == 0.0:
            continue
        before = after = 0
        touched = False
        for d in range(n_days):
            before = max(before, wk.count[d, t])
            after = max(after, wk.count[d, t] + wk.dcount[d, t])
            touched |= wk.dcount[d, t] != 0
        if touched:
            delta += wa.fixed_week[t] * (after - before)
    return delta + _calls_change_many(wa, wk)


@njit(cache=True)
def fleet_cost(wa, wk) -> float:
    """Weekly cost (yuan) of the fleet: per type, the most runs on any one day times its weekly cost."""
    total = 0.0
    for t in range(wk.count.shape[1]):
        peak = 0
        for d in range(wk.count.shape[0]):
            peak = max(peak, wk.count[d, t])
        total += wa.fixed_week[t] * peak
    return total


# -- the trunk's calls at the stations (relay designs) ----------------------------------------------------------------
_PER_KM, _PER_DAY, _PER_WEEK, _SHIFT, _UNLOAD, _SPEED, _HUB = range(7)  # ``WeekArrays.trunk``


@njit(cache=True)
def _trunk_day(wa, wk, d, t1, c1, t2, c2, pending):
    """The trunk's estimated yuan (without the fleet) and trucks on day ``d`` (``Problem.trunk_calls``) if types
    ``t1`` and ``t2`` ran ``c1`` and ``c2`` more runs (and, ``pending``, the runs changed by ``wk.dcount``): one
    tour from the centre through the stations whose vans run, in the tour's order, a truck per shift it lasts."""
    hub = int(wa.trunk[_HUB])
    here = hub
    km = minutes = 0.0
    for g in range(len(wa.tour_row)):
        runs = (c1 if wa.station[t1] == g else 0) + (c2 if wa.station[t2] == g else 0)
        if not wa.forced[d, g]:
            for t in range(len(wa.station)):
                if wa.station[t] == g:
                    runs += wk.count[d, t] + (wk.dcount[d, t] if pending else 0)
        if wa.forced[d, g] or runs > 0:
            there = wa.tour_row[g]
            km += wa.km[here, there]
            minutes += wa.minutes[here, there] * wa.trunk[_SPEED] + wa.trunk[_UNLOAD]
            here = there
    if minutes == 0.0 and here == hub:
        return 0.0, 0
    km += wa.km[here, hub]
    minutes += wa.minutes[here, hub] * wa.trunk[_SPEED]
    trucks = max(1, int(np.ceil(minutes / wa.trunk[_SHIFT] - 1e-9)))
    return trucks * wa.trunk[_PER_DAY] + wa.trunk[_PER_KM] * km, trucks


@njit(cache=True)
def _most_trucks(wa, wk, skip) -> int:
    most = 0
    for d in range(wk.count.shape[0]):
        if d != skip:
            most = max(most, _trunk_day(wa, wk, d, 0, 0, 0, 0, False)[1])
    return most


@njit(cache=True)
def calls_change(wa, wk, d, t1, c1, t2, c2) -> float:
    """Change of the trunk's estimated weekly cost (yuan) if types ``t1`` and ``t2`` run ``c1`` and ``c2`` more
    runs on day ``d``."""
    if (wa.station[t1] < 0 or c1 == 0) and (wa.station[t2] < 0 or c2 == 0):
        return 0.0
    before, n_before = _trunk_day(wa, wk, d, t1, 0, t2, 0, False)
    after, n_after = _trunk_day(wa, wk, d, t1, c1, t2, c2, False)
    if n_after != n_before and wa.trunk[_PER_WEEK] != 0.0:
        others = _most_trucks(wa, wk, d)
        after += wa.trunk[_PER_WEEK] * (max(others, n_after) - max(others, n_before))
    return after - before


@njit(cache=True)
def _calls_change_many(wa, wk) -> float:
    """Change of the trunk's estimated weekly cost if the runs per day and type changed by ``wk.dcount``."""
    if len(wa.tour_row) == 0:
        return 0.0
    delta = 0.0
    most_before = most_after = 0
    for d in range(wk.count.shape[0]):
        touched = False
        for t in range(len(wa.station)):
            touched |= wa.station[t] >= 0 and wk.dcount[d, t] != 0
        before, n_before = _trunk_day(wa, wk, d, 0, 0, 0, 0, False)
        n_after = n_before
        if touched:
            after, n_after = _trunk_day(wa, wk, d, 0, 0, 0, 0, True)
            delta += after - before
        most_before, most_after = max(most_before, n_before), max(most_after, n_after)
    return delta + wa.trunk[_PER_WEEK] * (most_after - most_before)


@njit(cache=True)
def calls_cost(wa, wk) -> float:
    """The trunk's estimated weekly cost (yuan) of the days the stations' vans run."""
    total = 0.0
    most = 0
    for d in range(wk.count.shape[0]):
        cost, trucks = _trunk_day(wa, wk, d, 0, 0, 0, 0, False)
        total += cost
        most = max(most, trucks)
    return total + wa.trunk[_PER_WEEK] * most


# -- a run's stops in a new order (moves within one run) ------------------------------------------------------------
@njit(cache=True)
def price_buf(wa, wk, d, s, m) -> float:
    """Penalised cost of slot ``s``'s run on day ``d`` visiting ``wk.buf[:m]`` in that order."""
    t = wa.slot_type[d, s]
    speed = wa.speed[t]
    here = wa.depot[t]
    seg = START
    for i in range(m):
        c = wk.buf[i]
        there = wa.loc[c]
        seg = merge(seg, visit(wa, wk, d, c), wa.km[here, there], wa.minutes[here, there] * speed)
        here = there
    depot = wa.depot[t]
    seg = merge(seg, END, wa.km[here, depot], wa.minutes[here, depot] * speed)
    return cost_of(wa, wk, t, seg, m)


@njit(cache=True)
def relink_buf(wa, wk, d, s, m) -> None:
    """Make slot ``s``'s run on day ``d`` visit ``wk.buf[:m]`` in that order, and update it."""
    n = len(wa.loc)
    a = start_of(n, s)
    prev = a
    for i in range(m):
        c = wk.buf[i]
        wk.nxt[d, prev] = c
        wk.prv[d, c] = prev
        prev = c
    b = end_of(n, s)
    wk.nxt[d, prev] = b
    wk.prv[d, b] = prev
    update_route(wa, wk, d, s)
