"""The day router seam: route a model's visits afresh, or improve given routes (``DayRouter``).

Owns: the router interface and its inputs (``base``), splitting a week into independent models (``week``), the
OR-Tools router (``ortools``, the default) and the PyVRP model builder (``pyvrp``). Imports ``optimizer.model`` only.
"""

from optimizer.routing.base import DayRouter, DayVisit, SearchBudget, VehicleDay, WeekVisit
from optimizer.routing.week import route_day, route_week

__all__ = ["DayRouter", "DayVisit", "SearchBudget", "VehicleDay", "WeekVisit", "route_day", "route_week"]
