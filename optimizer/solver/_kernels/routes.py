"""Route moves on one day, as in Vidal's hybrid genetic search: relocate one or two visits, swap one or two with one
or two, 2-opt within a run and 2-opt* between runs, tried for each visit ``u`` and its granular neighbours ``v``
(its nearest clients visited that day), first improvement, until no move improves.

Each move is first priced by its km alone, which bounds the gain from below (a penalty can only fall to zero); only
a move that bound leaves open is priced in full: in constant time from the segments (``work``) where it joins pieces
of runs, by walking the new run where it reorders one run.
"""

from __future__ import annotations

from numba import njit

from optimizer.solver._kernels.insertion import best_insert, place, removal, take_off
from optimizer.solver._kernels.rng import shuffle
from optimizer.solver._kernels.work import (
    EPS,
    NONE,
    cost_of,
    end_of,
    fleet_change2,
    get,
    join,
    link_after,
    price_buf,
    relink_buf,
    start_of,
    unlink,
    update_route,
    visit,
)


@njit(cache=True)
def _changes(wk, d, s, n_after) -> int:
    """+1 if run ``s`` is empty now and would not be, -1 the other way, else 0."""
    if wk.rn[d, s] > 0 and n_after == 0:
        return -1
    if wk.rn[d, s] == 0 and n_after > 0:
        return 1
    return 0


@njit(cache=True)
def _fixed(wa, wk, d, s1, n1, s2, n2):
    """Daily fixed cost change and fleet cost change (yuan) when run ``s1`` goes to ``n1`` visits and ``s2`` to
    ``n2``."""
    c1, c2 = _changes(wk, d, s1, n1), _changes(wk, d, s2, n2)
    if c1 == 0 and c2 == 0:
        return 0.0, 0.0
    t1, t2 = wa.slot_type[d, s1], wa.slot_type[d, s2]
    return c1 * wa.fixed_day[t1] + c2 * wa.fixed_day[t2], fleet_change2(wa, wk, d, t1, c1, t2, c2)


@njit(cache=True)
def _done(wa, wk, d, s1, s2) -> bool:
    wk.ctr[0] += 1
    update_route(wa, wk, d, s1)
    if s2 != s1:
        update_route(wa, wk, d, s2)
    return True


@njit(cache=True)
def _try_order(wa, wk, d, s, m) -> bool:
    """Take the order ``wk.buf[:m]`` for run ``s`` if it costs less."""
    if price_buf(wa, wk, d, s, m) - wk.rcost[d, s] > -EPS:
        return False
    wk.ctr[0] += 1
    relink_buf(wa, wk, d, s, m)
    return True


# -- one run in a new order (written to ``wk.buf``) -------------------------------------------------------------------
@njit(cache=True)
def _order_relocate(wa, wk, d, s, first, second, after) -> int:
    """The run without ``first`` (and ``second`` if >= 0), then them in that order right after node ``after``."""
    n = len(wa.loc)
    m = 0
    if after == start_of(n, s):
        wk.buf[m] = first
        m += 1
        if second >= 0:
            wk.buf[m] = second
            m += 1
    x = wk.nxt[d, start_of(n, s)]
    end = end_of(n, s)
    while x != end:
        if x != first and x != second:
            wk.buf[m] = x
            m += 1
            if x == after:
                wk.buf[m] = first
                m += 1
                if second >= 0:
                    wk.buf[m] = second
                    m += 1
        x = wk.nxt[d, x]
    return m


@njit(cache=True)
def _order_swap(wa, wk, d, s, a1, a2, b1, b2) -> int:
    """The run with its pieces ``a1[, a2]`` and ``b1[, b2]`` (consecutive visits; -1: a piece of one) swapped."""
    n = len(wa.loc)
    m = 0
    x = wk.nxt[d, start_of(n, s)]
    end = end_of(n, s)
    while x != end:
        if x == a1 or x == b1:
            p1, p2, skip = (b1, b2, a2 if a2 >= 0 else a1) if x == a1 else (a1, a2, b2 if b2 >= 0 else b1)
            wk.buf[m] = p1
            m += 1
            if p2 >= 0:
                wk.buf[m] = p2
                m += 1
            x = wk.nxt[d, skip]
        else:
            wk.buf[m] = x
            m += 1
            x = wk.nxt[d, x]
    return m


