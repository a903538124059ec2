"""Hostile input and faults (issue 16), one test per class: every bad input ends with exit 2 and one line
``ruralpost: error: ...`` naming the file, line, key or village (or is planned correctly); no traceback; outputs
of earlier runs stay as they were. Nothing here depends on how much a search finds or on the machine's speed.

Heavy modules are imported inside the tests (importing ``optimizer.outputs`` at collection rebinds
``optimizer.check``, see ``optimizer/check.py``).
"""

from __future__ import annotations

import json
import logging
import math
import shutil
from pathlib import Path

import networkx as nx
import pytest

from optimizer.cli import main
from optimizer.errors import InfeasibleError, InputError
from tests.conftest import HANGJIN, OSM_SAMPLES, SHARED
from tests.helpers import small_problem

CVRP = SHARED / "benchmarks" / "cvrp" / "X-n106-k14.vrp"
PVRP = SHARED / "benchmarks" / "pvrp" / "instances" / "p01.txt"


def _fails(capsys, argv: list[str], *expected: str) -> str:
    """Run the command: exit 2, one line on stderr naming ``expected``, no traceback."""
    code = main(argv)
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2, err
    assert len(lines) == 1 and lines[0].startswith("ruralpost: error: "), err
    for text in expected:
        assert text in lines[0]
    return lines[0]


def _plan(tmp_path: Path, toml: str) -> list[str]:
    scenario = tmp_path / "s.toml"
    scenario.write_text(toml, encoding="utf-8")
    return ["plan", "--scenario", str(scenario), "--out", str(tmp_path / "out"), "--iterations", "1"]


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(HANGJIN, folder)
    return folder


def _village_id() -> str:
    return (HANGJIN / "villages.csv").read_text(encoding="utf-8").splitlines()[2].split(",")[0]


# 1. a road graph that does not cover the facilities


def test_a_graph_of_another_region_is_refused(tmp_path, capsys):
    argv = ["plan", "--graph", str(OSM_SAMPLES / "bavaria-small.osm"), "--out", str(tmp_path / "o")]
    _fails(capsys, argv, "68 of 68 facilities are more than 25 km from any road", "km)")
    assert not (tmp_path / "o").exists()


def test_a_graph_without_roads_is_refused():
    from optimizer.planning.build import facility_matrices
    from optimizer.planning.dataset import load_dataset

    graph = nx.MultiDiGraph()
    graph.add_node(1, y=39.85, x=108.73)
    graph.add_node(2, y=39.9, x=108.8)
    with pytest.raises(InputError, match="2 nodes but no roads"):
        facility_matrices(load_dataset(), graph)


def test_the_cached_matrix_gives_the_same_warnings(hangjin_grid_osm, caplog):
    import network
    from optimizer.planning.build import facility_matrices
    from optimizer.planning.dataset import load_dataset

    data, graph = load_dataset(), network.load_graph(hangjin_grid_osm)
    runs = []
    for _ in range(2):  # cold, then from the matrix cache
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            facility_matrices(data, graph)
        runs.append([r.getMessage() for r in caplog.records if "mapped road" in r.getMessage()])
    assert runs[0] and runs[0] == runs[1]


# 2. the output set is replaced as a whole (fault injection: tests/optimizer/outputs/test_commit.py)


def test_a_failed_plan_leaves_the_earlier_outputs(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "routes.csv").write_text("earlier\n", encoding="utf-8")
    _fails(capsys, [*_plan(tmp_path, "[[fleet]]\ncount = 1\n")[:-2]], "no feasible plan", "can carry 1,800 parcels")
    assert (out / "routes.csv").read_text(encoding="utf-8") == "earlier\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "s.toml"]


# 3. values silently changed, 5. NaN and infinity, 10. messages that mislead


