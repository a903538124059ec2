"""Configuration of the road model: speeds by road class, fallback circuity and speed, caching.

Change these module attributes (or pass explicit arguments) before building a graph; every value carries its unit
in its name.
"""

from __future__ import annotations

from pathlib import Path

# Free-flow travel speeds (km/h) by OSM ``highway`` class for rural Inner Mongolia, used where an edge has no usable
# ``maxspeed``. Chosen for loaded light vans, below the legal limits: expressways 100, national/provincial trunk and
# primary roads 70-80, county roads 50-60, village roads 40, tracks across steppe and sand 20-25.
speed_kmh_by_highway: dict[str, float] = {
    "motorway": 100.0,
    "motorway_link": 60.0,
    "trunk": 80.0,
    "trunk_link": 50.0,
    "primary": 70.0,
    "primary_link": 45.0,
    "secondary": 60.0,
    "secondary_link": 40.0,
    "tertiary": 50.0,
    "tertiary_link": 35.0,
    "unclassified": 40.0,
    "residential": 30.0,
    "living_street": 15.0,
    "service": 20.0,
    "road": 30.0,
    "track": 25.0,
}
# Speed (km/h) for a drivable class missing from the table above.
fallback_speed_kmh: float = 30.0

# Multipliers for unsealed roads: gravel and sand slow a van far below the posted speed.
unpaved_speed_factor: float = 0.7
unpaved_surfaces: frozenset[str] = frozenset(
    {"unpaved", "gravel", "fine_gravel", "dirt", "earth", "ground", "sand", "grass", "compacted", "mud"}
)
# tracktype grade1 (solid) .. grade5 (soft): speed factor
tracktype_speed_factor: dict[str, float] = {
    "grade1": 1.0,
    "grade2": 0.85,
    "grade3": 0.7,
    "grade4": 0.55,
    "grade5": 0.45,
}

# OSM highway classes a delivery van may use. Everything else (footway, cycleway, path, steps, ...) is dropped.
drivable_highways: frozenset[str] = frozenset(speed_kmh_by_highway)
# The classes a map draws as its "main roads" background (expressways, national and provincial roads, county roads).
main_road_highways: frozenset[str] = frozenset(
    {"motorway", "motorway_link", "trunk", "trunk_link", "primary", "primary_link", "secondary", "secondary_link"}
)

# Offline fallback when no OSM data is at hand: road km = great-circle km x circuity. 1.23 is the one measured
# ratio in the Hangjin data (S215 Xini-Wulashan: 115 km by road against 93.6 km straight, data README).
circuity_factor: float = 1.23
# Average door-to-door speed (km/h) on the estimated network: a mix of national roads (70-80) and county and village
# roads (40-60) with some gravel, as a van sees it over a whole run.
fallback_speed_kmh_average: float = 55.0

# Distance matrices run Dijkstra only as far as needed: from each facility up to its farthest other facility's
# great-circle km x this allowance + slack (km), and for travel times that distance at this speed (km/h); a pair
# not reached is run again with the bound doubled, so matrices stay exact whatever these values.
matrix_bound_circuity: float = 1.6
matrix_bound_slack_km: float = 5.0
matrix_bound_speed_kmh: float = 30.0
# Sources per Dijkstra run (sources with similar bounds run together).
matrix_sources_per_run: int = 16

# A facility farther than this (km) from its snapped road node triggers a warning.
snap_warn_km: float = 2.0

# Folder for cached graphs (downloads) and travel matrices; None disables the disk cache.
cache_folder: Path | None = Path.home() / ".cache" / "ruralpost"
