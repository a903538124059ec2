"""Road network: load a synthetic OSM extract of about 200,000 nodes (a banner-wide extract's size) and compute the
68-point matrix (centre, 6 stations, 61 villages) on it."""

from __future__ import annotations

import math
import tempfile
import time
from pathlib import Path

from benchmarks.common import run_isolated


def write_grid_osm(path: Path, side: int, spacing_deg: float = 0.003) -> int:
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


def time_once(nodes: int, points: int = 68) -> dict:
    import numpy as np

    import network

    network.settings.cache_folder = None
    side = int(math.sqrt(nodes))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "grid.osm"
        start = time.perf_counter()
        n = write_grid_osm(path, side)
        write_s = time.perf_counter() - start
        start = time.perf_counter()
        graph = network.load_graph(path)
        load_s = time.perf_counter() - start
    rng = np.random.default_rng(0)
    span = (side - 1) * 0.003
    pts = list(zip(39.5 + rng.uniform(0, span, points), 107.5 + rng.uniform(0, span, points), strict=True))
    start = time.perf_counter()
    km, _minutes = network.travel_matrix(graph, pts)
    matrix_s = time.perf_counter() - start
    start = time.perf_counter()
    network.travel_matrix(graph, pts)
    cached_s = time.perf_counter() - start
    return {"osm_nodes": n, "graph_nodes": graph.number_of_nodes(), "graph_edges": graph.number_of_edges(),
            "write_osm_s": round(write_s, 1), "load_graph_s": round(load_s, 1), "matrix_s": round(matrix_s, 2),
            "matrix_cached_s": round(cached_s, 4), "points": points, "finite": bool(np.isfinite(km).all())}  # fmt: skip


def run(quick: bool, jobs: int) -> dict:
    return {"runs": run_isolated([(time_once, {"nodes": 2_500 if quick else 202_500})], 1)}


def table(res: dict) -> str:
    lines = ["| OSM nodes | graph nodes / edges | load_graph (s) | 68-point matrix (s) | again, cached (s) | peak MB |",
             "| --- | --- | --- | --- | --- | --- |"]  # fmt: skip
    for r in res["runs"]:
        lines.append(f"| {r['osm_nodes']:,} | {r['graph_nodes']:,} / {r['graph_edges']:,} | {r['load_graph_s']} | "
                     f"{r['matrix_s']} | {r['matrix_cached_s']} | {r['peak_rss_mb']} |")  # fmt: skip
    return "\n".join(lines)
