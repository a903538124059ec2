"""Cheapest insertion of one visit into a day's runs, and taking a visit off its run (to the missed list)."""

from __future__ import annotations

from numba import njit

from optimizer.solver._kernels.work import (
    MINUS_ONE,
    ONE,
    cost_of,
    end_of,
    fleet_change,
    get,
    join,
    link_after,
    start_of,
    unlink,
    update_route,
    visit_with,
)


@njit(cache=True)
def best_insert(wa, wk, d, c, down, up, minutes):
    """The cheapest place on day ``d`` for a visit to ``c`` carrying ``down``/``up`` parcels with ``minutes`` at the
    stop: (added penalised cost with the fleet's, slot, node to follow). Every position of every run it may ride is
    priced, and one empty run of each type; missing the visit (slot S) costs ``wk.w[2]``."""
    n = len(wa.loc)
    slots = wa.slot_type.shape[1]
    here = wa.loc[c]
    seg_c = visit_with(wa, c, down, up, minutes)
    best, best_s, best_a = wk.w[2], slots, start_of(n, slots)
    km = wa.km
    tried = 0  # bit mask of types whose empty run was priced (types beyond 62 price every empty run)
    for s in range(slots):
        t = wa.slot_type[d, s]
        if t < 0:
            break
        if wa.restricted and not wa.allowed[c, t]:
            continue
        if wk.rn[d, s] == 0:
            if t < 62:
                if tried >> t & 1:
                    continue
                tried |= 1 << t
            depot = wa.depot[t]
            opening = wa.fixed_day[t] + fleet_change(wa, wk, d, t, ONE)
            if opening + wa.per_km[t] * (km[depot, here] + km[here, depot]) >= best:
                continue
            seg = join(wa, join(wa, get(wk.fw, d, start_of(n, s)), seg_c, depot, here, t),
                       get(wk.bw, d, end_of(n, s)), here, depot, t)  # fmt: skip
            added = cost_of(wa, wk, t, seg, ONE) + opening - wa.fixed_day[t]
            if added < best:
                best, best_s, best_a = added, s, start_of(n, s)
            continue
        per_km, penalty, now = wa.per_km[t], wk.rpen[d, s], wk.rcost[d, s]
        end = end_of(n, s)
        a = start_of(n, s)
        la = wa.node_loc[d, a]
        while a != end:
            b = wk.nxt[d, a]
            lb = wa.node_loc[d, b]
            if per_km * (km[la, here] + km[here, lb] - km[la, lb]) - penalty < best:
                seg = join(wa, join(wa, get(wk.fw, d, a), seg_c, la, here, t), get(wk.bw, d, b), here, lb, t)
                added = cost_of(wa, wk, t, seg, wk.rn[d, s] + 1) - now
                if added < best:
                    best, best_s, best_a = added, s, a
            a, la = b, lb
    return best, best_s, best_a


@njit(cache=True)
def removal(wa, wk, d, c) -> float:
    """Penalised cost change (yuan, with the fleet's) of taking ``c``'s visit on day ``d`` off its run (or off the
    missed list: minus ``wk.w[2]``)."""
    s = wk.rte[d, c]
    slots = wa.slot_type.shape[1]
    if s == slots:
        return -wk.w[2]
    t = wa.slot_type[d, s]
    a, b = wk.prv[d, c], wk.nxt[d, c]
    la, lb = wa.node_loc[d, a], wa.node_loc[d, b]
    left = wk.rn[d, s] - 1
    seg = join(wa, get(wk.fw, d, a), get(wk.bw, d, b), la, lb, t)
    fleet = fleet_change(wa, wk, d, t, MINUS_ONE) if left == 0 else 0.0
    return cost_of(wa, wk, t, seg, left) - wk.rcost[d, s] + fleet


@njit(cache=True)
def place(wa, wk, d, c, s, a) -> None:
    """Put ``c``'s visit on day ``d`` right after node ``a`` of slot ``s``'s run (S: the missed list)."""
    link_after(wk, d, c, a)
    wk.ctr[0] += 1
    update_route(wa, wk, d, s)


@njit(cache=True)
def take_off(wa, wk, d, c) -> None:
    """Take ``c``'s visit on day ``d`` off its run or the missed list (the client is then not visited that day)."""
    s = wk.rte[d, c]
    unlink(wk, d, c)
    wk.nxt[d, c] = wk.prv[d, c] = wk.rte[d, c] = -1
    wk.ctr[0] += 1
    update_route(wa, wk, d, s)
