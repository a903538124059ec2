"""Road graphs from real and hand-written OSM files, snapping, matrices against networkx, fallback and errors."""

from __future__ import annotations

import logging

import networkx as nx
import numpy as np
import osmium
import pytest

import network
from network import estimated_matrix, great_circle_km, load_graph, snap_points, travel_matrix
from network.speeds import edge_speed_kmh, parse_maxspeed_kmh
from optimizer.errors import InputError
from tests.conftest import OSM_SAMPLES, write_osm

BAVARIA = OSM_SAMPLES / "bavaria-small.osm"
OAKLAND = OSM_SAMPLES / "west-oakland.osm.bz2"


def _node_points(graph, count, offset=0.0):
    nodes = sorted(graph.nodes)[:count]
    return nodes, [(graph.nodes[n]["y"] + offset, graph.nodes[n]["x"]) for n in nodes]


def _nx_reference(graph, nodes, weight, scale):
    ref = np.zeros((len(nodes), len(nodes)))
    for i, a in enumerate(nodes):
        lengths = nx.single_source_dijkstra_path_length(graph, a, weight=weight)
        for j, b in enumerate(nodes):
            ref[i, j] = lengths[b] * scale
    return ref


def test_bavaria_real_osm_graph():
    graph = load_graph(BAVARIA)
    assert graph.number_of_nodes() > 3
    assert "OpenStreetMap" in graph.graph["attribution"]
    for _, _, d in graph.edges(data=True):
        assert d["length"] > 0 and d["travel_time"] > 0
        assert str(d["highway"]) in network.settings.drivable_highways or isinstance(d["highway"], list)


