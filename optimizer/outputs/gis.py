"""GIS files of a plan: ``routes.geojson`` (one line per run, one point per village) and, on an OpenStreetMap
graph, ``roads_used.geojson`` (the road edges the runs use)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import network
from optimizer.files import json_text
from optimizer.outputs.geometry import RunLine
from optimizer.outputs.labels import attribution, quality_note
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
    for c, client in enumerate(run.problem.clients):
        v = by_id.get(client.id)
        if v is None:
            continue
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [v.lon, v.lat]},
            "properties": {"kind": "village", "id": v.id, "name": v.name, "name_pinyin": v.name_pinyin,
                           "days": sorted(run.result.plan.patterns[c] or ()), "coord_estimated": v.coord_estimated},
        })  # fmt: skip
    return {"type": "FeatureCollection", "features": features, "note": quality_note(run) or None,
            "attribution": attribution(run)}  # fmt: skip


def write_geojson(run: PlanRun, lines: Sequence[RunLine], path: Path) -> None:
    path.write_text(json_text(routes_geojson(run, lines)), encoding="utf-8")


def write_roads_used(run: PlanRun, lines: Sequence[RunLine], path: Path) -> None:
    """The OSM road edges the week's runs use, with how many runs use each (GeoJSON or GeoPackage by suffix)."""
    used: dict[tuple[int, int], int] = {}
    for line in lines:
        for edge in set(line.edges):
            used[edge] = used.get(edge, 0) + 1
    frame = network.edges_frame(run.graph, used)
    if len(frame):
        frame["runs"] = [used.get((u, v), 0) for u, v in zip(frame["u"], frame["v"], strict=True)]
    network.write_geodataframe(frame, path)
