"""CVRPLIB and Cordeau PVRP: readers, writers, reference solutions through the checker, and solving."""

from __future__ import annotations

import csv

import pytest

from optimizer import SolveParams, check, solve
from optimizer.classic.cvrplib import check_cvrp, read_cvrp, read_solution, route_cost, write_solution
from optimizer.classic.pvrp import read_pvrp, read_res, write_res
from optimizer.classic.solve import solve_cvrp
from optimizer.errors import InputError
from tests.conftest import SHARED

CVRP = SHARED / "benchmarks" / "cvrp"
PVRP = SHARED / "benchmarks" / "pvrp"
PVRP_NAMES = sorted(p.stem for p in (PVRP / "instances").glob("*.txt"))


@pytest.mark.parametrize("name", sorted(p.stem for p in CVRP.glob("*.vrp")))
def test_cvrplib_best_known_solutions_check(name):
    instance = read_cvrp(CVRP / f"{name}.vrp")
    routes, stated = read_solution(CVRP / f"{name}.sol")
    assert check_cvrp(instance, routes) == []
    assert route_cost(instance, routes) == stated


def test_cvrp_solve_write_read(tmp_path):
    instance = read_cvrp(CVRP / "X-n101-k25.vrp")
    routes, cost = solve_cvrp(instance, time_limit_s=2, seed=1)
    assert check_cvrp(instance, routes) == []
    assert cost == route_cost(instance, routes)
    _, bks = read_solution(CVRP / "X-n101-k25.sol")
    assert bks <= cost < 1.15 * bks
    path = write_solution(tmp_path / "x.sol", routes, cost)
    text = path.read_text()
    assert text.startswith("Route #1: ") and text.rstrip().endswith(f"Cost {cost}")
    again, stated = read_solution(path)
    assert again == routes and stated == cost


def test_cvrp_bad_files(tmp_path):
    good = (CVRP / "X-n101-k25.vrp").read_text()
    cut = tmp_path / "cut.vrp"
    cut.write_text(good[: len(good) // 2])
    with pytest.raises(InputError, match="cut.vrp: truncated"):
        read_cvrp(cut)
    geo = tmp_path / "geo.vrp"
    geo.write_text(good.replace("EUC_2D", "GEO"))
    with pytest.raises(InputError, match="GEO not supported"):
        read_cvrp(geo)
    junk = tmp_path / "junk.vrp"
    junk.write_text(good.replace("1\t365\t689", "1\tabc\t689"))
    with pytest.raises(InputError, match="junk.vrp, line 8"):
        read_cvrp(junk)


def test_pvrp_combination_codes():
    instance = read_pvrp(PVRP / "instances" / "p02.txt")
    assert instance.days == 5
    assert instance.pattern(10) == frozenset({2, 4})
    assert instance.pattern(16) == frozenset({1})
    p11 = read_pvrp(PVRP / "instances" / "p11.txt")
    assert p11.frequency[131] == 1  # stated as f = 0; the codes say one visit
    p01 = read_pvrp(PVRP / "instances" / "p01.txt")
    assert p01.at_depot == (51,)


@pytest.mark.parametrize("name", PVRP_NAMES)
def test_reference_solutions_check_and_reproduce_cost(name):
    problem = read_pvrp(PVRP / "instances" / f"{name}.txt").to_problem()
    plan, stated = read_res(PVRP / "solutions-cgl97" / f"{name}.res", problem)
    report = check(problem, plan)
    assert report.ok, report.violations[:3]
    assert report.cost == pytest.approx(stated, abs=0.011)


def test_pvrp_solve_and_res_round_trip(tmp_path):
    problem = read_pvrp(PVRP / "instances" / "p14.txt").to_problem()
    result = solve(problem, SolveParams(time_limit_s=60, iterations=3, seed=1))
    report = check(problem, result.plan)
    assert report.ok, report.violations[:3]
    with open(PVRP / "bks.csv") as fh:
        bks = {r["instance"]: float(r["bks"]) for r in csv.DictReader(fh)}["p14"]
    assert report.cost >= bks - 0.01
    path = write_res(tmp_path / "p14.res", problem, result.plan)
    plan, stated = read_res(path, problem)
    again = check(problem, plan)
    assert again.ok and stated == pytest.approx(report.cost, abs=0.006)
    assert again.cost == pytest.approx(report.cost)


def test_pvrp_bad_files(tmp_path):
    lines = (PVRP / "instances" / "p14.txt").read_text().splitlines()
    cut = tmp_path / "cut.txt"
    cut.write_text("\n".join(lines[:10]))
    with pytest.raises(InputError, match="cut.txt: truncated: expected 4 day lines and 21 node lines"):
        read_pvrp(cut)
    bad = tmp_path / "bad.txt"
    bad.write_text(
        "\n".join([lines[0], *lines[1:5], lines[5], lines[6].replace(lines[6].split()[1], "x1"), *lines[7:]])
    )
    with pytest.raises(InputError, match="bad.txt, line 7: not numbers"):
        read_pvrp(bad)
    vrptw = tmp_path / "tw.txt"
    vrptw.write_text("\n".join(["4" + lines[0][1:], *lines[1:]]))
    with pytest.raises(InputError, match="problem type 4; only type 1"):
        read_pvrp(vrptw)
