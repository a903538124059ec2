"""One week plan of the genetic search (an individual): its arrays, as ``_kernels.entry.read_out`` writes them
(``Workspace.read``), and its figures."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimizer.model import Plan, Problem, Route, client_patterns
from optimizer.solver._kernels import entry
from optimizer.solver.arrays import REQUIRED_MISS


@dataclass
class Individual:
    """Patterns (``pat``: pattern number per client), runs (``seq``/``beg``, see ``_kernels.crossover``),
    neighbours on the runs (``succ``/``pred``, for distances) and ``figures`` (``_kernels.entry.PENALISED`` ...)
    under the penalties it was read out with."""

    pat: np.ndarray
    seq: np.ndarray
    beg: np.ndarray
    succ: np.ndarray
    pred: np.ndarray
    figures: np.ndarray

    @property
    def cost(self) -> float:
        """Weekly cost (yuan) the search minimises: runs, fleet, missed visits where the problem prices them, and
        the trunk's estimated calls (relay designs)."""
        return float(self.figures[entry.COST])

    @property
    def plan_cost(self) -> float:
        """Weekly cost (yuan) of the plan itself (``Stats.total_cost``): ``cost`` without the trunk's calls."""
        return float(self.figures[entry.COST] - self.figures[entry.CALLS])

    @property
    def excess_load(self) -> float:
        """Parcels over capacity, summed over the runs."""
        return float(self.figures[entry.EXCESS_LOAD])

    @property
    def excess_time(self) -> float:
        """Minutes over the shift or late at closing times, summed over the runs."""
        return float(self.figures[entry.EXCESS_TIME])

    @property
    def missed_required(self) -> int:
        """Required visits left out."""
        return int(self.figures[entry.MISSED_REQUIRED])

    @property
    def feasible(self) -> bool:
        return self.excess_load == 0 and self.excess_time == 0 and self.missed_required == 0

    def penalised(self, load: float, time: float) -> float:
        """Cost (yuan) with ``load`` yuan a parcel over capacity and ``time`` a minute over (and the placeholder
        price of required visits left out)."""
        missed = REQUIRED_MISS * self.missed_required
        return self.cost + load * self.excess_load + time * self.excess_time + missed

    def to_plan(self, problem: Problem) -> Plan:
        """The plan in the model's terms; each day's runs of a type are numbered 0, 1, ... (vehicle k of the fleet
        drives run k). Missed visits are listed as unserved."""
        days = sorted(problem.days)
        slots = self.beg.shape[1] - 2
        patterns = tuple(client_patterns(problem, c)[int(p)] for c, p in zip(problem.clients, self.pat, strict=True))
        routes = []
        unserved = []
        for d, day in enumerate(days):
            on_day = problem.vehicles_on(day)
            copies: dict[int, int] = {}
            for s in range(slots):
                stops = self.seq[d, self.beg[d, s] : self.beg[d, s + 1]]
                if len(stops) == 0:
                    continue
                t = on_day[s][0]
                routes.append(Route(day, t, copies.get(t, 0), tuple(int(c) for c in stops)))
                copies[t] = copies.get(t, 0) + 1
            unserved += [(int(c), day) for c in self.seq[d, self.beg[d, slots] : self.beg[d, slots + 1]]]
        routes.sort(key=lambda r: (r.day, r.vehicle_type, r.vehicle))
        return Plan(patterns, tuple(routes), tuple(sorted(unserved)))
