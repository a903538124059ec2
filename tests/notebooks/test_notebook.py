"""The fleet-size notebook runs headless, writes its table and plot, and its Chinese labels find a font."""

from __future__ import annotations

import csv

import nbformat
from nbclient import NotebookClient

from tests.conftest import REPO


def test_fleet_size_notebook_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("RURALPOST_QUICK", "1")
    monkeypatch.setenv("RURALPOST_NOTEBOOK_OUT", str(tmp_path))
    nb = nbformat.read(REPO / "notebooks" / "fleet_size.ipynb", as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "store the notebook without outputs"
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(REPO)}}).execute()
    text = "\n".join(
        o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "stream"
    )
    assert "CJK font: None" not in text, "no CJK font: install fonts-wqy-microhei"
    assert "missing from font" not in text
    assert (tmp_path / "fleet_size.png").stat().st_size > 10_000
    with open(tmp_path / "fleet_size.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["design"] for r in rows} == {"direct", "relay"}
    assert all(int(r["fleet_size"]) <= int(r["vehicles_available"]) for r in rows)
    assert all(0.0 <= float(r["service_level"]) <= 1.0 for r in rows)
