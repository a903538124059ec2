"""Budgets of the router calls during the search."""

from __future__ import annotations

from dataclasses import replace

import pytest

from optimizer import SolveParams

MON_SAT = (1, 2, 3, 4, 5, 6)
QUICK = SolveParams(time_limit_s=60, iterations=15, seed=1)


def test_or_tools_calls_near_the_time_cap_share_what_is_left():
    from optimizer.routing import SearchBudget
    from optimizer.solver.budgets import capped

    budget = SearchBudget(time_s=5.0, solutions=60)
    assert capped(budget, left_s=100.0, calls=4) is budget  # time to spare: unchanged, so runs stay reproducible
    assert capped(budget, left_s=6.0, calls=4).time_s == pytest.approx(1.5)
    assert capped(budget, left_s=-3.0, calls=4).time_s == pytest.approx(0.05)  # past the cap: the least call
    assert capped(budget, left_s=6.0, calls=4).solutions == 60


def test_routing_afresh_backs_off_while_it_rarely_wins():
    from optimizer.routing import SearchBudget
    from optimizer.solver.budgets import adapt, adapt_every

    assert [adapt_every(1, 0.1), adapt_every(16, 0.0), adapt_every(8, 0.3), adapt_every(8, 0.6)] == [2, 16, 8, 4]
    low = SearchBudget(time_s=5.0, solutions=60)
    assert adapt(low, 0.0, low).solutions == 120
    assert adapt(replace(low, solutions=960), 0.0, low).solutions == 960  # at most 16 x the floor
    assert adapt(replace(low, solutions=240), 0.9, low).solutions == 120
