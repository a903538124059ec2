"""Maps and GIS files of a plan: ``map.html`` (Leaflet via folium, inlined so it works offline) and
``routes.geojson`` (one line per run, one point per stop).

Runs follow the roads when the plan was made on an OpenStreetMap graph; on estimated distances they are drawn as
straight dashed lines between stops, and say so.
"""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

import folium

import network
from optimizer.evaluate import plan_loads
from optimizer.model import WEEKDAY_NAMES
from optimizer.planning import PlanRun
from optimizer.report import DAY_ZH, quality_note, vehicle_label

STATIC = Path(__file__).parent / "static" / "leaflet"
PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#bcbd22", "#7f7f7f"]


def _run_lines(run: PlanRun) -> list[dict]:
    """One record per run: day, vehicle, colour, stops (place ids), the line's (lat, lon) coordinates and, on an
    OSM graph, the road edges (u, v) it uses. Computed once per run."""
    if "_run_lines" not in run.__dict__:
        run.__dict__["_run_lines"] = _compute_run_lines(run)
    return run.__dict__["_run_lines"]


def _compute_run_lines(run: PlanRun) -> list[dict]:
    problem = run.problem
    places = {p.id: p for p in (run.dataset.centre, *run.dataset.stations, *run.dataset.villages)}
    snap = None
    if run.graph is not None:
        ids = list(run.matrices.ids)
        snap = dict(zip(ids, network.snap_points(run.graph, [(places[i].lat, places[i].lon) for i in ids]).node,
                        strict=True))  # fmt: skip
    out = []
    for k, route in enumerate(sorted(run.result.plan.routes, key=lambda r: (r.day, r.vehicle_type, r.vehicle))):
        depot = problem.depot(problem.vehicle_types[route.vehicle_type].depot).id
        stops = [depot, *(problem.clients[c].id for c in route.clients), depot]
        edges: list[tuple[int, int]] = []
        if snap is not None:
            coords: list[tuple[float, float]] = []
            for a, b in itertools.pairwise(stops):
                nodes = network.shortest_path_nodes(run.graph, snap[a], snap[b])
                edges += list(itertools.pairwise(nodes))
                if len(nodes) > 1:
                    line = network.path_geometry(run.graph, nodes)
                    coords += [(lat, lon) for lon, lat in line.coords]
        else:
            coords = [(places[s].lat, places[s].lon) for s in stops]
        out.append({
            "day": route.day, "vehicle": vehicle_label(run, route.vehicle_type, route.vehicle),
            "colour": PALETTE[k % len(PALETTE)], "stops": stops, "coords": coords, "edges": edges,
        })  # fmt: skip
    return out


