"""Read the drivable ways of an OSM file (``.osm``, ``.osm.bz2``, ``.osm.pbf``) with pyosmium into NumPy arrays,
surviving clipped extracts: a way is split where its nodes are missing from the file and kept where two or more
consecutive nodes are present."""

from __future__ import annotations

import logging
from array import array
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from network import settings
from network.speeds import edge_speed_kmh
from optimizer.errors import InputError

log = logging.getLogger(__name__)

EARTH_RADIUS_M = 6_371_009.0  # the mean radius OSMnx uses for edge lengths
_INVALID = 2147483647  # libosmium's coordinate of a node reference whose node is not in the file
_NO_ACCESS = frozenset({"no", "private"})
_FORWARD = frozenset({"yes", "true", "1"})
_BACKWARD = frozenset({"-1", "reverse"})
_TAGS = ("highway", "maxspeed", "surface", "tracktype", "name", "ref")


@dataclass(frozen=True)
class OsmWays:
    """The drivable ways of a file as flat arrays: one row per node reference, one per way.

    ``refs``/``x``/``y`` hold every node reference of every kept way in order (``x``, ``y`` in 1e-7 degrees,
    ``_INVALID`` where the node is not in the file); ``way_of_ref`` is the way's row. Per way: ``way_id``,
    ``oneway`` (+1 forward only, -1 backward only, 0 both ways), ``speed_kmh`` and the tags in ``tags``.
    """

    refs: np.ndarray
    x: np.ndarray
    y: np.ndarray
    way_of_ref: np.ndarray
    way_id: np.ndarray
    oneway: np.ndarray
    speed_kmh: np.ndarray
    tags: list[dict[str, str]]


def _oneway(tags) -> int:
    value = tags.get("oneway", "")
    if value in _FORWARD:
        return 1
    if value in _BACKWARD:
        return -1
    if value == "no":
        return 0
    implied = tags.get("junction") in ("roundabout", "circular") or tags.get("highway") == "motorway"
    return 1 if implied else 0


def _drivable(tags) -> bool:
    if tags.get("highway") not in settings.drivable_highways:
        return False
    return not (tags.get("access") in _NO_ACCESS or tags.get("motor_vehicle") in _NO_ACCESS)