@njit(cache=True)
def _order_reverse(wa, wk, d, s, u, v) -> int:
    """The run with the visits after ``u`` up to ``v`` (``u`` before ``v``) in reverse order."""
    n = len(wa.loc)
    m = 0
    x = wk.nxt[d, start_of(n, s)]
    while x != wk.nxt[d, u]:
        wk.buf[m] = x
        m += 1
        x = wk.nxt[d, x]
    stop = wk.prv[d, wk.nxt[d, u]]
    x = v
    while x != stop:
        wk.buf[m] = x
        m += 1
        x = wk.prv[d, x]
    x = wk.nxt[d, v]
    end = end_of(n, s)
    while x != end:
        wk.buf[m] = x
        m += 1
        x = wk.nxt[d, x]
    return m


# -- the moves --------------------------------------------------------------------------------------------------------
@njit(cache=True)
def relocate(wa, wk, d, first, second, v) -> bool:
    """Move visit ``first`` (and ``second``, next to it on its run, if >= 0) right after node ``v``, in the order
    ``first``, ``second``: HGS's moves 1 (one visit), 2 (two) and 3 (two, reversed)."""
    if v == first or v == second:
        return False
    if second < 0:
        head = tail = first
    elif wk.nxt[d, first] == second:
        head, tail = first, second
    elif wk.nxt[d, second] == first:
        head, tail = second, first
    else:
        return False
    pu, x = wk.prv[d, head], wk.nxt[d, tail]
    if v == pu and head == first:
        return False  # it is there already
    y = x if v == pu else wk.nxt[d, v]
    ru, rv = wk.rte[d, first], wk.rte[d, v]
    tu, tv = wa.slot_type[d, ru], wa.slot_type[d, rv]
    if ru != rv and wa.restricted and (not wa.allowed[first, tv] or (second >= 0 and not wa.allowed[second, tv])):
        return False
    km = wa.km
    lpu, lx, lv, ly = wa.node_loc[d, pu], wa.node_loc[d, x], wa.node_loc[d, v], wa.node_loc[d, y]
    lf = wa.loc[first]
    ll = wa.loc[second] if second >= 0 else lf
    inner = km[wa.loc[head], wa.loc[tail]] if second >= 0 else 0.0
    inner_new = km[lf, ll] if second >= 0 else 0.0
    gone = km[lpu, lx] - km[lpu, wa.loc[head]] - km[wa.loc[tail], lx] - inner
    come = km[lv, lf] + inner_new + km[ll, ly] - km[lv, ly]
    if ru == rv:
        if wa.per_km[tu] * (gone + come) - wk.rpen[d, ru] > -EPS:
            return False
        return _try_order(wa, wk, d, ru, _order_relocate(wa, wk, d, ru, first, second, v))
    moved = 1 if second < 0 else 2
    nu, nv = wk.rn[d, ru] - moved, wk.rn[d, rv] + moved
    fixed, fleet = _fixed(wa, wk, d, ru, nu, rv, nv)
    if wa.per_km[tu] * gone + wa.per_km[tv] * come + fixed + fleet - wk.rpen[d, ru] - wk.rpen[d, rv] > -EPS:
        return False
    seg_u = join(wa, get(wk.fw, d, pu), get(wk.bw, d, x), lpu, lx, tu)
    piece = visit(wa, wk, d, first)
    if second >= 0:
        piece = join(wa, piece, visit(wa, wk, d, second), lf, ll, tv)
    seg_v = join(wa, join(wa, get(wk.fw, d, v), piece, lv, lf, tv), get(wk.bw, d, y), ll, ly, tv)
    delta = cost_of(wa, wk, tu, seg_u, nu) + cost_of(wa, wk, tv, seg_v, nv) - wk.rcost[d, ru] - wk.rcost[d, rv]
    if delta + fleet > -EPS:
        return False
    unlink(wk, d, first)
    if second >= 0:
        unlink(wk, d, second)
        link_after(wk, d, second, v)
    link_after(wk, d, first, v)
    return _done(wa, wk, d, ru, rv)


