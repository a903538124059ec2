"""Build a drivable road graph from OpenStreetMap: local ``.osm``/``.osm.bz2``/``.osm.pbf`` files, GraphML, or a
download for a boundary polygon (online only, cached on disk)."""

from __future__ import annotations

import hashlib
import logging
import tempfile
from pathlib import Path

import networkx as nx
import osmnx as ox

from network import settings
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


def _pbf_to_xml(path: Path, folder: Path) -> Path:
    """Write the nodes and the highway ways of a ``.osm.pbf`` extract to an OSM XML file osmnx can read."""
    import osmium

    out = folder / (path.name.removesuffix(".osm.pbf") + ".osm")
    with osmium.SimpleWriter(str(out), overwrite=True) as writer:
        for obj in osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY):
            if obj.is_way() and "highway" not in obj.tags:
                continue
            writer.add(obj)
    return out


def graph_from_osm_file(path: str | Path, *, simplify: bool = True) -> nx.MultiDiGraph:
    """Build the drivable road graph of a local OSM extract (``.osm``, ``.osm.bz2``, ``.osm.pbf``).

    Edges carry ``length`` (metres), ``speed_kph`` (km/h) and ``travel_time`` (seconds). All components are kept;
    snapping uses the largest strongly connected one.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such OSM file")
    _configure_osmnx()
    suffix = _suffix(path)
    try:
        if suffix == ".osm.pbf":
            with tempfile.TemporaryDirectory() as tmp:
                graph = ox.graph_from_xml(_pbf_to_xml(path, Path(tmp)), simplify=False, retain_all=True)
        elif suffix in _XML_SUFFIXES:
            graph = ox.graph_from_xml(path, simplify=False, retain_all=True)
        else:
            raise InputError(f"{path}: unknown OSM file type {suffix!r} (use .osm, .osm.bz2, .osm.pbf or .graphml)")
    except InputError:
        raise
    except Exception as exc:  # osmnx/osmium raise many kinds of errors for unreadable files
        raise InputError(f"{path}: cannot read OpenStreetMap data ({type(exc).__name__}: {exc})") from exc
    drivable_subgraph(graph)
    if graph.number_of_edges() == 0:
        raise InputError(f"{path}: no drivable roads in this extract")
    if simplify:
        graph = ox.simplify_graph(graph)
    add_travel_times(graph)
    graph.graph["source"] = str(path)
    graph.graph["attribution"] = ATTRIBUTION
    graph.graph["fingerprint"] = file_fingerprint(path)
    return graph


def load_graph(path: str | Path) -> nx.MultiDiGraph:
    """Load a drivable road graph from an OSM extract (``.osm``, ``.osm.bz2``, ``.osm.pbf``) or a saved GraphML.

    Returns a ``networkx.MultiDiGraph`` in WGS84 (node ``x`` = longitude, ``y`` = latitude, degrees) whose edges have
    ``length`` (metres), ``speed_kph`` (km/h) and ``travel_time`` (seconds).
    """
    path = Path(path)
    if _suffix(path) == ".graphml":
        if not path.is_file():
            raise InputError(f"{path}: no such GraphML file")
        try:
            graph = ox.load_graphml(path)
        except Exception as exc:
            raise InputError(f"{path}: cannot read GraphML ({type(exc).__name__}: {exc})") from exc
        if any("travel_time" not in d for _, _, d in graph.edges(data=True)):
            add_travel_times(graph)
        graph.graph.setdefault("fingerprint", file_fingerprint(path))
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
