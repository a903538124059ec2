"""``map.html``: the interactive map of a plan (Leaflet via folium, everything inlined so it works offline).

What a planner sees: the week's runs, one colour per run of a day, with a legend (vehicle, day, km, hours, parcels);
a day selector ("all days" and each day that has runs); the centre and stations labelled at every zoom, the
villages labelled by their short display name from ``LABEL_ZOOM`` on; popups with every visit day and its parcels.
Runs follow the roads on an OpenStreetMap graph (``geometry.run_lines``); on estimated distances they are straight
dashed lines between stops, and say so. The offline base is the boundary, the township seats and, on a graph, the
main roads drawn faintly; OpenStreetMap's tiles are an overlay a planner can switch on (off, and not requested,
when the page opens). Controls stack in the corners, so none covers the scale bar.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import folium
from branca.element import MacroElement
from jinja2 import Template

import network
from optimizer.files import atomic_path
from optimizer.model import plan_loads
from optimizer.outputs.geometry import RunLine
from optimizer.outputs.labels import attribution, quality_note, quality_note_zh
from optimizer.outputs.map_parts import LEGEND_ID, day_name, depot_label, legend_html, note_html, village_popup
from optimizer.outputs.names import display_names
from optimizer.outputs.sheets import run_sheets
from optimizer.planning.dataset import Station
from optimizer.planning.run import PlanRun

STATIC = Path(__file__).parent / "static"
LABEL_ZOOM = 10  # village names show from this zoom on (a county of Hangjin's size fits the screen at about 8)
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_TILES_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors (ODbL); '
    "tiles: OpenStreetMap Foundation"
)
ALL_DAYS = "全部 all days"
MISSED_COLOUR = "#cc0000"


class _HtmlControl(MacroElement):
    """A Leaflet control holding fixed HTML at a map corner (stacked with the corner's other controls)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
        {{ this.get_name() }}.onAdd = function () {
            const div = L.DomUtil.create('div', 'rp-control');
            div.innerHTML = {{ this.html|tojson }};
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}"""
    )

    def __init__(self, html: str, position: str):
        super().__init__()
        self.html, self.position = html, position


class _Behaviour(MacroElement):
    """Calls ``ruralpostMap`` (static/map/ruralpost-map.js) once every layer exists: add it to the map last."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        ruralpostMap({{ this._parent.get_name() }}, {
            allDays: {{ this.all_days }},
            days: [{% for name, day in this.days %}[{{ name }}, {{ day }}]{{ "," if not loop.last }}{% endfor %}],
            labelZoom: {{ this.label_zoom }},
            legend: {{ this.legend|tojson }},
            overlays: { {% for key, name in this.overlays %}{{ key|tojson }}: {{ name }}{{ "," if not loop.last }}
                        {% endfor %} },
            bounds: {{ this.bounds|tojson }}
        });
        {% endmacro %}"""
    )

    def __init__(
        self, all_days: str, days: list[tuple[str, int]], overlays: list[tuple[str, str]], bounds: list | None
    ):
        super().__init__()
        self.all_days, self.days, self.overlays, self.bounds = all_days, days, overlays, bounds
        self.label_zoom, self.legend = LABEL_ZOOM, LEGEND_ID


def _inline_assets(fmap: folium.Map) -> None:
    """Leaflet, its CSS and ours inlined into the page: nothing is fetched when it opens."""
    fmap.default_js, fmap.default_css = [], []
    css = (STATIC / "leaflet" / "leaflet.css").read_text(encoding="utf-8")
    css += (STATIC / "map" / "ruralpost-map.css").read_text(encoding="utf-8")
    js = (STATIC / "leaflet" / "leaflet.js").read_text(encoding="utf-8")
    js = js.replace("//# sourceMappingURL=leaflet.js.map", "")
    js += (STATIC / "map" / "ruralpost-map.js").read_text(encoding="utf-8")
    root = fmap.get_root()
    root.header.add_child(folium.Element(f"<meta charset='utf-8'><style>{css}</style>"))
    root.header.add_child(folium.Element(f"<script>{js}</script>"))
    # folium's popups call jQuery as $(html)[0]; this stand-in parses the HTML so jQuery need not be loaded
    root.header.add_child(folium.Element(
        "<script>window.$ = window.$ || function (html) { const t = document.createElement('template');"
        " t.innerHTML = html.trim(); return [t.content.firstElementChild]; };</script>"
    ))  # fmt: skip


def _label(text: str, css: str, direction: str = "right", offset: tuple[int, int] = (10, 0)) -> folium.Tooltip:
    """A permanent label (a Leaflet tooltip always open) styled by ``css``; ``offset`` in pixels."""
    return folium.Tooltip(text, permanent=True, direction=direction, offset=offset, class_name=css, sticky=False)


def _base_layers(fmap: folium.Map, run: PlanRun) -> list[folium.FeatureGroup]:
    """The offline base: boundary, main roads (on a graph) and township seats, each an overlay of its own."""
    ds, layers = run.dataset, []
    if ds.boundary is not None:
        boundary = folium.FeatureGroup(name="旗界 boundary").add_to(fmap)
        folium.GeoJson(ds.boundary.__geo_interface__, interactive=False,
                       style_function=lambda _: {"color": "#555", "weight": 2, "fill": True, "fillColor": "#fff",
                                                 "fillOpacity": 0.35}).add_to(boundary)  # fmt: skip
        layers.append(boundary)
    if run.graph is not None:
        roads = folium.FeatureGroup(name="主要道路 main roads (OSM)").add_to(fmap)
        frame = network.main_roads(run.graph)
        if len(frame):
            faint = {"color": "#8a8a8a", "weight": 2, "opacity": 0.45}
            folium.GeoJson(frame.to_json(), interactive=False, style_function=lambda _: faint).add_to(roads)
        layers.append(roads)
    seats = folium.FeatureGroup(name="乡镇驻地 township seats").add_to(fmap)
    for township, place in _township_seats(run).items():
        folium.CircleMarker([place.lat, place.lon], radius=3, color="#666", weight=1, fill=True, fill_opacity=1,
                            interactive=False, tooltip=_label(township, "rp-seat-label", "bottom", (0, 10)),
                            ).add_to(seats)  # fmt: skip
    layers.append(seats)
    return layers


def _township_seats(run: PlanRun) -> dict[str, Station]:
    """Each township's seat as the data set gives it: the centre or station in that township (a surveyed position
    first). Townships without one are left out (their seat is not in the data)."""
    ds = run.dataset
    out: dict[str, Station] = {}
    for place in sorted((ds.centre, *ds.stations), key=lambda p: p.coord_estimated):
        out.setdefault(place.township, place)
    return out


def _depots(fmap: folium.Map, run: PlanRun) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name="中心与站点 centre and stations").add_to(fmap)
    for s in (run.dataset.centre, *run.dataset.stations):
        centre = s.kind == "centre"
        css = "rp-depot rp-centre" if centre else "rp-depot"
        size = 20 if centre else 16
        folium.Marker(
            [s.lat, s.lon], icon=folium.DivIcon(html=f"<div class='{css}'></div>", icon_size=(size, size),
                                                icon_anchor=(size // 2, size // 2)),
            popup=folium.Popup(f"<b>{s.name}</b><br>{s.name_pinyin} · {s.id}"
                               + ("<br><i>位置为估算 estimated position</i>" if s.coord_estimated else ""),
                               max_width=260),
            tooltip=_label(depot_label(s), "rp-depot-label rp-centre" if centre else "rp-depot-label"),
            z_index_offset=1000,
        ).add_to(group)  # fmt: skip
    return group


Groups = tuple[folium.FeatureGroup, dict[int, folium.FeatureGroup], folium.FeatureGroup]


def _runs_and_villages(fmap: folium.Map, run: PlanRun, lines: Sequence[RunLine]) -> Groups:
    """One base layer per day with runs (its runs and the villages visited), "all days", and the village names."""
    ds, plan = run.dataset, run.result.plan
    all_days = folium.FeatureGroup(name=ALL_DAYS, overlay=False, show=True).add_to(fmap)
    days = {d: folium.FeatureGroup(name=day_name(d), overlay=False, show=False).add_to(fmap)
            for d in sorted({line.day for line in lines})}  # fmt: skip
    dashed = "10 6" if run.matrices.estimated else None
    vehicle_of: dict[tuple[int, str], RunLine] = {}
    for line in lines:
        trunk = line.kind == "trunk"
        folium.PolyLine(
            line.coords, color=line.colour, weight=5 if trunk else 3.5, opacity=0.6 if trunk else 0.9,
            dash_array=dashed, tooltip=f"{day_name(line.day)} · {line.vehicle}",
        ).add_to(days[line.day])  # fmt: skip
        for s in line.stops[1:-1]:
            vehicle_of[(line.day, s)] = line
    villages = {v.id: v for v in ds.villages}
    names = display_names(run)
    missed = set(plan.unserved)
    loads = plan_loads(run.problem, plan.patterns)
    labels = folium.FeatureGroup(name="村名 village names (zoom in)").add_to(fmap)
    for c, client in enumerate(run.problem.clients):
        v = villages.get(client.id)
        if v is None:  # a station's town-seat counter: the station's marker shows it, a ring where a visit is missed
            station = ds.place(client.id)
            for d in sorted(plan.patterns[c] or ()):
                if (c, d) in missed:
                    folium.CircleMarker(
                        [station.lat, station.lon], radius=14, color=MISSED_COLOUR, weight=3, fill=False,
                        tooltip=f"{depot_label(station)} 柜台 counter ({station.id}) 未服务 MISSED {day_name(d)}",
                    ).add_to(days.get(d, all_days))  # fmt: skip
            continue
        pattern = sorted(plan.patterns[c] or ())
        visits = [(d, *loads[(c, d)], None if (c, d) in missed or (d, v.id) not in vehicle_of
                   else vehicle_of[(d, v.id)].vehicle) for d in pattern]  # fmt: skip
        n = names[v.id]
        for d in pattern:
            lost = (c, d) in missed or (d, v.id) not in vehicle_of
            group = days.get(d, all_days)  # a missed visit on a day without runs: in "all days" only
            folium.CircleMarker(
                [v.lat, v.lon], radius=9 if lost else 6, weight=3 if lost else 2,
                color=MISSED_COLOUR if lost else vehicle_of[(d, v.id)].colour,
                dash_array="3 3" if v.coord_estimated else None, fill=True,
                fill_opacity=0.25 if v.coord_estimated else 0.9,
                popup=folium.Popup(village_popup(v, n, visits, d), max_width=320),
                tooltip=f"{n.display} {n.short_pinyin} ({v.id})" + (" 未服务 MISSED" if lost else ""),
            ).add_to(group)  # fmt: skip
        folium.CircleMarker([v.lat, v.lon], radius=1, opacity=0, fill_opacity=0, interactive=False,
                            tooltip=_label(n.display, "rp-village-label", "right", (6, 0))).add_to(labels)  # fmt: skip
    return all_days, days, labels


def build_map(run: PlanRun, lines: Sequence[RunLine]) -> folium.Map:
    """The interactive map of a plan (see the module docstring for what it shows)."""
    ds = run.dataset
    fmap = folium.Map(location=[ds.centre.lat, ds.centre.lon], zoom_start=8, tiles=None, control_scale=True)
    _inline_assets(fmap)
    tiles = folium.TileLayer(OSM_TILES, attr=OSM_TILES_ATTRIBUTION, name="OpenStreetMap 在线底图 online tiles",
                             overlay=True, show=False, max_zoom=19).add_to(fmap)  # fmt: skip
    base = _base_layers(fmap, run)
    all_days, days, labels = _runs_and_villages(fmap, run, lines)
    depots = _depots(fmap, run)
    fmap.add_child(_HtmlControl(legend_html(lines, run_sheets(run), run.matrices.estimated), "bottomright"))
    fmap.add_child(_HtmlControl(note_html(run.scenario.name, quality_note_zh(run), quality_note(run),
                                          attribution(run)), "bottomleft"))  # fmt: skip
    folium.LayerControl(collapsed=False, position="topright").add_to(fmap)
    overlays = [(g.layer_name, g.get_name()) for g in (*base, depots, labels, tiles)]
    bounds = None
    if ds.boundary is not None:  # the county fills the window when the page opens (no zoom animation)
        minx, miny, maxx, maxy = ds.boundary.bounds
        bounds = [[miny, minx], [maxy, maxx]]
    days_js = [(g.get_name(), d) for d, g in sorted(days.items())]
    fmap.add_child(_Behaviour(all_days.get_name(), days_js, overlays, bounds))
    return fmap


def write_map(run: PlanRun, lines: Sequence[RunLine], path: Path) -> None:
    """``map.html`` at ``path``, written atomically."""
    tmp = atomic_path(path)
    build_map(run, lines).save(str(tmp))
    os.replace(tmp, path)