def read_ways(path: Path) -> OsmWays:
    """The drivable ways of the OSM file at ``path`` with their node locations (missing nodes marked invalid)."""
    import osmium

    flat, way_of_ref, way_ids = array("q"), array("i"), array("q")  # flat: (ref, x, y) per node reference
    oneways, speeds, tag_rows = array("b"), array("d"), []
    speed_of: dict[tuple, float] = {}
    try:
        processor = (
            osmium.FileProcessor(str(path))
            .with_locations()
            .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
            .with_filter(osmium.filter.KeyFilter("highway"))
        )
        for way in processor:
            tags = way.tags
            if not _drivable(tags):
                continue
            row = len(way_ids)
            start = len(flat)
            flat.extend([v for n in way.nodes for v in (n.ref, n.x, n.y)])
            way_of_ref.extend([row] * ((len(flat) - start) // 3))
            way_ids.append(way.id)
            oneways.append(_oneway(tags))
            kept = {k: tags.get(k) for k in _TAGS if k in tags}
            key = (kept.get("highway"), kept.get("maxspeed"), kept.get("surface"), kept.get("tracktype"))
            if key not in speed_of:
                speed_of[key] = edge_speed_kmh(kept)
            speeds.append(speed_of[key])
            tag_rows.append(kept)
    except InputError:
        raise
    except Exception as exc:  # pyosmium raises RuntimeError (and others) for unreadable files
        raise InputError(f"{path}: cannot read OpenStreetMap data ({type(exc).__name__}: {exc})") from exc
    table = np.frombuffer(flat, dtype=np.int64).reshape(-1, 3)
    return OsmWays(
        refs=table[:, 0].copy(),
        x=table[:, 1].astype(np.int32),
        y=table[:, 2].astype(np.int32),
        way_of_ref=np.frombuffer(way_of_ref, dtype=np.int32),
        way_id=np.frombuffer(way_ids, dtype=np.int64),
        oneway=np.frombuffer(oneways, dtype=np.int8),
        speed_kmh=np.frombuffer(speeds, dtype=np.float64),
        tags=tag_rows,
    )


def haversine_m(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Great-circle distance (metres) between arrays of (lat, lon) points in degrees."""
    la1, lo1, la2, lo2 = (np.radians(a) for a in (lat1, lon1, lat2, lon2))
    a = np.sin((la2 - la1) / 2) ** 2 + np.cos(la1) * np.cos(la2) * np.sin((lo2 - lo1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


@dataclass(frozen=True)
class Segments:
    """Directed road edges between the kept nodes of the drivable ways.

    Nodes are rows into ``node_ids`` (OSM ids, ascending) with ``lat``/``lon`` (degrees); per edge ``src``,
    ``dst``, ``length_m`` (metres), ``time_s`` (seconds), ``speed_kmh``, ``way`` (row into the ways' arrays),
    ``reversed`` (the edge runs against its way's node order) and ``shape_from``/``shape_to``: the positions in
    ``shape_lat``/``shape_lon`` (one per node reference of the ways, degrees) of its first and last vertex, so
    its polyline is the positions in between (stepping back on reversed edges). ``clipping`` counts what the
    file lacked.
    """

    node_ids: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    length_m: np.ndarray
    time_s: np.ndarray
    speed_kmh: np.ndarray
    way: np.ndarray
    reversed: np.ndarray
    shape_from: np.ndarray
    shape_to: np.ndarray
    shape_lat: np.ndarray
    shape_lon: np.ndarray
    clipping: dict[str, int]


def _clipping(ways: OsmWays, present: np.ndarray, pair: np.ndarray, path: Path) -> dict[str, int]:
    w = ways.way_of_ref
    missing_ways = np.unique(w[~present])
    kept_ways = np.unique(w[np.flatnonzero(pair)])
    clipping = {
        "missing_node_refs": int((~present).sum()),
        "ways_cut": int(np.isin(missing_ways, kept_ways, assume_unique=True).sum()),
        "ways_dropped": int(len(ways.way_id) - len(kept_ways)),
    }
    if clipping["missing_node_refs"]:
        log.warning(
            "%s: %d node references of drivable ways point at nodes not in the file (a clipped extract); "
            "%d ways cut there, %d ways without two consecutive nodes dropped",
            path, clipping["missing_node_refs"], clipping["ways_cut"], clipping["ways_dropped"],
        )  # fmt: skip
    return clipping


def segments(ways: OsmWays, path: Path, *, simplify: bool = True) -> Segments:
    """Split the ways into directed edges (vectorised, no Python loop over edges).

    A way is split where the file lacks one of its nodes; a piece needs two consecutive present nodes. With
    ``simplify``, a node is kept only where roads meet or end (it is referenced more than once, or it ends a
    piece), and an edge runs between consecutive kept nodes with the summed length and travel time; otherwise
    every node of a piece is kept.
    """
    present = ways.x != _INVALID
    w = ways.way_of_ref
    n_refs = len(ways.refs)
    pair = np.zeros(n_refs, dtype=bool)  # pair[p]: positions p and p + 1 form a segment
    if n_refs > 1:
        pair[:-1] = present[:-1] & present[1:] & (w[:-1] == w[1:]) & (ways.refs[:-1] != ways.refs[1:])
    clipping = _clipping(ways, present, pair, path)
    before = np.concatenate([[False], pair[:-1]])  # a segment ends at p
    on_segment = pair | before
    run_end = before & ~pair
    if simplify:
        _, inverse, counts = np.unique(ways.refs[on_segment], return_inverse=True, return_counts=True)
        shared = np.zeros(n_refs, dtype=bool)
        shared[on_segment] = counts[inverse] > 1
        kept = on_segment & (shared | ~before | ~pair)
    else:
        kept = on_segment
    positions = np.flatnonzero(kept)
    node_ids, node_of = np.unique(ways.refs[positions], return_inverse=True)
    lat = np.empty(len(node_ids))
    lon = np.empty(len(node_ids))
    lat[node_of], lon[node_of] = ways.y[positions] * 1e-7, ways.x[positions] * 1e-7
    # an edge from each kept position that starts a segment to the next kept position
    starts = ~run_end[positions]
    a_pos, b_pos = positions[:-1][starts[:-1]], positions[1:][starts[:-1]]
    a, b = node_of[:-1][starts[:-1]], node_of[1:][starts[:-1]]
    shape_lat = np.where(present, ways.y * 1e-7, np.nan)
    shape_lon = np.where(present, ways.x * 1e-7, np.nan)
    seg_m = np.zeros(n_refs)
    p = np.flatnonzero(pair)
    seg_m[p] = haversine_m(shape_lat[p], shape_lon[p], shape_lat[p + 1], shape_lon[p + 1])
    seg_s = seg_m / 1000.0 / ways.speed_kmh[w] * 3600.0
    if len(a_pos):
        length_m, time_s = np.add.reduceat(seg_m, a_pos), np.add.reduceat(seg_s, a_pos)
        # reduceat sums up to the next start: the positions between an edge's end and the next start carry 0
    else:
        length_m, time_s = np.zeros(0), np.zeros(0)
    loop = a == b
    a, b, a_pos, b_pos, length_m, time_s = (x[~loop] for x in (a, b, a_pos, b_pos, length_m, time_s))
    way = w[a_pos]
    one = ways.oneway[way]
    fwd, bwd = one >= 0, one <= 0
    cat = np.concatenate
    return Segments(
        node_ids, lat, lon, src=cat([a[fwd], b[bwd]]), dst=cat([b[fwd], a[bwd]]),
        length_m=cat([length_m[fwd], length_m[bwd]]), time_s=cat([time_s[fwd], time_s[bwd]]),
        speed_kmh=ways.speed_kmh[cat([way[fwd], way[bwd]])], way=cat([way[fwd], way[bwd]]),
        reversed=np.repeat(np.array([False, True]), [int(fwd.sum()), int(bwd.sum())]),
        shape_from=cat([a_pos[fwd], b_pos[bwd]]), shape_to=cat([b_pos[fwd], a_pos[bwd]]),
        shape_lat=shape_lat, shape_lon=shape_lon, clipping=clipping,
    )  # fmt: skip
