"""CVRPLIB instances (TSPLIB-style ``.vrp``, EUC_2D) and solutions (``Route #k: ...`` / ``Cost X``)."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from optimizer.errors import InputError
from optimizer.files import read_lines, write_text_atomic


@dataclass(frozen=True)
class CvrpInstance:
    """A CVRP: node 0 is the depot; ``distance`` is rounded to integers as CVRPLIB does (EUC_2D)."""

    name: str
    capacity: int
    coords: np.ndarray  # (n+1, 2), depot first
    demand: np.ndarray  # (n+1,), depot 0
    distance: np.ndarray  # (n+1, n+1) int
    vehicles: int | None = None  # the k in X-n101-k25, a hint, not a limit

    @property
    def n_customers(self) -> int:
        return len(self.demand) - 1


def _euc2d(coords: np.ndarray) -> np.ndarray:
    diff = coords[:, None, :] - coords[None, :, :]
    return np.floor(np.sqrt((diff**2).sum(-1)) + 0.5).astype(np.int64)


def read_cvrp(path: str | Path) -> CvrpInstance:
    """Read a CVRPLIB ``.vrp`` file (EUC_2D, one depot). Raises ``InputError`` naming the file and line: node lines
    beyond or short of ``DIMENSION``, a node given twice, a negative demand, no customer, a bad capacity."""
    path = Path(path)
    lines = read_lines(path)
    header: dict[str, str] = {}
    coords: dict[int, tuple[float, float]] = {}
    demand: dict[int, int] = {}
    depots: list[int] = []
    section = None
    for lineno, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        upper = line.upper()
        if upper.startswith(("NODE_COORD_SECTION", "DEMAND_SECTION", "DEPOT_SECTION")):
            section = upper.split()[0]
            continue
        if upper == "EOF":
            break
        if ":" in line and section is None:
            key, value = line.split(":", 1)
            header[key.strip().upper()] = value.strip().strip('"')
            continue
        parts = line.split()
        try:
            if section in ("NODE_COORD_SECTION", "DEMAND_SECTION"):
                node = int(parts[0])
                table = coords if section == "NODE_COORD_SECTION" else demand
                if node in table:
                    raise InputError(f"{path}, line {lineno}: node {node} given twice in {section}")
                if section == "NODE_COORD_SECTION":
                    xy = (float(parts[1]), float(parts[2]))
                    if not all(map(math.isfinite, xy)):
                        raise InputError(f"{path}, line {lineno}: node {node} coordinates must be finite numbers")
                    coords[node] = xy
                else:
                    demand[node] = int(parts[1])
                    if demand[node] < 0:
                        raise InputError(f"{path}, line {lineno}: node {node} demand {demand[node]} is negative")
            elif section == "DEPOT_SECTION":
                if int(parts[0]) != -1:
                    depots.append(int(parts[0]))
            else:
                raise InputError(f"{path}, line {lineno}: unexpected text {line!r}")
        except InputError:
            raise
        except (ValueError, IndexError) as exc:
            raise InputError(f"{path}, line {lineno}: cannot read {line!r} in {section}") from exc
    if header.get("EDGE_WEIGHT_TYPE", "EUC_2D") != "EUC_2D":
        raise InputError(f"{path}: EDGE_WEIGHT_TYPE {header['EDGE_WEIGHT_TYPE']} not supported (EUC_2D only)")
    for key in ("DIMENSION", "CAPACITY"):
        if key not in header:
            raise InputError(f"{path}: header field {key} missing")
    try:
        dim, capacity = int(header["DIMENSION"]), int(header["CAPACITY"])
    except ValueError as exc:
        raise InputError(f"{path}: DIMENSION and CAPACITY must be integers") from exc
    if dim < 2:
        raise InputError(f"{path}: DIMENSION {dim}: needs the depot and at least one customer (2 or more)")
    if capacity < 1:
        raise InputError(f"{path}: CAPACITY {capacity}: must be at least 1")
    ids = list(range(1, dim + 1))
    extra = sorted((set(coords) | set(demand)) - set(ids))
    if extra:
        raise InputError(
            f"{path}: node(s) {extra[:5]} beyond DIMENSION {dim} ({len(extra)} more node lines than it says)"
        )
    missing = [i for i in ids if i not in coords or i not in demand]
    if missing:
        raise InputError(f"{path}: truncated: no coordinates or demand for node(s) {missing[:5]} of {dim}")
    depot = depots[0] if depots else 1
    if len(depots) > 1:
        raise InputError(f"{path}: {len(depots)} depots; only single-depot CVRP is supported")
    if depot not in ids:
        raise InputError(f"{path}: DEPOT_SECTION names node {depot}, not one of 1..{dim}")
    order = [depot] + [i for i in ids if i != depot]
    xy = np.array([coords[i] for i in order], dtype=float)
    dem = np.array([demand[i] for i in order], dtype=np.int64)
    if (dem[1:] > capacity).any():
        bad = order[int(np.argmax(dem[1:] > capacity)) + 1]
        raise InputError(f"{path}: node {bad} demand {demand[bad]} exceeds the capacity {capacity}")
    name = header.get("NAME", path.stem)
    k = name.rsplit("-k", 1)
    vehicles = int(k[1]) if len(k) == 2 and k[1].isdigit() else None
    return CvrpInstance(name, capacity, xy, dem, _euc2d(xy), vehicles)


def route_cost(instance: CvrpInstance, routes: list[list[int]]) -> int:
    """Total rounded distance of routes given as lists of customer numbers (1..n, depot excluded)."""
    total = 0
    for route in routes:
        path = [0, *route, 0]
        total += int(sum(instance.distance[a, b] for a, b in itertools.pairwise(path)))
    return total


def check_cvrp(instance: CvrpInstance, routes: list[list[int]]) -> list[str]:
    """Problems with a CVRP solution (empty list if feasible): every customer once, capacity respected."""
    problems = []
    seen: dict[int, int] = {}
    for k, route in enumerate(routes, start=1):
        for c in route:
            if not 1 <= c <= instance.n_customers:
                problems.append(f"route {k}: unknown customer {c}")
            elif c in seen:
                problems.append(f"customer {c} in routes {seen[c]} and {k}")
            else:
                seen[c] = k
        load = int(sum(instance.demand[c] for c in route if 1 <= c <= instance.n_customers))
        if load > instance.capacity:
            problems.append(f"route {k}: load {load} exceeds capacity {instance.capacity}")
    missing = sorted(set(range(1, instance.n_customers + 1)) - set(seen))
    if missing:
        problems.append(f"customers not visited: {missing[:10]}{' ...' if len(missing) > 10 else ''}")
    return problems


def write_solution(path: str | Path, routes: list[list[int]], cost: int | float) -> Path:
    """Write a CVRPLIB solution: ``Route #k: c1 c2 ...`` lines (customers 1..n) then ``Cost X`` (atomically)."""
    lines = [f"Route #{k}: {' '.join(map(str, r))}" for k, r in enumerate((r for r in routes if r), start=1)]
    cost_text = str(int(cost)) if float(cost).is_integer() else f"{cost:.2f}"
    return write_text_atomic(path, "\n".join([*lines, f"Cost {cost_text}"]) + "\n")


def read_solution(path: str | Path) -> tuple[list[list[int]], float]:
    """Read a CVRPLIB ``.sol`` file: routes (customer numbers) and the stated cost."""
    path = Path(path)
    routes: list[list[int]] = []
    cost = math.nan
    for lineno, raw in enumerate(read_lines(path), start=1):
        line = raw.strip()
        try:
            if line.lower().startswith("route"):
                routes.append([int(x) for x in line.split(":", 1)[1].split()])
            elif line.lower().startswith("cost"):
                cost = float(line.split()[1])
        except (ValueError, IndexError) as exc:
            raise InputError(f"{path}, line {lineno}: cannot read {line!r}") from exc
    return routes, cost
