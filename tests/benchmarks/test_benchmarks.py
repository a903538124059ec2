"""The benchmark suite's --quick mode runs and writes well-formed results (no timing is asserted here)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from benchmarks.run import SECTIONS, main
from tests.conftest import REPO


def test_quick_benchmark_writes_wellformed_results(tmp_path, capsys):
    out = tmp_path / "results.json"
    assert main(["--quick", "--jobs", "2", "--out", str(out), "--no-readme"]) == 0
    results = json.loads(out.read_text(encoding="utf-8"))
    assert set(results["sections"]) == set(SECTIONS)
    assert results["machine"]["versions"]["ortools"]
    sec = results["sections"]
    failed = [f"{name}: {r['error']}" for name, s in sec.items() for r in s["runs"] if "error" in r]
    assert not failed, failed
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


def _square(x: int) -> dict:
    if x < 0:
        raise ValueError("negative")
    return {"x": x, "y": x * x}


def test_run_isolated_logs_each_measurement_and_resumes(tmp_path, monkeypatch):
    from benchmarks import common

    log = tmp_path / "results.progress.jsonl"
    monkeypatch.setattr(common, "progress_log", log)
    monkeypatch.setattr(common, "code_version", lambda: "abc1234")
    rows = common.run_isolated([(_square, {"x": 3}), (_square, {"x": 4})], jobs=2)
    assert [(r["x"], r["y"]) for r in rows] == [(3, 9), (4, 16)]
    assert len(log.read_text(encoding="utf-8").splitlines()) == 2
    # mark the logged x=3 so that a reuse shows, and cut a last line short as a kill would
    log.write_text(log.read_text(encoding="utf-8").replace('"y": 9', '"y": -9') + '{"key": "torn', encoding="utf-8")
    monkeypatch.setattr(common, "resume", True)
    rows = common.run_isolated([(_square, {"x": 3}), (_square, {"x": 5}), (_square, {"x": -1})], jobs=1)
    assert rows[0]["y"] == -9 and rows[1]["y"] == 25 and "negative" in rows[2]["error"]
    assert common._logged()[common._task_key(_square, {"x": 5}, "abc1234")]["y"] == 25
    monkeypatch.setattr(common, "code_version", lambda: "def5678")  # another commit: nothing is reused
    assert common.run_isolated([(_square, {"x": -1})], jobs=1)[0]["error"]


def test_a_partial_pvrp_rerun_replaces_what_it_repeats_and_keeps_the_rest():
    from benchmarks.run import merge_section, tables

    def run(limit, seed, gap):
        return {"instance": "p01", "time_limit_s": limit, "seed": seed, "gap_pct": gap, "cost": 1.0, "bks": 1.0,
                "cgl97_gap_pct": 0.0, "feasible": True}  # fmt: skip

    old = {"date": "2026-11-28", "mode": "full, 1 job", "code": "aaa1111",
           "runs": [run(30.0, 1, 5.0), run(120.0, 1, 9.0)]}  # fmt: skip
    new = {"date": "2026-11-29", "mode": "full, 2 jobs", "code": "bbb2222", "runs": [run(120.0, 1, 1.0)]}
    merged = merge_section("pvrp", old, new)
    assert sorted((r["time_limit_s"], r["gap_pct"], r["measured"]["code"]) for r in merged["runs"]) == [
        (30.0, 5.0, "aaa1111"),
        (120.0, 1.0, "bbb2222"),
    ]
    text = tables({"sections": {"pvrp": merged}})
    assert "1 run on 2026-11-28, full, 1 job, code aaa1111; 1 run on 2026-11-29" in text
    assert "ruralpost 30 s (aaa1111) | ruralpost 120 s (bbb2222)" in text
    assert merge_section("hangjin", old, new)["runs"] == [{**run(120.0, 1, 1.0), "measured": {
        "date": "2026-11-29", "mode": "full, 2 jobs", "code": "bbb2222"}}]  # fmt: skip


def test_a_crashed_pvrp_run_is_reported_not_turned_into_a_gap(monkeypatch):
    from benchmarks import pvrp
    from tests.conftest import SHARED

    def crashed(tasks, jobs):
        return [{**kwargs, "error": "MemoryError: boom", "peak_rss_mb": 1.0} for _, kwargs in tasks]

    monkeypatch.setattr(pvrp, "run_isolated", crashed)
    res = pvrp.run(False, 1, SHARED, limits=[30.0], seeds=[1], names=["p01"])
    (r,) = res["runs"]
    assert (r["instance"], r["feasible"], r["gap_pct"]) == ("p01", False, None)
    assert "p01 30 s seed 1 (MemoryError: boom)" in pvrp.table(res)


def test_stopping_the_runner_stops_its_measurements(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    pids = tmp_path / "pids"
    script = (
        "import os, sys, time\n"
        "from benchmarks import common\n"
        "def wait(path):\n"
        "    open(path, 'a').write(f'{os.getpid()}\\n')\n"
        "    time.sleep(60)\n"
        "    return {}\n"
        "if __name__ == '__main__':\n"
        "    common.run_isolated([(wait, {'path': sys.argv[1]})] * 2, jobs=2)\n"
    )
    (tmp_path / "runner.py").write_text(script)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    runner = subprocess.Popen([sys.executable, str(tmp_path / "runner.py"), str(pids)], env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(pids.read_text().split() if pids.exists() else []) < 2:
        time.sleep(0.1)
    workers = [int(p) for p in pids.read_text().split()]
    assert len(workers) == 2
    runner.send_signal(signal.SIGTERM)
    assert runner.wait(timeout=20) != 0
    time.sleep(1.0)

    def alive(pid: int) -> bool:  # a zombie (ended, not yet reaped) counts as ended
        try:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except FileNotFoundError:
            return False
        except OSError:
            os.kill(pid, 0)
            return True

    assert not [pid for pid in workers if alive(pid)]


def test_day_routing_routes_every_reference_day_in_full_with_both_engines():
    """p01's reference solution is optimal (its cost is the best-known value): any complete, feasible routing of
    its days costs at least as much, so a negative gap would mean a broken constraint or a mispriced route. The
    routing is bounded by work (30 solutions' worth), so the result does not depend on the machine's speed; how close
    each router comes in given seconds is measured in benchmarks/, not asserted here."""
    from benchmarks.day_routing import ENGINES, reference_state, route_days
    from benchmarks.run import shared_folder

    state = reference_state("p01", shared_folder())
    for engine in ENGINES:
        run = route_days(state, engine, seconds=120, seed=1, solutions=30)
        assert run.failed_days == 0
        assert run.reference == pytest.approx(524.61, abs=0.01)
        assert math.isfinite(run.gap_pct) and run.gap_pct > -1e-6


def test_the_deadline_benchmark_writes_a_banner_the_planner_reads(tmp_path):
    from benchmarks.deadline import write_banner
    from optimizer.planning import load_dataset
    from optimizer.planning.scenario import load_scenario

    scenario = load_scenario(write_banner(tmp_path / "banner", 130))
    data = load_dataset(scenario.data)
    assert len(data.service_points) == 130 and len(data.stations) == 4  # one station per 61 villages, rounded up
    assert scenario.design == "mixed" and {vt.depot for vt in scenario.fleet} == {"stations", "HUB"}


def test_day_routing_rebuilds_the_planners_own_plan_as_the_checker_prices_it():
    """``day_routing --ours`` compares the planner's days with CGL97's: the week state it rebuilds from a plan must
    cost what the independent checker says the plan costs (work-bounded: one iteration)."""
    from benchmarks.day_routing import planned_state, route_days
    from benchmarks.run import shared_folder

    state, cost = planned_state("p01", shared_folder(), "ortools", 600.0, seed=1, iterations=1)
    assert not state.unserved and state.cost() == pytest.approx(cost, abs=0.01)
    again = route_days(state, "ortools", 600.0, seed=1, solutions=5)
    assert again.reference == pytest.approx(cost, abs=0.01) and again.failed_days == 0


def test_banner_table_names_each_router_and_marks_missed_visits():
    from benchmarks.routers import banner_table

    run = {"villages": 1000, "router": "pyvrp", "first_feasible_s": None, "final": 2.5e7, "iterations": 3,
           "unserved": 2, "feasible": False, "peak_rss_mb": 200.0,
           "checkpoints": {"60s": 2.5e7, "120s": None, "300s": None, "600s": None}}  # fmt: skip
    table = banner_table({"banner": [run, {"n": 1000, "router": "ortools", "error": "MemoryError"}]})
    rows = table.splitlines()
    assert "| 1000 | pyvrp | not reached | visits missed | – |" in rows[2] and "| NO |" in rows[2]
    assert rows[3].startswith("| 1000 | ortools | MemoryError |")
    assert banner_table({"banner": []}) == ""


def _pvrp_run(instance: str, limit: float, seed: int, router: str, gap: float) -> dict:
    return {"instance": instance, "time_limit_s": limit, "seed": seed, "router": router, "cost": 100 + gap,
            "feasible": True, "bks": 100.0, "gap_pct": gap, "cgl97_gap_pct": 0.5}  # fmt: skip


def test_results_of_one_commit_merge_into_one_table_and_others_are_refused():
    from benchmarks.routers import merge, pvrp_table

    def res(runs, code="abc1234", **extra):
        return {"code": code, "machine": "x86_64, 2 cores", "jobs": 2, "pvrp": runs, "hangjin": [], "banner": [],
                **extra}  # fmt: skip

    seed1 = res([_pvrp_run(n, 30.0, 1, r, g) for n, g in (("p02", 1.0), ("p03", 4.0)) for r in ("ortools", "pyvrp")],
                hangjin=[{"design": "direct"}])  # fmt: skip
    seed2 = res([_pvrp_run("p02", 30.0, 2, r, 3.0) for r in ("ortools", "pyvrp")])
    both = merge([seed1, seed2])
    assert len(both["pvrp"]) == 6 and both["hangjin"] == [{"design": "direct"}] and both["code"] == "abc1234"
    table = pvrp_table(both)
    # p02's mean over seeds is 2.0, p03's 4.0: the family mean is 3.00 (not the runs' mean, 2.67); p02's cell is
    # the median (min-max) over its seeds
    assert "| p01-p10 | 2 | 3.00 % | 3.00 % | 0.50 % |" in table
    assert "| p02 | 2 % (1–3) | 2 % (1–3) | 0.50 % |" in table
    assert "30 s: seed 1 on all 2; seed 2 on 1 of 2" in table
    with pytest.raises(ValueError, match="different codes"):
        merge([seed1, res(seed2["pvrp"], code="def5678")])
    with pytest.raises(ValueError, match="p02 30.0 2 ortools: measured twice"):
        merge([seed2, seed2])
