"""The one plan the compiled kernels work on at a time, and the calls the genetic search makes on it."""

from __future__ import annotations

from optimizer.solver._kernels import entry
from optimizer.solver._kernels.rng import seeded
from optimizer.solver._kernels.structs import week_struct, work_struct
from optimizer.solver._kernels.work import allocate
from optimizer.solver.arrays import WeekArrays
from optimizer.solver.individual import Individual


class Workspace:
    """Work arrays for the problem ``arrays``, with a random state seeded by ``seed``. Every call changes the plan
    held here; ``read`` copies it out as an ``Individual``."""

    def __init__(self, arrays: WeekArrays, seed: int) -> None:
        self.arrays = arrays
        self.work = allocate(arrays, seeded(seed))
        self._wa = week_struct(arrays)
        self._wk = work_struct(self.work)

    def weights(self, load: float, time: float) -> None:
        """Penalties of the plans built next: yuan a parcel over capacity, yuan a minute over the shift or late."""
        self.work.w[0], self.work.w[1] = load, time

    def construct(self, random_share: float, rounds: int | None) -> None:
        """A new plan at random (``entry.build``), educated unless ``rounds`` is None."""
        if rounds is None:
            entry.build(self._wa, self._wk, random_share)
        else:
            entry.construct(self._wa, self._wk, random_share, rounds)

    def offspring(self, first: Individual, second: Individual, rounds: int) -> None:
        """The educated child of two plans (``entry.offspring``)."""
        entry.offspring(self._wa, self._wk, first.seq, first.beg, second.seq, second.beg, rounds)

    def educate(self, rounds: int) -> None:
        """Educate the plan held (after the weights changed), its runs repriced first."""
        entry.set_penalties(self._wa, self._wk, self.work.w[0], self.work.w[1])
        entry.educate(self._wa, self._wk, rounds)

    def load(self, ind: Individual) -> None:
        entry.load(self._wa, self._wk, ind.pat, ind.seq, ind.beg)

    def shed(self) -> None:
        """Take visits off the runs that break capacity or shifts until none does (they become missed visits)."""
        entry.set_penalties(self._wa, self._wk, self.work.w[0], self.work.w[1])
        entry.shed(self._wa, self._wk)

    def read(self) -> Individual:
        """The plan held, copied out."""
        out = entry.plan_buffers(self.arrays)
        entry.read_out(self._wa, self._wk, *out)
        return Individual(*out)