def routes_geojson(run: PlanRun) -> dict:
    """GeoJSON FeatureCollection: a LineString per run (lon/lat) and a Point per village with its visit days."""
    features = []
    estimated = run.matrices.estimated
    for line in _run_lines(run):
        features.append({
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [[lon, lat] for lat, lon in line["coords"]]},
            "properties": {"kind": "run", "day": line["day"], "vehicle": line["vehicle"], "stops": line["stops"],
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
            "attribution": None if estimated else network.ATTRIBUTION}  # fmt: skip


def write_geojson(run: PlanRun, path: Path) -> None:
    path.write_text(json.dumps(routes_geojson(run), ensure_ascii=False), encoding="utf-8")


def write_roads_used(run: PlanRun, path: Path) -> None:
    """The OSM road edges the week's runs use, with how many runs use each (GeoJSON or GeoPackage by suffix)."""
    used: dict[tuple[int, int], int] = {}
    for line in _run_lines(run):
        for edge in set(line["edges"]):
            used[edge] = used.get(edge, 0) + 1
    frame = network.edges_frame(run.graph, used)
    if len(frame):
        frame["runs"] = [used.get((u, v), 0) for u, v in zip(frame["u"], frame["v"], strict=True)]
    network.write_geodataframe(frame, path)


def build_map(run: PlanRun) -> folium.Map:
    """The interactive map: boundary, runs (one layer per day), centre and stations, villages with popups."""
    ds = run.dataset
    fmap = folium.Map(location=[ds.centre.lat, ds.centre.lon], zoom_start=8, tiles=None, control_scale=True)
    # Only Leaflet itself is needed, and it is inlined below: no request leaves the page.
    fmap.default_js, fmap.default_css = [], []
    leaflet_css = (STATIC / "leaflet.css").read_text(encoding="utf-8")
    leaflet_js = (STATIC / "leaflet.js").read_text(encoding="utf-8").replace("//# sourceMappingURL=leaflet.js.map", "")
    root = fmap.get_root()
    root.header.add_child(folium.Element(f"<meta charset='utf-8'><style>{leaflet_css}</style>"))
    root.header.add_child(folium.Element(f"<script>{leaflet_js}</script>"))
    # folium's popups call jQuery as $(html)[0]; this stand-in parses the HTML so jQuery need not be loaded
    root.header.add_child(folium.Element(
        "<script>window.$ = window.$ || function (html) { const t = document.createElement('template');"
        " t.innerHTML = html.trim(); return [t.content.firstElementChild]; };</script>"
    ))  # fmt: skip
    if ds.boundary is not None:
        folium.GeoJson(
            ds.boundary.__geo_interface__, name="旗界 boundary",
            style_function=lambda _: {"color": "#555", "weight": 2, "fill": False},
        ).add_to(fmap)  # fmt: skip
    loads = plan_loads(run.problem, run.result.plan.patterns)
    colour_of: dict[tuple[int, str], str] = {}
    days = {}
    for d in run.problem.days:
        days[d] = folium.FeatureGroup(name=f"{DAY_ZH[d]} {WEEKDAY_NAMES[d]}", show=True).add_to(fmap)
    dashed = "8 6" if run.matrices.estimated else None
    for line in _run_lines(run):
        folium.PolyLine(
            line["coords"], color=line["colour"], weight=3, opacity=0.8, dash_array=dashed,
            tooltip=f"{DAY_ZH[line['day']]} {line['vehicle']}",
        ).add_to(days[line["day"]])  # fmt: skip
        for s in line["stops"][1:-1]:
            colour_of[(line["day"], s)] = line["colour"]
    villages = {v.id: v for v in ds.villages}
    for c, client in enumerate(run.problem.clients):
        v = villages.get(client.id)
        pattern = sorted(run.result.plan.patterns[c] or ())
        for d in pattern:
            down, up = loads[(c, d)]
            when = "、".join(DAY_ZH[x] for x in pattern)
            status = (
                "位置为估算 estimated position" if v is None or v.coord_estimated else "位置已核实 surveyed position"
            )
            popup = (f"<b>{client.name}</b><br>{client.name_pinyin}<br>送 {down} 件 / 收 {up} 件 "
                     f"(down/up parcels)<br>配送日 days: {when}<br><i>{status}</i>")  # fmt: skip
            est = v is None or v.coord_estimated
            folium.CircleMarker(
                [v.lat, v.lon] if v else [ds.centre.lat, ds.centre.lon], radius=6,
                color=colour_of.get((d, client.id), "#000"), weight=2, dash_array="3 3" if est else None,
                fill=True, fill_opacity=0.25 if est else 0.9, popup=folium.Popup(popup, max_width=260),
                tooltip=f"{client.name} {client.name_pinyin} ({client.id})",
            ).add_to(days[d])  # fmt: skip
    depots = folium.FeatureGroup(name="中心与站点 centre and stations").add_to(fmap)
    for s in (ds.centre, *ds.stations):
        fill = "#ffd700" if s.kind == "centre" else "#ffffff"
        square = f"<div style='width:14px;height:14px;background:{fill};border:2px solid #000'></div>"
        folium.Marker(
            [s.lat, s.lon], icon=folium.DivIcon(html=square, icon_size=(18, 18), icon_anchor=(9, 9)),
            popup=folium.Popup(f"<b>{s.name}</b><br>{s.name_pinyin}", max_width=240), tooltip=s.name,
        ).add_to(depots)  # fmt: skip
    note = quality_note(run)
    legend = (
        "<div style='position:fixed;bottom:34px;left:12px;z-index:9999;background:white;padding:6px 8px;"
        "font:12px sans-serif;border:1px solid #999;max-width:420px'>"
        f"<b>{run.scenario.name}</b> — 实心点: 已核实位置 surveyed; 空心虚线点: 估算位置 estimated."
        + (f"<br>{note}" if note else "")
        + ("<br>路线为站点间直线（估算路网） runs drawn as straight lines (estimated roads)" if dashed else
           f"<br>{network.ATTRIBUTION}")
        + "</div>"
    )  # fmt: skip
    root.html.add_child(folium.Element(legend))
    folium.LayerControl(collapsed=False).add_to(fmap)
    if ds.boundary is not None:
        minx, miny, maxx, maxy = ds.boundary.bounds
        fmap.fit_bounds([[miny, minx], [maxy, maxx]])
    return fmap


def write_map(run: PlanRun, path: Path) -> None:
    tmp = network.io.atomic_path(path)
    build_map(run).save(str(tmp))
    os.replace(tmp, path)
