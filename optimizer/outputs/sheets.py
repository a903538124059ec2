"""Route sheets for drivers: one per vehicle-day, with the run's totals, every stop's township and id, the estimate
banner in Chinese and English and a signature column. ``run_sheets`` is the content; ``write_sheets`` writes it as
HTML (``sheets/``), ``pdf.write_sheets_pdf`` and the workbook print the same content.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from optimizer.model import route_figures, service_minutes
from optimizer.outputs.labels import DAY_ZH, WEEKDAY_NAMES, clock, quality_note, quality_note_zh
from optimizer.outputs.names import DisplayName, display_names
from optimizer.outputs.tables import all_runs, route_rows
from optimizer.planning.run import PlanRun


@dataclass(frozen=True)
class SheetStop:
    """One line of a route sheet: a ``routes.csv`` row and how the stop is named to the driver."""

    row: dict
    name: DisplayName


@dataclass(frozen=True)
class RunSheet:
    """One vehicle-day: its stops (depot first and last) and totals: km, minutes driving, at stops (service) and
    waiting for opening hours, parcels delivered and picked up, load leaving the depot, clock times out and back."""

    day: int
    vehicle: str
    kind: str
    stops: tuple[SheetStop, ...]
    km: float
    driving_min: float
    stop_min: float
    wait_min: float
    delivered: int
    picked_up: int
    start_load: int
    departs: str
    back: str

    @property
    def title(self) -> str:
        return f"{DAY_ZH[self.day]} {WEEKDAY_NAMES[self.day]} · {self.vehicle}"

    @property
    def file_stem(self) -> str:
        return f"day{self.day}-{self.vehicle}".replace("@", "_")

    @property
    def hours(self) -> float:
        return (self.driving_min + self.stop_min + self.wait_min) / 60.0

    def totals(self) -> list[tuple[str, str]]:
        """The totals as (label in Chinese and English, value) pairs, in the order every format prints them."""
        return [
            ("出发 departs", f"{self.departs} {self.stops[0].name.display}"),
            ("返回 back", self.back),
            ("里程 distance", f"{self.km:.1f} km"),
            ("行驶 driving", f"{self.driving_min:.0f} min"),
            ("停靠 at stops", f"{self.stop_min:.0f} min"),
            ("等候 waiting", f"{self.wait_min:.0f} min"),
            ("总时长 total", f"{self.hours:.1f} h"),
            ("送件 parcels down", str(self.delivered)),
            ("收件 parcels up", str(self.picked_up)),
            ("装车 load out", str(self.start_load)),
        ]


def run_sheets(run: PlanRun) -> list[RunSheet]:
    """One ``RunSheet`` per run of the week (vans and trunk), in ``routes.csv`` order."""
    names = display_names(run)
    groups: list[list[dict]] = []
    for row in route_rows(run):
        if row["seq"] == 0:
            groups.append([])
        groups[-1].append(row)
    sheets = []
    for record, rows in zip(all_runs(run), groups, strict=True):
        problem, route, loads = record.problem, record.route, record.loads
        vt = problem.vehicle_types[route.vehicle_type]
        fig = route_figures(problem, route, loads)
        driving = 0.0
        stop_min = 0.0
        prev = problem.depot(vt.depot).index
        for c in route.clients:
            client = problem.clients[c]
            driving += problem.minutes[prev, client.index] * vt.speed_factor
            stop_min += service_minutes(client, *loads[(c, route.day)])
            prev = client.index
        driving += problem.minutes[prev, problem.depot(vt.depot).index] * vt.speed_factor
        stops = tuple(SheetStop(r, names.get(r["stop_id"]) or _unnamed(r)) for r in rows)
        late = record.start_minutes + fig.minutes >= 24 * 60
        back = clock(fig.minutes, record.start_minutes) + (" (+1 day)" if late else "")
        sheets.append(RunSheet(
            day=route.day, vehicle=record.label, kind=record.kind, stops=stops, km=fig.km, driving_min=driving,
            stop_min=stop_min, wait_min=max(0.0, fig.minutes - driving - stop_min),
            delivered=sum(r["delivered"] for r in rows), picked_up=sum(r["picked_up"] for r in rows),
            start_load=fig.start_load, departs=clock(0.0, record.start_minutes), back=back,
        ))  # fmt: skip
    return sheets


def _unnamed(row: dict) -> DisplayName:
    return DisplayName(row["stop_id"], row["stop_name"], row["stop_name"], row["stop_name"], row["stop_name_pinyin"],
                       row["stop_name_pinyin"], "")  # fmt: skip


def estimate_banner(run: PlanRun) -> tuple[str, str]:
    """The note on estimated inputs in Chinese and in English (both empty when nothing is estimated)."""
    return quality_note_zh(run), quality_note(run)


SHEET_COLUMNS = [
    ("#", "seq"), ("到达", "arrival"), ("地点", "stop"), ("拼音", "pinyin"), ("苏木镇", "township"), ("编号", "id"),
    ("送", "down"), ("收", "up"), ("车上", "on board"), ("公里", "km"), ("签收", "signature"),
]  # fmt: skip


def sheet_cells(stop: SheetStop) -> list[str]:
    """A stop's cells in ``SHEET_COLUMNS`` order (the signature cell empty)."""
    r, n = stop.row, stop.name
    name = n.display if n.display == n.official else f"{n.display}\n{n.official}"
    return [str(r["seq"]), r["arrival"], name, n.short_pinyin, n.township, r["stop_id"], str(r["delivered"]),
            str(r["picked_up"]), str(r["load_after"]), r["leg_km"], ""]  # fmt: skip


