"""When the search stops: a work bound (iterations) and a clock cap, in one object (cf. PyVRP's ``stop/``).

The work bound makes runs reproducible; the clock is a safety cap, and a run it ends says so (``stopped_by``).
Every long phase of ``solve`` is handed a ``perf_counter`` time to end by: the first routing and the search loop
``cap``, the polish ``deadline`` (the time limit itself); OR-Tools calls get no more than the time left
(``optimizer.routing.route_week``), so a run ends within a bounded margin of its limit at any size.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from optimizer.model.solution import BY_ITERATIONS, BY_TIME

__all__ = ["BY_ITERATIONS", "BY_TIME", "Stop"]


def _now() -> float:
    return time.perf_counter()  # looked up at each call, so a test's fake clock reaches every phase


@dataclass
class Stop:
    """The search loop may run ``iterations`` rounds (None: no bound) until ``loop_share`` of ``time_limit_s``
    seconds have passed since ``start`` (a ``time.perf_counter`` reading, e.g. when the run began reading its
    data); the rest, up to ``deadline``, is for the polish."""

    time_limit_s: float
    iterations: int | None
    loop_share: float = 0.9
    start: float = field(default_factory=_now)
    stopped_by: str = BY_ITERATIONS

    @property
    def cap(self) -> float:
        """The ``perf_counter`` time at which the first routing and the search loop end."""
        return self.start + self.loop_share * self.time_limit_s

    @property
    def deadline(self) -> float:
        """The ``perf_counter`` time at which the time limit ends: the polish ends by it."""
        return self.start + self.time_limit_s

    def elapsed(self) -> float:
        """Seconds since the start."""
        return _now() - self.start

    def left(self) -> float:
        """Seconds left for the search loop (negative once past the cap)."""
        return self.cap - _now()

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
        """Seconds a day for the polish of a run the clock stopped: what is left of the limit (0.05 s at least;
        ``route_week`` cuts it to the deadline)."""
        return max(0.05, (self.deadline - _now()) / days)
