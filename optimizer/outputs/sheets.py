"""Printable route sheets for drivers: one HTML page per vehicle-day (Chinese with pinyin)."""

from __future__ import annotations

import html
from pathlib import Path

from optimizer.outputs.labels import DAY_ZH, quality_note
from optimizer.outputs.tables import route_rows
from optimizer.planning.run import PlanRun

_STYLE = (
    "body{font-family:'Noto Sans CJK SC','WenQuanYi Micro Hei','Microsoft YaHei',sans-serif;margin:2em}"
    "table{border-collapse:collapse;width:100%}td,th{border:1px solid #444;padding:4px 6px;font-size:13px}"
    "th{background:#eee}.note{color:#a00}@media print{body{margin:0.5cm}}"
)


def write_sheets(run: PlanRun, folder: Path) -> None:
    """Write ``folder/day<d>-<vehicle>.html`` for every run, and an ``index.html`` listing them."""
    folder.mkdir(parents=True, exist_ok=True)
    runs: dict[tuple[int, str], list[dict]] = {}
    for row in route_rows(run):
        runs.setdefault((row["day"], row["vehicle"]), []).append(row)
    note = quality_note(run)
    links = []
    for (day, vehicle), rows in sorted(runs.items()):
        name = f"day{day}-{vehicle}.html".replace("@", "_")
        body = [
            f"<h1>派送单 Route sheet — {DAY_ZH[day]} (day {day}) · {html.escape(vehicle)}</h1>",
            f"<p>{html.escape(run.scenario.name)} · 出发 depart {rows[0]['arrival']} from "
            f"{html.escape(rows[0]['stop_name'])} · 装车 load {rows[0]['load_after']} 件 parcels</p>",
        ]
        if note:
            body.append(f"<p class='note'>{html.escape(note)}</p>")
        body.append(
            "<table><tr><th>#</th><th>到达 arrival</th><th>地点 stop</th><th>拼音 pinyin</th><th>送 down</th>"
            "<th>收 up</th><th>车上 on board</th><th>公里 km</th><th>签收 signature</th></tr>"
        )
        for r in rows:
            body.append(
                f"<tr><td>{r['seq']}</td><td>{r['arrival']}</td><td>{html.escape(r['stop_name'])}</td>"
                f"<td>{html.escape(r['stop_name_pinyin'])}</td><td>{r['delivered']}</td><td>{r['picked_up']}</td>"
                f"<td>{r['load_after']}</td><td>{r['leg_km']}</td><td></td></tr>"
            )
        body.append("</table>")
        page = f"<!doctype html><html lang='zh'><head><meta charset='utf-8'><title>{name}</title>"
        page += f"<style>{_STYLE}</style></head><body>{''.join(body)}</body></html>"
        (folder / name).write_text(page, encoding="utf-8")
        links.append(f"<li><a href='{name}'>{DAY_ZH[day]} day {day} · {html.escape(vehicle)}</a></li>")
    index = f"<!doctype html><html lang='zh'><head><meta charset='utf-8'><style>{_STYLE}</style></head><body>"
    index += f"<h1>派送单 Route sheets — {html.escape(run.scenario.name)}</h1><ul>{''.join(links)}</ul>"
    if run.result.plan.unserved:
        clients = run.problem.clients
        missed = "".join(
            f"<li>{DAY_ZH[d]} (day {d}): {html.escape(clients[c].name)} ({html.escape(clients[c].id)})</li>"
            for c, d in run.result.plan.unserved
        )
        index += f"<h2 class='note'>未服务 Missed visits — on no sheet</h2><ul>{missed}</ul>"
    index += "</body></html>"
    (folder / "index.html").write_text(index, encoding="utf-8")
