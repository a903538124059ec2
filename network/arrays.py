"""Compact array form of a road graph (CSR adjacency, node coordinates), built once per graph and reused."""

from __future__ import annotations

import hashlib
import weakref
from dataclasses import dataclass

import networkx as nx
import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from optimizer.errors import InputError


@dataclass(frozen=True)
class GraphArrays:
    """Node ids and coordinates, edge weights as sparse matrices (parallel edges: the shortest kept), and the
    largest strongly connected component."""

    node_ids: np.ndarray  # OSM node ids, index i -> id
    lat: np.ndarray  # degrees
    lon: np.ndarray  # degrees
    km: csr_matrix  # edge length (km)
    minutes: csr_matrix  # edge travel time (minutes)
    in_main_component: np.ndarray  # bool per node: in the largest strongly connected component
    fingerprint: str
    position: dict[int, int]  # OSM node id -> index


_CACHE: weakref.WeakKeyDictionary[nx.MultiDiGraph, tuple[int, GraphArrays]] = weakref.WeakKeyDictionary()


def _sparse(n: int, src: np.ndarray, dst: np.ndarray, weight: np.ndarray) -> csr_matrix:
    # Keep the minimum over parallel edges: sort so the smallest comes last, then let the last write win.
    order = np.lexsort((-weight, dst, src))
    src, dst, weight = src[order], dst[order], weight[order]
    last = np.ones(len(src), dtype=bool)
    last[:-1] = (src[1:] != src[:-1]) | (dst[1:] != dst[:-1])
    # csgraph treats explicit zeros as missing edges: a zero-length edge gets a tiny positive weight instead.
    w = np.maximum(weight[last], 1e-9)
    return csr_matrix((w, (src[last], dst[last])), shape=(n, n))


def graph_arrays(graph: nx.MultiDiGraph) -> GraphArrays:
    """Array form of ``graph`` (cached per graph object while its size is unchanged)."""
    stamp = graph.number_of_nodes() * 1_000_003 + graph.number_of_edges()
    cached = _CACHE.get(graph)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    if graph.number_of_nodes() == 0:
        raise InputError("the road graph has no nodes")
    node_ids = np.fromiter(graph.nodes, dtype=np.int64, count=graph.number_of_nodes())
    index = {int(n): i for i, n in enumerate(node_ids)}
    try:
        lat = np.array([float(graph.nodes[n]["y"]) for n in graph.nodes])
        lon = np.array([float(graph.nodes[n]["x"]) for n in graph.nodes])
    except KeyError as exc:
        raise InputError("road graph nodes need 'x' (longitude) and 'y' (latitude) attributes") from exc
    m = graph.number_of_edges()
    src = np.empty(m, dtype=np.int64)
    dst = np.empty(m, dtype=np.int64)
    length_m = np.empty(m)
    time_s = np.empty(m)
    for k, (u, v, data) in enumerate(graph.edges(data=True)):
        src[k], dst[k] = index[int(u)], index[int(v)]
        try:
            length_m[k] = float(data["length"])
            time_s[k] = float(data["travel_time"])
        except KeyError as exc:
            raise InputError(
                f"road graph edge {u}->{v} lacks {exc.args[0]!r}; build it with network.load_graph"
            ) from exc
    n = len(node_ids)
    km = _sparse(n, src, dst, length_m / 1000.0)
    minutes = _sparse(n, src, dst, time_s / 60.0)
    _, labels = connected_components(km, directed=True, connection="strong")
    main = labels == np.bincount(labels).argmax()
    digest = hashlib.sha256()
    for arr in (node_ids, src, dst, np.round(length_m, 3), np.round(time_s, 3)):
        digest.update(np.ascontiguousarray(arr).tobytes())
    arrays = GraphArrays(node_ids, lat, lon, km, minutes, main, digest.hexdigest()[:16], index)
    _CACHE[graph] = (stamp, arrays)
    return arrays
