"""``runs.kml``: the week's runs for the map apps on drivers' phones (Google Earth, Organic Maps, OsmAnd, 两步路).

One folder per day with a line per run (its colour, km, hours, parcels and stops in the description) and the
villages it visits; a folder with the centre and stations. Coordinates are WGS84, as KML requires (phone apps
that show GCJ-02 base maps shift them themselves). Written with ``xml.etree``; no extra dependency.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from optimizer.files import atomic_path
from optimizer.outputs.geometry import RunLine
from optimizer.outputs.labels import DAY_ZH, WEEKDAY_NAMES, attribution, quality_note, quality_note_zh
from optimizer.outputs.names import display_names
from optimizer.outputs.sheets import run_sheets
from optimizer.planning.run import PlanRun

KML_NS = "http://www.opengis.net/kml/2.2"


def _kml_colour(hex_rgb: str, alpha: str = "ff") -> str:
    """``#rrggbb`` as KML's ``aabbggrr``."""
    r, g, b = hex_rgb[1:3], hex_rgb[3:5], hex_rgb[5:7]
    return f"{alpha}{b}{g}{r}".lower()


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = text
    return el


def _point(parent: ET.Element, name: str, description: str, lat: float, lon: float, style: str) -> None:
    pm = _sub(parent, "Placemark")
    _sub(pm, "name", name)
    _sub(pm, "description", description)
    _sub(pm, "styleUrl", f"#{style}")
    _sub(_sub(pm, "Point"), "coordinates", f"{lon:.6f},{lat:.6f},0")


def runs_kml(run: PlanRun, lines: Sequence[RunLine]) -> ET.ElementTree:
    """The KML document: styles, a folder of depots, then a folder per day with its runs and villages."""
    names = display_names(run)
    places = {p.id: p for p in (run.dataset.centre, *run.dataset.stations, *run.dataset.villages)}
    root = ET.Element("kml", xmlns=KML_NS)
    doc = _sub(root, "Document")
    _sub(doc, "name", f"ruralpost — {run.scenario.name}")
    about = [quality_note_zh(run), quality_note(run), attribution(run) or ""]
    _sub(doc, "description", "\n".join(a for a in about if a) or run.scenario.name)
    for style, colour, scale in (("depot", "#ffd700", "1.3"), ("village", "#ffffff", "0.9")):
        st = _sub(doc, "Style", id=style)
        icon = _sub(st, "IconStyle")
        _sub(icon, "color", _kml_colour(colour))
        _sub(icon, "scale", scale)
    for colour in sorted({line.colour for line in lines}):
        st = _sub(doc, "Style", id=f"run{colour[1:]}")
        ls = _sub(st, "LineStyle")
        _sub(ls, "color", _kml_colour(colour))
        _sub(ls, "width", "4")
    depots = _sub(doc, "Folder")
    _sub(depots, "name", "中心与站点 centre and stations")
    for s in (run.dataset.centre, *run.dataset.stations):
        _point(depots, s.name, f"{s.name_pinyin} · {s.id} · {s.township}", s.lat, s.lon, "depot")
    folders: dict[int, ET.Element] = {}
    for line, sheet in zip(lines, run_sheets(run), strict=True):
        if line.day not in folders:
            folders[line.day] = _sub(doc, "Folder")
            _sub(folders[line.day], "name", f"{DAY_ZH[line.day]} {WEEKDAY_NAMES[line.day]}")
        folder = folders[line.day]
        stops = [names[s].display if s in names else s for s in line.stops[1:-1]]
        pm = _sub(folder, "Placemark")
        _sub(pm, "name", f"{DAY_ZH[line.day]} {line.vehicle}")
        _sub(pm, "description", (
            f"{sheet.km:.1f} km · {sheet.hours:.1f} h · 送 {sheet.delivered} / 收 {sheet.picked_up} 件 parcels · "
            f"{sheet.departs}–{sheet.back}\n" + " → ".join(stops)
        ))  # fmt: skip
        _sub(pm, "styleUrl", f"#run{line.colour[1:]}")
        ls = _sub(pm, "LineString")
        _sub(ls, "tessellate", "1")
        _sub(ls, "coordinates", " ".join(f"{lon:.6f},{lat:.6f},0" for lat, lon in line.coords))
        for stop in sheet.stops[1:-1]:
            p = places.get(stop.row["stop_id"])
            if p is None or p in (run.dataset.centre, *run.dataset.stations):
                continue
            n = stop.name
            _point(folder, n.display, f"{n.official} · {n.short_pinyin} · {n.township} · {p.id}\n"
                   f"{line.vehicle} {stop.row['arrival']} · 送 {stop.row['delivered']} / 收 {stop.row['picked_up']}",
                   p.lat, p.lon, "village")  # fmt: skip
    ET.indent(root)
    return ET.ElementTree(root)


def write_kml(run: PlanRun, lines: Sequence[RunLine], path: Path) -> None:
    tmp = atomic_path(path)
    runs_kml(run, lines).write(tmp, encoding="utf-8", xml_declaration=True)
    os.replace(tmp, path)