_STYLE = (
    "body{font-family:'Noto Sans CJK SC','WenQuanYi Micro Hei','Microsoft YaHei',sans-serif;margin:2em}"
    "table{border-collapse:collapse;width:100%}td,th{border:1px solid #444;padding:4px 6px;font-size:13px}"
    "th{background:#eee}.note{color:#a00;font-weight:bold}.official{color:#555;font-size:11px}"
    ".totals td{border:none;padding:2px 12px 2px 0}td.sign{min-width:7em}@media print{body{margin:0.5cm}}"
)


def _sheet_html(run: PlanRun, sheet: RunSheet, banner: tuple[str, str]) -> str:
    e = html.escape
    body = [f"<h1>派送单 Route sheet — {e(sheet.title)}</h1>", f"<p>{e(run.scenario.name)} · day {sheet.day}</p>"]
    body += [f"<p class='note'>{e(line)}</p>" for line in banner if line]
    body.append("<table class='totals'><tr>" + "".join(
        f"<td>{e(label)}: <b>{e(value)}</b></td>" + ("</tr><tr>" if k % 5 == 4 else "")
        for k, (label, value) in enumerate(sheet.totals())
    ) + "</tr></table><br>")  # fmt: skip
    body.append("<table><tr>" + "".join(f"<th>{zh} {en}</th>" for zh, en in SHEET_COLUMNS) + "</tr>")
    for stop in sheet.stops:
        cells = sheet_cells(stop)
        n = stop.name
        cells_html = [e(c) for c in cells]
        cells_html[2] = e(n.display) + (f"<br><span class='official'>{e(n.official)}</span>"
                                        if n.display != n.official else "")  # fmt: skip
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells_html[:-1]) + "<td class='sign'></td></tr>")
    body.append(f"<tr><th colspan='6'>合计 total</th><th>{sheet.delivered}</th><th>{sheet.picked_up}</th><th></th>"
                f"<th>{sheet.km:.1f}</th><th></th></tr></table>")  # fmt: skip
    body.append("<p>司机签名 driver's signature: ____________ &nbsp; 日期 date: ____________</p>")
    page = f"<!doctype html><html lang='zh'><head><meta charset='utf-8'><title>{e(sheet.file_stem)}</title>"
    return page + f"<style>{_STYLE}</style></head><body>{''.join(body)}</body></html>"


def write_sheets(run: PlanRun, folder: Path) -> None:
    """Write ``folder/day<d>-<vehicle>.html`` for every run, and an ``index.html`` listing them."""
    folder.mkdir(parents=True, exist_ok=True)
    banner = estimate_banner(run)
    links = []
    for sheet in run_sheets(run):
        name = f"{sheet.file_stem}.html"
        (folder / name).write_text(_sheet_html(run, sheet, banner), encoding="utf-8")
        links.append(f"<li><a href='{name}'>{html.escape(sheet.title)}</a> — {sheet.km:.1f} km, "
                     f"{sheet.hours:.1f} h, {sheet.delivered}/{sheet.picked_up} 件 parcels</li>")  # fmt: skip
    index = f"<!doctype html><html lang='zh'><head><meta charset='utf-8'><style>{_STYLE}</style></head><body>"
    index += f"<h1>派送单 Route sheets — {html.escape(run.scenario.name)}</h1>"
    index += "".join(f"<p class='note'>{html.escape(line)}</p>" for line in banner if line)
    index += f"<ul>{''.join(links)}</ul>"
    if run.result.plan.unserved:
        names = display_names(run)
        clients = run.problem.clients
        missed = "".join(
            f"<li>{DAY_ZH[d]} (day {d}): {html.escape(_both(names, clients[c]))} ({html.escape(clients[c].id)})</li>"
            for c, d in run.result.plan.unserved
        )
        index += f"<h2 class='note'>未服务 Missed visits — on no sheet</h2><ul>{missed}</ul>"
    index += "</body></html>"
    (folder / "index.html").write_text(index, encoding="utf-8")


def _both(names: dict[str, DisplayName], client) -> str:
    n = names.get(client.id)
    return n.both if n else client.name
