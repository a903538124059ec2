"""Build a drivable road graph from OpenStreetMap: local ``.osm``/``.osm.bz2``/``.osm.pbf`` files, GraphML, or a
download for a boundary polygon (online only, cached on disk)."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import networkx as nx
import numpy as np
import osmnx as ox

from network import settings
from network._osm import OsmWays, Segments, read_ways, segments
from network.arrays import RoadArrays, highway_codes, prime_cache
from network.speeds import add_travel_times
from optimizer.errors import InputError

log = logging.getLogger(__name__)

# OSM tags kept on edges: osmnx drops surface and tracktype unless asked, and the speed model uses them.
_EXTRA_WAY_TAGS = ("surface", "tracktype", "maxspeed", "highway", "access", "motor_vehicle", "ref", "name")
_NO_ACCESS = frozenset({"no", "private"})
_XML_SUFFIXES = (".osm", ".xml", ".osm.bz2", ".xml.bz2", ".osm.xml")

# The licence line every output built on OpenStreetMap data repeats (ODbL 1.0 asks for it).
ATTRIBUTION = "Road data © OpenStreetMap contributors, ODbL 1.0 (https://www.openstreetmap.org/copyright)"


def _configure_osmnx() -> None:
    tags = list(ox.settings.useful_tags_way)
    ox.settings.useful_tags_way = tags + [t for t in _EXTRA_WAY_TAGS if t not in tags]
    ox.settings.log_console = False


def _suffix(path: Path) -> str:
    name = path.name.lower()
    for suffix in (".osm.pbf", ".osm.bz2", ".xml.bz2", ".osm.xml"):
        if name.endswith(suffix):
            return suffix
    return path.suffix.lower()


def _drivable(data: dict) -> bool:
    highway = data.get("highway")
    values = highway if isinstance(highway, list) else [highway]
    if not any(str(v) in settings.drivable_highways for v in values):
        return False
    for key in ("access", "motor_vehicle"):
        value = data.get(key)
        if isinstance(value, str) and value in _NO_ACCESS:
            return False
    return True


def drivable_subgraph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Drop edges a van may not use (footways, paths, private roads) and the nodes left isolated, in place."""
    drop = [(u, v, k) for u, v, k, data in graph.edges(keys=True, data=True) if not _drivable(data)]
    graph.remove_edges_from(drop)
    graph.remove_nodes_from([n for n in list(graph.nodes) if graph.degree(n) == 0])
    return graph


def _read_segments(path: Path, *, simplify: bool = True) -> tuple[OsmWays, Segments]:
    if not path.is_file():
        raise InputError(f"{path}: no such OSM file")
    suffix = _suffix(path)
    if suffix != ".osm.pbf" and suffix not in _XML_SUFFIXES:
        raise InputError(f"{path}: unknown OSM file type {suffix!r} (use .osm, .osm.bz2, .osm.pbf or .graphml)")
    ways = read_ways(path)
    segs = segments(ways, path, simplify=simplify)
    if len(segs.src) == 0:
        raise InputError(f"{path}: no drivable roads in this extract")
    return ways, segs


def load_arrays(path: str | Path, *, simplify: bool = True) -> RoadArrays:
    """Read the drivable roads of an OSM extract (``.osm``, ``.osm.bz2``, ``.osm.pbf``) into the lean array form,
    without building a networkx graph (for banner- and region-size extracts).

    Ways are split where the file lacks their nodes (clipped extracts); ``RoadArrays.clipping`` counts the
    missing node references and the ways cut or dropped. Nodes are where roads meet or end (every node of a
    drivable way without ``simplify``); an edge keeps its way's polyline for drawing. Edges carry ``length_m``
    (metres) and ``time_s`` (seconds, summed over the way's pieces) from the road-class speed,
    ``maxspeed``, ``surface`` and ``tracktype`` (``network.speeds``). Accepted wherever a graph is
    (``travel_matrix``, ``snap_points``, ``route_geometry``, ``county_matrix``, ``edges_frame``).

    Parameters
    ----------
    path : the extract; pyosmium reads all three formats, an index of node locations in memory.
    simplify : keep only the nodes where roads meet or end (default) or every node.

    Returns
    -------
    RoadArrays : nodes (OSM id, lat/lon in degrees) and directed edges (length in metres, travel time in
    seconds, road class, way id, name, ref), with CSR matrices (km, minutes) built on first use.

    Raises ``InputError`` naming the file if it is missing, of an unknown type, unreadable or without a
    drivable road.
    """
    path = Path(path)
    ways, segs = _read_segments(path, simplify=simplify)
    return _arrays(path, ways, segs)


