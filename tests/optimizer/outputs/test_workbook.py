"""plan.xlsx read back with openpyxl: the same figures as plan.json and routes.csv."""

from __future__ import annotations

import json

from openpyxl import load_workbook

from optimizer.outputs.tables import ROUTE_COLUMNS
from optimizer.planning import load_dataset
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


def test_village_sheet_gives_amap_positions(hangjin_out):
    """The 村 sheet's GCJ-02 columns put 朝凯村 (the one village found on Amap) on Amap's own point, which the data
    set's sources keep raw: 107.140851, 40.352939."""
    ws = load_workbook(hangjin_out / "plan.xlsx")["村"]
    header = [c.value for c in ws[2]]
    assert header[-4:] == ["lat", "lon", "lat_gcj02", "lon_gcj02"]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=3, values_only=True)}
    chaokai = rows["150625101203"]
    assert abs(chaokai["lon_gcj02"] - 107.140851) < 2e-5 and abs(chaokai["lat_gcj02"] - 40.352939) < 2e-5
    assert (chaokai["lat"], chaokai["lon"]) == (40.351733, 107.135491)  # villages.csv, WGS84
    ds = load_dataset()
    for place in (*ds.stations, *ds.service_points):
        if place.id in rows:  # every point is shifted by the offset Amap applies there: a few hundred metres
            row = rows[place.id]
            assert (row["lat"], row["lon"]) == (round(place.lat, 6), round(place.lon, 6))
            assert 0.002 < abs(row["lon_gcj02"] - row["lon"]) < 0.01


def test_geopackage_villages_carry_amap_positions(hangjin_out):
    import geopandas as gpd

    villages = gpd.read_file(hangjin_out / "plan.gpkg", layer="villages").set_index("id")
    assert abs(villages.loc["150625101203", "lon_gcj02"] - 107.140851) < 2e-5
    assert abs(villages.loc["150625101203", "lat_gcj02"] - 40.352939) < 2e-5
