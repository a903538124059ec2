"""Snap facilities to the nearest node of the road graph's largest strongly connected component."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np

from network import settings
from network.arrays import RoadArrays, graph_arrays, unit_xyz
from network.distance import EARTH_RADIUS_KM, _as_points

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snap:
    """Where each point joined the road graph."""

    index: np.ndarray  # row of the node in graph_arrays(graph)
    node: np.ndarray  # OSM node id
    distance_km: np.ndarray  # great-circle km from the point to its node

    @property
    def far(self) -> np.ndarray:
        """Indices of the points farther than ``settings.snap_warn_km`` from any mapped road."""
        return np.flatnonzero(self.distance_km > settings.snap_warn_km)


def snap_points(
    graph: nx.MultiDiGraph | RoadArrays, points: Sequence[tuple[float, float]], names: Sequence[str] | None = None
) -> Snap:
    """Nearest node (great-circle) of the largest strongly connected component for each (lat, lon) point.

    ``graph`` is a networkx road graph or its array form (``RoadArrays``); the KD-tree is built once per graph.

    Logs a warning for every point farther than ``settings.snap_warn_km`` (km) from its node, naming it.
    """
    arr = _as_points(points)
    ga = graph_arrays(graph)
    candidates, tree = ga.main_tree
    chord, pos = tree.query(unit_xyz(arr[:, 0], arr[:, 1]))
    distance_km = 2 * EARTH_RADIUS_KM * np.arcsin(np.clip(np.asarray(chord) / 2, 0.0, 1.0))
    index = candidates[np.asarray(pos)]
    snap = Snap(index=index, node=ga.node_ids[index], distance_km=distance_km)
    for i in snap.far:
        label = names[i] if names is not None else f"point {i} {tuple(arr[i])}"
        log.warning(
            "%s is %.1f km from the nearest mapped road node: its road distances are uncertain", label, distance_km[i]
        )
    return snap