FLOAT_KEYS = [f"[[fleet]]\n{k}" for k in ("fixed_cost_per_day", "cost_per_km", "max_shift_minutes", "speed_factor")]
FLOAT_KEYS += [f"[trunk]\n{k}" for k in ("fixed_cost_per_day", "cost_per_km")]
FLOAT_KEYS += [f"[policy]\n{k}" for k in ("volume_factor", "service_minutes", "service_minutes_per_parcel",
                                          "unserved_penalty", "remote_km")]  # fmt: skip
FLOAT_KEYS += ["circuity", "[solver]\ntime_limit"]


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
@pytest.mark.parametrize("key", FLOAT_KEYS)
def test_nan_and_infinity_in_a_scenario(tmp_path, capsys, key, value):
    name = key.split("\n")[-1]
    _fails(capsys, _plan(tmp_path, f"{key} = {value}\n"), f"{name}: {value} is not a finite number")


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[policy]\nvisits_per_week = 8\n", "policy.visits_per_week: 8 visits a week cannot fit the 6 working days"),
        ("[policy]\nvisits_per_week = 7\n", "policy.visits_per_week: 7 visits a week cannot fit the 6 working days"),
        ("[policy]\ndays = [1, 3, 5]\nvisits_per_week = 4\n", "cannot fit the 3 working days"),
        ("[policy]\nremote_km = 60.0\nremote_visits_per_week = 7\n", "policy.remote_visits_per_week: 7 visits"),
        (f"[policy.visits_by_village]\n{_village_id()} = 7\n", f"visits_by_village.{_village_id()}: 7 visits"),
        ("[policy]\nremote_visits_per_week = 1\n", "remote_km and remote_visits_per_week work together"),
        ("[policy]\nremote_km = 50.0\n", "remote_km and remote_visits_per_week work together"),
        ("[policy.patterns_by_village]\n" + _village_id() + " = [[1, 7]]\n", "are not working days"),
        ("[[fleet]]\nspeed_factor = 0\n", "fleet[0].speed_factor: must be above 0"),
        ("[[fleet]]\nmax_shift_minutes = 0\n", "fleet[0].max_shift_minutes: must be above 0"),
        ("[policy]\nvolume_factor = 0\n", "policy.volume_factor: must be above 0"),
        ("[[fleet]]\ncount = 0\n", "fleet[0].count: every [[fleet]] has count = 0"),
        ("[[fleet]]\ncount = 0\n\n[[fleet]]\ncount = 0\n", "every [[fleet]] has count = 0"),
        ("circuity = 0.5\n", "circuity: must be at least 1"),
        ("[solver]\ntime_limit = 0\n", "solver.time_limit: must be above 0"),
        ("[solver]\ntime_limit = -5\n", "solver.time_limit: must be above 0"),
        ("[solver]\niterations = -1\n", "solver.iterations: must be at least 0"),
    ],
)
def test_values_are_never_changed_silently(tmp_path, capsys, toml, message):
    _fails(capsys, _plan(tmp_path, toml), message)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ((",127,13,", ",nan,13,"), "line 3, field 'parcels_down_per_week'"),
        ((",127,13,", ",inf,13,"), "line 3, field 'parcels_down_per_week'"),
        ((",127,13,", ",127,-inf,"), "line 3, field 'parcels_up_per_week'"),
        ((",127,13,", ",127,nan,"), "line 3, field 'parcels_up_per_week'"),
        ((",127,13,", ",0.4,13,"), "line 3, field 'parcels_down_per_week': 0.4 must be at least 0.5"),
    ],
)
def test_bad_volumes_in_villages_csv(tmp_path, capsys, data_copy, edit, message):
    path = data_copy / "villages.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(*edit, 1), encoding="utf-8")
    _fails(capsys, _plan(tmp_path, f"data = '{data_copy}'\n"), "villages.csv", message)


