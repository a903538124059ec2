"""The genetic search's compiled kernels (numba): one week plan under local search, on flat arrays.

Owns: the work arrays and route bookkeeping (``work``), the random numbers (``rng``), the route moves
(``routes``), insertion and pattern moves (``patterns``), the crossover (``crossover``) and the entry points the
search calls (``entry``). Imports ``optimizer.solver.arrays`` only. Every function here is compiled on first use and
cached on disk (``cache=True``; ``_cache`` says when a cached kernel is stale), so only the first run after an
install or an update pays for the compilation.
"""

import numba.core.runtime.nrtdynmod as _nrt

from optimizer.solver._kernels._cache import install as _install_cache

# Every kernel call counts references to the work arrays it is given, with atomic operations: measured, 40 % of a
# search's time on pr10. The kernels hold the GIL (no ``nogil``), so no two threads run numba code on these arrays
# at once, and plain counts are safe. numba reads this switch (its own, for measuring exactly this) when it builds
# its runtime, at the first compilation or cache load of the process, which the kernels' import precedes; a numba
# without it keeps atomic counts (slower, as correct).
if hasattr(_nrt, "_disable_atomicity"):
    _nrt._disable_atomicity = 1
_install_cache()