def _arrays(path: Path, ways: OsmWays, segs: Segments) -> RoadArrays:
    way_id = ways.way_id[segs.way]
    names = np.array([t.get("name", "") for t in ways.tags], dtype=object)
    refs = np.array([t.get("ref", "") for t in ways.tags], dtype=object)
    highway = highway_codes(t.get("highway") for t in ways.tags)
    return RoadArrays(
        segs.node_ids, segs.lat, segs.lon, segs.src, segs.dst, segs.length_m, segs.time_s, way_id,
        names[segs.way], refs[segs.way], highway[segs.way], segs.clipping, str(path),
        (segs.shape_lat, segs.shape_lon, segs.shape_from, segs.shape_to),
    )  # fmt: skip


def _graph_from_segments(ways: OsmWays, segs: Segments, arrays: RoadArrays) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph(crs="epsg:4326")
    graph.add_nodes_from(
        (int(n), {"x": float(x), "y": float(y)}) for n, x, y in zip(segs.node_ids, segs.lon, segs.lat, strict=True)
    )
    way_attrs = [
        {**tags, "osmid": int(w), "oneway": bool(o != 0)}
        for tags, w, o in zip(ways.tags, ways.way_id, ways.oneway, strict=True)
    ]
    # a LineString for each edge with interior vertices, None for a straight one (OSMnx's habit)
    geometry: list = [None] * len(segs.src)
    bent = np.flatnonzero(np.abs(segs.shape_to - segs.shape_from) > 1)
    for i, line in zip(bent.tolist(), arrays.edge_lines(bent), strict=True):
        geometry[i] = line
    nodes = segs.node_ids.tolist()
    graph.add_edges_from(
        (nodes[u], nodes[v], {**way_attrs[w], "reversed": r, "length": m, "speed_kph": s, "travel_time": t}
         | ({} if g is None else {"geometry": g}))
        for u, v, w, r, m, s, t, g in zip(segs.src.tolist(), segs.dst.tolist(), segs.way.tolist(),
                                          segs.reversed.tolist(), segs.length_m.tolist(), segs.speed_kmh.tolist(),
                                          segs.time_s.tolist(), geometry, strict=True)
    )  # fmt: skip
    return graph


def graph_from_osm_file(path: str | Path, *, simplify: bool = True) -> nx.MultiDiGraph:
    """Build the drivable road graph of a local OSM extract (``.osm``, ``.osm.bz2``, ``.osm.pbf``).

    Edges carry ``length`` (metres), ``speed_kph`` (km/h) and ``travel_time`` (seconds). Clipped extracts load:
    a way is split where the file lacks its nodes, and ``graph.graph["clipping"]`` holds the counts
    (``missing_node_refs``, ``ways_cut``, ``ways_dropped``; also logged). All components are kept; snapping uses
    the largest strongly connected one. With ``simplify``, nodes are where roads meet or end and an edge between
    two of them has the summed length and travel time of its pieces and their polyline as ``geometry``.
    """
    path = Path(path)
    ways, segs = _read_segments(path, simplify=simplify)
    arrays = _arrays(path, ways, segs)
    graph = _graph_from_segments(ways, segs, arrays)
    prime_cache(graph, arrays)
    graph.graph["simplified"] = simplify
    graph.graph["source"] = str(path)
    graph.graph["attribution"] = ATTRIBUTION
    graph.graph["fingerprint"] = file_fingerprint(path)
    graph.graph["clipping"] = dict(segs.clipping)
    return graph


