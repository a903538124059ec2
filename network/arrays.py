"""The array form of a road network (``RoadArrays``): node ids and coordinates, directed edges with lengths and
travel times, CSR matrices for shortest paths, built once per graph or file and reused."""

from __future__ import annotations

import hashlib
import weakref
from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx
import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from network import settings
from optimizer.errors import InputError

# Road classes of ``RoadArrays.highway``, by index; the last stands for any other value.
HIGHWAY_CLASSES: tuple[str, ...] = (*sorted(settings.speed_kmh_by_highway), "other")


def highway_codes(values) -> np.ndarray:
    """Index into ``HIGHWAY_CLASSES`` of each ``highway`` value (the first of a list from merged ways)."""
    index = {h: i for i, h in enumerate(HIGHWAY_CLASSES)}
    other = len(HIGHWAY_CLASSES) - 1
    first = (v[0] if isinstance(v, list) and v else v for v in values)
    return np.fromiter((index.get(str(v), other) for v in first), dtype=np.int8)


@dataclass(frozen=True, eq=False)
class RoadArrays:
    """A directed road network as NumPy arrays (the lean form ``network.load_arrays`` returns).

    Attributes
    ----------
    node_ids : OSM node id of each node row (int64).
    lat, lon : node coordinates (degrees, WGS84).
    src, dst : edge endpoints as node rows (int64); edges are directed, a two-way road has one edge each way.
    length_m : edge length (metres).
    time_s : edge travel time (seconds).
    way_id : OSM way id of each edge (int64; 0 where unknown).
    name, ref : the ``name`` and ``ref`` tags of each edge's way (object arrays of str, "" where untagged).
    highway : road class of each edge, an index into ``HIGHWAY_CLASSES`` (int8).
    clipping : what the source file lacked: ``missing_node_refs``, ``ways_cut``, ``ways_dropped``.
    source : the file the network was read from ("" if built from a graph).
    shapes : the edges' polylines, or None (straight edges): ``(lat, lon, start, stop)``, vertex coordinates
        (degrees) and per edge the positions of its first and last vertex in them (stepping back if start > stop).

    Derived once and cached: ``km`` and ``minutes`` (CSR matrices of edge km / minutes; the shortest of parallel
    edges), ``in_main_component`` (bool per node: in the largest strongly connected component), ``fingerprint``
    (hex digest of the contents, keys the matrix cache).
    """

    node_ids: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    length_m: np.ndarray
    time_s: np.ndarray
    way_id: np.ndarray
    name: np.ndarray
    ref: np.ndarray
    highway: np.ndarray
    clipping: dict[str, int] = field(default_factory=dict)
    source: str = ""
    shapes: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None

    def __repr__(self) -> str:
        return f"RoadArrays({self.n_nodes:,} nodes, {self.n_edges:,} edges, source={self.source!r})"

    @property
    def n_nodes(self) -> int:
        return len(self.node_ids)

    @property
    def n_edges(self) -> int:
        return len(self.src)

    @property
    def speed_kmh(self) -> np.ndarray:
        """Travel speed of each edge (km/h): its length over its travel time."""
        return self.length_m / np.maximum(self.time_s, 1e-9) * 3.6

    @cached_property
    def km(self) -> csr_matrix:
        return _sparse(self.n_nodes, self.src, self.dst, self.length_m / 1000.0)

    @cached_property
    def minutes(self) -> csr_matrix:
        return _sparse(self.n_nodes, self.src, self.dst, self.time_s / 60.0)

    @cached_property
    def in_main_component(self) -> np.ndarray:
        _, labels = connected_components(self.km, directed=True, connection="strong")
        return labels == np.bincount(labels).argmax()

    @cached_property
    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        for arr in (self.node_ids, self.lat, self.lon, self.src, self.dst, self.length_m, self.time_s):
            digest.update(np.ascontiguousarray(np.round(arr, 6) if arr.dtype.kind == "f" else arr).tobytes())
        return digest.hexdigest()[:16]

    @cached_property
    def main_tree(self) -> tuple[np.ndarray, cKDTree]:
        """Rows of the main component's nodes and a KD-tree over their unit-sphere positions."""
        rows = np.flatnonzero(self.in_main_component)
        return rows, cKDTree(unit_xyz(self.lat[rows], self.lon[rows]))

    @cached_property
    def _order(self) -> np.ndarray:
        return np.argsort(self.node_ids, kind="stable")

    def rows_of(self, node_ids) -> np.ndarray:
        """Node rows of OSM node ids; raises ``KeyError`` naming an id not in the network."""
        ids = np.atleast_1d(np.asarray(node_ids, dtype=np.int64))
        pos = np.searchsorted(self.node_ids, ids, sorter=self._order)
        pos = np.minimum(pos, self.n_nodes - 1)
        rows = self._order[pos]
        bad = self.node_ids[rows] != ids
        if bad.any():
            raise KeyError(f"node {int(ids[bad][0])} is not in the road network")
        return rows

    @cached_property
    def _best_edge(self) -> tuple[np.ndarray, np.ndarray]:
        """Sorted (src * n + dst) keys and the shortest edge of each node pair."""
        order = np.lexsort((self.length_m, self.dst, self.src))
        keys = self.src[order].astype(np.int64) * self.n_nodes + self.dst[order]
        first = np.ones(len(keys), dtype=bool)
        first[1:] = keys[1:] != keys[:-1]
        return keys[first], order[first]

    def edge_between(self, u_rows: np.ndarray, v_rows: np.ndarray) -> np.ndarray:
        """The shortest edge (index) from each node row in ``u_rows`` to the one in ``v_rows``; -1 where none."""
        keys, edges = self._best_edge
        want = np.asarray(u_rows, dtype=np.int64) * self.n_nodes + np.asarray(v_rows, dtype=np.int64)
        pos = np.minimum(np.searchsorted(keys, want), max(len(keys) - 1, 0))
        return np.where(keys[pos] == want, edges[pos], -1) if len(keys) else np.full(len(want), -1)

    def polyline(self, rows: np.ndarray) -> np.ndarray:
        """(lon, lat) vertices (degrees) along a path of node rows, following the edges' shapes."""
        rows = np.asarray(rows, dtype=np.int64)
        if len(rows) < 2 or self.shapes is None:
            return np.column_stack([self.lon[rows], self.lat[rows]])
        lat, lon, start, stop = self.shapes
        edges = self.edge_between(rows[:-1], rows[1:])
        if (edges < 0).any():
            raise KeyError("consecutive nodes of the path are not joined by an edge")
        parts = [np.column_stack([self.lon[rows[:1]], self.lat[rows[:1]]])]
        for e in edges.tolist():
            a, b = int(start[e]), int(stop[e])
            pos = np.arange(a, b + 1) if b >= a else np.arange(a, b - 1, -1)
            parts.append(np.column_stack([lon[pos[1:]], lat[pos[1:]]]))
        return np.concatenate(parts)

    def edge_lines(self, edges: np.ndarray) -> np.ndarray:
        """Shapely LineStrings (lon/lat) of the given edges, along their ways' polylines (vectorised)."""
        import shapely

        edges = np.asarray(edges, dtype=np.int64)
        if self.shapes is None:
            a, b = self.src[edges], self.dst[edges]
            coords = np.column_stack([np.stack([self.lon[a], self.lon[b]], 1).ravel(),
                                      np.stack([self.lat[a], self.lat[b]], 1).ravel()])  # fmt: skip
            return shapely.linestrings(coords, indices=np.repeat(np.arange(len(edges)), 2))
        lat, lon, start, stop = self.shapes
        first, last = start[edges], stop[edges]
        counts = np.abs(last - first) + 1
        step = np.where(last >= first, 1, -1)
        offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        pos = np.repeat(first, counts) + offsets * np.repeat(step, counts)
        return shapely.linestrings(
            np.column_stack([lon[pos], lat[pos]]), indices=np.repeat(np.arange(len(edges)), counts)
        )

    def without_roads(self, roads) -> tuple[RoadArrays, int]:
        """The network without the edges whose ``name`` or ``ref`` (or one of a ``;``-list) is in ``roads``, and
        how many edges that removed (a closed road; the nodes stay)."""
        wanted = {str(r) for r in roads}

        def hit(values: np.ndarray) -> np.ndarray:
            return np.fromiter((any(p in wanted for p in v.split(";")) for v in values), dtype=bool, count=len(values))

        drop = hit(self.name) | hit(self.ref)
        keep = ~drop
        kept = RoadArrays(
            self.node_ids, self.lat, self.lon, self.src[keep], self.dst[keep], self.length_m[keep],
            self.time_s[keep], self.way_id[keep], self.name[keep], self.ref[keep], self.highway[keep],
            dict(self.clipping), self.source,
            None if self.shapes is None else (*self.shapes[:2], self.shapes[2][keep], self.shapes[3][keep]),
        )  # fmt: skip
        return kept, int(drop.sum())

    def subset(self, keep_nodes: np.ndarray) -> RoadArrays:
        """The network restricted to the nodes where ``keep_nodes`` (bool per node) is true and the edges between
        them (vectorised)."""
        keep_edge = keep_nodes[self.src] & keep_nodes[self.dst]
        new_row = np.cumsum(keep_nodes) - 1
        e = keep_edge
        return RoadArrays(
            self.node_ids[keep_nodes], self.lat[keep_nodes], self.lon[keep_nodes],
            new_row[self.src[e]], new_row[self.dst[e]], self.length_m[e], self.time_s[e],
            self.way_id[e], self.name[e], self.ref[e], self.highway[e], dict(self.clipping), self.source,
            None if self.shapes is None else (*self.shapes[:2], self.shapes[2][e], self.shapes[3][e]),
        )  # fmt: skip


