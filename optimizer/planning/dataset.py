"""The facility data set: the co-distribution centre, town stations and villages, read from CSV with checks.

A data set is a folder with ``stations.csv``, ``villages.csv`` and optionally ``boundary.geojson`` (the Hangjin
default, ``optimizer/data/hangjin``, ships with the package; its README gives sources and licences). A planner
elsewhere points the tool at a folder of their own with the same columns. Every record keeps its estimate flags.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from optimizer.errors import InputError
from optimizer.planning.coords import COORD_SYSTEMS, to_wgs84

# The Hangjin data set ships inside the package (package data), so any install plans the default.
DEFAULT_DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "hangjin"

STATION_COLUMNS = ("id", "name", "name_pinyin", "kind", "township", "lat", "lon", "coord_status")
VILLAGE_COLUMNS = (
    "id", "name", "name_pinyin", "township", "lat", "lon", "coord_status",
    "service_point", "parcels_down_per_week", "parcels_up_per_week", "volume_status",
)  # fmt: skip
# How far (km) outside the boundary polygon a point may lie before it is rejected (digitising slack).
BOUNDARY_TOLERANCE_KM = 1.0


def _is_estimate(status: str) -> bool:
    text = status.lower()
    return "estimate" in text or "unknown" in text


@dataclass(frozen=True)
class Station:
    """The centre (``kind='centre'``) or a town station. Coordinates in degrees WGS84 (converted on reading from the
    row's ``coord_system``, see ``coords``)."""

    id: str
    name: str
    name_pinyin: str
    kind: str
    township: str
    lat: float
    lon: float
    coord_status: str
    floor_m2: str = ""

    @property
    def coord_estimated(self) -> bool:
        """True when the position is an estimate (status mentions 'estimate' or 'unknown')."""
        return _is_estimate(self.coord_status)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.name_pinyin})"


@dataclass(frozen=True)
class Village:
    """An administrative village; ``service_point`` villages need scheduled delivery runs. Volumes in parcels/week."""

    id: str
    name: str
    name_pinyin: str
    township: str
    lat: float
    lon: float
    coord_status: str
    service_point: bool
    parcels_down_per_week: float
    parcels_up_per_week: float
    volume_status: str
    in_town_seat: bool = False
    type: str = ""

    @property
    def coord_estimated(self) -> bool:
        return _is_estimate(self.coord_status)

    @property
    def volume_estimated(self) -> bool:
        return _is_estimate(self.volume_status)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.name_pinyin})"


@dataclass(frozen=True)
class DataSet:
    """A loaded data set: one centre, its stations, its villages, and the boundary polygon (or None)."""

    folder: Path
    centre: Station
    stations: tuple[Station, ...]
    villages: tuple[Village, ...]
    boundary: BaseGeometry | None = field(default=None, repr=False)

    @property
    def service_points(self) -> tuple[Village, ...]:
        return tuple(v for v in self.villages if v.service_point)

    def without_runs_for(self, types: tuple[str, ...]) -> DataSet:
        """The data set with the service points of these village ``type`` values turned into villages without runs
        (``service_point`` False). ``InputError`` if neither a service point nor a town-seat village is left."""
        if not types:
            return self
        villages = tuple(replace(v, service_point=False) if v.type in types else v for v in self.villages)
        if not _anything_to_plan(villages):
            raise InputError(
                f"{self.folder}: skip_types {', '.join(types)} leaves nothing to plan (no service point "
                "and no town-seat village)"
            )
        return replace(self, villages=villages)

    def place(self, place_id: str) -> Station | Village:
        """The centre, station or village with this id (KeyError names it if unknown)."""
        for p in (self.centre, *self.stations, *self.villages):
            if p.id == place_id:
                return p
        raise KeyError(f"unknown place id {place_id!r} in {self.folder}")

    def quality_flags(self) -> dict[str, Any]:
        """Which inputs are estimates, counted from the rows' status columns.

        ``estimated_coordinates``: service points and depots (centre, stations) with an estimated position (the
        positions a plan routes between); ``villages``/``estimated_village_positions``: over every village of
        ``villages.csv``, town seats included (the count the data set's README gives); ``depots``/
        ``estimated_depot_positions``: the centre and stations; ``estimated_volumes``: among the service points.
        """
        sp = self.service_points
        depots = (self.centre, *self.stations)
        return {
            "estimated_coordinates": sum(v.coord_estimated for v in sp) + sum(s.coord_estimated for s in depots),
            "estimated_volumes": sum(v.volume_estimated for v in sp),
            "service_points": len(sp),
            "estimated_service_point_positions": sum(v.coord_estimated for v in sp),
            "villages": len(self.villages),
            "estimated_village_positions": sum(v.coord_estimated for v in self.villages),
            "depots": len(depots),
            "estimated_depot_positions": sum(s.coord_estimated for s in depots),
        }