@pytest.mark.parametrize("path", [BAVARIA, OAKLAND], ids=["bavaria", "west-oakland"])
def test_matrix_matches_networkx(path):
    graph = load_graph(path)
    main = max(nx.strongly_connected_components(graph), key=len)
    nodes = sorted(main)[:: max(1, len(main) // 12)][:12]
    points = [(graph.nodes[n]["y"], graph.nodes[n]["x"]) for n in nodes]
    km, minutes = travel_matrix(graph, points)
    assert km.shape == (len(nodes), len(nodes))
    np.testing.assert_allclose(km, _nx_reference(graph, nodes, "length", 1 / 1000), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(minutes, _nx_reference(graph, nodes, "travel_time", 1 / 60), rtol=1e-9, atol=1e-9)


def test_pbf_reads_like_xml(tmp_path):
    pbf = tmp_path / "bavaria.osm.pbf"
    with osmium.SimpleWriter(str(pbf)) as writer:
        for obj in osmium.FileProcessor(str(BAVARIA)):
            writer.add(obj)
    a, b = load_graph(BAVARIA), load_graph(pbf)
    assert sorted(a.nodes) == sorted(b.nodes)
    assert a.number_of_edges() == b.number_of_edges()


def test_graphml_round_trip(tmp_path):
    graph = load_graph(BAVARIA)
    saved = network.save_graph(graph, tmp_path / "g.graphml")
    again = load_graph(saved)
    _, points = _node_points(graph, 4)
    np.testing.assert_allclose(travel_matrix(graph, points)[0], travel_matrix(again, points)[0])


@pytest.fixture
def toy_osm(tmp_path):
    """A 3-node one-way triangle A->B->C->A (1 km legs, west-east and north-south), a footway and an island."""
    # 0.009 degrees of latitude ~ 1.0 km
    nodes = {
        1: (40.000, 108.000),
        2: (40.009, 108.000),
        3: (40.009, 108.0117),
        4: (40.020, 108.020),  # footway only: must vanish
        5: (40.300, 108.300),  # island, two-way road between 5 and 6, not connected to the triangle
        6: (40.301, 108.300),
        # short two-way spurs keep 1, 2, 3 as intersections through graph simplification
        7: (39.999, 108.000),
        8: (40.010, 107.999),
        9: (40.010, 108.0125),
    }
    ways = [
        ([1, 2], {"highway": "primary", "oneway": "yes", "maxspeed": "60"}),
        ([2, 3], {"highway": "track", "oneway": "yes", "tracktype": "grade3"}),
        ([3, 1], {"highway": "secondary", "oneway": "yes", "surface": "gravel"}),
        ([3, 4], {"highway": "footway"}),
        ([5, 6], {"highway": "residential"}),
        ([1, 7], {"highway": "residential"}),
        ([2, 8], {"highway": "residential"}),
        ([3, 9], {"highway": "residential"}),
    ]
    return write_osm(tmp_path / "toy.osm", nodes, ways)


def test_toy_graph_speeds_and_oneways(toy_osm):
    graph = load_graph(toy_osm)
    assert 4 not in graph.nodes
    speeds = {(u, v): d["speed_kph"] for u, v, d in graph.edges(data=True)}
    assert speeds[(1, 2)] == 60.0
    assert speeds[(2, 3)] == pytest.approx(25.0 * 0.7)
    assert speeds[(3, 1)] == pytest.approx(60.0 * 0.7)
    km, minutes = travel_matrix(graph, [(40.0, 108.0), (40.009, 108.0)])
    # 1 -> 2 direct; 2 -> 1 must go round via 3 (one-way)
    assert km[0, 1] == pytest.approx(great_circle_km([(40.0, 108.0), (40.009, 108.0)])[0, 1], rel=1e-3)
    assert km[1, 0] > 2 * km[0, 1]
    assert minutes[0, 1] == pytest.approx(km[0, 1] / 60 * 60, rel=1e-6)


def test_snap_uses_largest_strong_component_and_warns(toy_osm, caplog):
    graph = load_graph(toy_osm)
    with caplog.at_level(logging.WARNING, logger="network.snap"):
        snap = snap_points(graph, [(40.3005, 108.300), (40.0001, 108.0)], names=["孤岛村 (Gudao)", "A"])
    # the island nodes 5, 6 are nearer to point 0 but not in the main component
    assert set(snap.node) <= {1, 2, 3, 7, 8, 9}
    assert snap.distance_km[0] > 30 and snap.distance_km[1] < 0.05
    assert list(snap.far) == [0]
    assert "孤岛村 (Gudao)" in caplog.text and "km from the nearest mapped road" in caplog.text


def test_matrix_cache_on_disk(toy_osm):
    graph = load_graph(toy_osm)
    points = [(40.0, 108.0), (40.009, 108.0117)]
    km, minutes = travel_matrix(graph, points)
    files = list((network.settings.cache_folder / "matrices").glob("*.npz"))
    assert len(files) == 1
    network.matrix._MEMORY.clear()
    km2, minutes2 = travel_matrix(load_graph(toy_osm), points)
    np.testing.assert_array_equal(km, km2)
    np.testing.assert_array_equal(minutes, minutes2)


def test_maxspeed_parsing():
    assert parse_maxspeed_kmh("50") == 50
    assert parse_maxspeed_kmh("30 mph") == pytest.approx(48.28, rel=1e-3)
    assert parse_maxspeed_kmh(["80", "60"]) == 60
    assert parse_maxspeed_kmh("none") is None
    assert edge_speed_kmh({"highway": "motorway", "maxspeed": "120"}) == 100
    assert edge_speed_kmh({"highway": "unknown_class"}) == network.settings.fallback_speed_kmh


def test_fallback_estimate_calibrated():
    xini, duguitala = (39.823583, 108.725147), (40.501277, 108.72843)
    straight = great_circle_km([xini, duguitala])[0, 1]
    assert straight == pytest.approx(75.4, abs=0.1)  # the data README's straight-line table
    km, minutes = estimated_matrix([xini, duguitala])
    assert km[0, 1] == pytest.approx(straight * 1.23)
    assert minutes[0, 1] == pytest.approx(km[0, 1] / 55.0 * 60)
    km2, _ = estimated_matrix([xini, duguitala], circuity=1.5, speed_kmh=40)
    assert km2[0, 1] == pytest.approx(straight * 1.5)
    with pytest.raises(ValueError, match="circuity"):
        estimated_matrix([xini, duguitala], circuity=0.5)
    assert "estimated road distances" in network.ESTIMATE_LABEL


def test_errors(tmp_path):
    with pytest.raises(InputError, match="no such OSM file"):
        load_graph(tmp_path / "missing.osm")
    bad = tmp_path / "bad.osm"
    bad.write_text("<osm><node id=", encoding="utf-8")
    with pytest.raises(InputError, match="bad.osm: cannot read OpenStreetMap data"):
        load_graph(bad)
    with pytest.raises(InputError, match="unknown OSM file type '.shp'"):
        (tmp_path / "roads.shp").write_text("x")
        load_graph(tmp_path / "roads.shp")
    footonly = write_osm(tmp_path / "foot.osm", {1: (40, 108), 2: (40.01, 108)}, [([1, 2], {"highway": "footway"})])
    with pytest.raises(InputError, match="no drivable roads"):
        load_graph(footonly)
    with pytest.raises(ValueError, match=r"\(lat, lon\) pairs"):
        great_circle_km([1.0, 2.0])


def test_export_edges(tmp_path, toy_osm):
    import geopandas as gpd

    graph = load_graph(toy_osm)
    out = network.write_geodataframe(network.edges_frame(graph), tmp_path / "edges.gpkg")
    frame = gpd.read_file(out)
    assert len(frame) == graph.number_of_edges()
    assert {"length_km", "minutes", "highway"} <= set(frame.columns)
    used = network.edges_frame(graph, [(1, 2)])
    assert len(used) == 1
    geo = network.write_geodataframe(used, tmp_path / "used.geojson")
    assert geo.read_text(encoding="utf-8").startswith("{")


def test_download_uses_the_cached_graph_offline(tmp_path, toy_osm):
    """A download cached earlier is read back without touching the network."""
    from shapely.geometry import box

    cached = network.save_graph(load_graph(toy_osm), tmp_path / "cached.graphml")
    graph = network.download_graph(box(107.9, 39.9, 108.1, 40.1), cache_path=cached)
    assert graph.number_of_edges() == load_graph(toy_osm).number_of_edges()


def test_network_export_command(tmp_path, hangjin_grid_osm, capsys):
    import csv

    from optimizer.cli import main

    assert main(["network", "export", "--out", str(tmp_path / "est")]) == 0
    with open(tmp_path / "est" / "matrix_km.csv", encoding="utf-8") as fh:
        first = fh.readline()
        rows = list(csv.reader(fh))
    assert "estimated road distances" in first
    assert rows[0][1:3] == ["HUB", "S1"] and len(rows) == 69
    assert main(["network", "export", "--graph", str(hangjin_grid_osm), "--out", str(tmp_path / "osm")]) == 0
    assert (tmp_path / "osm" / "roads.gpkg").is_file()
    assert "OpenStreetMap" in (tmp_path / "osm" / "matrix_minutes.csv").read_text(encoding="utf-8").splitlines()[0]


def test_array_form_keeps_speeds_surface_and_tracktype(toy_osm, tmp_path):
    roads = network.load_arrays(toy_osm)
    pairs = zip(roads.node_ids[roads.src].tolist(), roads.node_ids[roads.dst].tolist(), strict=True)
    speed = dict(zip(pairs, (roads.length_m / roads.time_s * 3.6).tolist(), strict=True))
    assert speed[(1, 2)] == pytest.approx(60.0)  # maxspeed
    assert speed[(2, 3)] == pytest.approx(25.0 * 0.7)  # track, tracktype grade3
    assert speed[(3, 1)] == pytest.approx(60.0 * 0.7)  # secondary on gravel
    assert (2, 1) not in speed  # one-way
    assert 4 not in set(roads.node_ids.tolist())  # footway only
    xml = tmp_path / "toy.xml"
    xml.write_bytes(toy_osm.read_bytes())
    assert network.load_arrays(xml).n_edges == roads.n_edges


@pytest.mark.parametrize("form", ["graph", "arrays"])
def test_main_roads_keep_the_main_classes_merged(hangjin_grid_osm, form):
    """On the grid only the S215 column is a primary road: one merged line along its whole length, either form."""
    from tests.conftest import GRID

    roads = (network.load_graph if form == "graph" else network.load_arrays)(hangjin_grid_osm)
    frame = network.main_roads(roads)
    assert list(frame["highway"]) == ["primary"] and list(frame["ref"]) == ["S215"]
    line = frame.geometry.iloc[0]
    assert line.geom_type == "LineString"  # both directions and every edge merged into one line
    lon = GRID["lon0"] + GRID["s215_col"] * GRID["step"]
    (x0, y0, x1, y1) = line.bounds
    assert abs(x0 - lon) < 1e-9 and abs(x1 - lon) < 1e-9
    assert abs(y0 - GRID["lat0"]) < 1e-9 and abs(y1 - (GRID["lat0"] + (GRID["rows"] - 1) * GRID["step"])) < 1e-9
    assert len(line.coords) == 2  # a straight road simplifies to its two ends
    every = network.main_roads(roads, frozenset({"primary", "tertiary"}))
    assert sorted(every["highway"]) == ["primary", "tertiary"]
