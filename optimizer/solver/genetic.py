"""The hybrid genetic search over the week (in the spirit of Vidal et al. 2012's HGSADC for the periodic VRP).

An initial population of plans built at random and educated; then, until the work bound or the clock ends it:
two parents by binary tournament, a child by the periodic crossover (``_kernels.crossover``), educated by route
and pattern moves (``_kernels.entry.educate``), added to its sub-population (survivors by cost and diversity),
repaired with probability ``repair_probability`` if infeasible; penalties adapt to the share of feasible children.
Deterministic: the same problem, parameters and seed give the same plans, whatever the machine's speed, as long as
the work bound ends the run.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from optimizer.solver.arrays import WeekArrays
from optimizer.solver.individual import Individual
from optimizer.solver.params import SolveParams
from optimizer.solver.penalties import Penalties
from optimizer.solver.population import Population
from optimizer.solver.stop import Stop
from optimizer.solver.workspace import Workspace

REPAIR_BOOSTS = (10.0, 100.0)  # penalties are multiplied by these in turn when an infeasible child is repaired

OnBest = Callable[[Individual, int], None]  # a new best feasible plan, at this iteration


@dataclass
class Outcome:
    """The best feasible plan (None if none was found), the best infeasible one, iterations and educations made."""

    best: Individual | None
    best_infeasible: Individual | None
    iterations: int
    educations: int


class GeneticSearch:
    """The search over one problem's arrays ``wa`` with ``params`` (see ``SolveParams``)."""

    def __init__(self, wa: WeekArrays, params: SolveParams, stop: Stop, on_best: OnBest | None = None) -> None:
        self.wa = wa
        self.params = params
        self.stop = stop
        self.on_best = on_best
        self.rng = random.Random(params.seed)
        self.work = Workspace(wa, params.seed)
        self.penalties = Penalties.initial(wa, target=params.target_feasible, every=params.penalty_every)
        self.population = Population(params.population, params.generation, params.elite, params.close)
        self.best: Individual | None = None
        self.best_infeasible: Individual | None = None
        self.educations = 0
        self._since_best = 0

    def run(self) -> Outcome:
        """Search until the work bound (``params.iterations`` children) or the clock's cap ends it; at least one plan
        is built whatever the clock says."""
        self._initial(0)
        iteration = 0
        while not self.stop.done(iteration):
            iteration += 1
            first = self.population.select(self.rng, self.penalties.cost)
            second = self.population.select(self.rng, self.penalties.cost)
            self._weights(1.0)
            self.work.offspring(first, second, self.params.education_rounds)
            self._take(iteration)
            if self._since_best >= self.params.restart_after:
                self.population.clear()
                self._since_best = 0
                self._initial(iteration)
        self.stop.note_clock()
        return Outcome(self.best, self.best_infeasible, iteration, self.educations)

    def _initial(self, iteration: int) -> None:
        """The initial population; a run with no time left gets one plan by cheapest insertion, not educated (a
        few milliseconds at any size the guards allow)."""
        for k in range(self.params.initial):
            late = self.stop.left() <= 0
            if k and late:
                break
            self._weights(1.0)
            self.work.construct(self.params.random_share, None if late else self.params.education_rounds)
            self._take(iteration, repair=not late)

    def _weights(self, boost: float) -> None:
        self.work.weights(self.penalties.load * boost, self.penalties.time * boost)

    def _take(self, iteration: int, *, repair: bool = True) -> None:
        """Read the educated plan in the work arrays out, count it for the penalties, keep it, and repair it if
        infeasible (with probability ``repair_probability``)."""
        child = self.work.read()
        self.educations += 1
        self.penalties.register(child)
        self._keep(child, iteration)
        if repair and not child.feasible and self.rng.random() < self.params.repair_probability:
            for boost in REPAIR_BOOSTS:  # ten times the penalties, then a hundred times if still infeasible
                self._weights(boost)
                self.work.educate(self.params.education_rounds)
                self.educations += 1
                repaired = self.work.read()
                if repaired.feasible:
                    self._keep(repaired, iteration)
                    break

    def _keep(self, ind: Individual, iteration: int) -> None:
        self.population.add(ind, self.penalties.cost)
        self._since_best += 1
        if ind.feasible:
            if self.best is None or ind.cost < self.best.cost - 1e-6:
                self.best = ind
                self._since_best = 0
                if self.on_best:
                    self.on_best(ind, iteration)
        elif self.best_infeasible is None or self.penalties.cost(ind) < self.penalties.cost(self.best_infeasible):
            self.best_infeasible = ind
