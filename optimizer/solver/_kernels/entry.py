"""What the genetic search calls: build a plan (at random or from two parents), educate it, read it out, load it
back, and the distance between two plans."""

from __future__ import annotations

import numpy as np
from numba import njit

from optimizer.solver._kernels.crossover import crossover, finish
from optimizer.solver._kernels.insertion import place, removal, take_off
from optimizer.solver._kernels.patterns import complete, improve_patterns
from optimizer.solver._kernels.rng import shuffle
from optimizer.solver._kernels.routes import forget, improve_day
from optimizer.solver._kernels.work import (
    SLACK,
    calls_cost,
    end_of,
    excesses,
    fleet_cost,
    get,
    reprice,
    reset,
    start_of,
)
from optimizer.solver.arrays import REQUIRED_MISS

# ``figures`` of a plan read out (COST and PENALISED include CALLS, the trunk's estimated calls of relay designs)
PENALISED, COST, EXCESS_LOAD, EXCESS_TIME, MISSED, MISSED_REQUIRED, FLEET, VEHICLE_DAYS, CALLS = range(9)
N_FIGURES = 9


@njit(cache=True)
def educate(wa, wk, rounds) -> None:
    """Route moves on every day, then up to ``rounds`` times a pass of pattern moves and route moves again while the
    pattern moves find something (Vidal et al. 2012's RI, PI, RI). Every move is tried afresh."""
    forget(wk)
    _educate(wa, wk, rounds)


@njit(cache=True)
def _educate(wa, wk, rounds) -> None:
    """``educate`` without forgetting which moves were tried since the runs last changed."""
    n_days = wa.slot_type.shape[0]
    for r in range(rounds + 1):
        if r > 0 and not improve_patterns(wa, wk):
            break
        for d in range(n_days):
            wk.days[d] = d
        shuffle(wk.rng, wk.days, n_days)
        for i in range(n_days):
            improve_day(wa, wk, wk.days[i])


@njit(cache=True)
def build(wa, wk, random_share) -> None:
    """A new plan: clients in random order, each on its cheapest pattern (or, with probability ``random_share``, a
    random one) at its cheapest positions. Every visit is placed, missed ones too where the problem prices them:
    one visit alone seldom pays for a van, so education takes off those that cost more than missing them."""
    reset(wa, wk)
    finish(wa, wk)
    wk.w[2] = max(wa.miss, REQUIRED_MISS)
    complete(wa, wk, random_share)
    wk.w[2] = wa.miss


@njit(cache=True)
def construct(wa, wk, random_share, rounds) -> None:
    """A new plan (``build``), educated."""
    build(wa, wk, random_share)
    educate(wa, wk, rounds)


@njit(cache=True)
def offspring(wa, wk, seq1, beg1, seq2, beg2, rounds) -> None:
    """The educated child of two parents."""
    crossover(wa, wk, seq1, beg1, seq2, beg2, 0.0)
    _educate(wa, wk, rounds)


@njit(cache=True)
def set_penalties(wa, wk, load, time) -> None:
    """New penalty weights (yuan a parcel over capacity, yuan a minute over the shift or late); runs repriced."""
    wk.w[0], wk.w[1] = load, time
    reprice(wa, wk)


@njit(cache=True)
def load(wa, wk, pat, seq, beg) -> None:
    """Put a plan read out by ``read_out`` back into the work arrays."""
    n = len(wa.loc)
    n_days, slots = wa.slot_type.shape
    reset(wa, wk)
    for c in range(n):
        wk.pat[c] = pat[c]
    for d in range(n_days):
        for s in range(slots + 1):
            prev = start_of(n, s)
            for i in range(beg[d, s], beg[d, s + 1]):
                c = seq[d, i]
                wk.nxt[d, prev], wk.prv[d, c] = c, prev
                wk.rte[d, c] = s
                wk.vmask[c] |= 1 << d
                prev = c
            wk.nxt[d, prev], wk.prv[d, end_of(n, s)] = end_of(n, s), prev
    finish(wa, wk)


@njit(cache=True)
def read_out(wa, wk, pat, seq, beg, succ, pred, figures) -> None:
    """Write the plan in the work arrays out: patterns, runs (see ``crossover``), each visit's successor and
    predecessor (``N`` for a depot, -2 for a missed visit, -1 for no visit) and its figures (``PENALISED`` ...)."""
    n = len(wa.loc)
    n_days, slots = wa.slot_type.shape
    succ[:] = -1
    pred[:] = -1
    penalised = cost = over_q = over_t = 0.0
    missed = days_used = 0
    for c in range(n):
        pat[c] = wk.pat[c]
    for d in range(n_days):
        m = 0
        for s in range(slots + 1):
            beg[d, s] = m
            x = wk.nxt[d, start_of(n, s)]
            before = n
            while x < n:
                seq[d, m] = x
                m += 1
                if s == slots:
                    succ[d, x] = pred[d, x] = -2
                else:
                    pred[d, x] = before
                    if before < n:
                        succ[d, before] = x
                    before = x
                x = wk.nxt[d, x]
            if s < slots and before < n:
                succ[d, before] = n
            if s == slots:
                missed += wk.rn[d, s]
            elif wa.slot_type[d, s] >= 0 and wk.rn[d, s] > 0:
                t = wa.slot_type[d, s]
                total = get(wk.fw, d, end_of(n, s))
                q, tm = excesses(wa, t, total)
                over_q += q if q > SLACK else 0.0
                over_t += tm if tm > SLACK else 0.0
                penalised += wk.rcost[d, s]
                cost += wa.fixed_day[t] + wa.per_km[t] * total[0]
                days_used += 1
        beg[d, slots + 1] = m
    fleet = fleet_cost(wa, wk)
    calls = calls_cost(wa, wk)
    figures[PENALISED] = penalised + fleet + calls + wa.miss * missed
    figures[COST] = cost + fleet + calls + (wa.miss * missed if wa.optional else 0.0)
    figures[EXCESS_LOAD] = over_q
    figures[EXCESS_TIME] = over_t
    figures[MISSED] = missed
    figures[MISSED_REQUIRED] = 0 if wa.optional else missed
    figures[FLEET] = fleet
    figures[VEHICLE_DAYS] = days_used
    figures[CALLS] = calls


