"""Weekly delivery optimizer: a periodic VRP (visit-day patterns + daily routes) on OR-Tools.

Public API: the model (``Problem``, ``Depot``, ``VehicleType``, ``Client``), ``solve`` with ``SolveParams``, the
results (``Plan``, ``Route``, ``Result``, ``Stats``), the independent ``check`` and the error family.

Layers, bottom up (a package imports only those below it): ``errors``, ``files`` (used by ``network`` too);
``model``; ``check``, ``validate`` and ``routing``; ``solver``; ``classic`` and ``planning`` (with ``network``);
``outputs``; ``cli``. Names here load on first use, so ``import optimizer.errors`` stays cheap for ``network``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "CheckReport": "optimizer.check",
    "check": "optimizer.check",
    "InfeasibleError": "optimizer.errors",
    "InputError": "optimizer.errors",
    "RuralpostError": "optimizer.errors",
    "SolverError": "optimizer.errors",
    "Client": "optimizer.model",
    "Depot": "optimizer.model",
    "Plan": "optimizer.model",
    "Problem": "optimizer.model",
    "Result": "optimizer.model",
    "Route": "optimizer.model",
    "Stats": "optimizer.model",
    "VehicleType": "optimizer.model",
    "default_patterns": "optimizer.model",
    "plan_stats": "optimizer.model",
    "route_figures": "optimizer.model",
    "visit_loads": "optimizer.model",
    "SolveParams": "optimizer.solver",
    "solve": "optimizer.solver",
}
__all__ = [
    "CheckReport",
    "Client",
    "Depot",
    "InfeasibleError",
    "InputError",
    "Plan",
    "Problem",
    "Result",
    "Route",
    "RuralpostError",
    "SolveParams",
    "SolverError",
    "Stats",
    "VehicleType",
    "check",
    "default_patterns",
    "plan_stats",
    "route_figures",
    "solve",
    "visit_loads",
]

if TYPE_CHECKING:
    from optimizer.check import CheckReport, check
    from optimizer.errors import InfeasibleError, InputError, RuralpostError, SolverError
    from optimizer.model import (
        Client,
        Depot,
        Plan,
        Problem,
        Result,
        Route,
        Stats,
        VehicleType,
        default_patterns,
        plan_stats,
        route_figures,
        visit_loads,
    )  # fmt: skip
    from optimizer.solver import SolveParams, solve


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'optimizer' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
