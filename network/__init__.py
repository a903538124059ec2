"""Road network: OpenStreetMap graphs, snapping, and distance/time matrices between facilities.

Public API (units in names and docstrings):

- ``load_graph(path) -> networkx.MultiDiGraph``: drivable graph from ``.osm``/``.osm.bz2``/``.osm.pbf``/GraphML;
  clipped extracts load (ways split where nodes are missing, counts in ``graph.graph["clipping"]``).
- ``load_arrays(path) -> RoadArrays``: the lean array form (NumPy, scipy.sparse; no networkx) for big extracts.
- ``travel_matrix(graph, points) -> (km, minutes)``: shortest-path km and minutes between (lat, lon) points, on
  either form; ``county_matrix(region, boundary, points)``: the same on a region cut to a county plus a margin.
- ``snap_points(graph, points)``: nearest road node of each point, with the snap distance (km).
- ``route_geometry(graph, a, b)``: the shortest-path polyline (lon, lat) between two points, on either form.
- ``estimated_matrix(points)``: the offline fallback (great-circle x circuity), labelled ``ESTIMATE_LABEL``.
- ``edges_frame``, ``write_geodataframe``, ``write_matrix_csv``: GIS and CSV export; ``main_roads``: the main roads
  merged and simplified for a background map; ``ATTRIBUTION`` for OSM data.

Imports only ``optimizer.errors`` and ``optimizer.files`` of the project (the bottom layer); the facility data sets
(centre, stations, villages) belong to ``optimizer.planning.run``.
"""

from network import settings
from network.arrays import RoadArrays
from network.distance import ESTIMATE_LABEL, estimated_matrix, great_circle_km
from network.gis import edges_frame, main_roads, path_geometry, write_geodataframe, write_matrix_csv
from network.graph import ATTRIBUTION, download_graph, graph_from_osm_file, load_arrays, load_graph, save_graph
from network.matrix import route_geometry, shortest_path_nodes, travel_matrix
from network.region import county_arrays, county_matrix
from network.snap import Snap, snap_points

__all__ = [
    "ATTRIBUTION",
    "ESTIMATE_LABEL",
    "RoadArrays",
    "Snap",
    "county_arrays",
    "county_matrix",
    "download_graph",
    "edges_frame",
    "estimated_matrix",
    "graph_from_osm_file",
    "great_circle_km",
    "load_arrays",
    "load_graph",
    "main_roads",
    "path_geometry",
    "route_geometry",
    "save_graph",
    "settings",
    "shortest_path_nodes",
    "snap_points",
    "travel_matrix",
    "write_geodataframe",
    "write_matrix_csv",
]
