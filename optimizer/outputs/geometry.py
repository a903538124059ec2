"""Where each run goes on the ground: its stops' coordinates, or on an OpenStreetMap graph the roads it follows.

Computed once per output set (``run_lines``) and handed to the map and the GIS files.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import network
from optimizer.outputs.tables import all_runs
from optimizer.planning.run import PlanRun

# Run colours, well apart from each other and from the map's greys (boundary, roads) and black (the trunk): the runs
# of one day get them in order, so no two runs of a day share a colour (up to ten vans a day).
PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#bcbd22", "#393b79"]
TRUNK_COLOUR = "#222222"  # the relay's trunk runs: one dark colour, drawn wider


@dataclass(frozen=True)
class RunLine:
    """One run on the ground: day, vehicle label, colour, stops (place ids, depot first and last), the line's
    (lat, lon) coordinates and, on an OSM graph, the road edges (u, v) it uses."""

    day: int
    vehicle: str
    colour: str
    stops: tuple[str, ...]
    coords: tuple[tuple[float, float], ...]
    edges: tuple[tuple[int, int], ...] = ()
    kind: str = "van"  # or "trunk"


def run_lines(run: PlanRun) -> list[RunLine]:
    """One ``RunLine`` per run, in ``all_runs`` order (day by day); on an OSM graph along the roads (``network``
    shortest paths between the snapped stops), else straight between the stops."""
    places = {p.id: p for p in (run.dataset.centre, *run.dataset.stations, *run.dataset.villages)}
    snap = None
    if run.graph is not None:
        ids = list(run.matrices.ids)
        snap = dict(zip(ids, network.snap_points(run.graph, [(places[i].lat, places[i].lon) for i in ids]).node,
                        strict=True))  # fmt: skip
    out = []
    on_day: dict[int, int] = {}  # van runs so far on each day, for their colours
    for record in all_runs(run):
        problem, route = record.problem, record.route
        depot = problem.depot(problem.vehicle_types[route.vehicle_type].depot).id
        stops = [depot, *(problem.clients[c].id for c in route.clients), depot]
        edges: list[tuple[int, int]] = []
        if snap is not None:
            coords: list[tuple[float, float]] = []
            for a, b in itertools.pairwise(stops):
                nodes = network.shortest_path_nodes(run.graph, snap[a], snap[b])
                edges += list(itertools.pairwise(nodes))
                if len(nodes) > 1:
                    line = network.path_geometry(run.graph, nodes)
                    coords += [(lat, lon) for lon, lat in line.coords]
        else:
            coords = [(places[s].lat, places[s].lon) for s in stops]
        if record.kind == "trunk":
            colour = TRUNK_COLOUR
        else:
            k = on_day[route.day] = on_day.get(route.day, -1) + 1
            colour = PALETTE[k % len(PALETTE)]
        out.append(RunLine(
            route.day, record.label, colour, tuple(stops), tuple(coords), tuple(edges), record.kind,
        ))  # fmt: skip
    return out
