"""Shared fixtures: paths to the shared reference data and a writer for small OSM files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from network import settings

REPO = Path(__file__).resolve().parents[1]
# ../shared beside the checkout (as in CI), or where RURALPOST_SHARED points
SHARED = Path(os.environ.get("RURALPOST_SHARED", REPO.parent / "shared"))
OSM_SAMPLES = SHARED / "data" / "osm-samples"
HANGJIN = REPO / "optimizer" / "data" / "hangjin"
# Files the tests keep for a person to look at (map and PDF screenshots): $RURALPOST_ARTIFACTS, else tests/artifacts/
# in the checkout (gitignored); the same names on every run, so the latest run's are there.
ARTIFACTS = Path(os.environ.get("RURALPOST_ARTIFACTS") or REPO / "tests" / "artifacts")


@pytest.fixture(autouse=True)
def _no_disk_cache(tmp_path_factory, monkeypatch):
    """Matrices and downloads are cached in a per-test temporary folder, never in the user's home."""
    monkeypatch.setattr(settings, "cache_folder", tmp_path_factory.mktemp("cache"))


def write_osm(path: Path, nodes: dict[int, tuple[float, float]], ways: list[tuple[list[int], dict[str, str]]]) -> Path:
    """Write an OSM XML file: nodes {id: (lat, lon)}, ways [(node ids, tags)]."""
    lines = ["<?xml version='1.0' encoding='UTF-8'?>", '<osm version="0.6" generator="ruralpost-tests">']
    for nid, (lat, lon) in nodes.items():
        lines.append(f'  <node id="{nid}" lat="{lat}" lon="{lon}" version="1"/>')
    for k, (refs, tags) in enumerate(ways, start=1):
        lines.append(f'  <way id="{1000 + k}" version="1">')
        lines += [f'    <nd ref="{r}"/>' for r in refs]
        lines += [f'    <tag k="{key}" v="{value}"/>' for key, value in tags.items()]
        lines.append("  </way>")
    lines.append("</osm>")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


# A synthetic road grid over Hangjin (no real extract is reachable offline): 0.05-degree spacing, two-way
# tertiary rows, gravel-track columns, and one primary column near Xini's longitude tagged ref=S215.
GRID = {"lat0": 39.30, "lon0": 106.85, "step": 0.05, "rows": 34, "cols": 50, "s215_col": 37}


@pytest.fixture(scope="session")
def hangjin_grid_osm(tmp_path_factory) -> Path:
    rows, cols = GRID["rows"], GRID["cols"]
    nodes = {
        r * cols + c + 1: (GRID["lat0"] + r * GRID["step"], GRID["lon0"] + c * GRID["step"])
        for r in range(rows)
        for c in range(cols)
    }
    ways = [([r * cols + c + 1 for c in range(cols)], {"highway": "tertiary"}) for r in range(rows)]
    for c in range(cols):
        tags = (
            {"highway": "primary", "ref": "S215"}
            if c == GRID["s215_col"]
            else {"highway": "track", "surface": "gravel"}
        )
        ways.append(([r * cols + c + 1 for r in range(rows)], tags))
    return write_osm(tmp_path_factory.mktemp("osm") / "hangjin-grid.osm", nodes, ways)
