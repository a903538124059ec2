"""Road network: a synthetic OSM extract of about 200,000 nodes (a banner-wide extract's size) loaded three ways
(the array form, the networkx graph, OSMnx's own reader) with the 68-point matrix (centre, 6 stations, 61 villages);
and a synthetic region extract cut into county cells, one matrix per county from the one loaded region."""

from __future__ import annotations

import math
import os
import tempfile
import time
from pathlib import Path

from benchmarks.common import run_isolated

SPACING_DEG = 0.003


def write_grid_osm(path: Path, side: int, spacing_deg: float = SPACING_DEG) -> int:
    """A side x side grid of two-way roads (tertiary rows, track columns every 5th primary) as OSM XML."""
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("<?xml version='1.0' encoding='UTF-8'?>\n<osm version=\"0.6\">\n")
        for r in range(side):
            for c in range(side):
                fh.write(f'<node id="{r * side + c + 1}" lat="{39.5 + r * spacing_deg:.6f}" '
                         f'lon="{107.5 + c * spacing_deg:.6f}" version="1"/>\n')  # fmt: skip
        way = 1
        for r in range(side):
            refs = "".join(f'<nd ref="{r * side + c + 1}"/>' for c in range(side))
            kind = "primary" if r % 5 == 0 else "tertiary"
            fh.write(f'<way id="{way}" version="1">{refs}<tag k="highway" v="{kind}"/></way>\n')
            way += 1
        for c in range(side):
            refs = "".join(f'<nd ref="{r * side + c + 1}"/>' for r in range(side))
            fh.write(f'<way id="{way}" version="1">{refs}<tag k="highway" v="track"/><tag k="surface" v="gravel"/>'
                     "</way>\n")  # fmt: skip
            way += 1
        fh.write("</osm>\n")
    return side * side


