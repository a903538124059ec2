"""Planning on an OpenStreetMap graph end to end, on the synthetic road grid over Hangjin (conftest), with a named
road to close."""

from __future__ import annotations

import json

import numpy as np
import pytest

from optimizer.cli import main
from optimizer.planning.run import run_scenario
from optimizer.planning.scenario import Scenario
from tests.conftest import GRID

LAT0, LON0, STEP = GRID["lat0"], GRID["lon0"], GRID["step"]


@pytest.fixture
def grid_osm(hangjin_grid_osm):
    return hangjin_grid_osm


def test_plan_on_an_osm_graph(tmp_path, grid_osm):
    out = tmp_path / "out"
    assert main(["plan", "--graph", str(grid_osm), "--out", str(out), "--iterations", "1"]) == 0
    doc = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert doc["data_quality"]["estimated_road_distances"] is False
    assert "OpenStreetMap" in doc["attribution"]
    roads = json.loads((out / "roads_used.geojson").read_text(encoding="utf-8"))
    assert len(roads["features"]) > 50
    assert all(f["properties"]["runs"] >= 1 for f in roads["features"])
    runs = [f for f in json.loads((out / "routes.geojson").read_text(encoding="utf-8"))["features"]
            if f["properties"]["kind"] == "run"]  # fmt: skip
    # on the grid, runs follow the roads: every vertex lies on a grid line
    for f in runs:
        for lon, lat in f["geometry"]["coordinates"]:
            on_row = abs((lat - LAT0) / STEP - round((lat - LAT0) / STEP)) < 1e-6
            on_col = abs((lon - LON0) / STEP - round((lon - LON0) / STEP)) < 1e-6
            assert on_row or on_col


def test_closing_a_road_lengthens_the_trips_that_used_it(grid_osm):
    import network
    from optimizer.errors import InfeasibleError
    from optimizer.planning import load_dataset
    from optimizer.planning.build import facility_matrices
    from optimizer.planning.run import close_roads

    data = load_dataset()
    graph = network.load_graph(grid_osm)
    before = facility_matrices(data, graph)
    assert close_roads(graph, ("S215",)) > 0
    after = facility_matrices(data, graph)
    assert (after.km >= before.km - 1e-9).all() and np.isfinite(after.km).all()
    assert (after.minutes > before.minutes + 1e-9).any()
    # with the fast road closed, only gravel tracks cross north-south: the far villages fall out of a 10-hour shift,
    # and the planner is told which
    with pytest.raises(InfeasibleError, match="round trip takes .* longer than the 600-min shift"):
        run_scenario(Scenario(graph=grid_osm, iterations=1, closed_roads=("S215",)))


def test_closing_an_unknown_road_is_an_error(grid_osm):
    from optimizer.errors import InputError

    with pytest.raises(InputError, match="no road named G999"):
        run_scenario(Scenario(graph=grid_osm, iterations=1, closed_roads=("G999",)))
    with pytest.raises(InputError, match="closed_roads needs an OpenStreetMap graph"):
        run_scenario(Scenario(iterations=1, closed_roads=("S215",)))


def test_a_plan_on_an_extract_uses_the_array_form_and_its_legs_are_shortest_paths(tmp_path, grid_osm):
    """``plan --graph EXTRACT`` reads the extract into arrays (no networkx graph of it); every leg of routes.csv is
    the shortest path between the snapped stops on the networkx graph of the same file."""
    import csv

    import networkx as nx

    import network
    from optimizer.planning.run import load_roads

    assert isinstance(load_roads(grid_osm), network.RoadArrays)
    out = tmp_path / "out"
    assert main(["plan", "--graph", str(grid_osm), "--out", str(out), "--iterations", "1"]) == 0
    graph = network.load_graph(grid_osm)
    places = {}
    from optimizer.planning import load_dataset

    data = load_dataset()
    for p in (data.centre, *data.stations, *data.villages):
        places[p.id] = (p.lat, p.lon)
    with open(out / "routes.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    ids = sorted({r["stop_id"] for r in rows})
    node = dict(zip(ids, network.snap_points(graph, [places[i] for i in ids]).node, strict=True))
    previous = None
    checked = 0
    for r in rows:
        if r["seq"] != "0" and previous is not None and checked < 40:
            want = nx.shortest_path_length(graph, node[previous], node[r["stop_id"]], weight="length") / 1000
            assert float(r["leg_km"]) == pytest.approx(want, abs=0.006)
            checked += 1
        previous = r["stop_id"]
    assert checked == 40
