"""Distance (km) and travel-time (minutes) matrices between facilities by shortest paths on the road graph."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from pathlib import Path

import networkx as nx
import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from network import settings
from network.arrays import RoadArrays, graph_arrays
from network.distance import _as_points, great_circle_km
from network.snap import snap_points

log = logging.getLogger(__name__)

_MEMORY: dict[str, tuple[np.ndarray, np.ndarray]] = {}


def _cache_key(fingerprint: str, points: np.ndarray) -> str:
    digest = hashlib.sha256(fingerprint.encode())
    digest.update(np.round(points, 7).tobytes())
    return digest.hexdigest()[:24]


def _disk_path(key: str) -> Path | None:
    folder = settings.cache_folder
    return None if folder is None else Path(folder) / "matrices" / f"{key}.npz"


def _bounds(ga: RoadArrays, sources: np.ndarray) -> np.ndarray:
    """First Dijkstra limit (km) per source: its farthest other source, great-circle, times an allowance."""
    pts = np.column_stack([ga.lat[sources], ga.lon[sources]])
    far = great_circle_km(pts).max(axis=1) if len(sources) > 1 else np.zeros(1)
    return far * settings.matrix_bound_circuity + settings.matrix_bound_slack_km


def _rows_to_sources(weights: csr_matrix, sources: np.ndarray, bound: np.ndarray) -> np.ndarray:
    """Shortest-path weights between ``sources`` (node rows): Dijkstra from each, bounded by its ``bound`` (same
    unit as the weights), sources with similar bounds run together; a source whose bound missed a target is run
    again with the bound doubled (at last unbounded). Bounded results are exact: a node within the bound has its
    true distance."""
    k, n = len(sources), weights.shape[0]
    out = np.full((k, k), np.inf)
    todo, bound = np.arange(k), bound.astype(float).copy()
    block = max(1, min(settings.matrix_sources_per_run, _BLOCK_CELLS // max(n, 1)))
    total = float(weights.data.sum()) if weights.nnz else 0.0
    while todo.size:
        todo = todo[np.argsort(bound[todo], kind="stable")]
        for i in range(0, todo.size, block):
            rows = todo[i : i + block]
            limit = float(bound[rows].max())
            dist = dijkstra(weights, directed=True, indices=sources[rows], limit=limit if limit < total else np.inf)
            out[rows] = dist[:, sources]
        missed = todo[~np.isfinite(out[todo]).all(axis=1)]
        unbounded = bound[missed] >= total
        todo = missed[~unbounded]
        bound[todo] *= 2.0
    return out


def travel_matrix(
    graph: nx.MultiDiGraph | RoadArrays,
    points: Sequence[tuple[float, float]],
    *,
    names: Sequence[str] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Road distance (km) and travel time (minutes) between every pair of (lat, lon) points.

    Parameters
    ----------
    graph : a road graph from ``network.load_graph`` (``networkx.MultiDiGraph``, edges with ``length`` in metres
        and ``travel_time`` in seconds) or its array form from ``network.load_arrays`` (``RoadArrays``).
    points : (lat, lon) pairs in degrees (WGS84).
    names : labels for the warnings about points far from any road.

    Returns
    -------
    (km, minutes) : square arrays; ``km[i][j]`` is the shortest-path length (km) and ``minutes[i][j]`` the
    shortest travel time (minutes) from the node of point i to the node of point j (the two may follow
    different paths).

    Each point is snapped to the nearest node of the largest strongly connected component
    (``network.snap_points``). Dijkstra runs from every point, bounded by distance (the farthest other point
    times ``settings.matrix_bound_circuity``, widened where a pair is not reached), so the results are exact.
    Cached in memory and, if ``settings.cache_folder`` is set, on disk, keyed by the graph's contents and the
    points.
    """
    arr = _as_points(points)
    ga = graph_arrays(graph)
    key = _cache_key(ga.fingerprint, arr)
    if key in _MEMORY:
        km, minutes = _MEMORY[key]
        return km.copy(), minutes.copy()
    path = _disk_path(key)
    if path is not None and path.is_file():
        with np.load(path) as data:
            km, minutes = data["km"], data["minutes"]
        _MEMORY[key] = (km, minutes)
        return km.copy(), minutes.copy()
    snap = snap_points(ga, arr, names)
    sources = snap.index
    bound_km = _bounds(ga, sources)
    km = _rows_to_sources(ga.km, sources, bound_km)
    minutes = _rows_to_sources(ga.minutes, sources, bound_km / settings.matrix_bound_speed_kmh * 60.0)
    _MEMORY[key] = (km, minutes)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.stem + ".tmp.npz")
            np.savez_compressed(tmp, km=km, minutes=minutes)
            tmp.replace(path)
        except OSError as exc:  # a read-only cache folder must not stop a plan
            log.warning("could not cache the travel matrix in %s: %s", path.parent, exc)
    return km.copy(), minutes.copy()


def shortest_path_nodes(
    graph: nx.MultiDiGraph | RoadArrays, source: int, target: int, *, weight: str = "length"
) -> list[int]:
    """OSM node ids along the shortest path (by ``weight``: ``length`` or ``travel_time``) from source to target.

    ``graph`` is a networkx road graph or its array form. One Dijkstra per source node (scipy, predecessors kept
    in memory, the most recent few), so the paths of many legs from the same stops cost little more than one.
    """
    ga = graph_arrays(graph)
    start, at = (int(r) for r in ga.rows_of([source, target]))
    key = (ga.fingerprint, weight, start)
    pred = _PREDECESSORS.pop(key, None)
    if pred is None:
        matrix = ga.km if weight == "length" else ga.minutes
        pred = dijkstra(matrix, directed=True, indices=start, return_predecessors=True)[1].astype(np.int32)
    _PREDECESSORS[key] = pred
    while len(_PREDECESSORS) > 1 and sum(p.size for p in _PREDECESSORS.values()) > _PREDECESSOR_CELLS:
        _PREDECESSORS.pop(next(iter(_PREDECESSORS)))
    path = [at]
    while path[-1] != start:
        at = pred[path[-1]]
        if at < 0:
            raise nx.NetworkXNoPath(f"no path from node {source} to node {target}")
        path.append(at)
    return [int(ga.node_ids[i]) for i in reversed(path)]


def route_geometry(
    graph: nx.MultiDiGraph | RoadArrays,
    start: tuple[float, float],
    end: tuple[float, float],
    *,
    weight: str = "length",
) -> list[tuple[float, float]]:
    """The road polyline of the shortest path (by ``weight``) between two (lat, lon) points, as (lon, lat) pairs
    in degrees (GeoJSON order), from the snapped node of ``start`` to that of ``end``.

    On a networkx graph it follows the edges' geometries where present; on ``RoadArrays`` every node is a vertex.
    """
    from network.gis import path_geometry

    snap = snap_points(graph, [start, end])
    nodes = shortest_path_nodes(graph, int(snap.node[0]), int(snap.node[1]), weight=weight)
    return [(float(x), float(y)) for x, y in path_geometry(graph, nodes).coords]


# (graph, weight, source row) -> predecessor row, oldest first; at most _PREDECESSOR_CELLS entries in all
_PREDECESSORS: dict[tuple[str, str, int], np.ndarray] = {}
_PREDECESSOR_CELLS = 50_000_000
# distances held at once by one Dijkstra run (sources x nodes, float64): 128 MB
_BLOCK_CELLS = 16_000_000
