"""Distance (km) and travel-time (minutes) matrices between facilities by shortest paths on the road graph."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from pathlib import Path

import networkx as nx
import numpy as np
from scipy.sparse.csgraph import dijkstra

from network import settings
from network.arrays import graph_arrays
from network.distance import _as_points
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


def travel_matrix(
    graph: nx.MultiDiGraph,
    points: Sequence[tuple[float, float]],
    *,
    names: Sequence[str] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Road distance (km) and travel time (minutes) between every pair of (lat, lon) points.

    Each point is snapped to the nearest node of the graph's largest strongly connected component
    (``network.snap_points``); ``km[i][j]`` is the shortest-path length and ``minutes[i][j]`` the shortest travel
    time from the node of point i to the node of point j (the two may follow different paths). One multi-source
    Dijkstra per weight. Results are cached in memory and, if ``settings.cache_folder`` is set, on disk, keyed by
    the graph's contents and the points.
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
    snap = snap_points(graph, arr, names)
    sources = snap.index
    km = dijkstra(ga.km, directed=True, indices=sources)[:, sources]
    minutes = dijkstra(ga.minutes, directed=True, indices=sources)[:, sources]
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


def shortest_path_nodes(graph: nx.MultiDiGraph, source: int, target: int, *, weight: str = "length") -> list[int]:
    """OSM node ids along the shortest path (by ``weight``: ``length`` or ``travel_time``) from source to target.

    One Dijkstra per source node (scipy, predecessors kept in memory), so the paths of many legs from the same
    stops cost little more than one.
    """
    ga = graph_arrays(graph)
    start, at = ga.position[int(source)], ga.position[int(target)]
    key = (ga.fingerprint, weight, start)
    if key not in _PREDECESSORS:
        matrix = ga.km if weight == "length" else ga.minutes
        _PREDECESSORS[key] = dijkstra(matrix, directed=True, indices=start, return_predecessors=True)[1]
    pred = _PREDECESSORS[key]
    path = [at]
    while path[-1] != start:
        at = pred[path[-1]]
        if at < 0:
            raise nx.NetworkXNoPath(f"no path from node {source} to node {target}")
        path.append(at)
    return [int(ga.node_ids[i]) for i in reversed(path)]


_PREDECESSORS: dict[tuple[str, str, int], np.ndarray] = {}  # (graph, weight, source index) -> predecessor row