def test_a_data_set_without_service_points_or_town_seat_villages(tmp_path, capsys, data_copy):
    """Town-seat villages alone still need runs (to their counters); with neither there is nothing to plan."""
    path = data_copy / "villages.csv"
    rows = path.read_text(encoding="utf-8").splitlines()
    cols = rows[0].split(",")
    import csv

    parsed = list(csv.reader(rows))
    for row in parsed[1:]:
        row[cols.index("service_point")] = "0"
        row[cols.index("in_town_seat")] = "0"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(parsed)
    _fails(capsys, _plan(tmp_path, f"data = '{data_copy}'\n"), "no village with service_point = 1 or in_town_seat = 1")


def test_town_seat_villages_only_at_the_centres_counter_leave_the_vans_nothing_to_plan(tmp_path, capsys, data_copy):
    """No service point, and the only town-seat villages are in the centre's own town: no van stop at all."""
    import csv

    path = data_copy / "villages.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        parsed = list(csv.reader(fh))
    cols = parsed[0]
    with open(data_copy / "stations.csv", encoding="utf-8", newline="") as fh:
        centre = next(r for r in csv.DictReader(fh) if r["kind"] == "centre")
    for row in parsed[1:]:
        row[cols.index("service_point")] = "0"
        row[cols.index("in_town_seat")] = "1" if row[cols.index("township")] == centre["township"] else "0"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(parsed)
    _fails(capsys, _plan(tmp_path, f"data = '{data_copy}'\n"), "nothing for the vans to plan in the direct design")


def _swap(coords):
    return [_swap(c) for c in coords] if isinstance(coords[0], list) else [coords[1], coords[0]]


@pytest.mark.parametrize("kind", ["empty", "point", "line", "lat-lon"])
def test_a_boundary_that_is_not_the_county_outline(tmp_path, capsys, data_copy, kind):
    path = data_copy / "boundary.geojson"
    feature = json.loads(path.read_text(encoding="utf-8"))
    ring = feature["geometry"]["coordinates"][0]
    geometry = {
        "empty": None,
        "point": {"type": "Point", "coordinates": ring[0]},
        "line": {"type": "LineString", "coordinates": ring},
        "lat-lon": {"type": "Polygon", "coordinates": _swap(feature["geometry"]["coordinates"])},
    }[kind]
    doc = {"type": "FeatureCollection", "features": []} if geometry is None else {**feature, "geometry": geometry}
    path.write_text(json.dumps(doc), encoding="utf-8")
    message = {"empty": "no boundary in it", "point": "a Point", "line": "a LineString", "lat-lon": "(lat, lon)"}
    _fails(capsys, _plan(tmp_path, f"data = '{data_copy}'\n"), "boundary.geojson", message[kind])


def test_json_is_always_valid():
    from optimizer.files import json_text

    assert json_text({"a": float("nan"), "b": [float("inf"), 1.5]}) == '{"a": null, "b": [null, 1.5]}'


# 4. readers that misread, 7. PyVRP's own errors


def _cvrp_variant(tmp_path: Path, kind: str) -> Path:
    lines = CVRP.read_text(encoding="utf-8").splitlines()
    coord = lines.index(next(line for line in lines if line.startswith("NODE_COORD_SECTION")))
    demand = lines.index(next(line for line in lines if line.startswith("DEMAND_SECTION")))
    if kind == "more-nodes":
        lines = [line.replace("106", "50") if line.startswith("DIMENSION") else line for line in lines]
    elif kind == "repeated":
        lines.insert(coord + 3, lines[coord + 2])
    elif kind == "negative":
        node, _ = lines[demand + 2].split()
        lines[demand + 2] = f"{node}\t-5"
    elif kind == "dimension-1":
        depot = lines.index(next(line for line in lines if line.startswith("DEPOT_SECTION")))
        lines = [*lines[: coord + 1], lines[coord + 1], "DEMAND_SECTION", lines[demand + 1], *lines[depot:]]
        lines = [line.replace("106", "1") if line.startswith("DIMENSION") else line for line in lines]
    path = tmp_path / f"{kind}.vrp"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("engine", ["pyvrp", "ortools"])
