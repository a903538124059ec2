"""The scheduling layer: chooses each village's visit days and improves them around the day router.

Owns: the week state and its moves (``state``, ``moves``), the first plan (``construct``), routing days through the
router (``reroute``), budgets and stopping (``budgets``, ``stop``), ``SolveParams`` and the loop (``search.solve``).
Imports ``optimizer.model``, ``optimizer.routing`` and ``optimizer.errors``; nothing outside it touches a
``WeekState``'s private attributes.
"""

from optimizer.solver.params import SolveParams
from optimizer.solver.prepare import prepare
from optimizer.solver.search import Progress, solve
from optimizer.solver.state import WeekState
from optimizer.solver.stop import Stop

__all__ = ["Progress", "SolveParams", "Stop", "WeekState", "prepare", "solve"]
