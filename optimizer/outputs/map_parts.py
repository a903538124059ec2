"""The HTML pieces of ``map.html`` people read: place labels, village popups, the runs' legend and the note.

Plain functions from plan data to HTML strings (escaped), so ``maps`` only assembles layers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from optimizer.outputs.geometry import RunLine
from optimizer.outputs.labels import DAY_ZH, WEEKDAY_NAMES
from optimizer.outputs.names import DisplayName
from optimizer.outputs.sheets import RunSheet
from optimizer.planning.coords import wgs84_to
from optimizer.planning.dataset import Station, Village

LEGEND_ID = "rp-legend"


def day_name(day: int) -> str:
    """``周一 Mon``."""
    return f"{DAY_ZH[day]} {WEEKDAY_NAMES[day]}"


def depot_label(station: Station) -> str:
    """The centre's or a station's short label on the map: ``独贵塔拉镇站 S1``, ``共配中心 HUB``."""
    name = station.name
    if station.kind == "centre" and "共配中心" in name:
        name = "共配中心"
    name = re.sub(r"(综合服务站|服务站)$", "站", name)
    return f"{name} {station.id}"


def village_popup(
    village: Village, name: DisplayName, visits: Sequence[tuple[int, int, int, str | None]], this_day: int
) -> str:
    """A village's popup: names, township, id, every visit day of the week with its parcels and run (``visits``:
    day, parcels down, parcels up, vehicle or None when missed; ``this_day`` in bold), its position (WGS84 and
    GCJ-02 for Amap) and whether that position is an estimate."""
    rows = []
    for day, down, up, vehicle in visits:
        run = escape(vehicle) if vehicle else "<b style='color:#c00'>未服务 MISSED</b>"
        cls = " class='rp-this-day'" if day == this_day else ""
        rows.append(f"<tr{cls}><td>{day_name(day)}</td><td>送 {down} / 收 {up} 件</td><td>{run}</td></tr>")
    lat, lon = wgs84_to(village.lat, village.lon, "gcj02")
    status = "位置为估算 estimated position" if village.coord_estimated else "位置已核实 surveyed position"
    return (
        f"<div class='rp-popup'><b>{escape(name.display)}</b> {escape(village.name)}<br>"
        f"{escape(name.short_pinyin)} · {escape(village.township)} · {escape(village.id)}<br>"
        f"每周 {len(visits)} 次 visits a week (parcels down / up, run):<table>{''.join(rows)}</table>"
        f"WGS84 {village.lat:.5f}, {village.lon:.5f} · 高德 GCJ-02 {lat:.5f}, {lon:.5f}<br><i>{status}</i></div>"
    )


def legend_html(lines: Sequence[RunLine], sheets: Sequence[RunSheet], estimated_roads: bool) -> str:
    """The runs' legend: per day a heading (runs, km) and one row per run (colour, vehicle, km, hours, parcels
    down/up), rows tagged with their day so the page shows the selected day's; then the key to the symbols. It
    folds (``<details>``), open when the page opens."""
    rows, by_day = [], {}
    for line, sheet in zip(lines, sheets, strict=True):
        by_day.setdefault(line.day, []).append((line, sheet))
    for day, runs in by_day.items():
        km = sum(sheet.km for _, sheet in runs)
        rows.append(f"<tr class='rp-day' data-day='{day}'><td colspan='5'>{day_name(day)} · {len(runs)} 趟 runs · "
                    f"{km:,.0f} km</td></tr>")  # fmt: skip
        for line, sheet in runs:
            rows.append(
                f"<tr class='rp-run' data-day='{day}'><td><span class='rp-swatch' style='background:{line.colour}'>"
                f"</span></td><td>{escape(line.vehicle)}</td><td class='num'>{sheet.km:.1f} km</td>"
                f"<td class='num'>{sheet.hours:.1f} h</td>"
                f"<td class='num'>{sheet.delivered} / {sheet.picked_up}</td></tr>"
            )
    drawn = "直线（估算路网）straight lines, estimated roads" if estimated_roads else "沿道路 along the roads (OSM)"
    return (
        f"<details open id='{LEGEND_ID}' class='rp-box rp-legend'><summary><b>路线 Runs</b> ({len(lines)}) · {drawn}"
        "</summary><div class='rp-scroll'><table><tr><th></th><th>车辆 vehicle</th><th class='num'>里程</th>"
        "<th class='num'>时长</th><th class='num'>送/收 parcels</th></tr>" + "".join(rows) + "</table></div>"
        "<div class='rp-key'><span class='rp-sym rp-centre'></span>共配中心 centre <span class='rp-sym'></span>站点 "
        "station <span class='rp-dot'></span>已核实 surveyed <span class='rp-dot rp-est'></span>估算位置 estimated "
        "<span class='rp-dot rp-missed'></span>未服务 missed</div></details>"
    )


def note_html(title: str, note_zh: str, note_en: str, attribution: str | None) -> str:
    """The scenario and what rests on estimates, with the OpenStreetMap attribution where OSM data is used."""
    parts = [f"<b>{escape(title)}</b>", escape(note_zh), escape(note_en)]
    if attribution:
        parts.append(escape(attribution))
    title_html, *rest = (p for p in parts if p)
    return (f"<details open class='rp-box rp-note'><summary>{title_html} · 说明 notes</summary>" + "<br>".join(rest)
            + "</details>")  # fmt: skip
