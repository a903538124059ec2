"""Scenario files (TOML): which data, which road network, which design, fleet, policy and search budget.

Every key is checked: an unknown or misspelt key, a wrong type or an unknown village id is an ``InputError`` that
names the file and the key. ``resolve`` returns the scenario with every default filled in, as ``plan.json`` records.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from optimizer.errors import InputError
from optimizer.files import read_text
from optimizer.model.problem import VehicleType
from optimizer.planning.build import DEFAULT_TRUNK, DEFAULT_VAN, DESIGNS, VILLAGE_TYPES, Policy
from optimizer.planning.costs import NetworkCosts
from optimizer.planning.dataset import DEFAULT_DATA_DIR
from optimizer.routing import ROUTERS
from optimizer.solver.params import DEFAULT_ITERATIONS

_FLEET_KEYS = {f.name for f in fields(VehicleType)}
_POLICY_KEYS = {f.name for f in fields(Policy)}


@dataclass(frozen=True)
class Scenario:
    """A resolved scenario: every field set."""

    name: str = "hangjin-default"
    description: str = "Hangjin default: vans from the co-distribution centre, every service point twice a week"
    data: Path = DEFAULT_DATA_DIR
    graph: Path | None = None  # OSM extract or GraphML; None: estimated road distances
    circuity: float | None = None
    design: str = "direct"
    fleet: tuple[VehicleType, ...] = (DEFAULT_VAN,)
    trunk: VehicleType = DEFAULT_TRUNK
    policy: Policy = field(default_factory=Policy)
    costs: NetworkCosts = field(default_factory=NetworkCosts)
    closed_roads: tuple[str, ...] = ()  # OSM way names or refs closed (needs a graph)
    time_limit_s: float = 120.0
    iterations: int | None = DEFAULT_ITERATIONS
    seed: int = 0
    router: str = "ortools"  # the day router: "ortools" (default) or "pyvrp"
    source: Path | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (paths as strings, patterns and sets as lists)."""

        def clean(value: Any) -> Any:
            if isinstance(value, Path):
                return str(value)
            if isinstance(value, dict):
                return {str(k): clean(v) for k, v in value.items()}
            if isinstance(value, (list, tuple, set, frozenset)):
                return [clean(v) for v in value]
            if isinstance(value, float) and value == float("inf"):
                return None
            return value

        return clean(asdict(self))


def _expect(where: str, value: Any, types: type | tuple[type, ...], what: str) -> Any:
    if isinstance(value, bool) and bool not in (types if isinstance(types, tuple) else (types,)):
        raise InputError(f"{where}: expected {what}, got {value!r}")
    if not isinstance(value, types):
        raise InputError(f"{where}: expected {what}, got {value!r}")
    return value


def _number(where: str, value: Any, minimum: float, *, above: bool = False) -> float:
    """A finite number of at least ``minimum`` (above it, if ``above``); NaN and infinity are refused."""
    _expect(where, value, (int, float), "a number")
    if not math.isfinite(value):
        raise InputError(f"{where}: {value!r} is not a finite number")
    if value < minimum or (above and value == minimum):
        raise InputError(f"{where}: must be {'above' if above else 'at least'} {minimum:g}, got {value!r}")
    return float(value)


# key -> (minimum, must be above it) for the number keys of a vehicle type and of the policy
_VEHICLE_NUMBERS = {"fixed_cost_per_day": (0, False), "fixed_cost_per_week": (0, False), "cost_per_km": (0, False),
                    "max_shift_minutes": (0, True),
                    "speed_factor": (0, True)}  # fmt: skip
_POLICY_NUMBERS = {"remote_km": (0, False), "volume_factor": (0, True), "unserved_penalty": (0, False),
                   "service_minutes": (0, False), "service_minutes_per_parcel": (0, False)}  # fmt: skip


def _reject_unknown(where: str, table: dict, allowed: set[str]) -> None:
    unknown = set(table) - allowed
    if unknown:
        raise InputError(
            f"{where}: unknown key(s) {', '.join(sorted(unknown))} (allowed: {', '.join(sorted(allowed))})"
        )


def _days(where: str, value: Any) -> tuple[int, ...]:
    _expect(where, value, list, "a list of day numbers 1-7 (Monday = 1)")
    if not value or any(isinstance(d, bool) or not isinstance(d, int) or not 1 <= d <= 7 for d in value):
        raise InputError(f"{where}: expected day numbers 1-7 (Monday = 1), got {value!r}")
    return tuple(sorted(set(value)))