@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("more-nodes", "beyond DIMENSION 50"),
        ("repeated", "given twice in NODE_COORD_SECTION"),
        ("negative", "demand -5 is negative"),
        ("dimension-1", "DIMENSION 1: needs the depot and at least one customer"),
    ],
)
def test_cvrplib_files_that_would_be_misread(tmp_path, capsys, engine, kind, message):
    _fails(capsys, ["cvrp", str(_cvrp_variant(tmp_path, kind)), "--engine", engine, "--time-limit", "1"], message)


def _pvrp_variant(tmp_path: Path, kind: str) -> Path:
    lines = PVRP.read_text(encoding="utf-8").splitlines()
    head = lines[0].split()
    if kind == "n-short":
        lines[0] = " ".join([head[0], head[1], "10", head[3]])
    elif kind == "negative":
        v = lines[1 + int(head[3]) + 1].split()
        v[4] = "-3"
        lines[1 + int(head[3]) + 1] = " ".join(v)
    elif kind == "t-0":
        lines[0] = " ".join([*head[:3], "0"])
    elif kind == "nan":
        v = lines[1 + int(head[3]) + 1].split()
        v[1] = "nan"
        lines[1 + int(head[3]) + 1] = " ".join(v)
    path = tmp_path / f"{kind}.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("n-short", "the header says n = 10 customers"),
        ("negative", "demand -3 must not be negative"),
        ("t-0", "t (days) = 0; must be at least 1"),
        ("nan", "not finite numbers"),
    ],
)
def test_pvrp_files_that_would_be_misread(tmp_path, capsys, kind, message):
    _fails(capsys, ["pvrp", str(_pvrp_variant(tmp_path, kind)), "--iterations", "1"], message)


# 6. unusable --out, found before any work; 7. folders, encodings, Ctrl-C


@pytest.mark.parametrize(
    "command",
    [
        ["plan", "--out", "{file}"],
        ["plan", "--out", "{file}/out"],
        ["sweep", "{none}", "--out", "{file}"],
        ["network", "export", "--out", "{file}"],
        ["cvrp", "{none}", "--out", "{dir}"],
        ["pvrp", "{none}", "--out", "{dir}"],
        ["cvrp", "{none}", "--out", "{file}/x.sol"],
    ],
)
def test_unusable_out_is_found_before_any_work(tmp_path, capsys, command):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    (tmp_path / "dir").mkdir()
    names = {"file": tmp_path / "file", "dir": tmp_path / "dir", "none": tmp_path / "missing-input"}
    argv = [arg.format(**names) for arg in command]
    line = _fails(capsys, argv, "--out")
    assert "missing-input" not in line  # the out path is checked before the input is read
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir", "file"]
    assert list((tmp_path / "dir").iterdir()) == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["plan", "--time-limit", "nan"], "--time-limit nan: must be a positive number"),
        (["plan", "--time-limit", "0"], "--time-limit 0: must be a positive number"),
        (["plan", "--time-limit", "-1"], "--time-limit -1"),
        (["plan", "--time-limit", "inf"], "--time-limit inf"),
        (["plan", "--iterations", "-2"], "--iterations -2: must be at least 0"),
        (["pvrp", str(PVRP), "--time-limit", "-1"], "--time-limit -1"),
        (["pvrp", str(PVRP), "--time-limit", "nan"], "--time-limit nan"),
        (["pvrp", str(PVRP), "--iterations", "0"], "--iterations 0: must be at least 1"),
        (["cvrp", str(CVRP), "--time-limit", "-1"], "--time-limit -1"),
        (["cvrp", str(CVRP), "--time-limit", "nan"], "--time-limit nan"),
        (["sweep", "x.toml", "--jobs", "0"], "--jobs 0: must be at least 1"),
        (["sweep", "x.toml", "--time-limit", "0"], "--time-limit 0: must be a positive number of seconds"),
        (["sweep", "x.toml", "--time-limit", "soon"], "--time-limit: 'soon' is not a number of seconds"),
        (["sweep", "x.toml", "--seed", "1.5"], "--seed: '1.5' is not a whole number"),
        (["sweep", "x.toml", "--iterations", "-1"], "--iterations -1: must be at least 0"),
        (["plan", "--seed", "x"], "plan: argument --seed: 'x' is not a whole number"),
        (["codistribution", "--iterations", "many"], "--iterations: 'many' is not a whole number"),
    ],
)
def test_bad_command_line_numbers(tmp_path, capsys, argv, message):
    out = ["--out", str(tmp_path / "o")] if argv[0] in ("plan", "sweep", "codistribution") else []
    _fails(capsys, [*argv, *out], message)