def unit_xyz(lat_deg: np.ndarray, lon_deg: np.ndarray) -> np.ndarray:
    """Points on the unit sphere (x, y, z) for (lat, lon) in degrees: chord distance grows with great-circle km."""
    lat, lon = np.radians(lat_deg), np.radians(lon_deg)
    return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])


def _sparse(n: int, src: np.ndarray, dst: np.ndarray, weight: np.ndarray) -> csr_matrix:
    # Keep the minimum over parallel edges: sort so the smallest comes first, then keep the first of each pair.
    order = np.lexsort((weight, dst, src))
    src, dst, weight = src[order], dst[order], weight[order]
    first = np.ones(len(src), dtype=bool)
    first[1:] = (src[1:] != src[:-1]) | (dst[1:] != dst[:-1])
    # csgraph treats explicit zeros as missing edges: a zero-length edge gets a tiny positive weight instead.
    w = np.maximum(weight[first], 1e-9)
    return csr_matrix((w, (src[first], dst[first])), shape=(n, n))


_CACHE: weakref.WeakKeyDictionary[nx.MultiDiGraph, tuple[int, RoadArrays]] = weakref.WeakKeyDictionary()


def _edge_strings(graph: nx.MultiDiGraph, key: str) -> np.ndarray:
    values = (d.get(key) for _, _, d in graph.edges(data=True))
    out = ["" if v is None else (";".join(map(str, v)) if isinstance(v, list) else str(v)) for v in values]
    return np.array(out, dtype=object)


