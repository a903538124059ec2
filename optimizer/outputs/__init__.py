"""Every output of a planning run, for planners, drivers and GIS: tables, documents, maps, sheets and plots.

Owns: ``routes.csv``/``plan.json`` (``tables``), ``summary.md`` (``summary``), labels and attribution (``labels``),
display names (``names``), run geometry (``geometry``), ``map.html`` (``maps``, ``map_parts``), GIS files
``routes.geojson``, ``plan.gpkg``, ``runs.kml`` (``gis``, ``kml``), route sheets as HTML (``sheets``) and PDF
(``pdf``), ``plan.xlsx`` (``workbook``), plot fonts (``plots``), and the one commit of an output set (``commit``).
Imports ``planning``, ``model`` and ``network``.
"""

from __future__ import annotations

import csv
import io
import logging
from functools import partial
from pathlib import Path

from optimizer.files import json_text
from optimizer.outputs.commit import Writer, commit_outputs
from optimizer.outputs.geometry import run_lines
from optimizer.outputs.gis import write_geojson, write_geopackage, write_roads_used
from optimizer.outputs.kml import write_kml
from optimizer.outputs.maps import write_map
from optimizer.outputs.pdf import NO_FONT, available_cjk_font, write_sheets_pdf
from optimizer.outputs.sheets import write_sheets
from optimizer.outputs.summary import summary_markdown
from optimizer.outputs.tables import ROUTE_COLUMNS, plan_document, route_rows
from optimizer.outputs.workbook import write_workbook
from optimizer.planning.run import PlanRun

__all__ = ["PLAN_FILES", "ROUTE_COLUMNS", "routes_csv", "write_all"]

log = logging.getLogger(__name__)

# Every name a plan's output set may hold (``commit_outputs`` replaces them together).
PLAN_FILES = (
    "map.html", "plan.gpkg", "plan.json", "plan.xlsx", "roads_used.geojson", "route_sheets.pdf", "routes.csv",
    "routes.geojson", "runs.kml", "sheets", "summary.md",
)  # fmt: skip


def routes_csv(run: PlanRun) -> str:
    """``routes.csv`` as text: one row per stop of every run, ``ROUTE_COLUMNS`` in order (plain UTF-8)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=ROUTE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(route_rows(run))
    return buf.getvalue()


def _text(make, path: Path) -> None:
    path.write_text(make(), encoding="utf-8")


def write_all(run: PlanRun, out: str | Path, *, with_map: bool = True) -> list[Path]:
    """Every output of a plan, committed together into ``out`` (``commit.commit_outputs``): ``routes.csv``,
    ``plan.json``, ``summary.md``, ``plan.xlsx``, ``route_sheets.pdf``, ``routes.geojson``, ``plan.gpkg``,
    ``runs.kml``, ``map.html``, ``sheets/`` and, on an OpenStreetMap graph, ``roads_used.geojson``. Without a
    Chinese font ``route_sheets.pdf`` is left out with one warning, and ``plan.json`` (``skipped_outputs``: file →
    why) and ``summary.md`` say so."""
    lines = run_lines(run)
    # Without a Chinese font the PDF is skipped, not the run: every other output is still written, and says so.
    font = available_cjk_font()
    skipped = {} if font is not None else {"route_sheets.pdf": NO_FONT}
    if skipped:
        log.warning("route_sheets.pdf skipped: %s", NO_FONT)
    writers: dict[str, Writer] = {
        "routes.csv": partial(_text, lambda: routes_csv(run)),
        "plan.json": partial(_text, lambda: json_text({**plan_document(run), "skipped_outputs": skipped}, indent=1)),
        "summary.md": partial(_text, lambda: summary_markdown(run, skipped)),
        "routes.geojson": partial(write_geojson, run, lines),
        "plan.gpkg": partial(write_geopackage, run, lines),
        "runs.kml": partial(write_kml, run, lines),
        "sheets": partial(write_sheets, run),
        "plan.xlsx": partial(write_workbook, run),
    }
    if font is not None:
        writers["route_sheets.pdf"] = partial(write_sheets_pdf, run, font=font)
    if with_map:
        writers["map.html"] = partial(write_map, run, lines)
    if run.graph is not None:
        writers["roads_used.geojson"] = partial(write_roads_used, run, lines)
    assert set(writers) <= set(PLAN_FILES), "a new output must be listed in PLAN_FILES"
    return commit_outputs(out, writers, owned=PLAN_FILES)
