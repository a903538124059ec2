"""Infeasible input explained before searching."""

from __future__ import annotations

from dataclasses import replace

import pytest

from optimizer import InfeasibleError, SolveParams, solve
from optimizer.model import Client
from tests.helpers import small_problem

MON_SAT = (1, 2, 3, 4, 5, 6)
QUICK = SolveParams(time_limit_s=60, iterations=15, seed=1)


def test_infeasible_volume_names_the_village():
    problem = small_problem([(0, 0), (1, 0), (2, 0)], [420, 10], capacity=300, vehicles=2, days=(1,))
    problem = replace(problem, clients=(replace(problem.clients[0], name="巴音温都尔嘎查"), problem.clients[1]))
    with pytest.raises(
        InfeasibleError, match="巴音温都尔嘎查 .*: 420 parcels on one visit exceed the largest vehicle's 300"
    ):
        solve(problem, QUICK)


def test_infeasible_shift_and_days_are_explained():
    far = small_problem([(0, 0), (400, 0)], [5], capacity=10, vehicles=1, days=(1,), max_shift=600)
    with pytest.raises(InfeasibleError, match="round trip takes 800 min, longer than the 600-min shift"):
        solve(far, QUICK)
    problem = small_problem([(0, 0), (1, 0)], [5], capacity=10, vehicles=1, days=(1, 2))
    problem = replace(problem, vehicle_types=(replace(problem.vehicle_types[0], days=(2,)),),
                      clients=(replace(problem.clients[0], patterns=(frozenset({1}),)),))  # fmt: skip
    with pytest.raises(InfeasibleError, match="no vehicle runs on day 1"):
        solve(problem, QUICK)


def test_unknown_depot_and_empty_fleet():
    problem = small_problem([(0, 0), (1, 0)], [1], capacity=5, vehicles=1, days=(1,))
    with pytest.raises(InfeasibleError, match="unknown depot 'X'"):
        solve(replace(problem, vehicle_types=(replace(problem.vehicle_types[0], depot="X"),)), QUICK)
    with pytest.raises(InfeasibleError, match="the fleet is empty"):
        solve(replace(problem, vehicle_types=()), QUICK)
    bad = replace(problem, clients=(Client("z", "z", 1, 1.0, visits_per_week=1, depot="X"),))
    with pytest.raises(InfeasibleError, match="no vehicle is based at its depot X"):
        solve(bad, QUICK)
