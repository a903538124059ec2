"""The time limit reaches every phase: with a fake clock, no test here depends on the machine's speed.

``time.perf_counter`` is replaced by a clock the test moves; every phase of a run (the genetic search, the polish,
the trunk) must see the deadline and stop, and OR-Tools must never be given more than the time left.
"""

from __future__ import annotations

import re
import time

import pytest

from optimizer import SolveParams, check, solve
from optimizer.routing import SearchBudget, WeekVisit, route_week
from optimizer.routing.ortools import ORTOOLS
from tests.helpers import small_problem

POINTS = [(0, 0), (4, 1), (5, -1), (-3, 3), (10, 8), (11, 7)]


class FakeClock:
    """``perf_counter`` as the test sets it: ``now`` until moved, plus ``step`` seconds at every reading."""

    def __init__(self, now: float = 1000.0, step: float = 0.0) -> None:
        self.now, self.step = now, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(time, "perf_counter", fake)
    return fake


@pytest.fixture
def ortools_calls(monkeypatch):
    """Every OR-Tools call made, with the seconds it was given."""
    calls: list[tuple[str, float]] = []
    for name in ("route", "improve"):
        real = getattr(ORTOOLS, name)

        def counted(problem, visits, vehicles, budget, *args, _real=real, _name=name, **kwargs):
            calls.append((_name, budget.time_s))
            return _real(problem, visits, vehicles, budget, *args, **kwargs)

        monkeypatch.setattr(ORTOOLS, name, counted)
    return calls


def _problem(visits: int = 1):
    return small_problem(POINTS, [4, 3, 5, 4, 4], capacity=12, vehicles=2, days=(1, 2, 3), visits=visits)


def test_a_run_whose_clock_is_gone_builds_one_plan_without_a_router_and_says_the_time_limit(clock, ortools_calls):
    clock.step = 100.0  # every reading of the clock is 100 s after the last: the 5 s limit is gone at once
    problem = _problem()
    result = solve(problem, SolveParams(time_limit_s=5, iterations=None, seed=1))
    assert ortools_calls == []  # not one OR-Tools model: the search and the polish both stopped
    assert result.stopped_by == "time limit" and result.iterations == 0
    report = check(problem, result.plan)  # the one plan of cheapest insertion, checked like any other
    assert report.ok == (result.first_feasible_s is not None) and report.cost == pytest.approx(result.stats.total_cost)


def test_the_clock_passing_during_the_polish_keeps_the_search_plan(clock, ortools_calls, monkeypatch):
    # a work-bounded search on a clock that stands still, then the clock jumps past the limit at the first polish
    real_route = ORTOOLS.route

    def route_then_jump(*args, **kwargs):
        out = real_route(*args, **kwargs)
        clock.now += 1e6
        return out

    monkeypatch.setattr(ORTOOLS, "route", route_then_jump)
    problem = _problem(3)  # every day: one model a day in the polish
    result = solve(problem, SolveParams(time_limit_s=5, iterations=20, seed=1))
    assert len(ortools_calls) == 1  # the first day's polish, nothing after the limit
    assert result.stopped_by == "iterations" and result.iterations == 20
    assert check(problem, result.plan).ok and not result.plan.unserved


def test_models_get_their_share_of_the_time_left_and_none_after_it(clock):
    # two depots' villages share no vehicle: two models, of 3 and 1 visits
    from dataclasses import replace

    problem = _problem()
    van = problem.vehicle_types[0]
    problem = replace(
        problem,
        depots=(*problem.depots, replace(problem.depots[0], id="E", index=5)),
        vehicle_types=(van, replace(van, name="van E", depot="E")),
        clients=tuple(replace(c, depot="D" if i < 3 else "E") for i, c in enumerate(problem.clients[:4])),
    )
    given: list[float] = []

    class Recorder:
        name = "recorder"

        def unsupported(self, problem, visits, vehicles):
            return None

        def route(self, problem, visits, vehicles, budget, seed, fixed_costs=None):
            given.append(budget.time_s)
            return [], list(visits)

        def improve(self, problem, visits, vehicles, budget, seed, start, fixed_costs=None):
            given.append(budget.time_s)
            return [], list(visits)

    visits = [WeekVisit(c, (1,), 1, 0) for c in range(4)]
    route_week(problem, visits, SearchBudget(time_s=1.0), router=Recorder(), deadline=clock.now + 0.3)
    # the first model: 3 of the 4 visits' share of the 0.3 s left; the second: what is left, within its budget share
    assert given == pytest.approx([0.225, 0.25])

    given.clear()
    start = {(1, 0, 0): [0, 1], (1, 1, 0): [3]}
    routes, dropped = route_week(
        problem, visits, SearchBudget(time_s=1.0), router=Recorder(), start=start, deadline=clock.now - 1
    )
    assert given == []  # past the deadline: no model is solved
    assert sorted(r.clients for r in routes) == [(0, 1), (3,)]  # the routes it was given stay as they were
    assert [v.client for v in dropped] == [2]


