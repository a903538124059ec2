"""``plan.xlsx``: the plan as an Excel workbook, the way county planners work with it (openpyxl).

Sheets: 汇总 (key figures and the monthly cost, as in ``plan.json``), 路线 (the ``routes.csv`` columns, numbers as
numbers, with display name and township after them), 村 (each village's visits a week, days and parcels, and its
position in WGS84 and in GCJ-02 for checking it on Amap) and one
sheet per vehicle-day laid out to print on one A4 page (the route sheet). Header rows are frozen; labels are in
Chinese with English beside, names with pinyin.
"""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from optimizer.outputs.labels import DAY_ZH, WEEKDAY_NAMES, attribution
from optimizer.outputs.names import display_names
from optimizer.outputs.sheets import SHEET_COLUMNS, RunSheet, estimate_banner, run_sheets, sheet_cells
from optimizer.outputs.tables import ROUTE_COLUMNS, plan_document, route_rows
from optimizer.planning.coords import wgs84_to
from optimizer.planning.run import PlanRun

# routes.csv columns in Chinese (the second header row keeps the csv names, so a formula or a script finds them)
ROUTE_COLUMNS_ZH = {
    "day": "星期", "vehicle": "车辆", "seq": "顺序", "stop_id": "地点编号", "stop_name": "地点全称", "arrival": "到达",
    "delivered": "送件", "picked_up": "收件", "load_after": "车上件数", "leg_km": "路段公里", "leg_min": "路段分钟",
    "stop_name_pinyin": "拼音", "vehicle_type": "车型", "depot_id": "出发点", "coord_estimated": "位置为估算",
    "road_km_estimated": "距离为估算",
}  # fmt: skip
_INTS = {"day", "seq", "delivered", "picked_up", "load_after", "coord_estimated", "road_km_estimated"}
_FLOATS = {"leg_km", "leg_min"}
# key figures shown in 汇总: (plan.json key, Chinese, English)
SUMMARY_FIGURES = [
    ("fleet_size", "车队规模（最忙一天在途车辆）", "fleet (vehicles on the busiest day)"),
    ("vehicle_days", "车·日", "vehicle-days a week"),
    ("total_cost", "每周总成本（元）", "total cost per week (yuan)"),
    ("fleet_cost", "其中车队固定成本", "of which the fleet"),
    ("route_cost", "其中出车与里程", "of which vehicle-days and km"),
    ("trunk_cost", "其中干线运输", "of which trunk runs"),
    ("penalty_cost", "其中未服务罚金（非实际支出）", "of which missed-visit penalty (not paid)"),
    ("monthly_cost", "每月运营总成本（元）", "network cost per month (yuan)"),
    ("total_km", "每周总里程（公里）", "km a week"),
    ("driver_hours", "司机工时", "driver hours a week"),
    ("parcels_per_week", "每周件数", "parcels a week"),
    ("cost_per_parcel", "每件运输成本（元）", "transport cost per parcel (yuan)"),
    ("unserved", "未服务次数", "missed visits"),
]
_MONTHLY_ZH = {"vehicles": "车辆与司机", "village_posts": "村级公益岗", "centre_staff": "共配中心运营团队",
               "stations": "站点场地租金", "cold_store": "冷藏库运行", "total": "合计"}  # fmt: skip

_BOLD = Font(bold=True)
_HEAD = PatternFill("solid", fgColor="DDDDDD")
_NOTE = Font(bold=True, color="AA0000")
_THIN = Side(style="thin", color="444444")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _width(value) -> int:
    """Display width of a cell's text: CJK characters count double."""
    text = str(value if value is not None else "")
    longest = max(text.split("\n"), key=len) if text else ""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in longest)


def _fit_columns(ws: Worksheet, start_row: int = 1, most: int = 48) -> None:
    widths: dict[int, int] = {}
    for row in ws.iter_rows(min_row=start_row):
        for cell in row:
            widths[cell.column] = max(widths.get(cell.column, 0), _width(cell.value))
    for col, w in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = min(most, max(6, w + 2))


