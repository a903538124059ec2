"""Road network: OpenStreetMap graphs, snapping, and distance/time matrices between facilities.

Public API (units in names and docstrings):

- ``load_graph(path) -> networkx.MultiDiGraph``: drivable graph from ``.osm``/``.osm.bz2``/``.osm.pbf``/GraphML.
- ``travel_matrix(graph, points) -> (km, minutes)``: shortest-path km and minutes between (lat, lon) points.
- ``snap_points(graph, points)``: nearest road node of each point, with the snap distance (km).
- ``estimated_matrix(points)``: the offline fallback (great-circle x circuity), labelled ``ESTIMATE_LABEL``.
- ``edges_frame``, ``write_geodataframe``, ``write_matrix_csv``: GIS and CSV export; ``ATTRIBUTION`` for OSM data.

Imports only ``optimizer.errors`` and ``optimizer.files`` of the project (the bottom layer); the facility data sets
(centre, stations, villages) belong to ``optimizer.planning.run``.
"""

from network import settings
from network.distance import ESTIMATE_LABEL, estimated_matrix, great_circle_km
from network.gis import edges_frame, path_geometry, write_geodataframe, write_matrix_csv
from network.graph import ATTRIBUTION, download_graph, graph_from_osm_file, load_graph, save_graph
from network.matrix import shortest_path_nodes, travel_matrix
from network.snap import Snap, snap_points

__all__ = [
    "ATTRIBUTION",
    "ESTIMATE_LABEL",
    "Snap",
    "download_graph",
    "edges_frame",
    "estimated_matrix",
    "graph_from_osm_file",
    "great_circle_km",
    "load_graph",
    "path_geometry",
    "save_graph",
    "settings",
    "shortest_path_nodes",
    "snap_points",
    "travel_matrix",
    "write_geodataframe",
    "write_matrix_csv",
]