def _graph_to_arrays(graph: nx.MultiDiGraph) -> RoadArrays:
    if graph.number_of_nodes() == 0:
        raise InputError("the road graph has no nodes")
    n, m = graph.number_of_nodes(), graph.number_of_edges()
    node_ids = np.fromiter(graph.nodes, dtype=np.int64, count=n)
    try:
        lat = np.fromiter((float(d["y"]) for _, d in graph.nodes(data=True)), dtype=float, count=n)
        lon = np.fromiter((float(d["x"]) for _, d in graph.nodes(data=True)), dtype=float, count=n)
    except KeyError as exc:
        raise InputError("road graph nodes need 'x' (longitude) and 'y' (latitude) attributes") from exc
    row = dict(zip(graph.nodes, range(n), strict=True))
    src = np.fromiter((row[u] for u, _ in graph.edges()), dtype=np.int64, count=m)
    dst = np.fromiter((row[v] for _, v in graph.edges()), dtype=np.int64, count=m)
    try:
        length_m = np.fromiter((float(d["length"]) for _, _, d in graph.edges(data=True)), dtype=float, count=m)
        time_s = np.fromiter((float(d["travel_time"]) for _, _, d in graph.edges(data=True)), dtype=float, count=m)
    except KeyError as exc:
        raise InputError(f"road graph edges lack {exc.args[0]!r}; build the graph with network.load_graph") from exc

    def _way(value) -> int:
        value = value[0] if isinstance(value, list) and value else value
        try:
            return int(value)
        except (TypeError, ValueError):
            return 0

    way_id = np.fromiter((_way(d.get("osmid")) for _, _, d in graph.edges(data=True)), dtype=np.int64, count=m)
    return RoadArrays(
        node_ids, lat, lon, src, dst, length_m, time_s, way_id, _edge_strings(graph, "name"),
        _edge_strings(graph, "ref"), highway_codes(d.get("highway") for _, _, d in graph.edges(data=True)),
        dict(graph.graph.get("clipping", {})), str(graph.graph.get("source", "")),
    )  # fmt: skip


def _stamp(graph: nx.MultiDiGraph) -> int:
    return graph.number_of_nodes() * 1_000_003 + graph.number_of_edges()


def prime_cache(graph: nx.MultiDiGraph, arrays: RoadArrays) -> None:
    """Remember ``arrays`` as the array form of ``graph`` (both built from the same file), so the first matrix
    does not convert the graph back."""
    _CACHE[graph] = (_stamp(graph), arrays)


def graph_arrays(graph: nx.MultiDiGraph | RoadArrays) -> RoadArrays:
    """Array form of a road graph (cached per graph object while its size is unchanged); a ``RoadArrays`` is
    returned as it is."""
    if isinstance(graph, RoadArrays):
        return graph
    stamp = _stamp(graph)
    cached = _CACHE.get(graph)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    arrays = _graph_to_arrays(graph)
    _CACHE[graph] = (stamp, arrays)
    return arrays
