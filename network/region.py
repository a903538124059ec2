"""Per-county matrices from one region extract: cut the region's arrays to a county boundary plus a margin and
compute the county's matrix on that cut, so one loaded region serves every county of a run."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely

from network.arrays import RoadArrays, graph_arrays
from network.distance import EARTH_RADIUS_KM
from network.matrix import travel_matrix

_KM_PER_DEGREE = np.pi * EARTH_RADIUS_KM / 180.0


def county_arrays(region: RoadArrays, boundary, *, margin_km: float = 20.0) -> RoadArrays:
    """The part of ``region`` inside ``boundary`` (shapely polygon, WGS84 lon/lat) widened by at least
    ``margin_km`` (km), so a road that leaves the county and comes back still counts.

    Nodes are chosen by the bounding box first, then by the widened polygon (vectorised, shapely 2); edges are
    those with both ends kept. Raises ``ValueError`` for a negative margin.
    """
    if margin_km < 0:
        raise ValueError(f"margin must be at least 0 km, got {margin_km}")
    region = graph_arrays(region)
    _, lat0, _, lat1 = boundary.bounds
    # a degree of longitude is shortest at the latitude farthest from the equator: widen by that one
    cos_lat = max(np.cos(np.radians(max(abs(lat0), abs(lat1)) + margin_km / _KM_PER_DEGREE)), 0.01)
    margin_deg = margin_km / (_KM_PER_DEGREE * cos_lat)
    widened = shapely.buffer(boundary, margin_deg) if margin_km > 0 else boundary
    wx0, wy0, wx1, wy1 = widened.bounds
    keep = (region.lon >= wx0) & (region.lon <= wx1) & (region.lat >= wy0) & (region.lat <= wy1)
    inside = np.flatnonzero(keep)
    shapely.prepare(widened)
    keep[inside] = shapely.intersects_xy(widened, region.lon[inside], region.lat[inside])
    return region.subset(keep)


def county_matrix(
    region: RoadArrays,
    boundary,
    points: Sequence[tuple[float, float]],
    *,
    margin_km: float = 20.0,
    names: Sequence[str] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Road distance (km) and travel time (minutes) between a county's points, on a region cut to the county.

    Parameters
    ----------
    region : the region's roads, loaded once (``network.load_arrays``) and shared by all its counties.
    boundary : the county (shapely polygon, WGS84 lon/lat).
    points : the county's facilities as (lat, lon) pairs in degrees.
    margin_km : the cut reaches at least this far (km) beyond the boundary.
    names : labels for the warnings about points far from any road.

    Returns
    -------
    (km, minutes) : square arrays as ``network.travel_matrix`` returns, on ``county_arrays(region, boundary,
    margin_km=margin_km)``.
    """
    return travel_matrix(county_arrays(region, boundary, margin_km=margin_km), points, names=names)
