"""Pattern moves (Vidal et al. 2012's "pattern improvement"): a client's whole set of visit days changed at once,
priced on the runs of every day it leaves (taken off), keeps (its parcels change with the gaps between visits) and
joins (cheapest insertion). The same move, forced, completes a client whose days a crossover left unfinished."""

from __future__ import annotations

from numba import njit

from optimizer.solver._kernels.insertion import best_insert, place, take_off
from optimizer.solver._kernels.rng import randint, shuffle, uniform
from optimizer.solver._kernels.work import (
    EPS,
    NO,
    NONE,
    ONE,
    YES,
    cost_of,
    fleet_change,
    fleet_change_many,
    get,
    join,
    update_route,
    visit_with,
)

_INF = 1e300


@njit(cache=True)
def _same_loads(wa, wk, c, p, d) -> bool:
    return (wk.vis[d, c, 0] == wa.pload[c, p, d, 0] and wk.vis[d, c, 1] == wa.pload[c, p, d, 1]
            and wk.vis[d, c, 2] == wa.pload[c, p, d, 2])  # fmt: skip


@njit(cache=True)
def price_pattern(wa, wk, c, p) -> float:
    """Penalised cost change (yuan, the fleet's included) of giving client ``c`` pattern ``p`` (its days now are
    ``wk.vmask[c]``). Where it joins a day, the place is left in ``wk.ins_route``/``ins_after``. Priced in full: a
    day left or a run emptied can make up for the days before it."""
    n_days = wa.slot_type.shape[0]
    slots = wa.slot_type.shape[1]
    now, new = wk.vmask[c], wa.pmask[c, p]
    delta = 0.0
    wk.dcount[:] = 0
    for d in range(n_days):
        had, gets = now >> d & 1, new >> d & 1
        if not had and not gets:
            continue
        s = wk.rte[d, c] if had else slots
        if had and gets:
            if s == slots or _same_loads(wa, wk, c, p, d):
                continue
            t = wa.slot_type[d, s]
            a, b = wk.prv[d, c], wk.nxt[d, c]
            la, lb, lc = wa.node_loc[d, a], wa.node_loc[d, b], wa.loc[c]
            seg_c = visit_with(wa, c, wa.pload[c, p, d, 0], wa.pload[c, p, d, 1], wa.pload[c, p, d, 2])
            seg = join(wa, join(wa, get(wk.fw, d, a), seg_c, la, lc, t), get(wk.bw, d, b), lc, lb, t)
            delta += cost_of(wa, wk, t, seg, wk.rn[d, s]) - wk.rcost[d, s]
        elif had:
            if s == slots:
                delta -= wk.w[2]
            else:
                t = wa.slot_type[d, s]
                a, b = wk.prv[d, c], wk.nxt[d, c]
                la, lb = wa.node_loc[d, a], wa.node_loc[d, b]
                seg = join(wa, get(wk.fw, d, a), get(wk.bw, d, b), la, lb, t)
                left = wk.rn[d, s] - 1
                delta += cost_of(wa, wk, t, seg, left) - wk.rcost[d, s]
                if left == 0:
                    wk.dcount[d, t] -= 1
        else:
            added, s_in, a_in = best_insert(wa, wk, d, c, wa.pload[c, p, d, 0], wa.pload[c, p, d, 1],
                                            wa.pload[c, p, d, 2])  # fmt: skip
            wk.ins_route[p, d], wk.ins_after[p, d] = s_in, a_in
            if s_in < slots and wk.rn[d, s_in] == 0:  # it opens a run: its fleet cost is priced below, for all days
                t = wa.slot_type[d, s_in]
                added -= fleet_change(wa, wk, d, t, ONE)
                wk.dcount[d, t] += 1
            delta += added
    return delta + fleet_change_many(wa, wk)


@njit(cache=True)
def apply_pattern(wa, wk, c, p) -> None:
    """Give client ``c`` pattern ``p``, at the places ``price_pattern`` left for it."""
    n_days = wa.slot_type.shape[0]
    slots = wa.slot_type.shape[1]
    now, new = wk.vmask[c], wa.pmask[c, p]
    for d in range(n_days):
        if now >> d & 1 and not new >> d & 1:
            take_off(wa, wk, d, c)
    for d in range(n_days):
        had, gets = now >> d & 1, new >> d & 1
        if not gets:
            continue
        changed = not _same_loads(wa, wk, c, p, d)
        for k in range(3):
            wk.vis[d, c, k] = wa.pload[c, p, d, k]
        if had:
            if changed and wk.rte[d, c] < slots:
                wk.ctr[0] += 1
                update_route(wa, wk, d, wk.rte[d, c])
        else:
            place(wa, wk, d, c, wk.ins_route[p, d], wk.ins_after[p, d])
    wk.pat[c] = p
    wk.vmask[c] = new


