"""Weekly delivery optimizer: a periodic VRP (visit-day patterns + daily routes) on OR-Tools.

Public API: the model (``Problem``, ``Depot``, ``VehicleType``, ``Client``), ``solve`` with ``SolveParams``, the
results (``Plan``, ``Route``, ``Result``, ``Stats``) and the independent ``check``.
"""

from optimizer.checker import CheckReport, check
from optimizer.evaluate import plan_stats, route_figures
from optimizer.feasibility import InfeasibleError
from optimizer.model import Client, Depot, Problem, VehicleType, default_patterns, visit_loads
from optimizer.search import SolveParams, solve
from optimizer.solution import Plan, Result, Route, Stats

__all__ = [
    "CheckReport",
    "Client",
    "Depot",
    "InfeasibleError",
    "Plan",
    "Problem",
    "Result",
    "Route",
    "SolveParams",
    "Stats",
    "VehicleType",
    "check",
    "default_patterns",
    "plan_stats",
    "route_figures",
    "solve",
    "visit_loads",
]
