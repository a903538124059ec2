"""Coordinate systems planners pick points in: WGS84 (GPS, OpenStreetMap), GCJ-02 (Amap 高德, Tencent, Apple maps in
China) and BD-09 (Baidu 百度). Everything inside ruralpost is WGS84; ``villages.csv`` and ``stations.csv`` may
say in a ``coord_system`` column that a row is GCJ-02 or BD-09, and ``load_dataset`` converts it on reading.

GCJ-02 is WGS84 with a published-by-reverse-engineering offset (the "eviltransform" formulas, about 300-700 m in
China, ~460 m at Xini); BD-09 adds Baidu's own rotation and shift to GCJ-02. Outside China's rough bounding box
GCJ-02 equals WGS84. The forward formulas are closed-form; the inverses are found by fixed-point iteration to
better than 1 mm. All functions take and return (lat, lon) in degrees.
"""

from __future__ import annotations

import math

COORD_SYSTEMS = ("wgs84", "gcj02", "bd09")
_A = 6378245.0  # Krasovsky 1940 semi-major axis (m), as the GCJ-02 formulas use it
_EE = 0.00669342162296594323  # its first eccentricity squared
_X_PI = math.pi * 3000.0 / 180.0
_TOL_DEG = 1e-10  # about 0.01 mm

__all__ = ["COORD_SYSTEMS", "bd09_to_gcj02", "gcj02_to_bd09", "gcj02_to_wgs84", "in_china", "to_wgs84",
           "wgs84_to", "wgs84_to_gcj02"]  # fmt: skip


def in_china(lat: float, lon: float) -> bool:
    """Inside the bounding box where GCJ-02 differs from WGS84."""
    return 72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271


def _dlat(x: float, y: float) -> float:
    r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    r += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return r


def _dlon(x: float, y: float) -> float:
    r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    r += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return r


def wgs84_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    """WGS84 -> GCJ-02 (Amap)."""
    if not in_china(lat, lon):
        return lat, lon
    dlat, dlon = _dlat(lon - 105.0, lat - 35.0), _dlon(lon - 105.0, lat - 35.0)
    rad = lat / 180.0 * math.pi
    magic = 1.0 - _EE * math.sin(rad) ** 2
    sqrt_magic = math.sqrt(magic)
    dlat = dlat * 180.0 / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * math.pi)
    dlon = dlon * 180.0 / (_A / sqrt_magic * math.cos(rad) * math.pi)
    return lat + dlat, lon + dlon


def gcj02_to_bd09(lat: float, lon: float) -> tuple[float, float]:
    """GCJ-02 -> BD-09 (Baidu)."""
    z = math.hypot(lon, lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _X_PI)
    return z * math.sin(theta) + 0.006, z * math.cos(theta) + 0.0065


def _invert(forward, lat: float, lon: float) -> tuple[float, float]:
    """The point p with forward(p) == (lat, lon), by fixed-point iteration (the offsets vary slowly)."""
    p_lat, p_lon = lat, lon
    for _ in range(30):
        f_lat, f_lon = forward(p_lat, p_lon)
        e_lat, e_lon = f_lat - lat, f_lon - lon
        if abs(e_lat) < _TOL_DEG and abs(e_lon) < _TOL_DEG:
            break
        p_lat, p_lon = p_lat - e_lat, p_lon - e_lon
    return p_lat, p_lon


def gcj02_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    """GCJ-02 (Amap) -> WGS84, the inverse of ``wgs84_to_gcj02``."""
    return _invert(wgs84_to_gcj02, lat, lon)


def bd09_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    """BD-09 (Baidu) -> GCJ-02, the inverse of ``gcj02_to_bd09``."""
    return _invert(gcj02_to_bd09, lat, lon)


def to_wgs84(lat: float, lon: float, system: str) -> tuple[float, float]:
    """A point given in ``system`` (``wgs84``, ``gcj02`` or ``bd09``) in WGS84."""
    if system == "wgs84":
        return lat, lon
    if system == "gcj02":
        return gcj02_to_wgs84(lat, lon)
    if system == "bd09":
        return gcj02_to_wgs84(*bd09_to_gcj02(lat, lon))
    raise ValueError(f"unknown coordinate system {system!r} (use {', '.join(COORD_SYSTEMS)})")


def wgs84_to(lat: float, lon: float, system: str) -> tuple[float, float]:
    """A WGS84 point in ``system``: the inverse of ``to_wgs84``."""
    if system == "wgs84":
        return lat, lon
    if system == "gcj02":
        return wgs84_to_gcj02(lat, lon)
    if system == "bd09":
        return gcj02_to_bd09(*wgs84_to_gcj02(lat, lon))
    raise ValueError(f"unknown coordinate system {system!r} (use {', '.join(COORD_SYSTEMS)})")
