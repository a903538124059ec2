"""plan.xlsx read back with openpyxl: the same figures as plan.json and routes.csv."""

from __future__ import annotations

import json

from openpyxl import load_workbook

from optimizer.outputs.tables import ROUTE_COLUMNS
from tests.optimizer.outputs.conftest import read_routes


def test_workbook_has_the_figures_of_routes_csv_and_plan_json(hangjin_out):
    wb = load_workbook(hangjin_out / "plan.xlsx")
    doc = json.loads((hangjin_out / "plan.json").read_text(encoding="utf-8"))
    routes = read_routes(hangjin_out)
    assert wb.sheetnames[:3] == ["汇总", "路线", "村"]

    summary = {row[2]: row[3] for row in wb["汇总"].iter_rows(values_only=True) if len(row) > 3 and row[2]}
    for key in ("fleet_size", "vehicle_days", "total_cost", "monthly_cost", "total_km", "parcels_per_week"):
        assert summary[key] == doc["key_figures"][key], key
    assert summary["network_cost.monthly.total"] == doc["network_cost"]["monthly"]["total"]

    ws = wb["路线"]
    assert ws.freeze_panes == "A3"
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert list(rows[0][: len(ROUTE_COLUMNS)]) == ROUTE_COLUMNS
    body = rows[1:]
    assert len(body) == len(routes)
    for got, want in zip(body, routes, strict=True):
        for c, v in zip(ROUTE_COLUMNS, got, strict=False):
            if c in ("leg_km", "leg_min"):
                assert abs(v - float(want[c])) < 1e-9, c
            else:
                assert str(v) == want[c], c
    assert "简称" in [c.value for c in ws[1]]

    villages = list(wb["村"].iter_rows(min_row=3, values_only=True))
    assert len(villages) == len(doc["villages"])
    by_id = {v[0]: v for v in villages}
    for v in doc["villages"]:
        assert by_id[v["id"]][6] == v["visits_per_week"]
    assert by_id["150625104203"][1] == "巴音温都尔（呼和木独镇）"

    runs = {(r["day"], r["vehicle"]) for r in routes}
    run_sheets = wb.sheetnames[3:]
    assert len(run_sheets) == len(runs)
    first = wb[run_sheets[0]]
    cells = [c for row in first.iter_rows(values_only=True) for c in row if c is not None]
    assert "签收 signature" in cells and "合计 total" in cells
    assert first.page_setup.orientation == "landscape" and first.freeze_panes
    day, vehicle = sorted(runs, key=lambda k: (int(k[0]), k[1]))[0]
    delivered = sum(int(r["delivered"]) for r in routes if (r["day"], r["vehicle"]) == (day, vehicle))
    total_row = next(row for row in first.iter_rows(values_only=True) if row[0] == "合计 total")
    assert total_row[6] == delivered