def _drop_unplaced_nodes(graph: nx.MultiDiGraph, path: Path) -> dict[str, int]:
    """Remove GraphML nodes without coordinates (edges to nodes the file lacks) and count them as clipping."""
    unplaced = [n for n, d in graph.nodes(data=True) if "x" not in d or "y" not in d]
    cut = {str(d.get("osmid")) for n in unplaced for _, _, d in graph.in_edges(n, data=True)}
    cut |= {str(d.get("osmid")) for n in unplaced for _, _, d in graph.out_edges(n, data=True)}
    graph.remove_nodes_from(unplaced)
    graph.remove_nodes_from([n for n in list(graph.nodes) if graph.degree(n) == 0])
    counts = {"missing_node_refs": len(unplaced), "ways_cut": len(cut), "ways_dropped": 0}
    if unplaced:
        log.warning("%s: %d edge endpoints are not nodes of the file (clipped); %d roads cut there",
                    path, len(unplaced), len(cut))  # fmt: skip
    return counts


def load_graph(path: str | Path) -> nx.MultiDiGraph:
    """Load a drivable road graph from an OSM extract (``.osm``, ``.osm.bz2``, ``.osm.pbf``) or a saved GraphML.

    Returns a ``networkx.MultiDiGraph`` in WGS84 (node ``x`` = longitude, ``y`` = latitude, degrees) whose edges have
    ``length`` (metres), ``speed_kph`` (km/h) and ``travel_time`` (seconds). Clipped extracts load (see
    ``graph_from_osm_file``; ``graph.graph["clipping"]`` holds the counts). For extracts too big for networkx use
    ``load_arrays``.
    """
    path = Path(path)
    if _suffix(path) == ".graphml":
        if not path.is_file():
            raise InputError(f"{path}: no such GraphML file")
        try:
            graph = ox.load_graphml(path)
        except Exception as exc:
            raise InputError(f"{path}: cannot read GraphML ({type(exc).__name__}: {exc})") from exc
        graph.graph["clipping"] = _drop_unplaced_nodes(graph, path)
        if graph.number_of_edges() == 0:
            raise InputError(f"{path}: no drivable roads in this graph")
        if any("travel_time" not in d for _, _, d in graph.edges(data=True)):
            add_travel_times(graph)
        graph.graph.setdefault("fingerprint", file_fingerprint(path))
        graph.graph.setdefault("source", str(path))
        return graph
    return graph_from_osm_file(path)


def save_graph(graph: nx.MultiDiGraph, path: str | Path) -> Path:
    """Save a road graph as GraphML (atomically: a temporary file renamed into place)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    ox.save_graphml(graph, tmp)
    tmp.replace(path)
    return path


def download_graph(polygon, *, cache_path: str | Path | None = None) -> nx.MultiDiGraph:
    """Download the drivable OSM network inside ``polygon`` (shapely, WGS84) from the Overpass API (online only).

    The graph is saved as GraphML at ``cache_path`` (default: in ``settings.cache_folder``) and read from there on
    later calls, so later runs work offline.
    """
    key = hashlib.sha256(polygon.wkb).hexdigest()[:16]
    if cache_path is None:
        folder = settings.cache_folder or Path(".ruralpost-cache")
        cache_path = Path(folder) / f"osm-drive-{key}.graphml"
    cache_path = Path(cache_path)
    if cache_path.is_file():
        log.info("road graph: using cached download %s", cache_path)
        return load_graph(cache_path)
    _configure_osmnx()
    ox.settings.overpass_rate_limit = False
    highways = "|".join(sorted(settings.drivable_highways))
    try:
        graph = ox.graph_from_polygon(
            polygon, network_type="drive", retain_all=True, custom_filter=f'["highway"~"^({highways})$"]'
        )
    except Exception as exc:
        raise InputError(f"OpenStreetMap download failed ({type(exc).__name__}: {exc}); are you online?") from exc
    drivable_subgraph(graph)
    add_travel_times(graph)
    graph.graph["attribution"] = ATTRIBUTION
    save_graph(graph, cache_path)
    graph.graph["fingerprint"] = file_fingerprint(cache_path)
    return graph


def file_fingerprint(path: Path) -> str:
    """SHA-256 (hex, 16 characters) of a file's bytes and of the speed settings the graph was built with."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    digest.update(repr(sorted(settings.speed_kmh_by_highway.items())).encode())
    return digest.hexdigest()[:16]
