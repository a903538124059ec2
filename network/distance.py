"""Great-circle distances (km) and the offline road-distance estimate used when no OSM graph is at hand."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from network import settings

EARTH_RADIUS_KM = 6371.0088

ESTIMATE_LABEL = "estimated road distances (great-circle x circuity factor; no OpenStreetMap graph used)"


def _as_points(points: Sequence[tuple[float, float]]) -> np.ndarray:
    arr = np.asarray(points, dtype=float)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError("points must be a sequence of (lat, lon) pairs in degrees")
    return arr


def great_circle_km(points: Sequence[tuple[float, float]]) -> np.ndarray:
    """Matrix of great-circle (haversine) distances in km between (lat, lon) points in degrees."""
    arr = np.radians(_as_points(points))
    lat, lon = arr[:, 0][:, None], arr[:, 1][:, None]
    a = np.sin((lat - lat.T) / 2) ** 2 + np.cos(lat) * np.cos(lat.T) * np.sin((lon - lon.T) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def estimated_matrix(
    points: Sequence[tuple[float, float]],
    *,
    circuity: float | None = None,
    speed_kmh: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Estimated road distances (km) and travel times (minutes) without a road graph.

    km = great-circle km x ``circuity`` (default ``settings.circuity_factor``); minutes = km / ``speed_kmh``
    (default ``settings.fallback_speed_kmh_average``) x 60. Every output built on this must say
    ``ESTIMATE_LABEL``.
    """
    circuity = settings.circuity_factor if circuity is None else circuity
    speed_kmh = settings.fallback_speed_kmh_average if speed_kmh is None else speed_kmh
    if circuity < 1.0:
        raise ValueError(f"circuity factor must be >= 1, got {circuity}")
    if speed_kmh <= 0:
        raise ValueError(f"average speed must be positive (km/h), got {speed_kmh}")
    km = great_circle_km(points) * circuity
    return km, km / speed_kmh * 60.0
