"""The plan's economics: the fleet a plan needs, the relay trunk as runs, the town seats, the network's cost."""

from __future__ import annotations

import csv
import json
import math
from dataclasses import replace

import pytest

from optimizer import SolveParams, check, solve
from optimizer.cli import main
from optimizer.planning.costs import NetworkCosts, monthly
from optimizer.planning.run import run_scenario
from optimizer.planning.scenario import load_scenario, scenario_from_dict
from tests.conftest import REPO
from tests.helpers import small_problem

QUICK = SolveParams(time_limit_s=120, iterations=8, seed=1)


def test_balancing_the_days_saves_vehicles():
    """Six villages, each filling a van on both of its visit days ({1, 3} or {2, 4}): put all on the same days
    and the fleet is six vans; balanced it is three, for the same twelve van-days."""
    points = [(0, 0), (1, 0), (0, 1), (-1, 0), (0, -1), (1, 1), (-1, -1)]
    problem = small_problem(points, [10] * 6, capacity=10, vehicles=6, days=(1, 2, 3, 4), visits=2)
    van = replace(problem.vehicle_types[0], fixed_cost_per_week=1000.0, fixed_cost_per_day=10.0)
    problem = replace(problem, vehicle_types=(van,))
    result = solve(problem, QUICK)
    stats = result.stats
    assert stats.vehicle_days == 12 and stats.fleet_size == 3
    assert stats.fleet_by_type == {"van@D": 3} and stats.fleet_cost == pytest.approx(3000.0)
    report = check(problem, result.plan)
    assert report.ok and report.cost == pytest.approx(stats.total_cost)
    assert stats.total_cost == pytest.approx(stats.fleet_cost + stats.route_cost)
    # each day's runs use vans 0..n-1 of the fleet
    for day in problem.days:
        assert sorted(r.vehicle for r in result.plan.routes_on(day)) == list(range(len(result.plan.routes_on(day))))


def test_without_fleet_costs_a_van_costs_only_the_days_it_runs():
    points = [(0, 0), (1, 0), (0, 1), (-1, 0), (0, -1), (1, 1), (-1, -1)]
    problem = small_problem(points, [10] * 6, capacity=10, vehicles=6, days=(1, 2, 3, 4), visits=2, fixed_cost=10)
    result = solve(problem, QUICK)
    assert result.stats.fleet_cost == 0.0
    assert check(problem, result.plan).cost == pytest.approx(result.stats.total_cost)