def test_the_trunk_gets_no_more_than_the_time_left(clock, monkeypatch):
    from optimizer.planning import trunk

    given: list[float] = []
    real = trunk.route_day

    def recorded(problem, day, visits, budget, **kwargs):
        given.append(budget.time_s)
        return real(problem, day, visits, budget, **kwargs)

    monkeypatch.setattr(trunk, "route_day", recorded)
    from optimizer.planning.run import run_scenario
    from optimizer.planning.scenario import scenario_from_dict

    clock.step = 0.0
    scenario = scenario_from_dict(
        {"name": "relay", "design": "relay", "solver": {"time_limit": 60, "iterations": 1},
         "fleet": [{"depot": "stations", "count": 2}, {"depot": "HUB", "count": 3}]}
    )  # fmt: skip

    def late_trunk(*args, **kwargs):  # the vans' search is done; the clock passes the limit before the trunk
        clock.now += 1e6
        return real_plan(*args, **kwargs)

    real_plan = trunk.plan_trunk
    monkeypatch.setattr("optimizer.planning.run.plan_trunk", late_trunk)
    run = run_scenario(scenario)
    assert given and all(t == trunk.TRUNK_MIN_S for t in given)  # each trunk day: the floor, not 2 s
    assert run.trunk is not None


def test_plan_whose_time_limit_passes_before_a_feasible_plan_exits_2_and_writes_nothing(
    clock, ortools_calls, tmp_path, capsys
):
    from optimizer.cli import main

    out = tmp_path / "out"
    clock.step = 100.0  # no time at all: one plan of cheapest insertion, whose overfull vans shed visits
    assert main(["plan", "--out", str(out), "--time-limit", "5"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("ruralpost: error: no feasible plan: the time limit (5 s) ended the run")
    assert "raise the time limit" in err[0]
    assert re.search(r"\(\d visits?\) and \d+ more villages;", err[0])  # ten named, the rest counted
    assert ortools_calls == [] and not out.exists()


def test_with_an_unserved_penalty_the_plan_the_limit_cut_short_is_written_and_says_so(
    clock, ortools_calls, tmp_path, capsys
):
    import json

    from optimizer.cli import main

    scenario = tmp_path / "s.toml"
    scenario.write_text("[policy]\nunserved_penalty = 500\n", encoding="utf-8")
    out = tmp_path / "out"
    clock.step = 100.0
    assert main(["plan", "--scenario", str(scenario), "--out", str(out), "--time-limit", "5"]) == 0
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert plan["search"]["stopped_by"] == "time limit"
    assert plan["key_figures"]["unserved"] > 0 and ortools_calls == []


def test_the_kernels_compilation_after_an_install_does_not_count_against_the_time_limit(clock, monkeypatch):
    from optimizer.planning import run as run_module
    from optimizer.planning.scenario import scenario_from_dict

    real = run_module.warm_up

    def cold_compile() -> float:  # the first run after an install: the kernels take minutes of this clock
        real()
        clock.now += 1e6
        return 1e6

    monkeypatch.setattr(run_module, "warm_up", cold_compile)
    scenario = scenario_from_dict({"name": "cold", "solver": {"time_limit": 60, "iterations": 50}})
    result = run_module.run_scenario(scenario).result
    assert result.stopped_by == "iterations" and result.iterations == 50
