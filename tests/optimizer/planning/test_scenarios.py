"""Every scenario file runs (at a short budget), the thin scripts work, and sweeps produce their table."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from dataclasses import replace

import pytest

from optimizer.planning.run import run_scenario
from optimizer.planning.scenario import load_scenario
from optimizer.planning.sweep import comparison_markdown, load_sweep, run_sweep
from tests.conftest import REPO

SCENARIOS = REPO / "scenarios"
PLANS = sorted(p for p in SCENARIOS.glob("*.toml") if "[sweep]" not in p.read_text(encoding="utf-8"))
SWEEPS = sorted(p for p in SCENARIOS.glob("*.toml") if "[sweep]" in p.read_text(encoding="utf-8"))


def test_the_expected_scenarios_exist():
    names = {p.stem for p in SCENARIOS.glob("*.toml")}
    assert {"baseline", "relay", "fleet_sweep", "frequency", "peak_season", "road_closure"} <= names
    for toml in SCENARIOS.glob("*.toml"):
        assert toml.with_suffix(".py").is_file(), f"{toml.name} has no runnable script beside it"


@pytest.mark.parametrize("path", PLANS, ids=[p.stem for p in PLANS])
def test_plan_scenarios_run(path, hangjin_grid_osm):
    scenario = replace(load_scenario(path), iterations=1)
    if scenario.closed_roads:  # a closure needs a road graph: the synthetic grid stands in for Hangjin's OSM roads
        scenario = replace(scenario, graph=hangjin_grid_osm)
    run = run_scenario(scenario)
    assert run.check.ok, run.check.violations[:3]
    if scenario.closed_roads:
        # with the S215 column closed only gravel tracks cross north-south: far villages fall out of the shift
        assert run.result.stats.unserved > 0 and run.result.stats.penalty_cost > 0
    else:
        assert run.result.stats.unserved == 0


def test_peak_season_raises_volumes_and_frequencies():
    base = run_scenario(replace(load_scenario(SCENARIOS / "baseline.toml"), iterations=1))
    peak = run_scenario(replace(load_scenario(SCENARIOS / "peak_season.toml"), iterations=1))
    assert peak.result.stats.parcels == pytest.approx(2.5 * base.result.stats.parcels, rel=0.01)
    assert sum(len(p) for p in peak.result.plan.patterns) > sum(len(p) for p in base.result.plan.patterns)


@pytest.mark.parametrize("path", SWEEPS, ids=[p.stem for p in SWEEPS])
def test_sweeps_run_and_compare(path):
    cases = [replace(c, iterations=1) for c in load_sweep(path)]
    rows = run_sweep(cases[:3], jobs=2, show_progress=False)
    assert len(rows) == 3 and all("total_cost" in r for r in rows)
    assert "| case |" in comparison_markdown(rows, path.stem)


def test_fleet_sweep_trades_cost_for_service(tmp_path):
    cases = [replace(c, iterations=300) for c in load_sweep(SCENARIOS / "fleet_sweep.toml")]
    rows = run_sweep([cases[0], cases[-1]], jobs=2, show_progress=False)
    one_van, eight_vans = rows
    # a missed visit costs 500 yuan, so even 8 vans may skip a visit whose run costs more than that
    assert one_van["service_level"] < 0.6 < 0.95 < eight_vans["service_level"]


def test_sweep_command_and_script(tmp_path):
    sweep = tmp_path / "s.toml"
    sweep.write_text('[solver]\niterations = 1\n[sweep]\n"policy.visits_per_week" = [2, 3]\n', encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "optimizer.cli", "sweep", str(sweep), "--out", str(out)],
                          capture_output=True, text=True, check=True)  # fmt: skip
    assert "2/2 cases" in proc.stderr
    with open(out / "sweep.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["case"] for r in rows] == ["s [policy.visits_per_week=2]", "s [policy.visits_per_week=3]"]
    assert float(rows[0]["total_km"]) < float(rows[1]["total_km"])


def test_scenario_script_runs(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(SCENARIOS / "baseline.py"), "--out", str(tmp_path), "--iterations", "1"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "routes.csv").is_file() and (tmp_path / "map.html").is_file()


SCRIPTS = sorted(SCENARIOS.glob("*.py"))


def test_every_script_takes_the_search_options():
    """The scripts go through the command's parser (``cli.search_options``): the same options as ``ruralpost plan``
    or ``sweep``, checked the same way."""
    assert {p.stem for p in SCRIPTS} >= {"baseline", "relay", "fleet_sweep", "frequency", "peak_season"}
    for script in SCRIPTS:
        shown = subprocess.run([sys.executable, str(script), "--help"], capture_output=True, text=True,
                               check=True).stdout  # fmt: skip
        for option in ("--time-limit", "--seed", "--iterations", "--out"):
            assert option in shown, (script.name, option)


@pytest.mark.parametrize(
    ("script", "bad", "message"),
    [("relay.py", ["--seed", "x"], "--seed: 'x' is not a whole number"),
     ("fleet_sweep.py", ["--time-limit", "-3"], "--time-limit -3: must be a positive number of seconds")],
)  # fmt: skip
def test_scripts_refuse_bad_search_options_in_one_line(script, bad, message, tmp_path):
    proc = subprocess.run([sys.executable, str(SCENARIOS / script), *bad, "--out", str(tmp_path / "o")],
                          capture_output=True, text=True)  # fmt: skip
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2 and len(lines) == 1 and message in lines[0], proc.stderr
    assert not (tmp_path / "o").exists()


def test_sweep_search_options_reach_every_case(tmp_path):
    from optimizer.cli import main
    from tests.optimizer.outputs.conftest import small_scenario

    base = small_scenario(tmp_path).read_text(encoding="utf-8")
    sweep = tmp_path / "s.toml"
    sweep.write_text(base + '[sweep]\n"policy.visits_per_week" = [1, 2]\n', encoding="utf-8")
    out = tmp_path / "out"
    argv = ["sweep", str(sweep), "--out", str(out), "--jobs", "1", "--iterations", "1", "--seed", "7"]
    assert main([*argv, "--time-limit", "45"]) == 0
    cases = sorted(p for p in (out / "cases").iterdir() if p.is_dir() and not p.name.startswith("."))
    assert [c.name for c in cases] == ["policy.visits_per_week=1", "policy.visits_per_week=2"]
    for case in cases:
        solver = json.loads((case / "plan.json").read_text(encoding="utf-8"))["scenario"]
        assert (solver["seed"], solver["iterations"], solver["time_limit_s"]) == (7, 1, 45.0)
