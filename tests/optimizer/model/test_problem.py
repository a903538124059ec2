"""The problem model: visit-day patterns and parcels per visit."""

from __future__ import annotations

from dataclasses import replace

import pytest

from optimizer import SolveParams, default_patterns, visit_loads
from tests.helpers import small_problem

MON_SAT = (1, 2, 3, 4, 5, 6)
QUICK = SolveParams(time_limit_s=60, iterations=15, seed=1)


def test_default_patterns_monday_to_saturday():
    assert len(default_patterns(1, MON_SAT)) == 6
    assert set(default_patterns(2, MON_SAT)) == {frozenset({1, 4}), frozenset({2, 5}), frozenset({3, 6})}
    assert set(default_patterns(3, MON_SAT)) == {frozenset({1, 3, 5}), frozenset({2, 4, 6})}
    assert default_patterns(6, MON_SAT) == (frozenset(MON_SAT),)
    with pytest.raises(ValueError, match="7 visits a week cannot fit 6 working days"):
        default_patterns(7, MON_SAT)


def test_visit_loads_follow_the_gap_since_the_previous_visit():
    problem = small_problem([(0, 0), (1, 0)], [70], capacity=100, vehicles=1, days=MON_SAT, per_visit=False)
    client = replace(problem.clients[0], pickup=14)
    # Monday carries Thursday..Sunday (4 days), Thursday carries Monday..Wednesday (3 days)
    assert visit_loads(problem, client, frozenset({1, 4})) == {1: (40, 8), 4: (30, 6)}
    assert visit_loads(problem, client, frozenset({3})) == {3: (70, 14)}
    loads = visit_loads(problem, replace(client, delivery=100), frozenset({1, 3, 5}))
    assert sum(d for d, _ in loads.values()) == 100  # rounding keeps the week's total