def _vehicle(where: str, table: Any, base: VehicleType) -> VehicleType:
    _expect(where, table, dict, "a table")
    _reject_unknown(where, table, _FLEET_KEYS)
    values: dict[str, Any] = {}
    for key, value in table.items():
        at = f"{where}.{key}"
        if key in ("name", "depot"):
            values[key] = _expect(at, value, str, "text")
        elif key in ("capacity", "count"):
            values[key] = _expect(at, value, int, "a whole number")
            if value < (1 if key == "capacity" else 0):
                raise InputError(f"{at}: must be positive, got {value}")
        elif key == "days":
            values[key] = _days(at, value)
        else:
            values[key] = _number(at, value, *_VEHICLE_NUMBERS[key][:1], above=_VEHICLE_NUMBERS[key][1])
    return VehicleType(**{**asdict(base), **values})


def _policy(where: str, table: Any) -> Policy:
    _expect(where, table, dict, "a table")
    _reject_unknown(where, table, _POLICY_KEYS)
    values: dict[str, Any] = {}
    for key, value in table.items():
        at = f"{where}.{key}"
        if key == "days":
            values[key] = _days(at, value)
        elif key == "visits_by_village":
            _expect(at, value, dict, "a table of village id = visits a week")
            for vid, n in value.items():
                if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 7:
                    raise InputError(f"{at}.{vid}: expected visits a week 1-7, got {n!r}")
            values[key] = dict(value)
        elif key == "patterns_by_village":
            _expect(at, value, dict, "a table of village id = [[days], [days], ...]")
            patterns = {}
            for vid, options in value.items():
                if not isinstance(options, list) or not options:
                    raise InputError(f"{at}.{vid}: expected a list of day lists, e.g. [[1, 4], [2, 5]]")
                patterns[vid] = tuple(_days(f"{at}.{vid}", option) for option in options)
                if len({len(p) for p in patterns[vid]}) != 1:
                    raise InputError(f"{at}.{vid}: every pattern must have the same number of days")
            values[key] = patterns
        elif key == "skip_types":
            if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
                raise InputError(f'{at}: expected a list of village types, e.g. ["farm"]')
            unknown = sorted(set(value) - set(VILLAGE_TYPES))
            if unknown:
                allowed = ", ".join(VILLAGE_TYPES)
                raise InputError(f"{at}: unknown village type(s) {', '.join(unknown)}; allowed: {allowed}")
            values[key] = tuple(sorted(set(value)))
        elif key == "station_hold_days":
            if isinstance(value, bool) or value not in (0, 1):
                raise InputError(f"{at}: expected 0 (same day) or 1 (next day), got {value!r}")
            values[key] = value
        elif key == "trunk_departs_at":
            values[key] = float(_expect(at, value, (int, float), "an hour 0-24"))
            if not 0 <= values[key] <= 24:
                raise InputError(f"{at}: expected an hour 0-24, got {value!r}")
        elif key in ("visits_per_week", "max_parcels_per_visit", "remote_visits_per_week"):
            values[key] = _expect(at, value, int, "a whole number")
            if value < 1:
                raise InputError(f"{at}: must be at least 1, got {value}")
        else:
            values[key] = _number(at, value, *_POLICY_NUMBERS[key][:1], above=_POLICY_NUMBERS[key][1])
    policy = Policy(**values)
    _check_policy(where, policy)
    return policy


def _check_policy(where: str, policy: Policy) -> None:
    """Keys that must agree: visits a week within the working days, the remote pair given together."""
    days = len(policy.days)
    for key in ("visits_per_week", "remote_visits_per_week"):
        value = getattr(policy, key)
        if value is not None and value > days:
            raise InputError(f"{where}.{key}: {value} visits a week cannot fit the {days} working days (policy.days)")
    for vid, n in policy.visits_by_village.items():
        if n > days:
            raise InputError(f"{where}.visits_by_village.{vid}: {n} visits a week cannot fit the {days} working days")
    for vid, options in policy.patterns_by_village.items():
        outside = sorted({d for option in options for d in option} - set(policy.days))
        if outside:
            raise InputError(f"{where}.patterns_by_village.{vid}: day(s) {outside} are not working days {policy.days}")
    if (policy.remote_km is None) != (policy.remote_visits_per_week is None):
        raise InputError(f"{where}: remote_km and remote_visits_per_week work together; give both or neither")


def _costs(where: str, table: Any) -> NetworkCosts:
    _expect(where, table, dict, "a table")
    _reject_unknown(where, table, _COST_KEYS)
    values: dict[str, Any] = {}
    for key, value in table.items():
        at = f"{where}.{key}"
        if key == "free_station_m2":
            _expect(at, value, dict, "a table of station id = m2 free of rent")
            values[key] = {sid: float(_expect(f"{at}.{sid}", m2, (int, float), "m2")) for sid, m2 in value.items()}
        elif key == "centre_staff":
            values[key] = _expect(at, value, int, "a whole number of people")
        else:
            values[key] = float(_expect(at, value, (int, float), "a number"))
    try:
        return NetworkCosts(**values)
    except ValueError as exc:
        raise InputError(f"{where.rsplit(': ', 1)[0]}: {exc}") from exc