def _header(ws: Worksheet, row: int, values: list) -> None:
    for col, value in enumerate(values, start=1):
        cell = ws.cell(row, col, value)
        cell.font, cell.fill, cell.border = _BOLD, _HEAD, _BOX
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _summary_sheet(ws: Worksheet, run: PlanRun, doc: dict) -> None:
    ws.append([f"配送计划 Delivery plan — {run.scenario.name}"])
    ws["A1"].font = Font(bold=True, size=14)
    for line in estimate_banner(run):
        if line:
            ws.append([line])
            ws.cell(ws.max_row, 1).font = _NOTE
    ws.append([])
    _header(ws, ws.max_row + 1, ["指标", "figure", "key (plan.json)", "数值 value"])
    ws.freeze_panes = ws.cell(ws.max_row + 1, 1)
    k = doc["key_figures"]
    for key, zh, en in SUMMARY_FIGURES:
        ws.append([zh, en, key, k[key]])
    ws.append(["各车型车队", "fleet by type", "fleet_by_type", ", ".join(f"{t} {n}" for t, n in
                                                                       k["fleet_by_type"].items())])  # fmt: skip
    ws.append([])
    ws.append(["每月运营成本（元）", "monthly cost (yuan)"])
    ws.cell(ws.max_row, 1).font = _BOLD
    for key, value in doc["network_cost"]["monthly"].items():
        ws.append([_MONTHLY_ZH.get(key, key), key.replace("_", " "), f"network_cost.monthly.{key}", value])
    ws.append(["每年合计", "a year", "network_cost.yearly_total", doc["network_cost"]["yearly_total"]])
    ws.append([])
    ws.append([run.matrices.label])
    if attribution(run):
        ws.append([attribution(run)])
    for row in ws.iter_rows(min_row=2, min_col=4, max_col=4):
        for cell in row:
            if isinstance(cell.value, float):
                cell.number_format = "#,##0.00"
    _fit_columns(ws, start_row=5)


def _routes_sheet(ws: Worksheet, run: PlanRun) -> None:
    names = display_names(run)
    extra = [("简称", "display_name"), ("苏木镇", "township")]
    _header(ws, 1, [ROUTE_COLUMNS_ZH[c] for c in ROUTE_COLUMNS] + [zh for zh, _ in extra])
    _header(ws, 2, list(ROUTE_COLUMNS) + [en for _, en in extra])
    ws.freeze_panes = "A3"
    for row in route_rows(run):
        values = []
        for c in ROUTE_COLUMNS:
            v = row[c]
            values.append(int(v) if c in _INTS else float(v) if c in _FLOATS else v)
        n = names.get(row["stop_id"])
        values += [n.display if n else row["stop_name"], n.township if n else ""]
        ws.append(values)
    ws.auto_filter.ref = f"A2:{get_column_letter(ws.max_column)}{ws.max_row}"
    _fit_columns(ws, most=30)


def _positions(place) -> list[float | None]:
    """lat, lon in WGS84 and in GCJ-02 (Amap's, to check a position there), degrees to 6 decimals (about 0.1 m)."""
    if place is None:
        return [None] * 4
    lat, lon = wgs84_to(place.lat, place.lon, "gcj02")
    return [round(place.lat, 6), round(place.lon, 6), round(lat, 6), round(lon, 6)]