def test_a_scenario_that_is_a_folder(tmp_path, capsys):
    _fails(capsys, ["plan", "--scenario", str(tmp_path), "--out", str(tmp_path / "o")], "is a folder")


def test_a_sweep_file_that_is_not_utf8(tmp_path, capsys):
    path = tmp_path / "s.toml"
    path.write_bytes("name = '杭锦'\n[sweep]\n'fleet.0.count' = [1, 2]\n".encode("gbk"))
    _fails(capsys, ["sweep", str(path), "--out", str(tmp_path / "o")], "s.toml: not UTF-8 text")


def test_ctrl_c_anywhere_ends_with_130(monkeypatch, capsys):
    import optimizer.cli

    def interrupted():
        raise KeyboardInterrupt

    monkeypatch.setattr(optimizer.cli, "parser", interrupted)
    assert main(["plan"]) == 130
    assert capsys.readouterr().err.strip() == "ruralpost: interrupted; earlier outputs are unchanged"


# 8. size guards and a fleet that obviously cannot carry the week


@pytest.mark.parametrize(
    ("problem", "message"),
    [
        (dict(vehicles=100_000), "100000 vehicles on one day: at most 500"),
        (dict(demands=[8.0] * 3, capacity=10), "can carry 10 parcels a week"),
        (dict(max_shift=1.0), "the fleet's shifts give 0 h a week"),
        (  # room enough for the week's 18 parcels (2 x 10), but no two of the 6-parcel visits fit one van
            dict(demands=[6.0] * 3, capacity=10, vehicles=2),
            r"Mon: 3 visits each carry more than half of a 10-parcel vehicle, so no two share one: 村0 \(Cun 0\), "
            r"村1 \(Cun 1\), 村2 \(Cun 2\); the fleet has 2 vehicles that day",
        ),
    ],
)
def test_sizes_and_fleets_that_cannot_work_are_refused_before_searching(problem, message):
    from optimizer.validate import check_fleet, check_problem

    args = {"demands": [1.0, 1.0, 1.0], "capacity": 10, "vehicles": 1, "days": (1,), **problem}
    p = small_problem([(0, 0), (1, 0), (0, 1), (-1, 0)], args.pop("demands"), **args)
    with pytest.raises((InputError, InfeasibleError), match=message):
        check_problem(p)
        check_fleet(p)


def test_visits_of_exactly_half_a_van_may_share_one():
    """The large-visit bound counts only visits over half a van: two of 5 parcels fill one 10-parcel van."""
    from optimizer.solver import SolveParams, solve
    from optimizer.validate import check_fleet, large_visits

    p = small_problem([(0, 0), (1, 0), (0, 1)], [5.0, 5.0], capacity=10, vehicles=1, days=(1,))
    check_fleet(p)
    assert large_visits(p) == []
    result = solve(p, SolveParams(iterations=1, seed=1))
    assert not result.plan.unserved and len(result.plan.routes) == 1
    big = small_problem([(0, 0), (1, 0), (0, 1)], [6.0, 5.0], capacity=10, vehicles=1, days=(1,))
    ((lv,),) = [large_visits(big)]
    assert (lv.day, lv.need, lv.have, lv.capacity, lv.clients) == (1, 1, 1, 10, (0,))


