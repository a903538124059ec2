"""The population of week plans: a feasible and an infeasible sub-population, each kept between ``size`` and
``size + generation`` plans, survivors chosen by biased fitness (cost rank and diversity rank; Vidal et al. 2012),
clones first out; parents chosen by binary tournament on biased fitness."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from optimizer.solver._kernels import entry
from optimizer.solver.individual import Individual

CLONE = 1e-9  # plans at most this far apart (``entry.distance``) are clones


def distance(a: Individual, b: Individual) -> float:
    return float(entry.distance(a.pat, a.succ, a.pred, b.pat, b.succ, b.pred))


@dataclass
class SubPopulation:
    """Plans of one kind (feasible or not) with their distances to each other."""

    size: int
    generation: int
    elite: int
    close: int
    members: list[Individual] = field(default_factory=list)
    _dist: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))

    def __len__(self) -> int:
        return len(self.members)

    def add(self, ind: Individual, cost: Callable[[Individual], float]) -> None:
        """Add ``ind``; at ``size + generation`` members, keep the ``size`` best by biased fitness."""
        row = np.array([distance(ind, other) for other in self.members])
        k = len(self.members)
        grown = np.zeros((k + 1, k + 1))
        grown[:k, :k] = self._dist
        grown[k, :k] = grown[:k, k] = row
        self._dist = grown
        self.members.append(ind)
        if len(self.members) >= self.size + self.generation:
            while len(self.members) > self.size:
                self._remove(self._worst(cost))

    def _remove(self, i: int) -> None:
        del self.members[i]
        self._dist = np.delete(np.delete(self._dist, i, axis=0), i, axis=1)

    def _worst(self, cost: Callable[[Individual], float]) -> int:
        """A clone with the worst fitness if there is one, else the worst fitness."""
        fitness = self.fitness(cost)
        dist = self._dist + np.eye(len(self.members))  # no member is its own clone
        clones = (dist <= CLONE).any(axis=1)
        if clones.any():
            fitness = np.where(clones, fitness, -np.inf)
        return int(np.argmax(fitness))

    def fitness(self, cost: Callable[[Individual], float]) -> np.ndarray:
        """Biased fitness of each member (lower is better): its cost rank plus, weighted by the share of non-elite
        members, its rank in diversity (mean distance to its ``close`` nearest), both scaled to [0, 1]."""
        n = len(self.members)
        if n == 1:
            return np.zeros(1)
        costs = np.array([cost(m) for m in self.members])
        cost_rank = np.empty(n)
        cost_rank[np.argsort(costs, kind="stable")] = np.arange(n)
        near = np.sort(self._dist + np.diag(np.full(n, np.inf)), axis=1)[:, : min(self.close, n - 1)]
        diversity = near.mean(axis=1)
        div_rank = np.empty(n)
        div_rank[np.argsort(-diversity, kind="stable")] = np.arange(n)
        return (cost_rank + (1.0 - min(self.elite, n) / n) * div_rank) / (n - 1)

    def best(self, cost: Callable[[Individual], float]) -> Individual | None:
        if not self.members:
            return None
        return min(self.members, key=cost)


@dataclass
class Population:
    """Both sub-populations. ``feasible_cost`` ranks the feasible (the plain cost), ``penalised`` the infeasible."""

    size: int = 25
    generation: int = 40
    elite: int = 4
    close: int = 5

    def __post_init__(self) -> None:
        self.feasible = SubPopulation(self.size, self.generation, self.elite, self.close)
        self.infeasible = SubPopulation(self.size, self.generation, self.elite, self.close)

    def __len__(self) -> int:
        return len(self.feasible) + len(self.infeasible)

    def add(self, ind: Individual, penalised: Callable[[Individual], float]) -> None:
        if ind.feasible:
            self.feasible.add(ind, _plain)
        else:
            self.infeasible.add(ind, penalised)

    def select(self, rng: random.Random, penalised: Callable[[Individual], float]) -> Individual:
        """Binary tournament on biased fitness over both sub-populations."""
        pool: list[tuple[Individual, float]] = []
        for sub, cost in ((self.feasible, _plain), (self.infeasible, penalised)):
            if sub.members:
                pool += zip(sub.members, sub.fitness(cost), strict=True)
        a, b = pool[rng.randrange(len(pool))], pool[rng.randrange(len(pool))]
        return a[0] if a[1] <= b[1] else b[0]

    def clear(self) -> None:
        self.__post_init__()


def _plain(ind: Individual) -> float:
    return ind.cost