def _villages_sheet(ws: Worksheet, run: PlanRun, doc: dict) -> None:
    names = display_names(run)
    cols = [("编号", "id"), ("简称", "display_name"), ("全称", "name"), ("拼音", "name_pinyin"), ("苏木镇", "township"),
            ("类别", "kind"), ("每周次数", "visits_per_week"), ("配送日", "days"), ("出发点", "depot"),
            ("每周送件", "parcels_down_per_week"), ("每周收件", "parcels_up_per_week"),
            ("每次件数（送/收）", "parcels_per_visit"), ("位置为估算", "coord_estimated"),
            ("纬度 WGS84", "lat"), ("经度 WGS84", "lon"),
            ("纬度（高德 GCJ-02）", "lat_gcj02"), ("经度（高德 GCJ-02）", "lon_gcj02")]  # fmt: skip
    _header(ws, 1, [zh for zh, _ in cols])
    _header(ws, 2, [en for _, en in cols])
    ws.freeze_panes = "C3"
    places = {p.id: p for p in (*run.dataset.stations, *run.dataset.villages)}
    for v in doc["villages"]:
        n = names.get(v["id"])
        visits = v["parcels_per_visit"].values()
        place = places.get(v["id"])
        ws.append([
            v["id"], n.display if n else v["name"], v["name"], v["name_pinyin"], n.township if n else "",
            "村 village" if v["kind"] == "village" else "站点柜台 station counter", v["visits_per_week"],
            "、".join(f"{DAY_ZH[d]} {WEEKDAY_NAMES[d]}" for d in v["days"]), v["depot"],
            sum(p["delivered"] for p in visits), sum(p["picked_up"] for p in visits),
            ", ".join(f"{p['delivered']}/{p['picked_up']}" for p in visits),
            int(bool(place and place.coord_estimated)), *_positions(place),
        ])  # fmt: skip
    ws.auto_filter.ref = f"A2:{get_column_letter(ws.max_column)}{ws.max_row}"
    _fit_columns(ws, most=36)


def sheet_title(sheet: RunSheet, taken: set[str]) -> str:
    """A unique worksheet title for a vehicle-day (Excel: at most 31 characters, none of []:*?/\\)."""
    base = re.sub(r"[\[\]:*?/\\]", "_", f"{sheet.day}{DAY_ZH[sheet.day]} {sheet.vehicle}")[:31]
    title, k = base, 2
    while title in taken:
        title, k = f"{base[:28]}-{k}", k + 1
    taken.add(title)
    return title


def _run_sheet(ws: Worksheet, run: PlanRun, sheet: RunSheet, banner: tuple[str, str]) -> None:
    ws.append([f"派送单 Route sheet — {sheet.title}"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([f"{run.scenario.name} · day {sheet.day}"])
    for line in banner:
        if line:
            ws.append([line])
            ws.cell(ws.max_row, 1).font = _NOTE
    totals = sheet.totals()
    for part in (totals[:5], totals[5:]):
        row = []
        for label, value in part:
            row += [label, value]
        ws.append(row)
    ws.append([])
    head = ws.max_row + 1
    _header(ws, head, [f"{zh} {en}" for zh, en in SHEET_COLUMNS])
    ws.freeze_panes = ws.cell(head + 1, 1)
    for stop in sheet.stops:
        cells: list = sheet_cells(stop)
        for i in (0, 6, 7, 8):
            cells[i] = int(cells[i])
        cells[9] = float(cells[9])
        ws.append(cells)
        for cell in ws[ws.max_row]:
            cell.border = _BOX
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    ws.append(["合计 total", "", "", "", "", "", sheet.delivered, sheet.picked_up, "", round(sheet.km, 1), ""])
    for cell in ws[ws.max_row]:
        cell.font, cell.border = _BOLD, _BOX
    ws.append([])
    ws.append(["司机签名 driver's signature:", "", "", "日期 date:"])
    _fit_columns(ws, start_row=head, most=30)
    ws.column_dimensions[get_column_letter(len(SHEET_COLUMNS))].width = 16  # room to sign
    ws.print_title_rows = f"{head}:{head}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def build_workbook(run: PlanRun) -> Workbook:
    """The workbook: 汇总, 路线, 村, then one sheet per vehicle-day."""
    doc = plan_document(run)
    wb = Workbook()
    summary = wb.active
    summary.title = "汇总"
    _summary_sheet(summary, run, doc)
    _routes_sheet(wb.create_sheet("路线"), run)
    _villages_sheet(wb.create_sheet("村"), run, doc)
    banner = estimate_banner(run)
    taken = {"汇总", "路线", "村"}
    for sheet in run_sheets(run):
        _run_sheet(wb.create_sheet(sheet_title(sheet, taken)), run, sheet, banner)
    return wb


def write_workbook(run: PlanRun, path: Path) -> None:
    build_workbook(run).save(path)
