"""Run a scenario end to end: data -> road matrices -> problem -> solve -> checked plan.

Raises ``InputError`` for bad input and ``InfeasibleError`` (naming the villages) when the plan found leaves
required visits out, so no caller writes such a plan as if it were one."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

import networkx as nx

import network
from optimizer.check import CheckReport, check
from optimizer.errors import InputError
from optimizer.model.problem import Problem
from optimizer.model.solution import Result
from optimizer.planning.build import Matrices, TownSeatCounter, build_problem, facility_matrices, town_seat_counters
from optimizer.planning.dataset import DataSet, load_dataset
from optimizer.planning.economics import PlanFigures, network_cost, plan_figures, station_areas
from optimizer.planning.scenario import Scenario
from optimizer.planning.trunk import TrunkPlan, estimate_calls, plan_trunk
from optimizer.solver.search import Progress, SolveParams, solve, warm_up
from optimizer.validate import check_size, require_served

log = logging.getLogger(__name__)


@dataclass
class PlanRun:
    """Everything a report needs: inputs as resolved, the vans' problem, the result and its independent check, the
    trunk runs (relay and mixed designs) with theirs, the town-seat counters, and the key figures of it all."""

    scenario: Scenario
    dataset: DataSet
    matrices: Matrices
    problem: Problem
    result: Result
    check: CheckReport
    graph: nx.MultiDiGraph | network.RoadArrays | None = None
    trunk: TrunkPlan | None = None
    trunk_checks: tuple[CheckReport, ...] = ()
    counters: tuple[TownSeatCounter, ...] = ()

    @property
    def feasible(self) -> bool:
        """The vans' week and every trunk day pass the independent checker and no required visit is missed."""
        return self.result.stats.feasible and self.check.ok and all(c.ok for c in self.trunk_checks)

    @cached_property
    def figures(self) -> PlanFigures:
        """Key figures of vans and trunk together."""
        in_week = [c.id for c in self.problem.clients]
        return plan_figures(self.result.stats, self.trunk, self.counters, counters_in_week=in_week,
                            feasible=self.feasible)  # fmt: skip

    @cached_property
    def network_cost(self) -> dict:
        return network_cost(self.figures, self.dataset, self.scenario.costs)

    @cached_property
    def stations(self) -> list[dict]:
        return station_areas(self.dataset, self.problem, self.result.plan, self.trunk, self.scenario.costs)

    def van_start(self, day: int, depot: str) -> float:
        """Clock minutes the vans of ``depot`` leave on ``day`` (after the trunk, at a station of a same-day relay)."""
        start = self.problem.shift_start_minutes
        if self.trunk is None or depot == self.dataset.centre.id:
            return start
        return self.trunk.van_start(day, depot, start)

    def quality_flags(self) -> dict:
        """What the plan rests on that is estimated, for every output to repeat."""
        flags = self.dataset.quality_flags()
        flags["estimated_road_distances"] = self.matrices.estimated
        flags["road_distances"] = self.matrices.label
        return flags


def load_roads(path: str | Path) -> nx.MultiDiGraph | network.RoadArrays:
    """The road network of a plan: an OSM extract in the lean array form (``network.load_arrays``: any size, no
    networkx graph of the whole extract), a saved GraphML as its ``networkx.MultiDiGraph``."""
    path = Path(path)
    if path.suffix.lower() == ".graphml":
        return network.load_graph(path)
    return network.load_arrays(path)


def close_roads(graph: nx.MultiDiGraph, roads: tuple[str, ...]) -> int:
    """Remove the edges whose OSM ``name`` or ``ref`` is in ``roads``; returns how many were removed."""
    wanted = set(roads)

    def hit(value) -> bool:
        values = value if isinstance(value, list) else [value]
        return any(str(v) in wanted for v in values if v is not None)

    drop = [(u, v, k) for u, v, k, d in graph.edges(keys=True, data=True) if hit(d.get("name")) or hit(d.get("ref"))]
    graph.remove_edges_from(drop)
    return len(drop)


def run_scenario(
    scenario: Scenario,
    *,
    progress: Progress | None = None,
    fleet_rule: Callable[[Scenario, Problem], Scenario] | None = None,
) -> PlanRun:
    """Load the data and road network of ``scenario``, build its week, solve it and check the plan.

    ``fleet_rule`` (the region runs' ``fit_large_visits``) may change the fleet once the week is built; the run,
    and ``plan.json``, then carry the scenario it returns.

    The scenario's time limit counts from here: reading the data and roads, the search and the trunk runs end by it
    (plus the margin the README states); writing the outputs comes after. The one-time compilation of the search's
    kernels after an install (``warm_up``) comes before and does not count."""
    warm_up()
    started = time.perf_counter()
    dataset = load_dataset(scenario.data).without_runs_for(scenario.policy.skip_types)
    check_size(len(dataset.service_points), str(dataset.folder))  # before the roads and matrices, which take long
    graph = load_roads(scenario.graph) if scenario.graph is not None else None
    if scenario.closed_roads:
        if graph is None:
            raise InputError("closed_roads needs an OpenStreetMap graph (set 'graph'); the estimate has no roads")
        if isinstance(graph, network.RoadArrays):
            graph, removed = graph.without_roads(scenario.closed_roads)
        else:
            removed = close_roads(graph, scenario.closed_roads)
        if removed == 0:
            raise InputError(f"closed_roads: no road named {', '.join(scenario.closed_roads)} in {scenario.graph}")
        log.info("closed %d road edges (%s)", removed, ", ".join(scenario.closed_roads))
    matrices = facility_matrices(dataset, graph, circuity=scenario.circuity)
    problem = build_problem(dataset, matrices, design=scenario.design, fleet=scenario.fleet, policy=scenario.policy)
    if fleet_rule is not None:
        fitted = fleet_rule(scenario, problem)
        if fitted.fleet != scenario.fleet:
            log.info("fleet fitted: %s", ", ".join(f"{vt.name} {vt.count}" for vt in fitted.fleet))
            scenario = fitted
            problem = build_problem(dataset, matrices, design=scenario.design, fleet=scenario.fleet,
                                    policy=scenario.policy)  # fmt: skip
    counters = town_seat_counters(dataset, matrices, scenario.policy)
    if scenario.design != "direct":  # the search weighs the trunk's calls when it picks the station vans' days
        policy = scenario.policy
        calls = estimate_calls(problem, dataset.centre.id, counters, scenario.trunk,
                               visits_per_week=policy.visits_per_week, hold_days=policy.station_hold_days)  # fmt: skip
        problem = replace(problem, trunk_calls=calls)
    try:
        params = SolveParams(
            time_limit_s=scenario.time_limit_s, iterations=scenario.iterations, seed=scenario.seed,
            router=scenario.router,
        )  # fmt: skip
    except ValueError as exc:
        raise InputError(f"{scenario.source or 'scenario'}: solver: {exc}") from exc
    result = solve(problem, params, progress, started=started)
    report = check(problem, result.plan)
    require_served(problem, result, report)  # a plan missing required visits is an error, never an output
    trunk = None
    if scenario.design != "direct":
        policy = scenario.policy
        trunk = plan_trunk(
            problem, result.plan, dataset.centre.id, counters, scenario.trunk, visits_per_week=policy.visits_per_week,
            departs_at_hour=policy.trunk_departs_at, hold_days=policy.station_hold_days,
            deadline=started + scenario.time_limit_s,
        )  # fmt: skip
    trunk_checks = tuple(check(d.problem, d.plan) for d in trunk.days) if trunk else ()
    return PlanRun(scenario, dataset, matrices, problem, result, report, graph, trunk, trunk_checks, counters)
