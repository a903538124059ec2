"""Scenario families: one base scenario, some keys varied (``[sweep]``), every case solved in parallel, one
comparison table.

A sweep file is a scenario file with a ``[sweep]`` table mapping dotted keys to lists of values, e.g.
``"fleet.0.count" = [1, 2, 3]`` or ``"policy.visits_per_week" = [1, 2, 3]``; several keys give every combination.
"""

from __future__ import annotations

import copy
import csv
import io
import itertools
import os
import re
import sys
import tomllib
from concurrent.futures import as_completed
from pathlib import Path
from typing import Any

from optimizer.errors import InfeasibleError, InputError
from optimizer.files import read_text
from optimizer.planning.executors import process_pool
from optimizer.planning.scenario import Scenario, scenario_from_dict

COLUMNS = [
    "case", "design", "vehicles_available", "fleet_size", "vehicles_used", "vehicle_days", "total_km", "total_cost",
    "fleet_cost", "route_cost", "trunk_cost", "penalty_cost", "monthly_cost", "driver_hours", "cost_per_parcel",
    "unserved", "service_level", "feasible", "runtime_s",
]  # fmt: skip


def _set(raw: dict, dotted: str, value: Any, where: str) -> None:
    parts = dotted.split(".")
    node: Any = raw
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise InputError(f"{where}: sweep key {dotted!r}: no item {part} in that list")
            if last:
                node[int(part)] = value
            else:
                node = node[int(part)]
        elif last:
            node[part] = value
        else:
            if part == "fleet" and part not in node:
                node[part] = [{}]
            node = node.setdefault(part, {})


def load_sweep(path: str | Path) -> list[Scenario]:
    """Read a sweep file and return its cases as scenarios (each checked like a scenario file)."""
    path = Path(path)
    text = read_text(path, "sweep file")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML ({exc})") from exc
    sweep = raw.pop("sweep", None)
    if not isinstance(sweep, dict) or not sweep:
        raise InputError(f"{path}: no [sweep] table (give key = [values] to vary)")
    for key, values in sweep.items():
        if not isinstance(values, list) or not values:
            raise InputError(f"{path}: sweep.{key}: expected a non-empty list of values")
    base_name = raw.get("name", path.stem)
    cases = []
    for combo in itertools.product(*sweep.values()):
        case = copy.deepcopy(raw)
        label = ", ".join(f"{k}={v}" for k, v in zip(sweep, combo, strict=True))
        for key, value in zip(sweep, combo, strict=True):
            _set(case, key, value, str(path))
        case["name"] = f"{base_name} [{label}]"
        cases.append(scenario_from_dict(case, source=path))
    return cases


def case_folder(scenario: Scenario) -> str:
    """A case's folder name under ``cases/``: the varied keys and values of its name, e.g. ``fleet.0.count=5``."""
    label = scenario.name.rsplit("[", 1)[-1].rstrip("]") if "[" in scenario.name else scenario.name
    return re.sub(r"[^\w.=,-]+", "_", label.replace(", ", ",")).strip("_") or "case"


def _run_case(scenario: Scenario, out: Path | None = None) -> dict:
    from optimizer.outputs import write_all
    from optimizer.outputs.tables import key_figures
    from optimizer.planning.run import run_scenario

    run = run_scenario(scenario)
    if out is not None:  # keep the case's whole plan, so a planner can open it
        write_all(run, out / "cases" / case_folder(scenario))
    k = key_figures(run)
    due = sum(len(p or ()) for p in run.result.plan.patterns)
    return {
        "case": scenario.name, "design": scenario.design,
        "vehicles_available": sum(vt.count for vt in run.problem.vehicle_types) + (run.trunk.vehicle.count
                                                                                   if run.trunk else 0),
        **{key: k[key] for key in ("fleet_size", "vehicles_used", "vehicle_days", "total_km", "total_cost",
                                   "fleet_cost", "route_cost", "trunk_cost", "penalty_cost", "monthly_cost",
                                   "driver_hours", "cost_per_parcel", "parcels_per_week", "unserved",
                                   "feasible")},
        "service_level": round(1 - k["unserved"] / due, 4) if due else 1.0,
        "runtime_s": round(run.result.runtime_s, 1), "iterations": run.result.iterations,
        "estimated": run.quality_flags()["estimated_road_distances"],
    }  # fmt: skip


def _case_or_error(scenario: Scenario, out: Path | None = None) -> dict:
    try:
        return _run_case(scenario, out)
    except InputError as exc:  # an infeasible case is a result of the sweep, not its end: keep which and why
        why = "no feasible plan: " + "; ".join(exc.problems) if isinstance(exc, InfeasibleError) else str(exc)
        return {"case": scenario.name, "design": scenario.design, "feasible": False, "error": why}


def run_sweep(
    cases: list[Scenario], *, jobs: int | None = None, show_progress: bool = True, out: str | Path | None = None
) -> list[dict]:
    """Solve every case (in parallel on ``jobs`` processes, default: the machine's cores); rows in case order.
    With ``out``, each case's plan outputs go to ``out/cases/<case>/``. Ctrl-C ends the workers at once
    (``executors.process_pool``); a case's outputs are switched in whole or not at all."""
    out = Path(out) if out is not None else None
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(cases)))
    rows: dict[int, dict] = {}
    with process_pool(jobs) as pool:
        futures = {pool.submit(_case_or_error, c, out): i for i, c in enumerate(cases)}
        if show_progress:
            print(f"  {jobs} worker processes started", file=sys.stderr, flush=True)
        for done, future in enumerate(as_completed(futures), start=1):
            rows[futures[future]] = future.result()
            if show_progress:
                bar = "#" * (30 * done // len(cases))
                print(f"\r  [{bar:<30}] {done}/{len(cases)} cases", end="", file=sys.stderr, flush=True)
    if show_progress:
        print(file=sys.stderr)
    return [rows[i] for i in range(len(cases))]


def comparison_csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=[*COLUMNS, "error"], extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def comparison_markdown(rows: list[dict], title: str) -> str:
    head = ["case", "fleet_size", "vehicle_days", "total_km", "total_cost", "fleet_cost", "route_cost", "penalty_cost",
            "monthly_cost", "driver_hours", "cost_per_parcel", "service_level", "feasible"]  # fmt: skip
    lines = [f"# {title}", "", "| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    errors = []
    for r in rows:
        if "error" in r:  # a failed case: one row of dashes, its reason below the table
            errors.append(f"- {r['case']}: {r['error']}")
            cells = [r["case"], *(["–"] * (len(head) - 2)), "no (see below)"]
        else:
            cells = [str(r.get(h, "")) for h in head]
        lines.append("| " + " | ".join(cells) + " |")
    if errors:
        lines += ["", "Cases without a plan:", "", *errors]
    if any(r.get("estimated") for r in rows):
        lines += ["", "_Built on estimated road distances, village positions and volumes (see plan outputs)._"]
    return "\n".join(lines) + "\n"