def _read_rows(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            missing = [c for c in required if c not in header]
            if missing:
                raise InputError(f"{path}: missing column(s) {', '.join(missing)} (header: {', '.join(header)})")
            rows = []
            for row in reader:
                if None in row:
                    raise InputError(f"{path}, line {reader.line_num}: more fields than the header has")
                rows.append((reader.line_num, row))
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except csv.Error as exc:
        raise InputError(f"{path}: malformed CSV ({exc})") from exc
    if not rows:
        raise InputError(f"{path}: no data rows")
    return rows


def _field(path: Path, line: int, row: dict[str, str], name: str, convert: Callable[[str], Any] = str) -> Any:
    raw = (row.get(name) or "").strip()
    if raw == "" and convert is not str:
        raise InputError(f"{path}, line {line}, field {name!r}: empty")
    try:
        return convert(raw)
    except ValueError as exc:
        raise InputError(f"{path}, line {line}, field {name!r}: {raw!r} is not valid ({exc})") from exc


def _volume(raw: str) -> float:
    value = float(raw)
    if not math.isfinite(value):
        raise ValueError("not a finite number")
    return value


def _flag(raw: str) -> bool:
    if raw in ("1", "true", "True", "yes"):
        return True
    if raw in ("0", "false", "False", "no", ""):
        return False
    raise ValueError("expected 1 or 0")


def _coordinate(low: float, high: float) -> Callable[[str], float]:
    def convert(raw: str) -> float:
        value = float(raw)
        if not low <= value <= high:
            raise ValueError(f"outside {low}..{high} degrees")
        return value

    return convert


def _check_common(path: Path, line: int, row: dict[str, str], seen: dict[str, str], boundary) -> tuple[float, float]:
    pid = row["id"].strip()
    if not pid:
        raise InputError(f"{path}, line {line}, field 'id': empty")
    if pid in seen:
        raise InputError(f"{path}, line {line}, field 'id': duplicate id {pid!r} (first at {seen[pid]})")
    seen[pid] = f"{path.name} line {line}"
    if not row["name"].strip():
        raise InputError(f"{path}, line {line}, field 'name': empty name for id {pid}")
    lat = _field(path, line, row, "lat", _coordinate(-90, 90))
    lon = _field(path, line, row, "lon", _coordinate(-180, 180))
    # optional column: the system lat/lon are given in (Amap's GCJ-02, Baidu's BD-09); stored as WGS84
    system = (row.get("coord_system") or "").strip().lower() or "wgs84"
    if system not in COORD_SYSTEMS:
        raise InputError(f"{path}, line {line}, field 'coord_system': {row['coord_system'].strip()!r} "
                         f"(use {', '.join(COORD_SYSTEMS)}; empty means wgs84)")  # fmt: skip
    lat, lon = to_wgs84(lat, lon, system)
    if boundary is not None:
        tolerance_deg = BOUNDARY_TOLERANCE_KM / 111.0
        if boundary.distance(Point(lon, lat)) > tolerance_deg:
            if _swapped(boundary).distance(Point(lon, lat)) <= tolerance_deg:
                raise InputError(
                    f"{path.parent / 'boundary.geojson'}: its coordinates are in (lat, lon) order; GeoJSON is "
                    f"(lon, lat): swap them"
                )
            raise InputError(
                f"{path}, line {line}, fields 'lat'/'lon': {row['name']} ({pid}) at {lat}, {lon} lies outside "
                f"the boundary polygon (lat/lon swapped?)"
            )
    return lat, lon


def _anything_to_plan(villages: Sequence[Village]) -> bool:
    """Whether some village needs parcels brought: a service point, or a town-seat village (served at a counter)."""
    return any(v.service_point or v.in_town_seat for v in villages)


def _swapped(geometry: BaseGeometry) -> BaseGeometry:
    """The geometry with x and y exchanged (a boundary written as (lat, lon))."""
    import shapely

    return shapely.transform(geometry, lambda xy: xy[:, ::-1])


def load_boundary(path: Path) -> BaseGeometry:
    """Read a GeoJSON Feature, FeatureCollection (union of features) or bare geometry in WGS84 (lon, lat).

    It must be a non-empty Polygon or MultiPolygon with longitudes and latitudes in range; a (lat, lon) file whose
    "latitudes" leave -90..90 is named as such.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("type") == "FeatureCollection":
            from shapely.ops import unary_union

            geometry = unary_union([shape(f["geometry"]) for f in data["features"]])
        elif data.get("type") == "Feature":
            geometry = shape(data["geometry"])
        else:
            geometry = shape(data)
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a readable GeoJSON polygon ({exc})") from exc
    if geometry.is_empty:
        raise InputError(f"{path}: no boundary in it (an empty geometry or FeatureCollection); delete the file to plan "
                         "without a boundary check")  # fmt: skip
    if geometry.geom_type not in ("Polygon", "MultiPolygon"):
        raise InputError(f"{path}: a {geometry.geom_type}, not the county's outline; give a Polygon or MultiPolygon")
    west, south, east, north = geometry.bounds
    if not all(map(math.isfinite, geometry.bounds)) or not (-180 <= west <= east <= 180):
        raise InputError(f"{path}: longitudes outside -180..180 degrees")
    if not -90 <= south <= north <= 90:
        hint = " (it is in (lat, lon) order; GeoJSON is (lon, lat))" if -90 <= west <= east <= 90 else ""
        raise InputError(f"{path}: latitudes outside -90..90 degrees{hint}")
    return geometry


def load_dataset(folder: str | Path | None = None) -> DataSet:
    """Load and check ``stations.csv``, ``villages.csv`` and ``boundary.geojson`` (optional) from ``folder``.

    Defaults to the Hangjin data in the repository. Rows may give ``lat``/``lon`` in GCJ-02 (Amap) or BD-09 (Baidu)
    with an optional ``coord_system`` column (``wgs84`` when absent or empty); they are converted to WGS84. Raises
    ``InputError`` naming the file, line and field of the first problem: missing column, duplicate or empty id,
    empty name, bad or out-of-boundary coordinate, unknown coordinate system, a volume that is not a finite number
    or rounds to no parcels, no service point; a boundary that is not a polygon.
    """
    folder = Path(folder) if folder is not None else DEFAULT_DATA_DIR
    if not folder.is_dir():
        raise InputError(f"{folder}: data folder not found")
    boundary_path = folder / "boundary.geojson"
    boundary = load_boundary(boundary_path) if boundary_path.is_file() else None
    seen: dict[str, str] = {}

    spath = folder / "stations.csv"
    centre: Station | None = None
    stations: list[Station] = []
    for line, row in _read_rows(spath, STATION_COLUMNS):
        lat, lon = _check_common(spath, line, row, seen, boundary)
        kind = row["kind"].strip()
        if kind not in ("centre", "station"):
            raise InputError(f"{spath}, line {line}, field 'kind': {kind!r} (use 'centre' or 'station')")
        station = Station(
            id=row["id"].strip(), name=row["name"].strip(), name_pinyin=row["name_pinyin"].strip(), kind=kind,
            township=row["township"].strip(), lat=lat, lon=lon, coord_status=row["coord_status"].strip(),
            floor_m2=(row.get("floor_m2") or "").strip(),
        )  # fmt: skip
        if kind == "centre":
            if centre is not None:
                raise InputError(f"{spath}, line {line}, field 'kind': a second centre ({station.id}); one only")
            centre = station
        else:
            stations.append(station)
    if centre is None:
        raise InputError(f"{spath}: no row with kind 'centre' (the co-distribution centre)")

    vpath = folder / "villages.csv"
    villages: list[Village] = []
    for line, row in _read_rows(vpath, VILLAGE_COLUMNS):
        lat, lon = _check_common(vpath, line, row, seen, boundary)
        down = _field(vpath, line, row, "parcels_down_per_week", _volume)
        up = _field(vpath, line, row, "parcels_up_per_week", _volume)
        if round(down) < 1:  # volumes are planned as whole parcels: 0.4 would be planned as none
            raise InputError(
                f"{vpath}, line {line}, field 'parcels_down_per_week': {down:g} must be at least 0.5 (it is planned "
                "as whole parcels)"
            )
        if up < 0:
            raise InputError(f"{vpath}, line {line}, field 'parcels_up_per_week': {up:g} must not be negative")
        villages.append(
            Village(
                id=row["id"].strip(),
                name=row["name"].strip(),
                name_pinyin=row["name_pinyin"].strip(),
                township=row["township"].strip(),
                lat=lat,
                lon=lon,
                coord_status=row["coord_status"].strip(),
                service_point=_field(vpath, line, row, "service_point", _flag),
                parcels_down_per_week=down,
                parcels_up_per_week=up,
                volume_status=row["volume_status"].strip(),
                in_town_seat=_field(vpath, line, row, "in_town_seat", _flag) if "in_town_seat" in row else False,
                type=(row.get("type") or "").strip(),
            )
        )
    if not _anything_to_plan(villages):
        raise InputError(f"{vpath}: no village with service_point = 1 or in_town_seat = 1; nothing to plan")
    return DataSet(folder, centre, tuple(stations), tuple(villages), boundary)
