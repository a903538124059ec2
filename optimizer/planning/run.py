"""Run a scenario end to end: data -> road matrices -> problem -> solve -> checked plan.

Raises ``InputError`` for bad input and ``InfeasibleError`` (naming the villages) when the plan found leaves
required visits out, so no caller writes such a plan as if it were one."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import networkx as nx

import network
from optimizer.check import CheckReport, check
from optimizer.errors import InputError
from optimizer.model.problem import Problem
from optimizer.model.solution import Result
from optimizer.planning.build import Matrices, build_problem, facility_matrices
from optimizer.planning.dataset import DataSet, load_dataset
from optimizer.planning.scenario import Scenario
from optimizer.solver.search import Progress, SolveParams, solve
from optimizer.validate import require_served

log = logging.getLogger(__name__)


@dataclass
class PlanRun:
    """Everything a report needs: inputs as resolved, the problem, the result and its independent check."""

    scenario: Scenario
    dataset: DataSet
    matrices: Matrices
    problem: Problem
    result: Result
    check: CheckReport
    graph: nx.MultiDiGraph | None = None

    def quality_flags(self) -> dict:
        """What the plan rests on that is estimated, for every output to repeat."""
        flags = self.dataset.quality_flags()
        flags["estimated_road_distances"] = self.matrices.estimated
        flags["road_distances"] = self.matrices.label
        return flags


def close_roads(graph: nx.MultiDiGraph, roads: tuple[str, ...]) -> int:
    """Remove the edges whose OSM ``name`` or ``ref`` is in ``roads``; returns how many were removed."""
    wanted = set(roads)

    def hit(value) -> bool:
        values = value if isinstance(value, list) else [value]
        return any(str(v) in wanted for v in values if v is not None)

    drop = [(u, v, k) for u, v, k, d in graph.edges(keys=True, data=True) if hit(d.get("name")) or hit(d.get("ref"))]
    graph.remove_edges_from(drop)
    return len(drop)


def run_scenario(scenario: Scenario, *, progress: Progress | None = None) -> PlanRun:
    """Load the data and road network of ``scenario``, build its week, solve it and check the plan."""
    dataset = load_dataset(scenario.data)
    graph = network.load_graph(scenario.graph) if scenario.graph is not None else None
    if scenario.closed_roads:
        if graph is None:
            raise InputError("closed_roads needs an OpenStreetMap graph (set 'graph'); the estimate has no roads")
        removed = close_roads(graph, scenario.closed_roads)
        if removed == 0:
            raise InputError(f"closed_roads: no road named {', '.join(scenario.closed_roads)} in {scenario.graph}")
        log.info("closed %d road edges (%s)", removed, ", ".join(scenario.closed_roads))
    matrices = facility_matrices(dataset, graph, circuity=scenario.circuity)
    problem = build_problem(
        dataset,
        matrices,
        design=scenario.design,
        fleet=scenario.fleet,
        policy=scenario.policy,
        trunk=scenario.trunk,
    )
    try:
        params = SolveParams(time_limit_s=scenario.time_limit_s, iterations=scenario.iterations, seed=scenario.seed)
    except ValueError as exc:
        raise InputError(f"{scenario.source or 'scenario'}: solver: {exc}") from exc
    result = solve(problem, params, progress)
    report = check(problem, result.plan)
    require_served(problem, result, report)  # a plan missing required visits is an error, never an output
    return PlanRun(scenario, dataset, matrices, problem, result, report, graph)
