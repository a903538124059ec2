"""When the search stops: a work bound (iterations) and a clock cap, in one object (cf. PyVRP's ``stop/``).

The work bound makes runs reproducible; the clock is a safety cap, and a run it ends says so (``stopped_by``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

BY_ITERATIONS = "iterations"  # the deterministic end: the same inputs and seed give the same plan
BY_TIME = "time limit"  # the clock ended the run: the plan may vary with machine load


@dataclass
class Stop:
    """The search loop may run ``iterations`` rounds (None: no bound) until ``loop_share`` of ``time_limit_s``
    seconds have passed since ``start`` (a ``time.perf_counter`` reading); the rest is for the polish."""

    time_limit_s: float
    iterations: int | None
    loop_share: float = 0.9
    start: float = field(default_factory=time.perf_counter)
    stopped_by: str = BY_ITERATIONS

    @property
    def cap(self) -> float:
        """The ``perf_counter`` time at which the search loop ends."""
        return self.start + self.loop_share * self.time_limit_s

    def elapsed(self) -> float:
        """Seconds since the start."""
        return time.perf_counter() - self.start

    def left(self) -> float:
        """Seconds left for the search loop (negative once past the cap)."""
        return self.cap - time.perf_counter()

    def done(self, iteration: int) -> bool:
        """Whether the loop ends before iteration ``iteration + 1``; records why in ``stopped_by``."""
        if self.left() <= 0:
            self.stopped_by = BY_TIME
            return True
        return self.iterations is not None and iteration >= self.iterations

    def note_clock(self) -> None:
        """After the loop: the clock, not the work bound, may have cut the last iteration short."""
        if self.left() <= 0:
            self.stopped_by = BY_TIME

    def fraction(self, iteration: int) -> float:
        """How far the run is: by iterations when bounded by work, else by the clock (0 to 1)."""
        return iteration / self.iterations if self.iterations else self.elapsed() / self.time_limit_s

    def polish_time_s(self, days: int) -> float:
        """Seconds a day for the polish of a run the clock stopped: what is left of the limit (0.05 s at least)."""
        return max(0.05, (self.time_limit_s - self.elapsed()) / days)
