"""Search effort of ``solve``: the genetic search's work bound and population, the routers' polish, each checked
when the object is made."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields

from optimizer.routing import ROUTERS, SearchBudget

DEFAULT_ITERATIONS = 10000  # children of a default run: Hangjin's week in about 25 s here (benchmarks/README.md)
_AT_LEAST_ONE = ("population", "generation", "close", "initial", "penalty_every", "restart_after", "granular")
_SHARES = ("target_feasible", "repair_probability", "random_share")


@dataclass(frozen=True)
class SolveParams:
    """Search effort.

    ``iterations``: children the genetic search makes and educates (None: until ``time_limit_s`` seconds), after
    an ``initial`` population of plans built at random (a share ``random_share`` of the clients on random patterns,
    the rest on their cheapest) and educated. Each sub-population (feasible, infeasible) holds ``population`` to
    ``population + generation`` plans; ``elite`` of them keep their place by cost alone, the diversity of a plan is
    its mean distance to its ``close`` nearest. Penalties adapt every ``penalty_every`` children towards
    ``target_feasible`` feasible children; an infeasible child is repaired (educated again at ten times the
    penalties) with probability ``repair_probability``. After ``restart_after`` children without a better plan the
    population starts afresh (the best plan kept). Route moves look at each client's ``granular`` nearest clients;
    an education makes up to ``education_rounds`` passes of pattern moves.

    At the end the day router (``router``, ``optimizer.routing.ROUTERS``) routes the best plan's days afresh with
    the ``polish`` budget (a day keeps the cheaper routes); with once-a-week villages free to change day, OR-Tools'
    week model first routes the whole week in one model with the ``joint`` budget.

    Raises ``ValueError`` naming the field for a value out of range.
    """

    time_limit_s: float = 60.0
    iterations: int | None = DEFAULT_ITERATIONS
    seed: int = 0
    router: str = "ortools"
    initial: int = 40
    population: int = 25
    generation: int = 40
    elite: int = 4
    close: int = 5
    target_feasible: float = 0.2
    repair_probability: float = 0.5
    penalty_every: int = 100
    restart_after: int = 10000
    granular: int = 20
    education_rounds: int = 4
    random_share: float = 0.5
    joint: SearchBudget = field(default_factory=lambda: SearchBudget(time_s=5.0, solutions=60))
    polish: SearchBudget = field(default_factory=lambda: SearchBudget(time_s=10.0, solutions=300))

    def __post_init__(self) -> None:
        if not (isinstance(self.time_limit_s, (int, float)) and math.isfinite(self.time_limit_s)) or (
            self.time_limit_s <= 0
        ):
            raise ValueError(f"SolveParams.time_limit_s: {self.time_limit_s!r} must be a positive number of seconds")
        if self.iterations is not None and (isinstance(self.iterations, bool) or self.iterations < 1):
            raise ValueError(f"SolveParams.iterations: {self.iterations!r} must be at least 1 (or None: time only)")
        if self.router not in ROUTERS:
            raise ValueError(f"SolveParams.router: {self.router!r} must be one of {', '.join(ROUTERS)}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise ValueError(f"SolveParams.seed: {self.seed!r} must be a whole number")
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in _AT_LEAST_ONE and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
                raise ValueError(f"SolveParams.{f.name}: {value!r} must be a whole number, at least 1")
            if f.name in ("elite", "education_rounds") and (not isinstance(value, int) or value < 0):
                raise ValueError(f"SolveParams.{f.name}: {value!r} must be a whole number, at least 0")
            if f.name in _SHARES and not (isinstance(value, (int, float)) and 0 <= value <= 1):
                raise ValueError(f"SolveParams.{f.name}: {value!r} must be in [0, 1]")
