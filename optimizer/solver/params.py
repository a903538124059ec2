"""Search effort of ``solve``: iterations, OR-Tools budgets and move sizes, each checked when the object is made."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields

from optimizer.routing import ROUTERS, SearchBudget


@dataclass(frozen=True)
class SolveParams:
    """Search effort. ``iterations`` perturbation rounds (None: until ``time_limit_s`` seconds). OR-Tools gets
    ``construct`` for the first routing of each day; ``improve`` for its local search from the routes at hand after
    each iteration (to a local optimum, at most ``improve.time_s`` a day); ``reoptimise`` for routing a changed
    day afresh (tried less often while it rarely wins); ``joint`` for routing the whole week afresh in one model
    (once-a-week villages; its solution budget doubles while it rarely wins); ``polish`` for the last routing.

    ``router``: the day router (``optimizer.routing.ROUTERS``); the joint week model is OR-Tools' whichever is chosen.

    Raises ``ValueError`` naming the field for a value out of range (a NaN, a time limit that is not positive,
    fewer than one iteration, a margin outside [0, 1)).
    """

    time_limit_s: float = 60.0
    iterations: int | None = 40
    seed: int = 0
    construct: SearchBudget = field(default_factory=lambda: SearchBudget(time_s=2.0, solutions=30))
    improve: SearchBudget = field(default_factory=lambda: SearchBudget(time_s=5.0, solutions=None))
    reoptimise: SearchBudget = field(default_factory=lambda: SearchBudget(time_s=5.0, solutions=60))
    joint: SearchBudget = field(default_factory=lambda: SearchBudget(time_s=5.0, solutions=60))
    polish: SearchBudget = field(default_factory=lambda: SearchBudget(time_s=10.0, solutions=300))
    perturb_size: int = 12  # villages moved together by a cluster perturbation, at most
    lns_moves: int = 100  # ruin-and-recreate rounds per iteration (cheap: priced by insertion, no OR-Tools)
    lns_size: int = 15  # villages removed per round, at most (at least 2)
    lns_margin: float = 0.002  # relative margin over the best of the rounds for carrying on
    accept_worse: float = 0.01  # relative margin over the best for carrying on (decays to 0 over the run)
    joint_every: int = 10  # route the whole week afresh in one model every so many iterations (once-a-week villages)
    router: str = "ortools"

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
            if f.name in ("perturb_size", "lns_moves", "joint_every") and value < 1:
                raise ValueError(f"SolveParams.{f.name}: {value!r} must be at least 1")
            if f.name == "lns_size" and value < 2:
                raise ValueError(f"SolveParams.lns_size: {value!r} must be at least 2")
            if f.name in ("lns_margin", "accept_worse") and not 0 <= value < 1:
                raise ValueError(f"SolveParams.{f.name}: {value!r} must be in [0, 1)")
