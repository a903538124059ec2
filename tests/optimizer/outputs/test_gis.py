"""plan.gpkg read back with geopandas and runs.kml parsed: the runs and villages of routes.csv."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import geopandas as gpd
import pyogrio

from tests.optimizer.outputs.conftest import read_routes

KML = "{http://www.opengis.net/kml/2.2}"


def test_geopackage_layers_match_routes_csv(hangjin_out):
    path = hangjin_out / "plan.gpkg"
    assert [name for name, _ in pyogrio.list_layers(path)] == ["depots", "villages", "runs"]
    routes = read_routes(hangjin_out)
    runs_csv = {(int(r["day"]), r["vehicle"]) for r in routes}
    runs = gpd.read_file(path, layer="runs")
    assert len(runs) == len(runs_csv)
    assert set(zip(runs["day"], runs["vehicle"], strict=True)) == runs_csv
    assert runs.crs.to_epsg() == 4326 and (runs.geom_type == "LineString").all()
    for (day, vehicle), km in zip(zip(runs["day"], runs["vehicle"], strict=True), runs["km"], strict=True):
        csv_km = sum(float(r["leg_km"]) for r in routes if (int(r["day"]), r["vehicle"]) == (day, vehicle))
        assert abs(km - csv_km) < 0.05
    assert runs["parcels_down"].sum() == sum(int(r["delivered"]) for r in routes)
    villages = gpd.read_file(path, layer="villages")
    visited = {r["stop_id"] for r in routes if r["stop_id"] in set(villages["id"])}
    assert set(villages.loc[villages["served_by"] == "runs", "id"]) == visited
    visits = sum(1 for r in routes if r["stop_id"] in visited)
    assert villages["visits_per_week"].sum() == visits
    assert "巴音温都尔（呼和木独镇）" in set(villages["display_name"])
    assert len(gpd.read_file(path, layer="depots")) == 7


def test_kml_has_one_line_per_run(hangjin_out):
    root = ET.parse(hangjin_out / "runs.kml").getroot()
    routes = read_routes(hangjin_out)
    lines = root.findall(f".//{KML}LineString")
    assert len(lines) == len({(r["day"], r["vehicle"]) for r in routes})
    names = [el.text for el in root.iter(f"{KML}name")]
    assert "巴音温都尔（呼和木独镇）" in names
    assert "ESTIMATED DATA" in root.find(f"{KML}Document/{KML}description").text