def write_region_pbf(path: Path, junctions: int, shape_nodes: int = 3, spacing_deg: float = 0.01) -> int:
    """A region-size ``.osm.pbf``: a junctions x junctions grid of two-way roads with ``shape_nodes`` shape points
    between neighbouring junctions (as real OSM ways have), tertiary rows, gravel-track columns, every 10th row and
    column primary. Returns the number of nodes."""
    import osmium
    from osmium.osm.mutable import Node, Way

    step = shape_nodes + 1
    side = (junctions - 1) * step + 1  # nodes along one road
    row_id = lambda r, k: 1 + r * side + k  # noqa: E731  (node k along row road r)
    col_base = 1 + junctions * side

    def col_id(c: int, k: int) -> int:  # node k along column road c: a junction where k is a multiple of step
        if k % step == 0:
            return row_id(k // step, c * step)
        return col_base + c * (junctions - 1) * shape_nodes + (k // step) * shape_nodes + (k % step) - 1

    with osmium.SimpleWriter(str(path), overwrite=True) as writer:
        for r in range(junctions):
            for k in range(side):
                writer.add_node(
                    Node(id=row_id(r, k), location=(107.0 + k * spacing_deg / step, 38.0 + r * spacing_deg))
                )
        for c in range(junctions):
            for k in range(side):
                if k % step:
                    writer.add_node(
                        Node(id=col_id(c, k), location=(107.0 + c * spacing_deg, 38.0 + k * spacing_deg / step))
                    )
        for r in range(junctions):
            kind = "primary" if r % 10 == 0 else "tertiary"
            writer.add_way(Way(id=1 + r, nodes=[row_id(r, k) for k in range(side)], tags={"highway": kind}))
        for c in range(junctions):
            tags = {"highway": "primary"} if c % 10 == 0 else {"highway": "track", "surface": "gravel"}
            writer.add_way(Way(id=1 + junctions + c, nodes=[col_id(c, k) for k in range(side)], tags=tags))
    return region_nodes(junctions, shape_nodes)


def _points(lat0: float, lon0: float, span_lat: float, span_lon: float, count: int, seed: int) -> list:
    import numpy as np

    rng = np.random.default_rng(seed)
    lat = lat0 + rng.uniform(0, span_lat, count)
    lon = lon0 + rng.uniform(0, span_lon, count)
    return list(zip(lat.tolist(), lon.tolist(), strict=True))


def banner_arrays(path: str, pbf: str, side: int, points: int = 68) -> dict:
    """The lean path: ``network.load_arrays`` from the .osm and the .osm.pbf, then the first and cached matrix."""
    import numpy as np

    import network

    network.settings.cache_folder = None
    start = time.perf_counter()
    network.load_arrays(path)
    load_xml_s = time.perf_counter() - start
    start = time.perf_counter()
    roads = network.load_arrays(pbf)
    load_s = time.perf_counter() - start
    span = (side - 1) * SPACING_DEG
    pts = _points(39.5, 107.5, span, span, points, 0)
    start = time.perf_counter()
    km, _ = network.travel_matrix(roads, pts)
    matrix_s = time.perf_counter() - start
    start = time.perf_counter()
    network.travel_matrix(roads, pts)
    cached_s = time.perf_counter() - start
    return {"reader": "network.load_arrays", "osm_nodes": side * side, "nodes": roads.n_nodes,
            "edges": roads.n_edges, "load_xml_s": round(load_xml_s, 2), "load_s": round(load_s, 2),
            "matrix_s": round(matrix_s, 2), "matrix_cached_s": round(cached_s, 4), "points": points,
            "finite": bool(np.isfinite(km).all())}  # fmt: skip


def banner_graph(path: str, side: int, points: int = 68) -> dict:
    """``network.load_graph`` (the networkx form of the API) and its first matrix."""
    import numpy as np

    import network

    network.settings.cache_folder = None
    start = time.perf_counter()
    graph = network.load_graph(path)
    load_s = time.perf_counter() - start
    span = (side - 1) * SPACING_DEG
    start = time.perf_counter()
    km, _ = network.travel_matrix(graph, _points(39.5, 107.5, span, span, points, 0))
    matrix_s = time.perf_counter() - start
    return {"reader": "network.load_graph", "osm_nodes": side * side, "nodes": graph.number_of_nodes(),
            "edges": graph.number_of_edges(), "load_xml_s": round(load_s, 2), "matrix_s": round(matrix_s, 2),
            "finite": bool(np.isfinite(km).all())}  # fmt: skip


def banner_osmnx(path: str, side: int) -> dict:
    """The same file through ``osmnx.graph_from_xml`` (unsimplified, all components), for the side-by-side ratio."""
    import osmnx as ox

    ox.settings.log_console = False
    start = time.perf_counter()
    graph = ox.graph_from_xml(path, simplify=False, retain_all=True)
    load_s = time.perf_counter() - start
    return {"reader": "osmnx.graph_from_xml", "osm_nodes": side * side, "nodes": graph.number_of_nodes(),
            "edges": graph.number_of_edges(), "load_xml_s": round(load_s, 2)}  # fmt: skip


def banner_shaped(path: str, junctions: int, points: int = 68) -> dict:
    """A banner-size extract with shape points (as real OSM ways have): ``load_arrays`` and its first matrix."""
    import numpy as np

    import network

    network.settings.cache_folder = None
    start = time.perf_counter()
    roads = network.load_arrays(path)
    load_s = time.perf_counter() - start
    span = (junctions - 1) * 0.01
    pts = _points(38.0, 107.0, span, span, points, 0)
    start = time.perf_counter()
    km, _ = network.travel_matrix(roads, pts)
    matrix_s = time.perf_counter() - start
    start = time.perf_counter()
    network.travel_matrix(roads, pts)
    cached_s = time.perf_counter() - start
    return {"reader": "shaped", "osm_nodes": region_nodes(junctions), "nodes": roads.n_nodes,
            "edges": roads.n_edges, "load_s": round(load_s, 2), "matrix_s": round(matrix_s, 2),
            "matrix_cached_s": round(cached_s, 4), "points": points, "finite": bool(np.isfinite(km).all())}  # fmt: skip


def real_extract(path: str, points: int = 40) -> dict:
    """A real OSM extract (clipped at its edges): load it, count what it lacks, and check its matrix against
    networkx shortest paths on the same graph (max absolute difference, km)."""
    import networkx as nx
    import numpy as np

    import network

    network.settings.cache_folder = None
    start = time.perf_counter()
    roads = network.load_arrays(path)
    load_s = time.perf_counter() - start
    graph = network.load_graph(path)
    main = sorted(max(nx.strongly_connected_components(graph), key=len))
    nodes = main[:: max(1, len(main) // points)][:points]
    km, _ = network.travel_matrix(roads, [(graph.nodes[n]["y"], graph.nodes[n]["x"]) for n in nodes])
    trees = (nx.single_source_dijkstra_path_length(graph, a, weight="length") for a in nodes)
    ref = np.array([[d[b] / 1000 for b in nodes] for d in trees])
    return {"reader": "real", "file": Path(path).name, "nodes": roads.n_nodes, "edges": roads.n_edges,
            "load_s": round(load_s, 3), **roads.clipping, "points": len(nodes),
            "max_diff_km": float(np.abs(km - ref).max())}  # fmt: skip


def region_counties(path: str, junctions: int, cells: int, points: int, margin_km: float) -> dict:
    """Load the region once (arrays) and compute one matrix per county cell of a cells x cells partition."""
    import numpy as np
    from shapely.geometry import box

    import network

    network.settings.cache_folder = None
    start = time.perf_counter()
    region = network.load_arrays(path)
    load_s = time.perf_counter() - start
    span = (junctions - 1) * 0.01
    size = span / cells
    finite = True
    start = time.perf_counter()
    for i in range(cells):
        for j in range(cells):
            lat0, lon0 = 38.0 + i * size, 107.0 + j * size
            county = box(lon0, lat0, lon0 + size, lat0 + size)
            km, _ = network.county_matrix(region, county, _points(lat0, lon0, size, size, points, i * cells + j),
                                          margin_km=margin_km)  # fmt: skip
            finite &= bool(np.isfinite(km).all())
    counties_s = time.perf_counter() - start
    return {"reader": "region", "osm_nodes": region_nodes(junctions), "nodes": region.n_nodes,
            "edges": region.n_edges, "load_s": round(load_s, 1), "counties": cells * cells, "points": points,
            "margin_km": margin_km, "counties_s": round(counties_s, 1), "finite": finite}  # fmt: skip


def region_nodes(junctions: int, shape_nodes: int = 3) -> int:
    """Nodes in ``write_region_pbf``'s extract."""
    side = (junctions - 1) * (shape_nodes + 1) + 1
    return junctions * side + junctions * (junctions - 1) * shape_nodes


def _in_turn(tasks: list[tuple[str, dict]]) -> dict:
    import resource

    runs = []
    for name, kwargs in tasks:
        runs.append(globals()[name](**kwargs))
        runs[-1]["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return {"runs": runs}


def run(quick: bool, jobs: int) -> dict:
    import osmium

    side = 50 if quick else int(math.sqrt(202_500))
    junctions, cells, points = (41, 2, 10) if quick else (_REGION_JUNCTIONS, 10, 100)
    shaped_junctions = 15 if quick else _BANNER_JUNCTIONS
    real = [p for p in os.environ.get("RURALPOST_REAL_OSM", "").split(os.pathsep) if p]
    with tempfile.TemporaryDirectory() as tmp:
        xml, pbf, region = Path(tmp) / "grid.osm", Path(tmp) / "grid.osm.pbf", Path(tmp) / "region.osm.pbf"
        shaped = Path(tmp) / "shaped.osm.pbf"
        write_region_pbf(shaped, shaped_junctions)
        write_grid_osm(xml, side)
        with osmium.SimpleWriter(str(pbf)) as writer:
            for obj in osmium.FileProcessor(str(xml)):
                writer.add(obj)
        start = time.perf_counter()
        write_region_pbf(region, junctions)
        region_write_s = time.perf_counter() - start
        tasks = [
            (banner_arrays, {"path": str(xml), "pbf": str(pbf), "side": side}),
            (banner_graph, {"path": str(xml), "side": side}),
            (banner_osmnx, {"path": str(xml), "side": side}),
            (banner_shaped, {"path": str(shaped), "junctions": shaped_junctions}),
            (
                region_counties,
                {
                    "path": str(region),
                    "junctions": junctions,
                    "cells": cells,
                    "points": points,
                    "margin_km": 5.0 if quick else 20.0,
                },
            ),
            *((real_extract, {"path": p}) for p in real),
        ]
        # one at a time, each in its own process: fair timings and peaks (quick: all in one, to start fast)
        if quick:
            runs = run_isolated([(_in_turn, {"tasks": [(fn.__name__, kw) for fn, kw in tasks]})], 1)[0]["runs"]
        else:
            runs = run_isolated(tasks, 1)
    return {"runs": runs, "region_write_s": round(region_write_s, 1)}


# 655 x 655 junctions with 3 shape points between neighbours: about 3.0 million nodes; 171 x 171: 203,661
_REGION_JUNCTIONS = 655
_BANNER_JUNCTIONS = 171


def table(res: dict) -> str:
    runs = {r.get("reader"): r for r in res["runs"]}
    if "network.load_arrays" not in runs:  # results from before the array form
        r = res["runs"][0]
        return (f"| OSM nodes | load_graph (s) | 68-point matrix (s) | cached (s) | peak MB |\n"
                f"| --- | --- | --- | --- | --- |\n| {r['osm_nodes']:,} | {r['load_graph_s']} | {r['matrix_s']} | "
                f"{r['matrix_cached_s']} | {r['peak_rss_mb']} |")  # fmt: skip
    lines = ["| reader | OSM nodes | nodes / edges | load .osm (s) | load .osm.pbf (s) | first matrix (s) | cached (s) "
             "| peak MB |", "| --- | --- | --- | --- | --- | --- | --- | --- |"]  # fmt: skip
    for name in ("network.load_arrays", "network.load_graph", "osmnx.graph_from_xml"):
        r = runs.get(name)
        if r is None:
            continue
        if "error" in r:
            lines.append(f"| `{name}` | – | – | {r['error']} | | | | {r['peak_rss_mb']} |")
            continue
        lines.append(f"| `{name}` | {r['osm_nodes']:,} | {r['nodes']:,} / {r['edges']:,} | {r['load_xml_s']} | "
                     f"{r.get('load_s', '–')} | {r.get('matrix_s', '–')} | {r.get('matrix_cached_s', '–')} | "
                     f"{r['peak_rss_mb']:,.0f} |")  # fmt: skip
    a, ox_ = runs.get("network.load_arrays"), runs.get("osmnx.graph_from_xml")
    if a and ox_ and "error" not in a and "error" not in ox_:
        lines += ["", f"Same .osm file: `load_arrays` {ox_['load_xml_s'] / a['load_xml_s']:.1f}x faster than "
                      f"`osmnx.graph_from_xml` (which does not simplify; `load_arrays` does)."]  # fmt: skip
    sh = runs.get("shaped")
    if sh and "error" not in sh:
        lines += ["", "Banner-size extract with 3 shape points between junctions (as real OSM ways have; .osm.pbf): "
                      f"{sh['osm_nodes']:,} OSM nodes, {sh['nodes']:,} nodes / {sh['edges']:,} edges after "
                      f"simplification; `load_arrays` {sh['load_s']} s, first {sh['points']}-point matrix "
                      f"{sh['matrix_s']} s, cached {sh['matrix_cached_s']} s, "
                      f"peak {sh['peak_rss_mb']:,.0f} MB."]  # fmt: skip
    for r in (r for r in res["runs"] if r.get("reader") == "real" and "error" not in r):
        lines += ["", f"Real clipped extract `{r['file']}`: {r['nodes']:,} nodes / {r['edges']:,} edges, loaded in "
                      f"{r['load_s']} s; {r['missing_node_refs']:,} node references missing, {r['ways_cut']} ways "
                      f"cut, {r['ways_dropped']} dropped; {r['points']}-point matrix against networkx: max difference "
                      f"{r['max_diff_km']:.1e} km."]  # fmt: skip
    g = runs.get("region")
    if g:
        lines += ["", "| region extract | OSM nodes | nodes / edges after simplification | load .osm.pbf (s) | "
                      "counties x points | margin (km) | all county matrices (s) | peak MB |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- |"]  # fmt: skip
        if "error" in g:
            lines.append(f"| synthetic | – | – | {g['error']} | | | | {g['peak_rss_mb']} |")
        else:
            lines.append(f"| synthetic | {g['osm_nodes']:,} | {g['nodes']:,} / {g['edges']:,} | {g['load_s']} | "
                         f"{g['counties']} x {g['points']} | {g['margin_km']:g} | {g['counties_s']} | "
                         f"{g['peak_rss_mb']:,.0f} |")  # fmt: skip
    return "\n".join(lines)