@njit(cache=True)
def move_client(wa, wk, c, forced) -> bool:
    """Give ``c`` its cheapest other pattern if that costs less; ``forced``: its cheapest pattern among those that
    keep the days it has (a client a crossover left unfinished), whatever the cost. Returns whether it moved."""
    best = _INF if forced else -EPS
    best_p = NONE
    now = wk.vmask[c]
    for p in range(wa.npat[c]):
        if forced:
            if wa.pmask[c, p] & now != now:
                continue
        elif p == wk.pat[c]:
            continue
        delta = price_pattern(wa, wk, c, p)
        if delta < best:
            best, best_p = delta, p
    if best_p < 0:
        return False
    price_pattern(wa, wk, c, best_p)  # the places of the chosen pattern (the last priced may be another)
    apply_pattern(wa, wk, c, best_p)
    return True


@njit(cache=True)
def _index_of(wa, c, mask) -> int:
    """The number of ``c``'s pattern with days ``mask`` (-1: not one of its patterns)."""
    found = -1
    for p in range(wa.npat[c]):
        if wa.pmask[c, p] == mask:
            found = p
            break
    return found


@njit(cache=True)
def _in_place(wa, wk, d, old, new, p_new):
    """Cost change (yuan) of ``new`` taking ``old``'s place on day ``d`` with the parcels of its pattern
    ``p_new`` (0 where ``old``'s visit is missed; VOID where ``new`` may not ride that run)."""
    s = wk.rte[d, old]
    slots = wa.slot_type.shape[1]
    if s == slots:
        return 0.0
    t = wa.slot_type[d, s]
    if wa.restricted and not wa.allowed[new, t]:
        return _INF
    a, b = wk.prv[d, old], wk.nxt[d, old]
    la, lb, ln = wa.node_loc[d, a], wa.node_loc[d, b], wa.loc[new]
    seg_n = visit_with(wa, new, wa.pload[new, p_new, d, 0], wa.pload[new, p_new, d, 1], wa.pload[new, p_new, d, 2])
    seg = join(wa, join(wa, get(wk.fw, d, a), seg_n, la, ln, t), get(wk.bw, d, b), ln, lb, t)
    return cost_of(wa, wk, t, seg, wk.rn[d, s]) - wk.rcost[d, s]


@njit(cache=True)
def _reloaded(wa, wk, d, c, p):
    """Cost change (yuan) of ``c``'s visit on day ``d`` carrying pattern ``p``'s parcels where it is."""
    s = wk.rte[d, c]
    if s == wa.slot_type.shape[1] or _same_loads(wa, wk, c, p, d):
        return 0.0
    t = wa.slot_type[d, s]
    a, b = wk.prv[d, c], wk.nxt[d, c]
    la, lb, lc = wa.node_loc[d, a], wa.node_loc[d, b], wa.loc[c]
    seg_c = visit_with(wa, c, wa.pload[c, p, d, 0], wa.pload[c, p, d, 1], wa.pload[c, p, d, 2])
    seg = join(wa, join(wa, get(wk.fw, d, a), seg_c, la, lc, t), get(wk.bw, d, b), lc, lb, t)
    return cost_of(wa, wk, t, seg, wk.rn[d, s]) - wk.rcost[d, s]


