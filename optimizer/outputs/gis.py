"""GIS files of a plan: ``routes.geojson`` (one line per run, one point per village), ``plan.gpkg`` (layers depots,
villages, runs and, on an OpenStreetMap graph, roads_used) and ``roads_used.geojson`` (the road edges the runs use)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
from shapely.geometry import LineString, Point

import network
from optimizer.files import atomic_path, json_text
from optimizer.model import plan_loads
from optimizer.outputs.geometry import RunLine
from optimizer.outputs.labels import DAY_ZH, attribution, quality_note
from optimizer.outputs.names import display_names
from optimizer.planning.coords import wgs84_to
from optimizer.planning.run import PlanRun


def routes_geojson(run: PlanRun, lines: Sequence[RunLine]) -> dict:
    """GeoJSON FeatureCollection: a LineString per run (lon/lat) and a Point per village with its visit days."""
    features = []
    estimated = run.matrices.estimated
    for line in lines:
        features.append({
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [[lon, lat] for lat, lon in line.coords]},
            "properties": {"kind": "run", "day": line.day, "vehicle": line.vehicle, "stops": list(line.stops),
                           "geometry_note": "straight lines between stops (estimated roads)" if estimated else
                           "OpenStreetMap shortest paths"},
        })  # fmt: skip
    by_id = {v.id: v for v in run.dataset.villages}
    names = display_names(run)
    for c, client in enumerate(run.problem.clients):
        v = by_id.get(client.id)
        if v is None:
            continue
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [v.lon, v.lat]},
            "properties": {"kind": "village", "id": v.id, "name": v.name, "display_name": names[v.id].display,
                           "name_pinyin": v.name_pinyin, "township": v.township,
                           "days": sorted(run.result.plan.patterns[c] or ()), "coord_estimated": v.coord_estimated},
        })  # fmt: skip
    return {"type": "FeatureCollection", "features": features, "note": quality_note(run) or None,
            "attribution": attribution(run)}  # fmt: skip


def write_geojson(run: PlanRun, lines: Sequence[RunLine], path: Path) -> None:
    path.write_text(json_text(routes_geojson(run, lines)), encoding="utf-8")


def write_roads_used(run: PlanRun, lines: Sequence[RunLine], path: Path) -> None:
    """The OSM road edges the week's runs use, with how many runs use each (GeoJSON or GeoPackage by suffix)."""
    network.write_geodataframe(roads_used(run, lines), path)


def roads_used(run: PlanRun, lines: Sequence[RunLine]) -> gpd.GeoDataFrame:
    """The road edges of ``run.graph`` the runs use, with ``runs``: how many runs use each."""
    used: dict[tuple[int, int], int] = {}
    for line in lines:
        for edge in set(line.edges):
            used[edge] = used.get(edge, 0) + 1
    frame = network.edges_frame(run.graph, used)
    if len(frame):
        frame["runs"] = [used.get((u, v), 0) for u, v in zip(frame["u"], frame["v"], strict=True)]
    return frame


