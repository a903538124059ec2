"""The Hangjin week: building the problem from the data set in each design, solving and checking it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from optimizer import SolveParams, check, solve
from optimizer.errors import InputError
from optimizer.planning import load_dataset
from optimizer.planning.build import DEFAULT_VAN, Policy, assign_depots, build_problem, facility_matrices

FAST = SolveParams(time_limit_s=120, iterations=2, seed=0)


@pytest.fixture(scope="module")
def hangjin():
    dataset = load_dataset()
    return dataset, facility_matrices(dataset)


def test_matrices_cover_centre_stations_villages(hangjin):
    _, matrices = hangjin
    assert matrices.ids[0] == "HUB" and len(matrices.ids) == 1 + 6 + 61
    assert matrices.estimated and "estimated road distances" in matrices.label
    assert (matrices.km >= 0).all() and matrices.km.shape == (68, 68)


def test_direct_week_is_feasible_and_checked(hangjin):
    dataset, matrices = hangjin
    problem = build_problem(dataset, matrices)
    # 61 service points, and the counters of the five town seats outside Xini (the vans bring their parcels)
    assert len(problem.clients) == 66 and all(c.visits_per_week == 2 for c in problem.clients)
    assert {c.id for c in problem.clients[61:]} == {"S1", "S2", "S3", "S4", "S5"}
    result = solve(problem, FAST)
    report = check(problem, result.plan)
    assert report.ok, report.violations[:5]
    assert report.cost == pytest.approx(result.stats.total_cost)
    assert result.first_feasible_s is not None
    # every service point visited twice a week, on one of the default patterns
    assert all(len(p) == 2 for p in result.plan.patterns)


def test_relay_design_uses_stations(hangjin):
    dataset, matrices = hangjin
    depots = assign_depots(dataset, matrices, "relay")
    by_township = {v.id: v.township for v in dataset.service_points}
    assert {depots[v] for v, t in by_township.items() if t == "锡尼镇"} == {"HUB"}
    assert depots["150625103200"] == "S1"  # a Duguitala village goes to the Duguitala station
    fleet = (replace(DEFAULT_VAN, depot="stations", count=2), replace(DEFAULT_VAN, count=3))
    problem = build_problem(dataset, matrices, design="relay", fleet=fleet)
    assert {d.id for d in problem.depots} >= {"HUB", "S1", "S5"}
    result = solve(problem, FAST)
    report = check(problem, result.plan)
    assert report.ok, report.violations[:5]
    assert result.history[-1][1] == pytest.approx(result.stats.total_cost)
    for route in result.plan.routes:
        vt = problem.vehicle_types[route.vehicle_type]
        assert all(problem.clients[c].depot == vt.depot for c in route.clients)


def test_policy_rules(hangjin):
    dataset, matrices = hangjin
    one = dataset.service_points[0].id
    policy = Policy(visits_by_village={one: 3}, max_parcels_per_visit=100, volume_factor=2.5)
    problem = build_problem(dataset, matrices, policy=policy)
    by_id = {c.id: c for c in problem.clients}
    assert by_id[one].visits_per_week >= 3
    big = max(dataset.service_points, key=lambda v: v.parcels_down_per_week)
    assert by_id[big.id].visits_per_week == min(6, -(-int(big.parcels_down_per_week * 2.5) // 100))
    assert by_id[big.id].delivery == pytest.approx(big.parcels_down_per_week * 2.5)
    with pytest.raises(InputError, match="unknown village id"):
        build_problem(dataset, matrices, policy=Policy(visits_by_village={"nope": 2}))


def test_hangjin_plan_is_reproducible(hangjin):
    dataset, matrices = hangjin
    problem = build_problem(dataset, matrices)
    params = SolveParams(time_limit_s=300, iterations=3, seed=5)
    a, b = solve(problem, params), solve(problem, params)
    assert a.stopped_by == b.stopped_by == "iterations"
    assert a.plan == b.plan and a.stats.total_cost == b.stats.total_cost


def test_remote_villages_and_explicit_patterns(hangjin):
    dataset, matrices = hangjin
    row = {pid: i for i, pid in enumerate(matrices.ids)}
    far = {v.id for v in dataset.service_points if matrices.km[row["HUB"], row[v.id]] > 150}
    assert 0 < len(far) < 61
    one = sorted(far)[0]
    policy = Policy(remote_km=150, remote_visits_per_week=1, patterns_by_village={one: ((2,), (5,))})
    problem = build_problem(dataset, matrices, policy=policy)
    for c in problem.clients:
        assert c.visits_per_week == (1 if c.id in far else 2)
    chosen = next(c for c in problem.clients if c.id == one)
    assert chosen.patterns == (frozenset({2}), frozenset({5}))
    result = solve(problem, FAST)
    assert check(problem, result.plan).ok
    assert result.plan.patterns[problem.clients.index(chosen)] in chosen.patterns


def test_scenario_patterns_are_checked(tmp_path):
    from optimizer.planning.scenario import load_scenario

    path = tmp_path / "s.toml"
    path.write_text('[policy.patterns_by_village]\n"150625100201" = [[1, 4], [2]]\n', encoding="utf-8")
    with pytest.raises(InputError, match="every pattern must have the same number of days"):
        load_scenario(path)
    path.write_text('[policy.patterns_by_village]\n"150625100201" = [[1, 9]]\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"patterns_by_village.150625100201: expected day numbers 1-7"):
        load_scenario(path)
    path.write_text("[policy]\nremote_km = 120\nremote_visits_per_week = 3\n", encoding="utf-8")
    assert load_scenario(path).policy.remote_visits_per_week == 3


def test_mixed_design_sends_each_village_to_the_nearer_depot(hangjin):
    dataset, matrices = hangjin
    row = {pid: i for i, pid in enumerate(matrices.ids)}
    relay = assign_depots(dataset, matrices, "relay")
    mixed = assign_depots(dataset, matrices, "mixed")
    depots = ["HUB", "S1", "S2", "S3", "S4", "S5", "S6"]
    for v, depot in mixed.items():
        assert matrices.km[row[depot], row[v]] == min(matrices.km[row[d], row[v]] for d in depots)
    # the Duguitala township has two stations (Duguitala and Taran Gaole): relay uses both, each for its nearer villages
    duguitala = [v.id for v in dataset.service_points if v.township == "独贵塔拉镇"]
    assert {relay[v] for v in duguitala} == {"S1", "S6"}
    assert any(relay[v] != mixed[v] for v in relay)
    with pytest.raises(InputError, match="design 'star'"):
        assign_depots(dataset, matrices, "star")


def test_routing_with_most_vehicles_forbidden_returns(hangjin):
    """Regression: OR-Tools' iterated local search looped past its time limit on this day of the relay design (five
    Xini villages, whose only vans are the centre's, in a model that also held every station's vans)."""
    from optimizer.planning.scenario import load_scenario
    from optimizer.routing import SearchBudget, WeekVisit, route_week
    from tests.conftest import REPO

    dataset, matrices = hangjin
    scenario = load_scenario(REPO / "scenarios" / "relay.toml")
    problem = build_problem(dataset, matrices, design="relay", fleet=scenario.fleet, policy=scenario.policy)
    loads = {0: (73, 7), 1: (121, 22), 2: (229, 46), 4: (61, 6), 6: (87, 25)}
    assert all(problem.clients[c].depot == "HUB" for c in loads)
    visits = [WeekVisit(c, (1,), *load) for c, load in loads.items()]
    routes, dropped = route_week(problem, visits, SearchBudget(time_s=5.0, solutions=60), seed=1161)
    assert not dropped and sorted(c for r in routes for c in r.clients) == sorted(loads)
    assert {problem.vehicle_types[r.vehicle_type].depot for r in routes} == {"HUB"}
