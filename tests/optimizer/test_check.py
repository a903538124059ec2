"""The independent checker catches every kind of violation."""

from __future__ import annotations

from dataclasses import replace

import pytest

from optimizer import Plan, Route, SolveParams, check
from tests.helpers import small_problem

MON_SAT = (1, 2, 3, 4, 5, 6)
QUICK = SolveParams(time_limit_s=60, iterations=15, seed=1)


def test_checker_catches_each_kind_of_violation():
    points = [(0, 0), (1, 0), (0, 1)]
    problem = small_problem(points, [6, 6], capacity=10, vehicles=1, days=(1, 2), max_shift=100)
    p1, p2 = frozenset({1}), frozenset({2})
    good = Plan((p1, p2), (Route(1, 0, 0, (0,)), Route(2, 0, 0, (1,))))
    assert check(problem, good).ok
    assert check(problem, good).cost == pytest.approx(4.0)
    cases = {
        "not an allowed pattern": Plan((frozenset({1, 2}), p2), good.routes),
        "not visited and not reported unserved": Plan((p1, p2), good.routes[:1]),
        "already has a run that day": Plan((p1, p1), (Route(1, 0, 0, (0,)), Route(1, 0, 0, (1,)))),
        "exceed the capacity": Plan((p1, p1), (Route(1, 0, 0, (0, 1)),)),
        "only 1 vehicles": Plan((p1, p2), (Route(1, 0, 1, (0,)), Route(2, 0, 0, (1,)))),
        "is not due on day 2": Plan((p1, p2), (Route(1, 0, 0, (0,)), Route(2, 0, 0, (1, 0)))),
    }
    for expected, plan in cases.items():
        report = check(problem, plan)
        assert any(expected in v for v in report.violations), (expected, report.violations)
    slow = replace(problem, vehicle_types=(replace(problem.vehicle_types[0], max_shift_minutes=1.5),))
    assert any("over the 2-min shift" in v for v in check(slow, good).violations)
