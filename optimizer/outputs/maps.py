"""``map.html``: the interactive map of a plan (Leaflet via folium, inlined so it works offline).

Runs follow the roads when the plan was made on an OpenStreetMap graph; on estimated distances they are drawn as
straight dashed lines between stops, and say so.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import folium

from optimizer.files import atomic_path
from optimizer.model import plan_loads
from optimizer.outputs.geometry import RunLine
from optimizer.outputs.labels import ATTRIBUTION, DAY_ZH, WEEKDAY_NAMES, quality_note
from optimizer.outputs.names import display_names
from optimizer.planning.run import PlanRun

STATIC = Path(__file__).parent / "static" / "leaflet"


def build_map(run: PlanRun, lines: Sequence[RunLine]) -> folium.Map:
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
    for line in lines:
        folium.PolyLine(
            line.coords, color=line.colour, weight=3, opacity=0.8, dash_array=dashed,
            tooltip=f"{DAY_ZH[line.day]} {line.vehicle}",
        ).add_to(days[line.day])  # fmt: skip
        for s in line.stops[1:-1]:
            colour_of[(line.day, s)] = line.colour
    villages = {v.id: v for v in ds.villages}
    missed = set(run.result.plan.unserved)
    names = display_names(ds)
    for c, client in enumerate(run.problem.clients):
        v = villages.get(client.id)
        if v is None:  # a station's town-seat counter: the station's own marker shows it
            continue
        pattern = sorted(run.result.plan.patterns[c] or ())
        for d in pattern:
            down, up = loads[(c, d)]
            when = "、".join(DAY_ZH[x] for x in pattern)
            status = (
                "位置为估算 estimated position" if v is None or v.coord_estimated else "位置已核实 surveyed position"
            )
            n = names[client.id]
            lost = (c, d) in missed
            state = (f"<b style='color:#c00'>{DAY_ZH[d]} 未服务 MISSED: no run makes this visit</b><br>" if lost
                     else f"{DAY_ZH[d]} {WEEKDAY_NAMES[d]}: ")  # fmt: skip
            popup = (f"<b>{n.display}</b> {client.name}<br>{n.short_pinyin} · {n.township} · {client.id}<br>"
                     f"{state}送 {down} 件 / 收 {up} 件 "
                     f"(down/up parcels)<br>配送日 days: {when}<br><i>{status}</i>")  # fmt: skip
            est = v is None or v.coord_estimated
            folium.CircleMarker(
                [v.lat, v.lon] if v else [ds.centre.lat, ds.centre.lon], radius=9 if lost else 6,
                color="#c00" if lost else colour_of.get((d, client.id), "#000"), weight=3 if lost else 2,
                dash_array="3 3" if est else None,
                fill=True, fill_opacity=0.25 if est else 0.9, popup=folium.Popup(popup, max_width=260),
                tooltip=f"{n.display} {n.short_pinyin} ({client.id})" + (" 未服务 MISSED" if lost else ""),
            ).add_to(days[d])  # fmt: skip
    depots = folium.FeatureGroup(name="中心与站点 centre and stations").add_to(fmap)
    for s in (ds.centre, *ds.stations):
        fill = "#ffd700" if s.kind == "centre" else "#ffffff"
        square = f"<div style='width:14px;height:14px;background:{fill};border:2px solid #000'></div>"
        folium.Marker(
            [s.lat, s.lon], icon=folium.DivIcon(html=square, icon_size=(18, 18), icon_anchor=(9, 9)),
            popup=folium.Popup(f"<b>{s.name}</b><br>{s.name_pinyin} · {s.id}", max_width=240),
            tooltip=f"{s.name} ({s.id})",
        ).add_to(depots)  # fmt: skip
    note = quality_note(run)
    legend = (
        "<div style='position:fixed;bottom:34px;left:12px;z-index:9999;background:white;padding:6px 8px;"
        "font:12px sans-serif;border:1px solid #999;max-width:420px'>"
        f"<b>{run.scenario.name}</b> — 实心点: 已核实位置 surveyed; 空心虚线点: 估算位置 estimated."
        + (f"<br>{note}" if note else "")
        + ("<br>路线为站点间直线（估算路网） runs drawn as straight lines (estimated roads)" if dashed else
           f"<br>{ATTRIBUTION}")
        + "</div>"
    )  # fmt: skip
    root.html.add_child(folium.Element(legend))
    folium.LayerControl(collapsed=False).add_to(fmap)
    if ds.boundary is not None:
        minx, miny, maxx, maxy = ds.boundary.bounds
        fmap.fit_bounds([[miny, minx], [maxy, maxx]])
    return fmap


def write_map(run: PlanRun, lines: Sequence[RunLine], path: Path) -> None:
    tmp = atomic_path(path)
    build_map(run, lines).save(str(tmp))
    os.replace(tmp, path)