@njit(cache=True)
def swap(wa, wk, d, a1, a2, b1, b2) -> bool:
    """Swap the piece ``a1[, a2]`` with ``b1[, b2]`` (``a2`` next after ``a1``, ``b2`` after ``b1``, or -1): HGS's
    moves 4, 5 and 6."""
    if a1 == b1 or a1 == b2 or a2 == b1 or (a2 >= 0 and a2 == b2):
        return False
    ra, rb = wk.rte[d, a1], wk.rte[d, b1]
    ta, tb = wa.slot_type[d, ra], wa.slot_type[d, rb]
    if ra != rb and wa.restricted and not (
            wa.allowed[a1, tb] and wa.allowed[b1, ta] and (a2 < 0 or wa.allowed[a2, tb])
            and (b2 < 0 or wa.allowed[b2, ta])):  # fmt: skip
        return False
    a_end = a2 if a2 >= 0 else a1
    b_end = b2 if b2 >= 0 else b1
    pa, xa, pb, xb = wk.prv[d, a1], wk.nxt[d, a_end], wk.prv[d, b1], wk.nxt[d, b_end]
    km = wa.km
    la1, lae, lb1, lbe = wa.loc[a1], wa.loc[a_end], wa.loc[b1], wa.loc[b_end]
    lpa, lxa, lpb, lxb = wa.node_loc[d, pa], wa.node_loc[d, xa], wa.node_loc[d, pb], wa.node_loc[d, xb]
    in_a, in_b = km[la1, lae], km[lb1, lbe]
    if ra == rb:
        if xa == b1:  # a then b
            change = km[lpa, lb1] + in_b + km[lbe, la1] + in_a + km[lae, lxb] - km[lpa, la1] - in_a - km[lae, lb1]
            change -= in_b + km[lbe, lxb]
        elif xb == a1:  # b then a
            change = km[lpb, la1] + in_a + km[lae, lb1] + in_b + km[lbe, lxa] - km[lpb, lb1] - in_b - km[lbe, la1]
            change -= in_a + km[lae, lxa]
        else:
            change = km[lpa, lb1] + km[lbe, lxa] - km[lpa, la1] - km[lae, lxa]
            change += km[lpb, la1] + km[lae, lxb] - km[lpb, lb1] - km[lbe, lxb]
        if wa.per_km[ta] * change - wk.rpen[d, ra] > -EPS:
            return False
        return _try_order(wa, wk, d, ra, _order_swap(wa, wk, d, ra, a1, a2, b1, b2))
    size_a, size_b = (2 if a2 >= 0 else 1), (2 if b2 >= 0 else 1)
    change_a = km[lpa, lb1] + in_b + km[lbe, lxa] - km[lpa, la1] - in_a - km[lae, lxa]
    change_b = km[lpb, la1] + in_a + km[lae, lxb] - km[lpb, lb1] - in_b - km[lbe, lxb]
    if wa.per_km[ta] * change_a + wa.per_km[tb] * change_b - wk.rpen[d, ra] - wk.rpen[d, rb] > -EPS:
        return False
    piece_b = visit(wa, wk, d, b1)
    if b2 >= 0:
        piece_b = join(wa, piece_b, visit(wa, wk, d, b2), lb1, lbe, ta)
    piece_a = visit(wa, wk, d, a1)
    if a2 >= 0:
        piece_a = join(wa, piece_a, visit(wa, wk, d, a2), la1, lae, tb)
    seg_a = join(wa, join(wa, get(wk.fw, d, pa), piece_b, lpa, lb1, ta), get(wk.bw, d, xa), lbe, lxa, ta)
    seg_b = join(wa, join(wa, get(wk.fw, d, pb), piece_a, lpb, la1, tb), get(wk.bw, d, xb), lae, lxb, tb)
    n_a, n_b = wk.rn[d, ra] - size_a + size_b, wk.rn[d, rb] - size_b + size_a
    delta = cost_of(wa, wk, ta, seg_a, n_a) + cost_of(wa, wk, tb, seg_b, n_b) - wk.rcost[d, ra] - wk.rcost[d, rb]
    if delta > -EPS:
        return False
    unlink(wk, d, a1)
    if a2 >= 0:
        unlink(wk, d, a2)
    unlink(wk, d, b1)
    if b2 >= 0:
        unlink(wk, d, b2)
    if b2 >= 0:
        link_after(wk, d, b2, pa)
    link_after(wk, d, b1, pa)
    if a2 >= 0:
        link_after(wk, d, a2, pb)
    link_after(wk, d, a1, pb)
    return _done(wa, wk, d, ra, rb)


@njit(cache=True)
def two_opt(wa, wk, d, u, v) -> bool:
    """Reverse the visits after ``u`` up to ``v`` on their run (``u`` before ``v``): HGS's move 7."""
    x = wk.nxt[d, u]
    if x == v or wk.pos[d, u] >= wk.pos[d, v]:
        return False
    s = wk.rte[d, u]
    t = wa.slot_type[d, s]
    y = wk.nxt[d, v]
    km = wa.km
    lu, lx, lv, ly = wa.node_loc[d, u], wa.loc[x], wa.loc[v], wa.node_loc[d, y]
    inside = (wk.rkm[d, v] - wk.rkm[d, x]) - (wk.fw[d, v, 0] - wk.fw[d, x, 0])
    change = km[lu, lv] + km[lx, ly] - km[lu, lx] - km[lv, ly] + inside
    if wa.per_km[t] * change - wk.rpen[d, s] > -EPS:
        return False
    return _try_order(wa, wk, d, s, _order_reverse(wa, wk, d, s, u, v))


