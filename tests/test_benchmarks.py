"""The benchmark suite's --quick mode runs and writes well-formed results (no timing is asserted here)."""

from __future__ import annotations

import json
import math

from benchmarks.run import SECTIONS, main


def test_quick_benchmark_writes_wellformed_results(tmp_path, capsys):
    out = tmp_path / "results.json"
    assert main(["--quick", "--jobs", "2", "--out", str(out), "--no-readme"]) == 0
    results = json.loads(out.read_text(encoding="utf-8"))
    assert set(results["sections"]) == set(SECTIONS)
    assert results["machine"]["versions"]["ortools"]
    sec = results["sections"]
    assert {r["design"] for r in sec["hangjin"]["runs"]} == {"direct", "relay"}
    assert all(r["feasible"] and r["first_feasible_s"] is not None for r in sec["hangjin"]["runs"])
    assert {r["solver"] for r in sec["cvrp"]["runs"]} == {"ruralpost-ortools", "ruralpost-pyvrp", "ortools-gls"}
    for section in ("cvrp", "pvrp"):
        for r in sec[section]["runs"]:
            assert r["feasible"] and math.isfinite(r["gap_pct"]) and r["gap_pct"] > -1e-6
    assert sec["scaling"]["runs"][0]["villages"] == 61
    assert sec["roads"]["runs"][0]["finite"]
    assert all(r["peak_rss_mb"] > 0 for s in sec.values() for r in s["runs"])
    text = capsys.readouterr().out
    assert "| X-n" in text and "| p01 |" in text
