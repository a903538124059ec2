"""Road graphs, paths and matrices for GIS and spreadsheets (GeoPackage/GeoJSON, CSV), written atomically; the
OpenStreetMap attribution every output built on OSM data repeats."""

from __future__ import annotations

import csv
import itertools
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import osmnx as ox
from shapely.geometry import LineString

from network import settings
from network.arrays import HIGHWAY_CLASSES, RoadArrays, highway_codes
from network.graph import ATTRIBUTION
from optimizer.files import atomic_path


def write_geodataframe(frame: gpd.GeoDataFrame, path: str | Path, *, layer: str = "edges") -> Path:
    """Write a GeoDataFrame as GeoPackage (``.gpkg``) or GeoJSON (any other suffix), atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = atomic_path(path)
    if path.suffix.lower() == ".gpkg":
        frame.to_file(tmp, layer=layer, driver="GPKG")
    else:
        frame.to_file(tmp, driver="GeoJSON")
    os.replace(tmp, path)
    return path


def _arrays_frame(roads: RoadArrays, edges: Iterable[tuple[int, int]] | None) -> gpd.GeoDataFrame:
    if edges is None:
        index = np.arange(roads.n_edges)
    else:
        pairs = np.array(list(edges), dtype=np.int64).reshape(-1, 2)
        index = (
            roads.edge_between(roads.rows_of(pairs[:, 0]), roads.rows_of(pairs[:, 1])) if len(pairs) else pairs[:, 0]
        )
        index = np.unique(index[index >= 0])
    classes = np.array(HIGHWAY_CLASSES, dtype=object)
    out = gpd.GeoDataFrame(
        {
            "u": roads.node_ids[roads.src[index]],
            "v": roads.node_ids[roads.dst[index]],
            "length_km": roads.length_m[index] / 1000.0,
            "minutes": roads.time_s[index] / 60.0,
            "highway": classes[roads.highway[index]].astype(str),
            "name": roads.name[index].astype(str),
            "ref": roads.ref[index].astype(str),
        },
        geometry=roads.edge_lines(index),
        crs="EPSG:4326",
    )
    out.attrs["attribution"] = ATTRIBUTION
    return out


def edges_frame(
    graph: nx.MultiDiGraph | RoadArrays, edges: Iterable[tuple[int, int]] | None = None
) -> gpd.GeoDataFrame:
    """Road edges as a GeoDataFrame (WGS84): ``length_km``, ``minutes``, ``highway``, ``name``, ``ref``, geometry.

    With ``edges`` (pairs of node ids), only those edges, e.g. the ones the routes use. ``graph`` is a networkx
    road graph or its array form (``RoadArrays``: the shortest edge of each pair).
    """
    if isinstance(graph, RoadArrays):
        return _arrays_frame(graph, edges)
    if edges is not None:
        wanted = set(edges)
        graph = graph.edge_subgraph([(u, v, k) for u, v, k in graph.edges(keys=True) if (u, v) in wanted])
    if graph.number_of_edges() == 0:
        return gpd.GeoDataFrame({"length_km": [], "minutes": []}, geometry=[], crs="EPSG:4326")
    gdf = ox.graph_to_gdfs(graph, nodes=False, fill_edge_geometry=True).reset_index()
    out = gpd.GeoDataFrame(
        {
            "u": gdf["u"].astype("int64"),
            "v": gdf["v"].astype("int64"),
            "length_km": gdf["length"].astype(float) / 1000.0,
            "minutes": gdf["travel_time"].astype(float) / 60.0,
            "highway": gdf["highway"].astype(str),
            "name": gdf["name"].astype(str) if "name" in gdf else "",
            "ref": gdf["ref"].astype(str) if "ref" in gdf else "",
        },
        geometry=gdf.geometry,
        crs="EPSG:4326",
    )
    out.attrs["attribution"] = ATTRIBUTION
    return out


def path_geometry(graph: nx.MultiDiGraph | RoadArrays, nodes: Sequence[int]) -> LineString:
    """The road geometry (WGS84 lon/lat) along a node path (OSM ids), following edge geometries where present
    (on either form)."""
    if isinstance(graph, RoadArrays):
        coords = graph.polyline(graph.rows_of(nodes)).tolist()
        return LineString(coords if len(coords) > 1 else coords * 2)
    coords: list[tuple[float, float]] = []
    for u, v in itertools.pairwise(nodes):
        data = min(graph[u][v].values(), key=lambda d: d.get("length", 0.0))
        if "geometry" in data:
            part = list(data["geometry"].coords)
        else:
            part = [(graph.nodes[u]["x"], graph.nodes[u]["y"]), (graph.nodes[v]["x"], graph.nodes[v]["y"])]
        coords.extend(part if not coords else part[1:])
    if len(coords) < 2:
        node = nodes[0]
        coords = [(graph.nodes[node]["x"], graph.nodes[node]["y"])] * 2
    return LineString(coords)


def write_matrix_csv(path: str | Path, ids: Sequence[str], matrix: np.ndarray, *, note: str) -> Path:
    """Write a square matrix as CSV with ids as header row and first column; ``note`` becomes a ``#`` first line."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = atomic_path(path)
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        fh.write(f"# {note}\n")
        writer = csv.writer(fh)
        writer.writerow(["from\\to", *ids])
        for i, row in enumerate(matrix):
            writer.writerow([ids[i], *(f"{x:.3f}" for x in row)])
    os.replace(tmp, path)
    return path