@njit(cache=True)
def swap_patterns(wa, wk, c, e) -> bool:
    """Clients ``c`` and ``e`` exchange patterns, each taking the other's place on the days it gains (a pattern
    move that keeps the runs' loads about the same, where full runs leave no room for a single move); made if it
    costs less. Not where both change parcels on one run of a day they share (their figures would interact)."""
    n_days = wa.slot_type.shape[0]
    mask_c, mask_e = wk.vmask[c], wk.vmask[e]
    if c == e or mask_c == mask_e or wk.pat[c] < 0 or wk.pat[e] < 0:
        return False
    pc, pe = _index_of(wa, c, mask_e), _index_of(wa, e, mask_c)
    if pc < 0 or pe < 0:
        return False
    delta = 0.0
    for d in range(n_days):
        bit = 1 << d
        if mask_c & bit and mask_e & bit:
            moves_c, moves_e = not _same_loads(wa, wk, c, pc, d), not _same_loads(wa, wk, e, pe, d)
            if moves_c and moves_e and wk.rte[d, c] == wk.rte[d, e]:
                return False
            delta += _reloaded(wa, wk, d, c, pc) + _reloaded(wa, wk, d, e, pe)
        elif mask_e & bit:
            delta += _in_place(wa, wk, d, e, c, pc)
        elif mask_c & bit:
            delta += _in_place(wa, wk, d, c, e, pe)
        if delta > 1e299:
            return False
    if delta > -EPS:
        return False
    for d in range(n_days):
        bit = 1 << d
        for k in range(3):
            wk.vis[d, c, k] = wa.pload[c, pc, d, k]
            wk.vis[d, e, k] = wa.pload[e, pe, d, k]
        if mask_c & bit and mask_e & bit:
            _refresh(wa, wk, d, wk.rte[d, c])
            _refresh(wa, wk, d, wk.rte[d, e])
        elif mask_e & bit:
            _take_place(wa, wk, d, e, c)
        elif mask_c & bit:
            _take_place(wa, wk, d, c, e)
    wk.pat[c], wk.pat[e] = pc, pe
    wk.vmask[c], wk.vmask[e] = mask_e, mask_c
    return True


@njit(cache=True)
def _refresh(wa, wk, d, s) -> None:
    wk.ctr[0] += 1
    update_route(wa, wk, d, s)


@njit(cache=True)
def _take_place(wa, wk, d, old, new) -> None:
    """``new``'s visit on day ``d`` takes ``old``'s place (``old`` is then not visited that day)."""
    a, b, s = wk.prv[d, old], wk.nxt[d, old], wk.rte[d, old]
    wk.nxt[d, a], wk.prv[d, new], wk.nxt[d, new], wk.prv[d, b] = new, a, b, new
    wk.rte[d, new] = s
    wk.nxt[d, old] = wk.prv[d, old] = wk.rte[d, old] = -1
    _refresh(wa, wk, d, s)


@njit(cache=True)
def improve_patterns(wa, wk) -> bool:
    """One pass over the clients with a choice of patterns, in random order: each to its cheapest other pattern if
    that pays, else an exchange of patterns with one of its ``granular`` nearest clients if that pays."""
    n = len(wa.loc)
    m = 0
    for c in range(n):
        if wa.npat[c] > 1:
            wk.order[m] = c
            m += 1
    shuffle(wk.rng, wk.order, m)
    moved = False
    for i in range(m):
        c = wk.order[i]
        if move_client(wa, wk, c, NO):
            moved = True
            continue
        tried = 0
        for k in range(wa.nn.shape[1]):
            e = wa.nn[c, k]
            if e < 0 or tried == wa.granular:
                break
            if wk.vmask[e] == wk.vmask[c]:
                continue
            tried += 1
            if swap_patterns(wa, wk, c, e):
                moved = True
                break
    return moved


@njit(cache=True)
def complete(wa, wk, random_share) -> None:
    """Give every client still without a pattern (``wk.pat`` -1) one that keeps its days, in random order: the
    cheapest, or with probability ``random_share`` a random one (placed at its cheapest positions)."""
    n = len(wa.loc)
    m = 0
    for c in range(n):
        if wk.pat[c] < 0:
            wk.order[m] = c
            m += 1
    shuffle(wk.rng, wk.order, m)
    for i in range(m):
        c = wk.order[i]
        if random_share > 0.0 and uniform(wk.rng) < random_share:
            now = wk.vmask[c]
            fits = 0
            for p in range(wa.npat[c]):
                if wa.pmask[c, p] & now == now:
                    fits += 1
            pick = randint(wk.rng, fits)
            for p in range(wa.npat[c]):
                if wa.pmask[c, p] & now == now:
                    if pick == 0:
                        price_pattern(wa, wk, c, p)
                        apply_pattern(wa, wk, c, p)
                        break
                    pick -= 1
        else:
            move_client(wa, wk, c, YES)