_TOP_KEYS = {
    "name", "description", "data", "graph", "circuity", "design", "fleet", "trunk", "policy", "costs",
    "closed_roads", "solver",
}  # fmt: skip
_COST_KEYS = {f.name for f in fields(NetworkCosts)}
_SOLVER_KEYS = {"time_limit", "iterations", "seed", "router"}


def scenario_from_dict(raw: dict[str, Any], *, source: Path | None = None, base_dir: Path | None = None) -> Scenario:
    """Build a scenario from a parsed TOML table, checking every key; ``where`` in errors is the file name."""
    where = str(source) if source else "scenario"
    base_dir = base_dir or (source.parent if source else Path.cwd())
    _reject_unknown(where, raw, _TOP_KEYS)
    values: dict[str, Any] = {"source": source}
    for key in ("name", "description", "design"):
        if key in raw:
            values[key] = _expect(f"{where}: {key}", raw[key], str, "text")
    if values.get("design", "direct") not in DESIGNS:
        raise InputError(f"{where}: design: {values['design']!r} is not one of {', '.join(DESIGNS)}")
    for key in ("data", "graph"):
        if key in raw:
            path = Path(_expect(f"{where}: {key}", raw[key], str, "a path"))
            values[key] = path if path.is_absolute() else (base_dir / path)
            if not values[key].exists():
                # paths may also be given relative to the folder the command runs in
                alt = Path.cwd() / path
                if alt.exists():
                    values[key] = alt
                else:
                    raise InputError(f"{where}: {key}: {path} does not exist")
    if "circuity" in raw:
        values["circuity"] = _number(f"{where}: circuity", raw["circuity"], 1)
    if "fleet" in raw:
        fleet = _expect(f"{where}: fleet", raw["fleet"], list, "a list of [[fleet]] tables")
        if not fleet:
            raise InputError(f"{where}: fleet: empty; give at least one [[fleet]] table")
        values["fleet"] = tuple(_vehicle(f"{where}: fleet[{i}]", t, DEFAULT_VAN) for i, t in enumerate(fleet))
        if not any(vt.count for vt in values["fleet"]):
            raise InputError(f"{where}: fleet[0].count: every [[fleet]] has count = 0; at least one vehicle is needed")
    if "trunk" in raw:
        values["trunk"] = _vehicle(f"{where}: trunk", raw["trunk"], DEFAULT_TRUNK)
    if "policy" in raw:
        values["policy"] = _policy(f"{where}: policy", raw["policy"])
    if "costs" in raw:
        values["costs"] = _costs(f"{where}: costs", raw["costs"])
    if "closed_roads" in raw:
        roads = _expect(f"{where}: closed_roads", raw["closed_roads"], list, "a list of road names or refs")
        values["closed_roads"] = tuple(_expect(f"{where}: closed_roads", r, str, "text") for r in roads)
    if "solver" in raw:
        solver = _expect(f"{where}: solver", raw["solver"], dict, "a table")
        _reject_unknown(f"{where}: solver", solver, _SOLVER_KEYS)
        if "time_limit" in solver:
            values["time_limit_s"] = _number(f"{where}: solver.time_limit", solver["time_limit"], 0, above=True)
        if "iterations" in solver:
            n = _expect(f"{where}: solver.iterations", solver["iterations"], int, "a whole number")
            if n < 0:
                raise InputError(f"{where}: solver.iterations: must be at least 0 (0: until the time limit), got {n}")
            values["iterations"] = n or None
        if "seed" in solver:
            values["seed"] = _expect(f"{where}: solver.seed", solver["seed"], int, "a whole number")
        if "router" in solver:
            values["router"] = _expect(f"{where}: solver.router", solver["router"], str, "a router name")
    return check_solver(Scenario(**values))


def check_solver(scenario: Scenario) -> Scenario:
    """The scenario's search budget as ``SolveParams`` will take it (after command-line overrides too): a finite
    time limit above 0, iterations at least 1 or None, a whole-number seed."""
    where = f"{scenario.source or 'scenario'}: solver"
    t = scenario.time_limit_s
    if isinstance(t, bool) or not isinstance(t, (int, float)) or not math.isfinite(t) or t <= 0:
        raise InputError(f"{where}.time_limit: {t!r} must be a positive number of seconds")
    if scenario.router not in ROUTERS:
        raise InputError(f"{where}.router: {scenario.router!r} must be one of {', '.join(ROUTERS)}")
    if scenario.iterations == 0:
        return replace(scenario, iterations=None)
    if scenario.iterations is not None and scenario.iterations < 1:
        raise InputError(f"{where}.iterations: {scenario.iterations!r} must be at least 1 (0: until the time limit)")
    return scenario


def load_scenario(path: str | Path | None) -> Scenario:
    """Read a scenario TOML file (None: the Hangjin default)."""
    if path is None:
        return Scenario()
    path = Path(path)
    text = read_text(path, "scenario file")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML ({exc})") from exc
    return scenario_from_dict(raw, source=path)