def main_roads(
    graph: nx.MultiDiGraph | RoadArrays,
    highways: frozenset[str] | None = None,
    *,
    tolerance_m: float = 50.0,
) -> gpd.GeoDataFrame:
    """The main roads of a network as few, light lines for a background map (WGS84): one row per road class and
    ``ref``, both directions merged, simplified to ``tolerance_m`` metres (about; in degrees at 1e-5 per metre).

    ``highways``: the OSM classes to keep (default ``settings.main_road_highways``). Columns ``highway``, ``ref``.
    """
    import shapely

    wanted = settings.main_road_highways if highways is None else highways
    codes = np.array([i for i, h in enumerate(HIGHWAY_CLASSES) if h in wanted], dtype=np.int8)
    if isinstance(graph, RoadArrays):
        index = np.flatnonzero(np.isin(graph.highway, codes))
        lines, classes, refs = graph.edge_lines(index), graph.highway[index], graph.ref[index].astype(str)
    else:
        picked = [(u, v, d) for u, v, d in graph.edges(data=True) if highway_codes([d.get("highway")])[0] in codes]
        lines = [d["geometry"] if "geometry" in d else LineString(
                     [(graph.nodes[u]["x"], graph.nodes[u]["y"]), (graph.nodes[v]["x"], graph.nodes[v]["y"])])
                 for u, v, d in picked]  # fmt: skip
        classes = highway_codes([d.get("highway") for _, _, d in picked])
        refs = np.array([str(d.get("ref") or "") for _, _, d in picked], dtype=object)
    rows, geoms = [], []
    names = np.array(HIGHWAY_CLASSES, dtype=object)
    lines = np.asarray(lines, dtype=object)
    for key in sorted({(int(c), r) for c, r in zip(classes, refs, strict=True)}):
        mask = (np.asarray(classes) == key[0]) & (np.asarray(refs) == key[1])
        merged = shapely.line_merge(shapely.union_all(lines[mask]))
        rows.append({"highway": str(names[key[0]]), "ref": key[1]})
        geoms.append(merged.simplify(tolerance_m * 1e-5))
    out = gpd.GeoDataFrame(rows or {"highway": [], "ref": []}, geometry=geoms, crs="EPSG:4326")
    out.attrs["attribution"] = ATTRIBUTION
    return out