@njit(cache=True)
def distance(pat1, succ1, pred1, pat2, succ2, pred2) -> float:
    """How far apart two plans are (0 to 1): half the share of clients on other patterns, half the share of visits
    (on days both make) whose neighbours on the run differ (broken pairs, either direction)."""
    n_days, n = succ1.shape
    other = 0
    for c in range(n):
        other += pat1[c] != pat2[c]
    broken = both = 0
    for d in range(n_days):
        for c in range(n):
            a, b = succ1[d, c], succ2[d, c]
            if a == -1 or b == -1:
                continue
            both += 1
            if a != b and a != pred2[d, c]:
                broken += 1
    return 0.5 * other / max(n, 1) + 0.5 * broken / max(both, 1)


@njit(cache=True)
def shed(wa, wk) -> None:
    """Take visits off every run over its capacity or shift, each time the one whose removal lowers the penalised
    cost most, until none is over; they become missed visits (a plan that serves what it can)."""
    n = len(wa.loc)
    n_days, slots = wa.slot_type.shape
    missed = start_of(n, slots)
    for d in range(n_days):
        for s in range(slots):
            t = wa.slot_type[d, s]
            if t < 0:
                break
            while wk.rn[d, s] > 0:
                over_q, over_t = excesses(wa, t, get(wk.fw, d, end_of(n, s)))
                if over_q <= SLACK and over_t <= SLACK:
                    break
                best, best_c = 1e300, -1
                x = wk.nxt[d, start_of(n, s)]
                while x < n:
                    change = removal(wa, wk, d, x)
                    if change < best:
                        best, best_c = change, x
                    x = wk.nxt[d, x]
                take_off(wa, wk, d, best_c)
                place(wa, wk, d, best_c, slots, missed)


_WARM: list[bool] = []


def warm_up() -> None:
    """Compile (or load from the disk cache) every kernel on a two-client, two-day problem, once a process."""
    if _WARM:
        return
    from optimizer.solver._kernels.rng import seeded
    from optimizer.solver._kernels.structs import week_struct, work_struct
    from optimizer.solver._kernels.work import allocate
    from optimizer.solver.arrays import BIG, WeekArrays

    km = np.array([[0.0, 1.0, 2.0], [1.0, 0.0, 1.5], [2.0, 1.5, 0.0]])
    wa = WeekArrays(
        km=km, minutes=km.copy(), loc=np.array([1, 2]), open=np.zeros(2), close=np.full(2, BIG),
        allowed=np.ones((2, 1), dtype=np.bool_), capacity=np.array([10.0]), shift=np.array([BIG]),
        per_km=np.array([1.0]), speed=np.array([1.0]), fixed_day=np.array([1.0]), fixed_week=np.array([5.0]),
        depot=np.array([0]), slot_type=np.zeros((2, 1), dtype=np.int64),
        node_loc=np.array([[1, 2, 0, 0, -1, -1], [1, 2, 0, 0, -1, -1]]), npat=np.array([2, 1]),
        pmask=np.array([[1, 2], [3, 0]]), pload=np.ones((2, 2, 2, 3)), nn=np.array([[1], [0]]), granular=1, miss=1e7,
        optional=False, restricted=False, depots_differ=False, station=np.array([0]), tour_row=np.array([2]),
        forced=np.zeros((2, 1), dtype=np.bool_), trunk=np.array([1.0, 1.0, 5.0, 1.5, 0.1, 1.0, 0.0]),
    )  # fmt: skip
    wk = allocate(wa, seeded(0))
    out = plan_buffers(wa)
    sa, sk = week_struct(wa), work_struct(wk)
    build(sa, sk, 0.5)
    construct(sa, sk, 0.5, 1)
    read_out(sa, sk, *out)
    offspring(sa, sk, out[1], out[2], out[1], out[2], 1)
    load(sa, sk, out[0], out[1], out[2])
    set_penalties(sa, sk, 2.0, 2.0)
    shed(sa, sk)
    educate(sa, sk, 1)
    distance(out[0], out[3], out[4], out[0], out[3], out[4])
    _WARM.append(True)


def plan_buffers(wa) -> tuple[np.ndarray, ...]:
    """Empty arrays for ``read_out``: pattern, runs, run starts, successors, predecessors, figures."""
    n = len(wa.loc)
    n_days, slots = wa.slot_type.shape
    return (
        np.zeros(n, dtype=np.int64),
        np.zeros((n_days, max(n, 1)), dtype=np.int64),
        np.zeros((n_days, slots + 2), dtype=np.int64),
        np.zeros((n_days, n), dtype=np.int64),
        np.zeros((n_days, n), dtype=np.int64),
        np.zeros(N_FIGURES),
    )
