"""The problem and its solutions as plain, immutable data, and the figures of a plan (km, minutes, yuan, parcels).

Owns: ``Problem`` and its parts, visit-day patterns and parcels per visit, ``Plan``/``Route``/``Result``/``Stats``,
route and plan figures. Imports nothing of the project but ``optimizer.errors``.
"""

from optimizer.model.evaluate import Loads, RouteFigures, plan_loads, plan_stats, route_figures
from optimizer.model.problem import (
    WEEKDAY_NAMES,
    Client,
    Depot,
    Pattern,
    Problem,
    TrunkCalls,
    VehicleType,
    client_patterns,
    default_patterns,
    fleet_by_type,
    fleet_cost,
    service_minutes,
    trunk_calls_cost,
    type_label,
    visit_loads,
)
from optimizer.model.solution import Plan, Result, Route, Stats

__all__ = [
    "WEEKDAY_NAMES",
    "Client",
    "Depot",
    "Loads",
    "Pattern",
    "Plan",
    "Problem",
    "Result",
    "Route",
    "RouteFigures",
    "Stats",
    "TrunkCalls",
    "VehicleType",
    "client_patterns",
    "default_patterns",
    "fleet_by_type",
    "fleet_cost",
    "plan_loads",
    "plan_stats",
    "route_figures",
    "service_minutes",
    "trunk_calls_cost",
    "type_label",
    "visit_loads",
]