def _relay(tmp_path, extra: str = "") -> tuple[dict, list[dict]]:
    scenario = (REPO / "scenarios" / "relay.toml").read_text(encoding="utf-8")
    path = tmp_path / "relay.toml"
    path.write_text(scenario + extra, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["plan", "--scenario", str(path), "--out", str(out), "--iterations", "2"]) == 0
    with open(out / "routes.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return json.loads((out / "plan.json").read_text(encoding="utf-8")), rows


def test_relay_trunk_runs_are_rows_of_the_plan_and_counted(tmp_path):
    doc, rows = _relay(tmp_path)
    k = doc["key_figures"]
    trunk = [r for r in rows if r["vehicle"].startswith("trunk truck")]
    assert trunk and {r["stop_id"] for r in trunk} - {"HUB"} <= {"S1", "S2", "S3", "S4", "S5", "S6"}
    assert k["total_km"] == pytest.approx(sum(float(r["leg_km"]) for r in rows), abs=0.1 + 0.005 * len(rows))
    assert k["fleet_by_type"]["trunk truck@HUB"] >= 1 and k["trunk_cost"] > 0
    per_day: dict[str, set[str]] = {}
    for r in rows:
        per_day.setdefault(r["day"], set()).add(r["vehicle"])
    # per type and depot, the fleet is the most vehicles of it running on any one day
    by_type: dict[str, dict[str, int]] = {}
    for r in rows:
        if r["seq"] == "0":
            key = r["vehicle_type"] if "@" in r["vehicle_type"] else f"{r['vehicle_type']}@{r['depot_id']}"
            by_type.setdefault(key, {}).setdefault(r["day"], 0)
            by_type[key][r["day"]] += 1
    assert {t: max(d.values()) for t, d in by_type.items()} == k["fleet_by_type"]
    # same-day relay: a station's vans leave after the trunk has unloaded there
    for r in rows:
        if r["seq"] == "0" and r["depot_id"].startswith("S"):
            arrival = next(t["arrival"] for t in trunk if t["day"] == r["day"] and t["stop_id"] == r["depot_id"])
            assert r["arrival"] >= arrival
    assert doc["relay"]["station_hold_days"] == 0 and doc["check"]["ok"]
    # the town seats' parcels travel on the trunk and count in the week's parcels
    seats = {s["served_at"] for s in doc["town_seats"]}
    assert "HUB" in seats and seats - {"HUB"} <= {"S1", "S2", "S3", "S4", "S5", "S6"}
    assert k["parcels_per_week"] == 9571 + 1625 + 348


def test_the_trunk_skips_days_without_station_runs(tmp_path):
    """Station vans that run on Monday and Thursday only: the trunk runs those days (same-day relay) or the day
    before each (parcels held a night), and no other."""
    fleet = (REPO / "scenarios" / "relay.toml").read_text(encoding="utf-8")
    assert 'depot = "stations"' in fleet
    text = fleet.replace(
        'depot = "stations"            # one such van type at every station that serves villages',
        'depot = "stations"\ndays = [1, 4]',
    )
    text = text.replace("count = 2\n", "count = 4\n", 1)  # the station vans: room for every village on two days
    for hold, expected in ((0, {"1", "4"}), (1, {"6", "3"})):
        folder = tmp_path / f"hold{hold}"
        folder.mkdir()
        path = folder / "relay.toml"
        assert "station_hold_days = 0" in text
        path.write_text(text.replace("station_hold_days = 0", f"station_hold_days = {hold}"), encoding="utf-8")
        out = folder / "out"
        assert main(["plan", "--scenario", str(path), "--out", str(out), "--iterations", "1"]) == 0
        with open(out / "routes.csv", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        assert {r["day"] for r in rows if r["vehicle"].startswith("trunk")} == expected
        assert {r["day"] for r in rows if r["depot_id"].startswith("S")} == {"1", "4"}


def test_network_cost_parts_add_up():
    run = run_scenario(scenario_from_dict({"solver": {"iterations": 1}}))
    cost = run.network_cost
    parts = cost["monthly"]
    assert parts["village_posts"] == 61 * 500
    assert parts["centre_staff"] == 10 * NetworkCosts().centre_staff_yuan_per_month
    assert parts["total"] == pytest.approx(sum(v for key, v in parts.items() if key != "total"), abs=0.01)
    assert parts["vehicles"] == pytest.approx(monthly(run.figures.fleet_cost + run.figures.route_cost), abs=0.01)
    assert cost["yearly_total"] == pytest.approx(12 * parts["total"], abs=0.1)
    assert cost["cost_per_parcel"] == pytest.approx(parts["total"] / monthly(run.figures.parcels_per_week), abs=1e-3)
    # stations: the busiest day's parcels against the planned floor, at the stated norm
    norm = run.scenario.costs.station_m2_per_parcel_day
    for s in run.stations:
        assert s["required_m2"] == pytest.approx(s["peak_parcels_per_day"] * norm, abs=0.1)
        assert s["ok"] == (s["floor_m2"] >= s["required_m2"])


def test_costs_table_is_checked(tmp_path):
    from optimizer.errors import InputError

    path = tmp_path / "s.toml"
    path.write_text("[costs]\nvillage_post_yuan_per_month = -5\n", encoding="utf-8")
    with pytest.raises(InputError, match="village_post_yuan_per_month"):
        load_scenario(path)
    path.write_text("[costs]\nvilage_post = 5\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown key"):
        load_scenario(path)


def test_the_default_plan_needs_no_more_vans_than_its_van_days_spread_over_the_week(capsys):
    """The README's first command: the deterministic default plan (40 iterations) balances its days."""
    import tempfile

    with tempfile.TemporaryDirectory() as out:
        assert main(["plan", "--out", out]) == 0
        doc = json.loads((REPO.__class__(out) / "plan.json").read_text(encoding="utf-8"))
    k = doc["key_figures"]
    working_days = len(doc["scenario"]["policy"]["days"])
    assert k["fleet_size"] <= math.ceil(k["vehicle_days"] / working_days) + 1
    printed = capsys.readouterr().out
    for key in ("fleet_size", "vehicle_days", "total_cost", "monthly_cost"):
        assert key in printed


def test_missed_visits_are_marked_missed_in_every_output(tmp_path):
    """One van and a price per missed visit: the plan is a result, and every output says which visits it misses."""
    path = tmp_path / "one-van.toml"
    path.write_text("[[fleet]]\ncount = 1\n\n[policy]\nunserved_penalty = 500.0\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["plan", "--scenario", str(path), "--out", str(out), "--iterations", "1"]) == 0
    doc = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert doc["unserved"] and doc["key_figures"]["penalty_cost"] == 500.0 * len(doc["unserved"])
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert summary.count("未服务 MISSED") >= 2 * len(doc["unserved"])  # the missed list and the village table
    index = (out / "sheets" / "index.html").read_text(encoding="utf-8")
    assert index.count("<li>") - len(list((out / "sheets").glob("day*.html"))) == len(doc["unserved"])
    assert "未服务 MISSED" in (out / "map.html").read_text(encoding="utf-8")
    with open(out / "routes.csv", encoding="utf-8") as fh:
        visited = {(r["stop_id"], r["day"]) for r in csv.DictReader(fh)}
    assert not {(u["id"], str(u["day"])) for u in doc["unserved"]} & visited


def test_a_trunk_that_cannot_reach_the_stations_is_no_feasible_plan(tmp_path, capsys):
    """A trunk shift too short for the farthest station: exit 2 with "no feasible plan" naming the stations (the
    region table then says ``infeasible``, not ``error``)."""
    text = (REPO / "scenarios" / "relay.toml").read_text(encoding="utf-8")
    assert "cost_per_km = 1.6\nmax_shift_minutes = 660\n" in text
    path = tmp_path / "short-trunk.toml"
    path.write_text(text.replace("cost_per_km = 1.6\nmax_shift_minutes = 660\n", "cost_per_km = 1.6\n"
                                 "max_shift_minutes = 60\n", 1), encoding="utf-8")  # fmt: skip
    assert main(["plan", "--scenario", str(path), "--out", str(tmp_path / "out"), "--iterations", "1"]) == 2
    err = capsys.readouterr().err
    assert "no feasible plan: trunk runs, day" in err and "cannot reach" in err and "站" in err
    assert not (tmp_path / "out").exists()