@njit(cache=True)
def _tail_allowed(wa, wk, d, x, t) -> bool:
    """Whether every visit from node ``x`` to the end of its run may ride type ``t``."""
    n = len(wa.loc)
    while x < n:
        if not wa.allowed[x, t]:
            return False
        x = wk.nxt[d, x]
    return True


@njit(cache=True)
def two_opt_star(wa, wk, d, u, v) -> bool:
    """Exchange the tails after ``u`` and after ``v`` (a client or a start depot) of two runs: HGS's move 9. Only
    between runs from one depot at one speed (a tail's segment figures hold for its own run's)."""
    ru, rv = wk.rte[d, u], wk.rte[d, v]
    if ru == rv:
        return False
    n = len(wa.loc)
    x, y = wk.nxt[d, u], wk.nxt[d, v]
    if x >= n and y >= n:
        return False
    tu, tv = wa.slot_type[d, ru], wa.slot_type[d, rv]
    if wa.depots_differ and (wa.depot[tu] != wa.depot[tv] or wa.speed[tu] != wa.speed[tv]):
        return False
    if wa.restricted and not (_tail_allowed(wa, wk, d, x, tv) and _tail_allowed(wa, wk, d, y, tu)):
        return False
    nu = wk.pos[d, u] + wk.rn[d, rv] - wk.pos[d, v]
    nv = wk.pos[d, v] + wk.rn[d, ru] - wk.pos[d, u]
    km = wa.km
    lu, lx, lv, ly = wa.node_loc[d, u], wa.node_loc[d, x], wa.node_loc[d, v], wa.node_loc[d, y]
    km_u = wk.fw[d, u, 0] + km[lu, ly] + wk.bw[d, y, 0]
    km_v = wk.fw[d, v, 0] + km[lv, lx] + wk.bw[d, x, 0]
    old_u, old_v = wk.fw[d, end_of(n, ru), 0], wk.fw[d, end_of(n, rv), 0]
    fixed, fleet = _fixed(wa, wk, d, ru, nu, rv, nv)
    base = wa.per_km[tu] * (km_u - old_u) + wa.per_km[tv] * (km_v - old_v) + fixed + fleet
    if base - wk.rpen[d, ru] - wk.rpen[d, rv] > -EPS:
        return False
    seg_u = join(wa, get(wk.fw, d, u), get(wk.bw, d, y), lu, ly, tu)
    seg_v = join(wa, get(wk.fw, d, v), get(wk.bw, d, x), lv, lx, tv)
    delta = cost_of(wa, wk, tu, seg_u, nu) + cost_of(wa, wk, tv, seg_v, nv) - wk.rcost[d, ru] - wk.rcost[d, rv]
    if delta + fleet > -EPS:
        return False
    end_u, end_v = end_of(n, ru), end_of(n, rv)
    last_u, last_v = wk.prv[d, end_u], wk.prv[d, end_v]
    # u ... then y ... last_v, end_u;  v ... then x ... last_u, end_v
    if y < n:
        wk.nxt[d, u], wk.prv[d, y] = y, u
        wk.nxt[d, last_v], wk.prv[d, end_u] = end_u, last_v
    else:
        wk.nxt[d, u], wk.prv[d, end_u] = end_u, u
    if x < n:
        wk.nxt[d, v], wk.prv[d, x] = x, v
        wk.nxt[d, last_u], wk.prv[d, end_v] = end_v, last_u
    else:
        wk.nxt[d, v], wk.prv[d, end_v] = end_v, v
    return _done(wa, wk, d, ru, rv)


# -- the day's local search -----------------------------------------------------------------------------------------
@njit(cache=True)
def _pair_moves(wa, wk, d, u, v) -> bool:
    """HGS's moves for visit ``u`` and neighbour ``v``, first improvement."""
    n = len(wa.loc)
    x = wk.nxt[d, u]
    if relocate(wa, wk, d, u, NONE, v):
        return True
    if x < n and (relocate(wa, wk, d, u, x, v) or relocate(wa, wk, d, x, u, v)):
        return True
    y = wk.nxt[d, v]
    if u <= v and swap(wa, wk, d, u, NONE, v, NONE):
        return True
    x = wk.nxt[d, u]
    if x < n and swap(wa, wk, d, u, x, v, NONE):
        return True
    x, y = wk.nxt[d, u], wk.nxt[d, v]
    if u <= v and x < n and y < n and swap(wa, wk, d, u, x, v, y):
        return True
    if wk.rte[d, u] == wk.rte[d, v]:
        return two_opt(wa, wk, d, u, v)
    return two_opt_star(wa, wk, d, u, v)


