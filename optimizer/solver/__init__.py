"""The scheduling layer: a hybrid genetic search over visit days and routes, and the day routers' polish.

Owns: the problem as arrays (``arrays``), the compiled kernels (``_kernels``: route and pattern moves, crossover),
plans of the search (``individual``), ``population``, ``penalties``, the loop (``genetic``), the week handed to the
routers (``state``, ``reroute``), stopping (``stop``), ``SolveParams`` and ``solve`` (``search``). Imports
``optimizer.model``, ``optimizer.routing``, ``optimizer.validate`` and ``optimizer.errors``.
"""

from optimizer.solver.params import SolveParams
from optimizer.solver.prepare import prepare
from optimizer.solver.search import Progress, solve, warm_up
from optimizer.solver.state import WeekState
from optimizer.solver.stop import Stop

__all__ = ["Progress", "SolveParams", "Stop", "WeekState", "prepare", "solve", "warm_up"]
