"""Travel speeds (km/h) and travel times (minutes) on road-graph edges, by road class, ``maxspeed`` and surface."""

from __future__ import annotations

import re

import networkx as nx

from network import settings

_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def parse_maxspeed_kmh(value: object) -> float | None:
    """Parse an OSM ``maxspeed`` value to km/h.

    Handles plain numbers, ``"50 mph"``, ``"60;80"`` and lists (from merged ways; the lowest wins). Returns None for
    values with no number (``"none"``, ``"signals"``, ``"CN:rural"``).
    """
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        speeds = [s for s in (parse_maxspeed_kmh(v) for v in value) if s is not None]
        return min(speeds) if speeds else None
    text = str(value).strip().lower()
    numbers = [float(n) for n in _NUMBER.findall(text)]
    numbers = [n for n in numbers if n > 0]
    if not numbers:
        return None
    speed = min(numbers)
    return speed * 1.609344 if "mph" in text else speed


def _first(value: object) -> str | None:
    if isinstance(value, (list, tuple)):
        return str(value[0]) if value else None
    return None if value is None else str(value)


def class_speed_kmh(highway: object) -> float:
    """Default speed (km/h) for an OSM ``highway`` value (or a list of them from merged ways: the slowest wins)."""
    values = highway if isinstance(highway, (list, tuple)) else [highway]
    speeds = [settings.speed_kmh_by_highway.get(str(v), settings.fallback_speed_kmh) for v in values]
    return min(speeds) if speeds else settings.fallback_speed_kmh


def edge_speed_kmh(data: dict) -> float:
    """Speed (km/h) of one edge from its attributes, then surface and tracktype factors.

    Without a parsable ``maxspeed`` the class speed applies. With one, the class speed clamped to 80-100 % of the
    posted limit: a loaded van rarely drives at the legal limit, and never above it.
    """
    speed = class_speed_kmh(data.get("highway"))
    posted = parse_maxspeed_kmh(data.get("maxspeed"))
    if posted is not None:
        speed = min(posted, max(speed, posted * 0.8))
    surface = _first(data.get("surface"))
    if surface in settings.unpaved_surfaces:
        speed *= settings.unpaved_speed_factor
    tracktype = _first(data.get("tracktype"))
    if tracktype in settings.tracktype_speed_factor:
        speed *= settings.tracktype_speed_factor[tracktype]
    return max(speed, 5.0)


def add_travel_times(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Set ``speed_kph`` (km/h) and ``travel_time`` (seconds, the OSMnx convention) on every edge, in place.

    Edges need ``length`` in metres (OSMnx sets it). Returns the same graph.
    """
    for _, _, data in graph.edges(data=True):
        speed = edge_speed_kmh(data)
        data["speed_kph"] = round(speed, 2)
        data["travel_time"] = float(data["length"]) / 1000.0 / speed * 3600.0
    return graph
