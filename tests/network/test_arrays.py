"""The array form (``load_arrays``): same matrices as the networkx graph, bounded Dijkstra widened where needed,
road geometry of a leg, per-county matrices cut from one region, bad files."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from shapely.geometry import box

import network
from network import county_matrix, load_arrays, load_graph, route_geometry, travel_matrix
from optimizer.errors import InputError
from tests.conftest import GRID, OSM_SAMPLES, write_osm

OAKLAND = OSM_SAMPLES / "west-oakland.osm.bz2"


def _intersections(graph, count):
    main = sorted(max(nx.strongly_connected_components(graph), key=len))
    nodes = main[:: max(1, len(main) // count)][:count]
    return nodes, [(graph.nodes[n]["y"], graph.nodes[n]["x"]) for n in nodes]


def test_arrays_match_the_graph_and_networkx():
    graph = load_graph(OAKLAND)
    arrays = load_arrays(OAKLAND)
    assert isinstance(arrays, network.RoadArrays)
    assert arrays.n_nodes >= graph.number_of_nodes()  # no simplification in the array form
    nodes, points = _intersections(graph, 15)
    km, minutes = travel_matrix(graph, points)
    km2, minutes2 = travel_matrix(arrays, points)
    np.testing.assert_allclose(km2, km, rtol=1e-9)
    np.testing.assert_allclose(minutes2, minutes, rtol=1e-9)
    lengths = nx.single_source_dijkstra_path_length(graph, nodes[0], weight="length")
    np.testing.assert_allclose(km2[0], [lengths[n] / 1000 for n in nodes], rtol=1e-9)


def test_bounds_too_tight_are_widened_and_results_exact(monkeypatch):
    arrays = load_arrays(OAKLAND)
    rng = np.random.default_rng(3)
    rows = rng.choice(np.flatnonzero(arrays.in_main_component), 12, replace=False)
    points = list(zip(arrays.lat[rows], arrays.lon[rows], strict=True))
    km, minutes = travel_matrix(arrays, points)
    network.matrix._MEMORY.clear()
    monkeypatch.setattr(network.settings, "matrix_bound_circuity", 0.01)
    monkeypatch.setattr(network.settings, "matrix_bound_slack_km", 0.0)
    monkeypatch.setattr(network.settings, "matrix_sources_per_run", 1)
    monkeypatch.setattr(network.settings, "cache_folder", None)
    km2, minutes2 = travel_matrix(arrays, points)
    np.testing.assert_array_equal(km2, km)
    np.testing.assert_array_equal(minutes2, minutes)
    assert np.isfinite(km).all() and (np.diag(km) == 0).all()


def test_same_inputs_same_matrices():
    points = [(37.8045, -122.2925), (37.8105, -122.2850), (37.8000, -122.2800)]
    network.settings.cache_folder = None
    a = travel_matrix(load_arrays(OAKLAND), points)
    network.matrix._MEMORY.clear()
    b = travel_matrix(load_arrays(OAKLAND), points)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert load_arrays(OAKLAND).fingerprint == load_arrays(OAKLAND).fingerprint


@pytest.mark.parametrize("form", ["graph", "arrays"])
def test_route_geometry_follows_the_shortest_path(form):
    graph = load_graph(OAKLAND)
    road = graph if form == "graph" else load_arrays(OAKLAND)
    nodes, points = _intersections(graph, 6)
    line = route_geometry(road, points[1], points[4])
    km, _ = travel_matrix(road, [points[1], points[4]])
    lon, lat = np.array(line).T
    assert (lat[0], lon[0]) == pytest.approx(points[1]) and (lat[-1], lon[-1]) == pytest.approx(points[4])
    steps = network.great_circle_km(list(zip(lat, lon, strict=True)))
    along = sum(steps[i, i + 1] for i in range(len(lat) - 1))
    assert along == pytest.approx(km[0, 1], rel=1e-3)  # the polyline is as long as the road distance
    # the two calls outputs/geometry.py makes work on either form
    path = network.shortest_path_nodes(road, nodes[1], nodes[4])
    assert path[0] == nodes[1] and path[-1] == nodes[4]
    assert len(network.path_geometry(road, path).coords) >= 2


def test_county_matrix_from_one_region(hangjin_grid_osm):
    region = load_arrays(hangjin_grid_osm)
    step, lat0, lon0 = GRID["step"], GRID["lat0"], GRID["lon0"]
    # a county of 10 x 10 grid cells in the middle of the region, its points on grid nodes
    county = box(lon0 + 10 * step, lat0 + 10 * step, lon0 + 20 * step, lat0 + 20 * step)
    points = [(lat0 + r * step, lon0 + c * step) for r, c in [(11, 11), (19, 12), (15, 19), (12, 18)]]
    whole_km, whole_min = travel_matrix(region, points)
    km, minutes = county_matrix(region, county, points, margin_km=10.0)
    np.testing.assert_allclose(km, whole_km, rtol=1e-9)  # on a grid the shortest paths stay inside the county
    np.testing.assert_allclose(minutes, whole_min, rtol=1e-9)
    cut = network.county_arrays(region, county, margin_km=10.0)
    assert 100 < cut.n_nodes < region.n_nodes / 4
    tight = network.county_arrays(region, county, margin_km=0.0)
    assert tight.n_nodes == 11 * 11
    with pytest.raises(ValueError, match="margin"):
        network.county_arrays(region, county, margin_km=-1)


def test_county_margin_keeps_a_road_leaving_and_coming_back(tmp_path):
    # A -> B straight is a footway; the road goes out of the county (east of lon 108.02) and back
    nodes = {1: (40.0, 108.0), 2: (40.0, 108.01), 3: (40.0, 108.03), 4: (40.02, 108.03), 5: (40.02, 108.0)}
    ways = [([1, 2], {"highway": "tertiary"}), ([2, 3, 4, 5], {"highway": "tertiary"}),
            ([5, 1], {"highway": "footway"})]  # fmt: skip
    region = load_arrays(write_osm(tmp_path / "loop.osm", nodes, ways))
    county = box(107.99, 39.99, 108.02, 40.03)
    km, _ = county_matrix(region, county, [(40.0, 108.0), (40.02, 108.0)], margin_km=5.0)
    assert np.isfinite(km).all() and km[0, 1] > 4.0


def test_bad_files_for_arrays(tmp_path):
    with pytest.raises(InputError, match="no such OSM file"):
        load_arrays(tmp_path / "missing.osm.pbf")
    bad = tmp_path / "bad.osm.pbf"
    bad.write_bytes(b"not a pbf at all")
    with pytest.raises(InputError, match=r"bad\.osm\.pbf: cannot read OpenStreetMap data"):
        load_arrays(bad)
    foot = write_osm(tmp_path / "foot.osm", {1: (40, 108), 2: (40.01, 108)}, [([1, 2], {"highway": "footway"})])
    with pytest.raises(InputError, match="no drivable roads"):
        load_arrays(foot)
    (tmp_path / "roads.shp").write_text("x")
    with pytest.raises(InputError, match="unknown OSM file type"):
        load_arrays(tmp_path / "roads.shp")


def test_simplified_arrays_keep_junctions_and_distances():
    full = load_arrays(OAKLAND, simplify=False)
    lean = load_arrays(OAKLAND)
    assert lean.n_nodes < full.n_nodes / 2
    assert set(lean.node_ids) <= set(full.node_ids)
    rows = np.flatnonzero(lean.in_main_component)[::4]
    points = list(zip(lean.lat[rows], lean.lon[rows], strict=True))
    np.testing.assert_allclose(travel_matrix(lean, points)[0], travel_matrix(full, points)[0], rtol=1e-9)
    # the edges keep their ways' polylines: a path drawn on either form is the same line
    a, b = int(lean.node_ids[rows[0]]), int(lean.node_ids[rows[-1]])
    lines = [network.path_geometry(x, network.shortest_path_nodes(x, a, b)) for x in (lean, full)]
    assert lines[0].equals(lines[1])


def test_edges_frame_and_closed_roads_on_arrays(tmp_path, hangjin_grid_osm):
    import geopandas as gpd

    roads = load_arrays(hangjin_grid_osm)
    frame = network.edges_frame(roads)
    assert len(frame) == roads.n_edges
    assert set(frame["highway"]) == {"tertiary", "track", "primary"}
    assert (frame["ref"] == "S215").sum() > 0
    out = gpd.read_file(network.write_geodataframe(frame, tmp_path / "roads.gpkg"))
    assert len(out) == roads.n_edges
    some = list(zip(frame["u"][:3], frame["v"][:3], strict=True))
    assert len(network.edges_frame(roads, some)) == 3
    np.testing.assert_allclose(frame.to_crs(3857).length.iloc[:3] > 0, True)
    closed, removed = roads.without_roads(["S215"])
    assert removed == (frame["ref"] == "S215").sum() and closed.n_edges == roads.n_edges - removed
    # the same closure on the networkx graph (optimizer.planning.run.close_roads) gives the same matrix
    from optimizer.planning.run import close_roads

    graph = load_graph(hangjin_grid_osm)
    assert close_roads(graph, ("S215",)) == removed
    points = [
        (GRID["lat0"] + 0.5, GRID["lon0"] + GRID["s215_col"] * GRID["step"]),
        (GRID["lat0"] + 1.5, GRID["lon0"] + 1.9),
    ]
    np.testing.assert_allclose(travel_matrix(closed, points)[1], travel_matrix(graph, points)[1], rtol=1e-9)
    assert (travel_matrix(closed, points)[1] > travel_matrix(roads, points)[1] + 1e-9).any()