def plan_layers(run: PlanRun, lines: Sequence[RunLine]) -> dict[str, gpd.GeoDataFrame]:
    """The layers of ``plan.gpkg`` (WGS84, EPSG:4326): ``depots``, ``villages`` (every village: how it is served,
    its visit days and parcels), ``runs`` (one LineString per run with its km, hours and parcels) and, on an
    OpenStreetMap graph, ``roads_used``. Attribute names are plain words a QGIS user reads without a key."""
    from optimizer.outputs.sheets import run_sheets

    names = display_names(run)
    ds = run.dataset
    source = attribution(run) or "estimated road distances (great-circle x circuity), no OpenStreetMap data"
    depots = gpd.GeoDataFrame(
        {
            "id": [s.id for s in (ds.centre, *ds.stations)],
            "name": [s.name for s in (ds.centre, *ds.stations)],
            "name_pinyin": [s.name_pinyin for s in (ds.centre, *ds.stations)],
            "kind": [s.kind for s in (ds.centre, *ds.stations)],
            "township": [s.township for s in (ds.centre, *ds.stations)],
            "position_estimated": [s.coord_estimated for s in (ds.centre, *ds.stations)],
            "position_source": [s.coord_status for s in (ds.centre, *ds.stations)],
        },
        geometry=[Point(s.lon, s.lat) for s in (ds.centre, *ds.stations)], crs="EPSG:4326",
    )  # fmt: skip
    plan = run.result.plan
    loads = plan_loads(run.problem, plan.patterns)
    client_of = {c.id: k for k, c in enumerate(run.problem.clients)}
    counter_of = {v: c.place_id for c in run.counters for v in c.village_ids}
    rows = []
    for v in ds.villages:
        k = client_of.get(v.id)
        days = sorted(plan.patterns[k] or ()) if k is not None else []
        served = ("runs" if k is not None else f"counter at {counter_of[v.id]}" if v.id in counter_of
                  else "not a service point")  # fmt: skip
        rows.append({
            "id": v.id, "display_name": names[v.id].display, "name": v.name, "name_pinyin": v.name_pinyin,
            "township": v.township, "served_by": served, "visits_per_week": len(days),
            "visit_days": ",".join(str(d) for d in days), "visit_days_zh": "、".join(DAY_ZH[d] for d in days),
            "parcels_down_per_week": sum(loads[(k, d)][0] for d in days) if k is not None else 0,
            "parcels_up_per_week": sum(loads[(k, d)][1] for d in days) if k is not None else 0,
            "position_estimated": v.coord_estimated, "volume_estimated": v.volume_estimated,
            **dict(zip(("lat_gcj02", "lon_gcj02"), (round(x, 6) for x in wgs84_to(v.lat, v.lon, "gcj02")),
                       strict=True)),
        })  # fmt: skip
    villages = gpd.GeoDataFrame(rows, geometry=[Point(v.lon, v.lat) for v in ds.villages], crs="EPSG:4326")
    sheets = run_sheets(run)
    runs = gpd.GeoDataFrame(
        [{
            "day": line.day, "day_zh": DAY_ZH[line.day], "vehicle": line.vehicle, "kind": line.kind,
            "colour": line.colour, "stops": ",".join(line.stops[1:-1]), "depot": line.stops[0],
            "stop_names": "、".join(names[s].display if s in names else s for s in line.stops[1:-1]),
            "km": round(sheet.km, 2), "hours": round(sheet.hours, 2), "parcels_down": sheet.delivered,
            "parcels_up": sheet.picked_up, "departs": sheet.departs, "back": sheet.back,
            "drawn_as": "straight lines between stops" if run.matrices.estimated else "OpenStreetMap shortest paths",
            "source": source,
        } for line, sheet in zip(lines, sheets, strict=True)],
        geometry=[LineString([(lon, lat) for lat, lon in line.coords]) if len(line.coords) > 1
                  else LineString([(line.coords[0][1], line.coords[0][0])] * 2) for line in lines],
        crs="EPSG:4326",
    )  # fmt: skip
    layers = {"depots": depots, "villages": villages, "runs": runs}
    if run.graph is not None:
        roads = roads_used(run, lines)
        if len(roads):
            roads["source"] = source
            layers["roads_used"] = roads
    return layers


def write_geopackage(run: PlanRun, lines: Sequence[RunLine], path: Path) -> None:
    """``plan.gpkg``: the ``plan_layers``, each with the estimate note and the attribution as layer metadata."""
    tmp = atomic_path(path)
    meta = {"note": quality_note(run) or "no estimated inputs", "attribution": attribution(run) or "",
            "scenario": run.scenario.name}  # fmt: skip
    for k, (name, frame) in enumerate(plan_layers(run, lines).items()):
        frame.to_file(tmp, layer=name, driver="GPKG", engine="pyogrio", append=k > 0, metadata=meta)
    os.replace(tmp, path)
