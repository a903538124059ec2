"""Every output of a planning run, written together into one folder (atomically, see ``report.write_outputs``)."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from optimizer.maps import write_geojson, write_map, write_roads_used
from optimizer.planning import PlanRun
from optimizer.report import write_outputs
from optimizer.sheets import write_sheets


def write_all(run: PlanRun, out: str | Path, *, with_map: bool = True) -> list[Path]:
    """``routes.csv``, ``plan.json``, ``summary.md``, ``routes.geojson``, ``map.html``, ``sheets/`` and, on an
    OpenStreetMap graph, ``roads_used.geojson``."""
    extra = {"routes.geojson": partial(write_geojson, run), "sheets": partial(write_sheets, run)}
    if with_map:
        extra["map.html"] = partial(write_map, run)
    if run.graph is not None:
        extra["roads_used.geojson"] = partial(write_roads_used, run)
    return write_outputs(run, out, extra)