def test_large_visits_are_counted_against_the_vehicles_of_their_own_depot():
    """Two 6-parcel visits bound to station S, one 10-parcel van there and one at the centre: the fleet has two vans
    that day, but only one may make them."""
    from dataclasses import replace

    from optimizer import Depot, VehicleType
    from optimizer.validate import check_fleet, large_visits

    p = small_problem([(0, 0), (1, 0), (0, 1), (5, 5)], [6.0, 6.0], capacity=10, vehicles=1, days=(1,))
    station = VehicleType("van-S", "S", 10, 1, (1,), 0.0, 1.0, math.inf)
    p = replace(p, depots=(*p.depots, Depot("S", "站", 3)), vehicle_types=(*p.vehicle_types, station),
                clients=tuple(replace(c, depot="S") for c in p.clients))  # fmt: skip
    assert {(lv.depot, lv.need, lv.have) for lv in large_visits(p)} == {(None, 2, 2), ("S", 2, 1)}
    with pytest.raises(InfeasibleError, match=r"Mon: 2 visits .*; depot S has 1 vehicles that day"):
        check_fleet(p)


def test_too_many_service_points(monkeypatch):
    from optimizer import validate

    monkeypatch.setattr(validate, "MAX_CLIENTS", 2)
    p = small_problem([(0, 0), (1, 0), (0, 1), (-1, 0)], [1.0] * 3, capacity=10, vehicles=1, days=(1,))
    with pytest.raises(InputError, match="3 service points: at most 2 in one run"):
        validate.check_problem(p)


def test_too_many_service_points_are_refused_before_the_road_matrices(monkeypatch, tmp_path, capsys):
    from optimizer import validate
    from optimizer.planning import run

    def no_matrices(*args, **kwargs):
        raise AssertionError("the matrices were built for a data set that is refused")

    monkeypatch.setattr(validate, "MAX_CLIENTS", 10)
    monkeypatch.setattr(run, "facility_matrices", no_matrices)
    _fails(capsys, ["plan", "--out", str(tmp_path / "o")], "61 service points: at most 10 in one run")


# 9. required visits left out by the search: an error naming the villages, nothing written


def test_visits_the_search_leaves_out_are_named():
    from optimizer import SolveParams, solve
    from optimizer.check import check
    from optimizer.validate import require_served

    # two 10-parcel vans, stops of 6, 6, 5 and 3: 20 parcels and two visits over half a van pass the fleet's
    # necessary conditions, yet no packing fits (6 + 5 > 10, 6 + 6 > 10), so the search must leave one out
    points = [(0, 0), (1, 0), (0, 1), (-1, 0), (0, -1)]
    problem = small_problem(points, [6, 6, 5, 3], capacity=10, vehicles=2, days=(1,))
    result = solve(problem, SolveParams(time_limit_s=30, iterations=1))
    with pytest.raises(InfeasibleError, match=r"1 required visits left unserved .*: 村\d \(Cun \d\) \(1 visit\)"):
        require_served(problem, result, check(problem, result.plan))


# 10. an infeasible sweep case keeps which villages and why


def test_an_infeasible_sweep_case_keeps_its_reasons():
    from optimizer.planning.scenario import scenario_from_dict
    from optimizer.planning.sweep import _case_or_error, comparison_markdown

    case = scenario_from_dict({"name": "one small van", "fleet": [{"count": 1, "capacity": 50}]})
    row = _case_or_error(case)
    assert row["feasible"] is False and "parcels on one visit exceed the largest vehicle's 50" in row["error"]
    assert row["error"].count("exceed") > 1  # every village named, not just the first line
    table = comparison_markdown([row], "t")
    assert "Cases without a plan" in table and "exceed the largest vehicle's 50" in table
