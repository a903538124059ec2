"""Penalty weights for capacity and shift overruns that adapt to the share of feasible children (Vidal et al.
2012): raised while too few educated children are feasible for a constraint, lowered while too many are."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from optimizer.solver.arrays import BIG, WeekArrays
from optimizer.solver.individual import Individual

MIN_PENALTY = 1e-3  # yuan a parcel or minute
MAX_PENALTY = 1e6


@dataclass
class Penalties:
    """Yuan a parcel over capacity (``load``) and a minute over the shift or late (``time``), updated every
    ``every`` children towards ``target`` feasible for each constraint (x ``increase`` or x ``decrease``)."""

    load: float
    time: float
    target: float = 0.2
    every: int = 100
    increase: float = 1.2
    decrease: float = 0.85
    _load_ok: list[bool] = field(default_factory=list)
    _time_ok: list[bool] = field(default_factory=list)

    @classmethod
    def initial(cls, wa: WeekArrays, **kwargs) -> Penalties:
        """Starting weights: a parcel over capacity costs what the longest arc costs per parcel carried, a minute
        over what a minute of driving costs, and neither less than a vehicle's daily and weekly cost spread over its
        capacity or its shift."""
        rows = np.unique(np.concatenate([wa.loc, wa.depot]))
        arcs = wa.km[np.ix_(rows, rows)]
        per_km = float(wa.per_km.max()) or 1.0
        demand = float(wa.pload[:, :, :, :2].max()) or 1.0
        longest = float(arcs.max()) * per_km or 1.0
        minutes = wa.minutes[np.ix_(rows, rows)]
        speed = float(np.median(arcs[minutes > 0] / minutes[minutes > 0])) if (minutes > 0).any() else 1.0
        load, time = longest / demand, per_km * speed
        # where vehicles cost by the day or week, overloading must not be far cheaper than the vehicle it saves
        vehicle = float((wa.fixed_day + wa.fixed_week).max())
        load = max(load, vehicle / float(wa.capacity.max()))
        shift = float(wa.shift.min())
        if shift < BIG:
            time = max(time, vehicle / shift)
        load = min(MAX_PENALTY, max(MIN_PENALTY, load))
        time = min(MAX_PENALTY, max(MIN_PENALTY, time))
        return cls(load=load, time=time, **kwargs)

    def register(self, child: Individual) -> None:
        """Note whether an educated child (before any repair) was within capacity and within the shifts."""
        self._load_ok.append(child.excess_load == 0)
        self._time_ok.append(child.excess_time == 0)
        if len(self._load_ok) >= self.every:
            self.load = self._adapt(self.load, self._load_ok)
            self.time = self._adapt(self.time, self._time_ok)
            self._load_ok.clear()
            self._time_ok.clear()

    def _adapt(self, weight: float, feasible: list[bool]) -> float:
        share = sum(feasible) / len(feasible)
        if share < self.target - 0.05:
            weight *= self.increase
        elif share > self.target + 0.05:
            weight *= self.decrease
        return min(MAX_PENALTY, max(MIN_PENALTY, weight))

    def cost(self, ind: Individual) -> float:
        """``ind``'s penalised cost (yuan) under the current weights."""
        return ind.penalised(self.load, self.time)
