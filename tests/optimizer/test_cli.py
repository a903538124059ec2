"""The ruralpost command: help, the plan job and its outputs, bad input with exit status 2, the yardsticks."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest

from optimizer.cli import main
from optimizer.outputs import ROUTE_COLUMNS
from tests.conftest import SHARED

FIRST_COLUMNS = ["day", "vehicle", "seq", "stop_id", "stop_name", "arrival", "delivered", "picked_up", "load_after",
                 "leg_km", "leg_min"]  # fmt: skip


def test_help_lists_the_commands():
    out = subprocess.run([sys.executable, "-m", "optimizer.cli", "--help"], capture_output=True, text=True, check=True)
    for command in ("plan", "cvrp", "pvrp", "network"):
        assert command in out.stdout


@pytest.fixture(scope="module")
def plan_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("plan")
    assert main(["plan", "--out", str(out), "--iterations", "2", "--time-limit", "60"]) == 0
    return out


def test_plan_writes_routes_json_summary(plan_out):
    with open(plan_out / "routes.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert ROUTE_COLUMNS[:11] == FIRST_COLUMNS
    assert list(rows[0])[:11] == FIRST_COLUMNS
    doc = json.loads((plan_out / "plan.json").read_text(encoding="utf-8"))
    assert doc["key_figures"]["feasible"] and doc["check"]["ok"]
    assert doc["data_quality"]["estimated_road_distances"] is True
    assert doc["scenario"]["fleet"][0]["capacity"] == 300  # resolved defaults are recorded
    # each run starts at seq 0 at the depot with its load, ends back there; legs add up to the plan's km
    runs: dict[tuple[str, str], list[dict]] = {}
    for r in rows:
        runs.setdefault((r["day"], r["vehicle"]), []).append(r)
    assert len(runs) == doc["key_figures"]["vehicle_days"]
    total_km = sum(float(r["leg_km"]) for r in rows)
    assert total_km == pytest.approx(doc["key_figures"]["total_km"], abs=0.1 + 0.005 * len(rows))
    for stops in runs.values():
        assert stops[0]["seq"] == "0" and stops[0]["stop_id"] == stops[-1]["stop_id"] == "HUB"
        assert int(stops[0]["load_after"]) == sum(int(s["delivered"]) for s in stops)
        assert all(int(s["load_after"]) <= 300 for s in stops)
    visited = {r["stop_id"] for r in rows if r["stop_id"] != "HUB"}
    assert len(visited) == 61 + 5  # the service points, and the stations' counters for five town seats
    # the fleet is the most vans running on any one day
    per_day: dict[str, set[str]] = {}
    for r in rows:
        per_day.setdefault(r["day"], set()).add(r["vehicle"])
    k = doc["key_figures"]
    assert k["fleet_size"] == max(len(v) for v in per_day.values()) == sum(k["fleet_by_type"].values())
    assert k["total_cost"] == pytest.approx(k["fleet_cost"] + k["route_cost"] + k["penalty_cost"], abs=0.02)
    summary = (plan_out / "summary.md").read_text(encoding="utf-8")
    assert "估算数据" in summary and "estimated road distances" in summary and "Amenqirige Cun" in summary


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("desing = 'direct'\n", "unknown key(s) desing"),
        ("[policy]\nvisits_per_week = 'two'\n", "policy.visits_per_week: expected a whole number"),
        ("[policy.visits_by_village]\n999 = 2\n", "unknown village id(s) 999"),
        ("[[fleet]]\ncapacity = 50\ncount = 1\n", "no feasible plan"),
        ("data = 'nowhere'\n", "data: nowhere does not exist"),
        ("[[fleet]]\ncapasity = 50\n", "fleet[0]: unknown key(s) capasity"),
        ("design = 'teleport'\n", "design: 'teleport' is not one of"),
        ("[solver\n", "not valid TOML"),
        ("[solver]\nrouter = 'gurobi'\n", "solver.router: 'gurobi' must be one of ortools, pyvrp"),
    ],
)
def test_bad_scenarios_exit_2_naming_the_problem(tmp_path, capsys, toml, message):
    path = tmp_path / "bad.toml"
    path.write_text(toml, encoding="utf-8")
    assert main(["plan", "--scenario", str(path), "--out", str(tmp_path / "out"), "--iterations", "1"]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_bad_input_has_no_traceback_and_keeps_earlier_outputs(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "routes.csv").write_text("earlier run\n", encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text("[[fleet]]\ncapacity = 20\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "optimizer.cli", "plan", "--scenario", str(bad), "--out", str(out)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 2
    assert "exceed the largest vehicle's 20" in proc.stderr and "Traceback" not in proc.stderr
    assert (out / "routes.csv").read_text(encoding="utf-8") == "earlier run\n"


def test_unreadable_data_file(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    (data / "stations.csv").write_text("id,name\n", encoding="utf-8")
    scenario = tmp_path / "s.toml"
    scenario.write_text(f"data = '{data}'\n", encoding="utf-8")
    assert main(["plan", "--scenario", str(scenario), "--out", str(tmp_path / "o")]) == 2
    assert "stations.csv: missing column(s)" in capsys.readouterr().err


def test_cvrp_command_writes_a_checked_solution(tmp_path):
    from optimizer.classic.cvrplib import check_cvrp, read_cvrp, read_solution, route_cost

    instance = SHARED / "benchmarks" / "cvrp" / "X-n106-k14.vrp"
    out = tmp_path / "x.sol"
    assert main(["cvrp", str(instance), "--time-limit", "2", "--seed", "3", "--out", str(out)]) == 0
    routes, cost = read_solution(out)
    inst = read_cvrp(instance)
    assert check_cvrp(inst, routes) == [] and route_cost(inst, routes) == cost


@pytest.mark.parametrize("router", ["ortools", "pyvrp"])
def test_pvrp_command_writes_a_checked_solution(tmp_path, router):
    from optimizer.check import check
    from optimizer.classic.pvrp import read_pvrp, read_res

    instance = SHARED / "benchmarks" / "pvrp" / "instances" / "pr01.txt"
    out = tmp_path / "pr01.res"
    args = ["pvrp", str(instance), "--time-limit", "30", "--iterations", "2", "--seed", "1", "--out", str(out)]
    assert main([*args, "--router", router]) == 0
    problem = read_pvrp(instance).to_problem()
    plan, stated = read_res(out, problem)
    report = check(problem, plan)
    assert report.ok and report.cost == pytest.approx(stated, abs=0.006)


def test_plan_with_the_pyvrp_router_records_it_and_passes_the_checker(tmp_path):
    out = tmp_path / "out"
    assert main(["plan", "--out", str(out), "--iterations", "1", "--time-limit", "120", "--router", "pyvrp"]) == 0
    doc = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert doc["scenario"]["router"] == doc["search"]["router"] == "pyvrp"
    assert doc["check"]["ok"] and doc["key_figures"]["feasible"]
    runs_on = {int(r["day"]) for r in doc["runs"]}
    assert {int(d) for d in doc["search"]["routed_by"]} == runs_on
    # a day's routes are the genetic search's unless a router bettered them; OR-Tools' joint model places Hangjin's
    # once-a-week villages, the days alone are PyVRP's
    assert set(doc["search"]["routed_by"].values()) <= {"genetic", "ortools", "pyvrp"}
    assert all("joint week model" in f["reason"] for f in doc["search"]["router_fallbacks"])


def test_missing_instance_file(tmp_path, capsys):
    assert main(["pvrp", str(tmp_path / "none.txt")]) == 2
    assert "none.txt: cannot read" in capsys.readouterr().err