@njit(cache=True)
def _depot_moves(wa, wk, d, u, start) -> bool:
    """Moves putting ``u`` (or its tail) right after the start depot ``start`` of a run."""
    n = len(wa.loc)
    if relocate(wa, wk, d, u, NONE, start):
        return True
    x = wk.nxt[d, u]
    if x < n and (relocate(wa, wk, d, u, x, start) or relocate(wa, wk, d, x, u, start)):
        return True
    return wk.rte[d, u] != wk.rte[d, start] and two_opt_star(wa, wk, d, u, start)


@njit(cache=True)
def _empty_moves(wa, wk, d, u) -> bool:
    """The depot moves into an empty run, one of each vehicle type ``u`` may ride."""
    n = len(wa.loc)
    slots = wa.slot_type.shape[1]
    for s in range(slots):
        t = wa.slot_type[d, s]
        if t < 0:
            break
        if wk.rn[d, s] or (wa.restricted and not wa.allowed[u, t]):
            continue
        first = True
        for s2 in range(s):  # one empty run per type
            if wa.slot_type[d, s2] == t and wk.rn[d, s2] == 0:
                first = False
                break
        if first and _depot_moves(wa, wk, d, u, start_of(n, s)):
            return True
    return False


@njit(cache=True)
def _missed_moves(wa, wk, d) -> bool:
    """Missed visits of day ``d`` put on a run where that costs less than missing them; with a price on missed
    visits, visits that cost more than it taken off."""
    n = len(wa.loc)
    slots = wa.slot_type.shape[1]
    changed = False
    x = wk.nxt[d, start_of(n, slots)]
    while x != end_of(n, slots):
        after = wk.nxt[d, x]
        added, s, a = best_insert(wa, wk, d, x, wk.vis[d, x, 0], wk.vis[d, x, 1], wk.vis[d, x, 2])
        if s < slots and added < wk.w[2] - 1e-7:
            take_off(wa, wk, d, x)
            place(wa, wk, d, x, s, a)
            changed = True
        x = after
    if wa.optional:
        for c in range(n):
            if 0 <= wk.rte[d, c] < slots and removal(wa, wk, d, c) + wk.w[2] < -1e-7:
                take_off(wa, wk, d, c)
                place(wa, wk, d, c, slots, start_of(n, slots))
                changed = True
    return changed


@njit(cache=True)
def improve_day(wa, wk, d) -> bool:
    """Route moves on day ``d`` until none improves; returns whether any did. A visit's moves are tried again only
    where its run or its neighbour's changed since they were last tried (``wk.tested``, reset by ``forget``)."""
    n = len(wa.loc)
    slots = wa.slot_type.shape[1]
    m = 0
    for c in range(n):
        if wk.rte[d, c] >= 0:
            wk.order[m] = c
            m += 1
    shuffle(wk.rng, wk.order, m)
    improved = _missed_moves(wa, wk, d)
    loop = 0
    searching = True
    while searching:
        searching = False
        for i in range(m):
            u = wk.order[i]
            ru = wk.rte[d, u]
            if ru < 0 or ru == slots:
                continue
            last = wk.tested[d, u]
            wk.tested[d, u] = wk.ctr[0]
            tried = 0
            for k in range(wa.nn.shape[1]):
                v = wa.nn[u, k]
                if v < 0 or tried == wa.granular:
                    break
                rv = wk.rte[d, v]
                if rv < 0 or rv == slots:
                    continue
                tried += 1
                if max(wk.rmod[d, wk.rte[d, u]], wk.rmod[d, rv]) <= last:
                    continue  # neither run changed since u's moves were last tried
                if _pair_moves(wa, wk, d, u, v):
                    searching = True
                    continue
                p = wk.prv[d, v]
                if p >= n and _depot_moves(wa, wk, d, u, p):
                    searching = True
            if loop > 0 and _empty_moves(wa, wk, d, u):
                searching = True
        if _missed_moves(wa, wk, d):
            searching = True
        improved |= searching
        loop += 1
    return improved


@njit(cache=True)
def forget(wk) -> None:
    """Every visit's moves are to be tried again (the plan is new, or the penalties changed)."""
    wk.tested[:] = -1
