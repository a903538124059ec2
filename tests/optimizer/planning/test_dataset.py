"""The data loader: the Hangjin set loads with its flags; every kind of bad file is named precisely."""

from __future__ import annotations

import csv
import shutil

import pytest

from optimizer.errors import InputError
from optimizer.planning import load_dataset
from tests.conftest import HANGJIN


def test_hangjin_loads_with_flags():
    ds = load_dataset()
    assert ds.centre.id == "HUB" and ds.centre.kind == "centre"
    assert len(ds.stations) == 6
    assert len(ds.villages) == 76
    assert len(ds.service_points) == 61
    assert sum(v.in_town_seat for v in ds.villages) == 15
    # the flags follow the file row by row
    with open(HANGJIN / "villages.csv", encoding="utf-8") as fh:
        raw = {r["id"]: r for r in csv.DictReader(fh)}
    assert all(v.coord_estimated == (raw[v.id]["coord_status"] == "estimate") for v in ds.villages)
    assert sum(not v.coord_estimated for v in ds.villages) == 1
    assert all(v.volume_estimated for v in ds.villages)
    flags = ds.quality_flags()
    assert flags["estimated_volumes"] == 61
    estimated = sum(r["coord_status"] == "estimate" for r in raw.values())
    assert flags["villages"] == len(raw) and flags["estimated_village_positions"] == estimated
    served = [r for r in raw.values() if r["service_point"] == "1"]
    assert flags["estimated_service_point_positions"] == sum(r["coord_status"] == "estimate" for r in served)
    assert flags["depots"] == 7 and flags["estimated_depot_positions"] == 2  # the centre's yard and Taran Gaole
    assert flags["estimated_coordinates"] == flags["estimated_service_point_positions"] + 2
    assert ds.place("S1").name == "独贵塔拉镇综合服务站"
    assert ds.boundary is not None and ds.boundary.area > 1.0


def test_data_readme_counts_agree_with_villages_csv():
    """The data set's README gives the found and estimated village positions; the file must say the same."""
    import re

    text = (HANGJIN / "README.md").read_text(encoding="utf-8")
    with open(HANGJIN / "villages.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    found = int(re.search(r"(\d+) village coordinates? \(`coord_status=found`", text).group(1))
    estimated = int(re.search(r"(\d+) coordinates \(`coord_status=estimate`", text).group(1))
    assert (found, estimated) == (
        sum(r["coord_status"] == "found" for r in rows),
        sum(r["coord_status"] == "estimate" for r in rows),
    )
    assert re.search(rf"\| `villages.csv` \| {len(rows)} \|", text)


@pytest.fixture
def data_copy(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(HANGJIN, folder)
    for p in folder.rglob("*"):
        p.chmod(0o644 if p.is_file() else 0o755)
    return folder


def _edit(path, old, new, count=1):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def test_missing_column(data_copy):
    _edit(data_copy / "villages.csv", "parcels_up_per_week", "parcels_up")
    with pytest.raises(InputError, match=r"villages.csv: missing column\(s\) parcels_up_per_week"):
        load_dataset(data_copy)


def test_duplicate_id(data_copy):
    _edit(data_copy / "villages.csv", "150625100201,", "150625100200,")
    with pytest.raises(InputError, match=r"villages.csv, line 3, field 'id': duplicate id '150625100200'"):
        load_dataset(data_copy)


def test_empty_name(data_copy):
    _edit(data_copy / "villages.csv", ",阿门其日格村委会,", ",,")
    with pytest.raises(InputError, match=r"line 3, field 'name': empty name for id 150625100201"):
        load_dataset(data_copy)


def test_coordinate_outside_boundary(data_copy):
    # lat and lon swapped is the usual mistake
    _edit(data_copy / "villages.csv", "39.430924,108.903998", "10.430924,108.903998")
    with pytest.raises(InputError, match=r"line 3, fields 'lat'/'lon': 阿门其日格村委会 .* outside the boundary"):
        load_dataset(data_copy)


def test_bad_number(data_copy):
    _edit(data_copy / "villages.csv", "39.430924,", "39,43,")
    with pytest.raises(InputError, match=r"villages.csv, line 3"):
        load_dataset(data_copy)


def test_non_positive_volume(data_copy):
    _edit(data_copy / "villages.csv", ",127,13,", ",0,13,")
    with pytest.raises(InputError, match=r"line 3, field 'parcels_down_per_week': 0 must be at least 0.5"):
        load_dataset(data_copy)


def test_negative_pickup(data_copy):
    _edit(data_copy / "villages.csv", ",127,13,", ",127,-2,")
    with pytest.raises(InputError, match=r"line 3, field 'parcels_up_per_week': -2 must not be negative"):
        load_dataset(data_copy)


def test_missing_file_and_centre(data_copy, tmp_path):
    with pytest.raises(InputError, match="data folder not found"):
        load_dataset(tmp_path / "nowhere")
    stations = data_copy / "stations.csv"
    good = stations.read_text(encoding="utf-8")
    _edit(stations, ",centre,", ",station,")
    with pytest.raises(InputError, match="no row with kind 'centre'"):
        load_dataset(data_copy)
    stations.write_text(good, encoding="utf-8")
    (data_copy / "villages.csv").unlink()
    with pytest.raises(InputError, match="villages.csv: file not found"):
        load_dataset(data_copy)


def test_not_utf8(data_copy):
    path = data_copy / "villages.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    with pytest.raises(InputError, match="not UTF-8"):
        load_dataset(data_copy)


def test_own_county_without_boundary(tmp_path):
    folder = tmp_path / "county"
    folder.mkdir()
    (folder / "stations.csv").write_text(
        "id,name,name_pinyin,kind,township,lat,lon,coord_status\nC,中心,Zhongxin,centre,镇,40.0,108.0,surveyed\n",
        encoding="utf-8",
    )
    (folder / "villages.csv").write_text(
        "id,name,name_pinyin,township,lat,lon,coord_status,service_point,parcels_down_per_week,"
        "parcels_up_per_week,volume_status\nV1,一村,Yi Cun,镇,40.1,108.1,surveyed,1,50,5,counted\n",
        encoding="utf-8",
    )
    ds = load_dataset(folder)
    assert ds.boundary is None
    assert not ds.villages[0].coord_estimated and not ds.villages[0].volume_estimated
    assert ds.quality_flags()["estimated_coordinates"] == 0


def test_the_default_data_set_ships_as_package_data():
    """A plain (not editable) install plans the default only if every file of the data set is package data."""
    import fnmatch
    import tomllib

    from tests.conftest import REPO

    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    globs = config["package-data"]["optimizer"]
    root = REPO / "optimizer"
    files = [p.relative_to(root).as_posix() for p in HANGJIN.rglob("*") if p.is_file()]
    assert files and {"data/hangjin/villages.csv", "data/hangjin/stations.csv"} <= set(files)
    missing = [f for f in files if not any(fnmatch.fnmatch(f, g) and f.count("/") == g.count("/") for g in globs)]
    assert not missing
    assert config["packages"]["find"]["include"] == ["optimizer*", "network*"]
