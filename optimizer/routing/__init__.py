"""The day router seam: route a model's visits afresh, or improve given routes (``DayRouter``).

Owns: the router interface and its inputs (``base``), splitting a week into independent models (``week``), the
OR-Tools router (``ortools``, the default) and the PyVRP model builder and router (``pyvrp``). Imports
``optimizer.model`` only.
"""

from optimizer.routing.base import DayRouter, DayVisit, Routed, SearchBudget, VehicleDay, WeekVisit
from optimizer.routing.week import ROUTERS, route_day, route_week, router_named

__all__ = [
    "ROUTERS", "DayRouter", "DayVisit", "Routed", "SearchBudget", "VehicleDay", "WeekVisit", "route_day", "route_week",
    "router_named",
]  # fmt: skip
