"""Region runs: counties planned through the local process pool and through a Dask cluster give the same table."""

from __future__ import annotations

import csv
import json

import pytest

from optimizer.cli import main
from optimizer.errors import InputError
from optimizer.planning.region import DEFAULT_REGION_DIR, PROGRESS, REGION_COLUMNS, load_counties

COUNTIES = "150103,150205,150902"  # three small counties: 5, 14 and 26 service points


def _table(out):
    with open(out / "region.csv", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames[: len(REGION_COLUMNS)] == REGION_COLUMNS
        return list(reader)


def test_a_region_run_is_the_same_on_the_local_pool_and_on_dask(tmp_path):
    pytest.importorskip("distributed")
    local, dask = tmp_path / "local", tmp_path / "dask"
    args = ["--counties", COUNTIES, "--iterations", "1", "--jobs", "2"]
    assert main(["region", "--out", str(local), *args]) == 0
    assert main(["region", "--out", str(dask), "--scheduler", "local", *args]) == 0
    rows = _table(local)
    assert [r["county_code"] for r in rows] == COUNTIES.split(",")
    assert (local / "region.csv").read_bytes() == (dask / "region.csv").read_bytes()
    for r in rows:
        assert r["status"] == "ok", r["status"]
        doc = json.loads((local / "counties" / r["county_code"] / "plan.json").read_text(encoding="utf-8"))
        assert doc["check"]["ok"] and doc["key_figures"]["fleet_size"] == int(r["fleet_size"])
    assert "全区" in (local / "region.md").read_text(encoding="utf-8")
    assert "counties/150103/summary.md" in (local / "region_map.html").read_text(encoding="utf-8")


def test_resume_runs_only_what_is_missing(tmp_path, capsys):
    out = tmp_path / "r"
    args = ["region", "--out", str(out), "--counties", "150103", "--iterations", "1", "--jobs", "1"]
    assert main(args) == 0
    lines = (out / PROGRESS).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    assert main([*args[:4], "150103,150205", *args[5:], "--resume"]) == 0
    lines = (out / PROGRESS).read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["row"]["county_code"] for x in lines] == ["150103", "150205"]  # 150103 not run again
    assert [r["county_code"] for r in _table(out)] == ["150103", "150205"]


def test_unknown_counties_and_folders_are_named():
    with pytest.raises(InputError, match="unknown county code"):
        load_counties(DEFAULT_REGION_DIR, ["999999"])
    with pytest.raises(InputError, match="region folder not found"):
        load_counties(DEFAULT_REGION_DIR / "nowhere")
    assert len(load_counties(DEFAULT_REGION_DIR)) == 101


def test_farms_get_runs_unless_the_scenario_skips_their_type(tmp_path):
    """County 152571 has 21 service points, 10 of them state-farm living areas (``type = farm``)."""
    from dataclasses import replace

    from optimizer.planning.build import Policy
    from optimizer.planning.dataset import load_dataset
    from optimizer.planning.run import run_scenario
    from optimizer.planning.scenario import Scenario

    folder = DEFAULT_REGION_DIR / "152571"
    farms = {v.id for v in load_dataset(folder).service_points if v.type == "farm"}
    assert len(farms) == 10
    base = Scenario(data=folder, iterations=1, time_limit_s=120)
    kept = run_scenario(base)
    assert farms <= {c.id for c in kept.problem.clients}
    skipped = run_scenario(replace(base, policy=Policy(skip_types=("farm",))))
    assert not farms & {c.id for c in skipped.problem.clients}
    assert skipped.check.ok and len(skipped.dataset.service_points) == 11
    bad = tmp_path / "bad.toml"
    bad.write_text("[policy]\nskip_types = ['farms']\n", encoding="utf-8")
    assert main(["plan", "--scenario", str(bad), "--out", str(tmp_path / "o")]) == 2


def test_a_county_whose_villages_all_lie_in_town_seats_gets_runs_to_its_counters():
    """东胜区 (150602) has 27 villages, all in town seats, and no service point of its own: its parcels still go from
    the centre to the stations' counters, so it is planned (it was reported as "nothing to plan"). With Hangjin's
    8 vans here; the region's fleet rule is tested below."""
    from optimizer.planning.run import run_scenario
    from optimizer.planning.scenario import Scenario

    (county,) = load_counties(DEFAULT_REGION_DIR, ["150602"])
    assert county.service_points == 0
    run = run_scenario(Scenario(data=county.folder, iterations=1, time_limit_s=120))
    visited = {run.problem.clients[i].id for r in run.result.plan.routes for i in r.clients}
    assert run.check.ok and visited == {c.place_id for c in run.counters if c.place_id != run.dataset.centre.id}


def test_the_fleet_rule_scales_by_villages_or_parcels_whichever_is_larger():
    """新城区 (150102) has 11 service points but 4,402 parcels a week at its town-seat counters: scaled by villages
    alone it got 2 vans (3,600 parcels of capacity a week) and no feasible plan."""
    from optimizer.planning.region import REFERENCE_DATA_DIR, county_scenario, parcels_down_per_week
    from optimizer.planning.scenario import Scenario

    base = Scenario()
    hangjin = parcels_down_per_week(REFERENCE_DATA_DIR)
    for county in load_counties(DEFAULT_REGION_DIR, ["150102", "150121"]):
        van = county_scenario(base, county).fleet[0]
        parcels = parcels_down_per_week(county.folder)
        ratio = max(county.service_points / 61, parcels / hangjin)
        assert van.count == max(1, -(-base.fleet[0].count * ratio // 1))
        assert van.count * van.capacity * len(base.policy.days) >= parcels


def test_the_fleet_rule_gives_each_day_a_van_for_every_visit_over_half_a_van():
    """东胜区's five station counters are visited every working day; on Mondays (two days of parcels after the
    Sunday gap) each carries 201-276 parcels, so no two share a 300-parcel van. Scaled by villages and parcels it
    got 4 vans and no feasible plan; the rule now raises it to 5, and the county is planned."""
    from optimizer.planning.build import build_problem, facility_matrices
    from optimizer.planning.dataset import load_dataset
    from optimizer.planning.region import county_scenario, fit_large_visits, plan_county
    from optimizer.planning.scenario import Scenario
    from optimizer.validate import large_visits

    (county,) = load_counties(DEFAULT_REGION_DIR, ["150602"])
    base = Scenario(iterations=1, time_limit_s=120)
    scaled = county_scenario(base, county)
    assert scaled.fleet[0].count == 4
    dataset = load_dataset(scaled.data)
    problem = build_problem(dataset, facility_matrices(dataset, None), fleet=scaled.fleet, policy=scaled.policy)
    monday = next(lv for lv in large_visits(problem) if lv.day == 1)
    assert (monday.need, monday.have, monday.capacity) == (5, 4, 300)
    assert fit_large_visits(scaled, problem).fleet[0].count == 5
    assert fit_large_visits(base, problem).fleet == base.fleet  # 8 vans are enough: nothing changes
    row = plan_county(base, county, None)
    assert row["status"] == "ok" and row["fleet_size"] <= 5
