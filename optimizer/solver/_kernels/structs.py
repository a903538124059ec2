"""The problem's arrays and the work arrays as numba structure references, the form every kernel takes.

A kernel taking a named tuple of forty arrays unpacks and reference-counts each of them on every call (measured:
1.1 us a call against 70 ns); a structure reference is one pointer. The structures hold the same arrays as the
``WeekArrays`` and ``Work`` tuples (no copy), so Python reads and writes them through the tuples.
"""

from __future__ import annotations

import numpy as np
from numba import njit, types
from numba.experimental import structref

from optimizer.solver._kernels.work import Work
from optimizer.solver.arrays import WeekArrays

_F8, _I8, _U8, _B = types.float64, types.int64, types.uint64, types.boolean


def _array(dtype, ndim: int):
    return types.Array(dtype, ndim, "C")


_WEEK_FIELDS = [
    ("km", _array(_F8, 2)), ("minutes", _array(_F8, 2)), ("loc", _array(_I8, 1)), ("open", _array(_F8, 1)),
    ("close", _array(_F8, 1)), ("allowed", _array(_B, 2)), ("capacity", _array(_F8, 1)),
    ("shift", _array(_F8, 1)), ("per_km", _array(_F8, 1)), ("speed", _array(_F8, 1)),
    ("fixed_day", _array(_F8, 1)), ("fixed_week", _array(_F8, 1)), ("depot", _array(_I8, 1)),
    ("slot_type", _array(_I8, 2)), ("node_loc", _array(_I8, 2)), ("npat", _array(_I8, 1)),
    ("pmask", _array(_I8, 2)), ("pload", _array(_F8, 4)), ("nn", _array(_I8, 2)), ("granular", _I8), ("miss", _F8),
    ("optional", _B), ("restricted", _B), ("depots_differ", _B), ("station", _array(_I8, 1)),
    ("tour_row", _array(_I8, 1)), ("forced", _array(_B, 2)), ("trunk", _array(_F8, 1)),
]  # fmt: skip
_WORK_FIELDS = [
    ("nxt", _array(_I8, 2)), ("prv", _array(_I8, 2)), ("rte", _array(_I8, 2)), ("pos", _array(_I8, 2)),
    ("fw", _array(_F8, 3)), ("bw", _array(_F8, 3)), ("rkm", _array(_F8, 2)), ("vis", _array(_F8, 3)),
    ("rcost", _array(_F8, 2)), ("rpen", _array(_F8, 2)), ("rn", _array(_I8, 2)), ("rmod", _array(_I8, 2)),
    ("tested", _array(_I8, 2)), ("count", _array(_I8, 2)), ("dcount", _array(_I8, 2)), ("pat", _array(_I8, 1)),
    ("vmask", _array(_I8, 1)), ("w", _array(_F8, 1)), ("ctr", _array(_I8, 1)), ("rng", _array(_U8, 1)),
    ("buf", _array(_I8, 1)), ("order", _array(_I8, 1)), ("days", _array(_I8, 1)), ("pick", _array(_I8, 1)),
    ("used", _array(_I8, 1)), ("ins_route", _array(_I8, 2)), ("ins_after", _array(_I8, 2)),
]  # fmt: skip
assert [n for n, _ in _WEEK_FIELDS] == list(WeekArrays._fields)
assert [n for n, _ in _WORK_FIELDS] == list(Work._fields)


@structref.register
class _StructType(types.StructRef):
    def preprocess_fields(self, fields):
        return tuple((name, types.unliteral(typ)) for name, typ in fields)


class Struct(structref.StructRefProxy):
    """A structure of arrays handed to the kernels (its fields are read through the tuple it was made from)."""


structref.define_boxing(_StructType, Struct)
WEEK_TYPE = _StructType(_WEEK_FIELDS)
WORK_TYPE = _StructType(_WORK_FIELDS)


@njit(cache=True)
def _week(km, minutes, loc, open_, close, allowed, capacity, shift, per_km, speed, fixed_day, fixed_week, depot,
          slot_type, node_loc, npat, pmask, pload, nn, granular, miss, optional, restricted,
          depots_differ, station, tour_row, forced, trunk):  # fmt: skip
    s = structref.new(WEEK_TYPE)
    s.km, s.minutes, s.loc, s.open, s.close, s.allowed = km, minutes, loc, open_, close, allowed
    s.capacity, s.shift, s.per_km, s.speed, s.fixed_day, s.fixed_week = capacity, shift, per_km, speed, fixed_day, \
        fixed_week  # fmt: skip
    s.depot, s.slot_type, s.node_loc, s.npat, s.pmask, s.pload, s.nn = depot, slot_type, node_loc, npat, pmask, \
        pload, nn  # fmt: skip
    s.granular = granular
    s.miss, s.optional, s.restricted, s.depots_differ = miss, optional, restricted, depots_differ
    s.station, s.tour_row, s.forced, s.trunk = station, tour_row, forced, trunk
    return s


@njit(cache=True)
def _work(nxt, prv, rte, pos, fw, bw, rkm, vis, rcost, rpen, rn, rmod, tested, count, dcount, pat, vmask, w, ctr,
          rng, buf, order, days, pick, used, ins_route, ins_after):  # fmt: skip
    s = structref.new(WORK_TYPE)
    s.nxt, s.prv, s.rte, s.pos, s.fw, s.bw, s.rkm, s.vis = nxt, prv, rte, pos, fw, bw, rkm, vis
    s.rcost, s.rpen, s.rn, s.rmod, s.tested, s.count, s.dcount = rcost, rpen, rn, rmod, tested, count, dcount
    s.pat, s.vmask, s.w, s.ctr, s.rng, s.buf, s.order, s.days = pat, vmask, w, ctr, rng, buf, order, days
    s.pick, s.used, s.ins_route, s.ins_after = pick, used, ins_route, ins_after
    return s


def week_struct(wa: WeekArrays) -> Struct:
    """The kernels' view of ``wa`` (its arrays, not copies)."""
    fields = [np.ascontiguousarray(v) if isinstance(v, np.ndarray) else v for v in wa]
    return _week(*fields)


def work_struct(wk: Work) -> Struct:
    """The kernels' view of ``wk`` (its arrays, not copies: writes through either are seen by the other)."""
    return _work(*wk)
