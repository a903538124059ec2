"""Clipped extracts (ways running past the cut, their nodes missing) load in every format, with the counts
reported, and their matrices equal networkx shortest paths on the same graph."""

from __future__ import annotations

import logging
import re

import networkx as nx
import numpy as np
import osmium
import pytest

import network
from network import load_arrays, load_graph, travel_matrix
from tests.conftest import OSM_SAMPLES

BAVARIA = OSM_SAMPLES / "bavaria-small.osm"
CUT_LON = 10.0703  # a meridian through the middle of the sample: ways cross it


def _clip(path, suffix: str):
    """Keep the nodes west of CUT_LON and every way whole, as osmium extract --strategy simple does."""
    out = path / f"clipped{suffix}"
    with osmium.SimpleWriter(str(out), overwrite=True) as writer:
        for obj in osmium.FileProcessor(str(BAVARIA)):
            if obj.is_node() and obj.location.lon > CUT_LON:
                continue
            writer.add(obj)
    return out


def _expected_counts() -> dict[str, int]:
    """Count missing references and cut ways by hand (sets, no arrays) for the drivable ways of the clip."""
    kept = {n.id for n in osmium.FileProcessor(str(BAVARIA), osmium.osm.NODE) if n.location.lon <= CUT_LON}
    missing = cut = dropped = 0
    for way in osmium.FileProcessor(str(BAVARIA), osmium.osm.WAY):
        if way.tags.get("highway") not in network.settings.drivable_highways:
            continue
        if {way.tags.get("access"), way.tags.get("motor_vehicle")} & {"no", "private"}:
            continue
        refs = [n.ref for n in way.nodes]
        present = [r in kept for r in refs]
        pieces = sum(1 for a, b, p, q in zip(refs, refs[1:], present, present[1:], strict=False) if p and q and a != b)
        missing += present.count(False)
        cut += (False in present) and pieces > 0
        dropped += pieces == 0
    return {"missing_node_refs": missing, "ways_cut": cut, "ways_dropped": dropped}


@pytest.fixture(scope="module")
def clipped(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clipped")
    return {suffix: _clip(folder, suffix) for suffix in (".osm", ".osm.bz2", ".osm.pbf")}


def test_osmnx_reader_fails_on_the_clip_we_load(clipped):
    import osmnx as ox

    with pytest.raises(ValueError, match="clipping"):
        ox.graph_from_xml(clipped[".osm"], simplify=False, retain_all=True)


@pytest.mark.parametrize("suffix", [".osm", ".osm.bz2", ".osm.pbf"])
def test_clipped_extract_loads_with_counts(clipped, suffix, caplog):
    expected = _expected_counts()
    assert expected["missing_node_refs"] > 0 and expected["ways_cut"] > 0
    with caplog.at_level(logging.WARNING, logger="network._osm"):
        graph = load_graph(clipped[suffix])
    assert graph.graph["clipping"] == expected
    assert "clipped extract" in caplog.text and str(expected["missing_node_refs"]) in caplog.text
    assert all(d["x"] <= CUT_LON for _, d in graph.nodes(data=True))
    arrays = load_arrays(clipped[suffix])
    assert arrays.clipping == expected
    assert arrays.lon.max() <= CUT_LON
    # only what is routable: every node is on an edge, every edge has a positive length
    assert np.isin(np.arange(arrays.n_nodes), np.concatenate([arrays.src, arrays.dst])).all()
    assert (arrays.length_m > 0).all()


def test_clipped_formats_agree_and_match_networkx(clipped):
    graphs = {s: load_graph(p) for s, p in clipped.items()}
    first = graphs[".osm"]
    for graph in graphs.values():
        assert sorted(graph.nodes) == sorted(first.nodes)
        assert graph.number_of_edges() == first.number_of_edges()
    main = sorted(max(nx.strongly_connected_components(first), key=len))
    points = [(first.nodes[n]["y"], first.nodes[n]["x"]) for n in main]
    km, minutes = travel_matrix(first, points)
    for i, a in enumerate(main):
        lengths = nx.single_source_dijkstra_path_length(first, a, weight="length")
        times = nx.single_source_dijkstra_path_length(first, a, weight="travel_time")
        np.testing.assert_allclose(km[i], [lengths[b] / 1000 for b in main], rtol=1e-9)
        np.testing.assert_allclose(minutes[i], [times[b] / 60 for b in main], rtol=1e-9)
    # the array form gives the same matrix at the same (intersection) points
    km2, minutes2 = travel_matrix(load_arrays(clipped[".osm.pbf"]), points)
    np.testing.assert_allclose(km2, km, rtol=1e-9)
    np.testing.assert_allclose(minutes2, minutes, rtol=1e-9)


def test_graphml_with_edges_to_missing_nodes(clipped, tmp_path, caplog):
    graph = load_graph(clipped[".osm"])
    saved = network.save_graph(graph, tmp_path / "g.graphml")
    text = saved.read_text(encoding="utf-8")
    victim = sorted(graph.nodes)[0]
    cut = re.sub(rf'<node id="{victim}">.*?</node>', "", text, count=1, flags=re.S)
    assert cut != text
    (tmp_path / "cut.graphml").write_text(cut, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="network.graph"):
        again = load_graph(tmp_path / "cut.graphml")
    assert victim not in again.nodes
    assert again.graph["clipping"]["missing_node_refs"] == 1
    assert again.graph["clipping"]["ways_cut"] >= 1
    assert "clipped" in caplog.text
    assert load_graph(saved).graph["clipping"]["missing_node_refs"] == 0
