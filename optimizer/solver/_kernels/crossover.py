"""The periodic crossover (PIX, Vidal et al. 2012) on runs and day choices: a child takes some days whole from the
first parent, part of the runs of some others, and fills the rest from the second parent's runs, in their order,
where a client's days still fit one of its patterns; clients left unfinished are completed by forced pattern moves
(the cheapest pattern keeping the days they have, at the cheapest places).

A parent is given by its pattern per client and, per day, its runs' clients in order (``seq``), slot ``s``'s run
being ``seq[d, beg[d, s]:beg[d, s + 1]]`` and the missed visits ``seq[d, beg[d, S]:beg[d, S + 1]]``.
"""

from __future__ import annotations

from numba import njit

from optimizer.solver._kernels.patterns import complete
from optimizer.solver._kernels.rng import randint, shuffle
from optimizer.solver._kernels.work import end_of, link_after, reset, set_loads, start_of, update_route

WHOLE, PART, SECOND = 0, 1, 2  # what a day takes from the parents


@njit(cache=True)
def _fits(wa, c, mask) -> bool:
    """Whether some pattern of ``c`` contains the days ``mask``."""
    for p in range(wa.npat[c]):
        if wa.pmask[c, p] & mask == mask:
            return True
    return False


@njit(cache=True)
def _append(wa, wk, d, c, s) -> None:
    """Put ``c`` last on slot ``s``'s run of day ``d`` (no bookkeeping: ``finish`` does it)."""
    n = len(wa.loc)
    link_after(wk, d, c, wk.prv[d, end_of(n, s)])
    wk.rte[d, c] = s
    wk.vmask[c] |= 1 << d


@njit(cache=True)
def _copy_run(wa, wk, d, seq, beg, s_from, s_to) -> None:
    for i in range(beg[d, s_from], beg[d, s_from + 1]):
        _append(wa, wk, d, seq[d, i], s_to)


@njit(cache=True)
def _take_part(wa, wk, d, seq, beg) -> None:
    """Some of the first parent's runs of day ``d``, close together: the run of a random visit, then the runs of
    its nearest neighbours, up to a random number of runs (at least one, fewer than all unless it has one)."""
    n = len(wa.loc)
    slots = wa.slot_type.shape[1]
    runs = 0
    for s in range(slots):
        runs += beg[d, s + 1] > beg[d, s]
    if runs == 0:
        return
    want = 1 + randint(wk.rng, max(1, runs - 1))
    slot_of = wk.buf  # scratch: the first parent's slot of each of the day's clients, -1 if none
    slot_of[:n] = -1
    for s in range(slots):
        for i in range(beg[d, s], beg[d, s + 1]):
            slot_of[seq[d, i]] = s
    wk.used[:] = 0
    seed = seq[d, randint(wk.rng, beg[d, slots])]
    taken, k, c = 0, -1, seed
    while taken < want:
        s = slot_of[c]
        if s >= 0 and not wk.used[s]:
            wk.used[s] = 1
            _copy_run(wa, wk, d, seq, beg, s, s)
            taken += 1
        k += 1
        if k >= wa.nn.shape[1] or wa.nn[seed, k] < 0:
            break
        c = wa.nn[seed, k]


@njit(cache=True)
def _fill_from(wa, wk, d, seq, beg) -> None:
    """The second parent's runs of day ``d`` in free slots of their vehicle type, each client where its days still
    fit a pattern."""
    slots = wa.slot_type.shape[1]
    n = len(wa.loc)
    for s in range(slots):
        if beg[d, s + 1] == beg[d, s]:
            continue
        t = wa.slot_type[d, s]
        target = -1
        if wk.nxt[d, start_of(n, s)] == end_of(n, s):
            target = s
        else:
            for s2 in range(slots):
                if wa.slot_type[d, s2] == t and wk.nxt[d, start_of(n, s2)] == end_of(n, s2):
                    target = s2
                    break
        if target < 0:
            continue
        for i in range(beg[d, s], beg[d, s + 1]):
            c = seq[d, i]
            if not wk.vmask[c] >> d & 1 and _fits(wa, c, wk.vmask[c] | 1 << d):
                _append(wa, wk, d, c, target)


@njit(cache=True)
def crossover(wa, wk, seq1, beg1, seq2, beg2, random_share) -> None:
    """The child of the two parents in the work arrays (not yet educated)."""
    n_days, slots = wa.slot_type.shape
    reset(wa, wk)
    for d in range(n_days):
        wk.days[d] = d
    shuffle(wk.rng, wk.days, n_days)
    whole = randint(wk.rng, n_days + 1)
    part = randint(wk.rng, n_days + 1 - whole)
    for i in range(n_days):
        wk.pick[wk.days[i]] = WHOLE if i < whole else (PART if i < whole + part else SECOND)
    for i in range(n_days):
        d = wk.days[i]
        if wk.pick[d] == WHOLE:
            for s in range(slots + 1):
                _copy_run(wa, wk, d, seq1, beg1, s, s)
        elif wk.pick[d] == PART:
            _take_part(wa, wk, d, seq1, beg1)
    for i in range(n_days):
        d = wk.days[i]
        if wk.pick[d] != WHOLE:
            _fill_from(wa, wk, d, seq2, beg2)
    finish(wa, wk)
    # a day taken whole from an educated parent is a local optimum already: its moves are tried again only where
    # the completion below changes its runs
    wk.tested[:] = -1
    for d in range(n_days):
        if wk.pick[d] == WHOLE:
            wk.tested[d, :] = wk.ctr[0]
    complete(wa, wk, random_share)


@njit(cache=True)
def finish(wa, wk) -> None:
    """After clients were linked into runs: patterns where a client's days are one, its parcels (of the first
    pattern containing its days while they are incomplete), every run's figures."""
    n = len(wa.loc)
    n_days, slots = wa.slot_type.shape
    for c in range(n):
        mask = wk.vmask[c]
        first = -1
        for p in range(wa.npat[c]):
            if wa.pmask[c, p] == mask:
                wk.pat[c] = p
                first = p
                break
            if first < 0 and wa.pmask[c, p] & mask == mask:
                first = p
        set_loads(wa, wk, c, max(first, 0))
    for d in range(n_days):
        for s in range(slots + 1):
            if s == slots or wa.slot_type[d, s] >= 0:
                update_route(wa, wk, d, s)
