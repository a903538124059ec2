"""GCJ-02 / BD-09 <-> WGS84, and villages.csv in GCJ-02 loading as the WGS84 file does."""

from __future__ import annotations

import csv
import math
import shutil

import pytest

from optimizer.errors import InputError
from optimizer.planning import load_dataset
from optimizer.planning.coords import gcj02_to_wgs84, to_wgs84, wgs84_to, wgs84_to_gcj02
from tests.conftest import HANGJIN


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    return math.hypot((a[0] - b[0]) * 111_195, (a[1] - b[1]) * 111_195 * math.cos(math.radians(a[0])))


def test_offset_at_xini_and_round_trips():
    xini = (39.82, 108.73)
    assert 440 < metres(xini, wgs84_to_gcj02(*xini)) < 480  # the ~460 m planners see between Amap and GPS
    for lat, lon in [xini, (40.79, 107.94), (39.3, 106.9), (22.5, 114.1), (45.7, 126.6)]:
        for system in ("gcj02", "bd09"):
            back = to_wgs84(*wgs84_to(lat, lon, system), system)
            assert metres((lat, lon), back) < 1.0
    assert wgs84_to_gcj02(48.85, 2.35) == (48.85, 2.35)  # outside China GCJ-02 is WGS84


def test_against_the_amap_and_baidu_pairs_of_the_hangjin_sources():
    with open(HANGJIN / "sources" / "townships.csv", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["amap_gcj02_lat"]]
    assert rows
    for r in rows:
        wgs = (float(r["amap_wgs84_lat"]), float(r["amap_wgs84_lon"]))
        # the sources converted with the one-step approximate inverse, within about 2 m of the exact one
        assert metres(gcj02_to_wgs84(float(r["amap_gcj02_lat"]), float(r["amap_gcj02_lon"])), wgs) < 3.0
        if r["baidu_bd09_lat"]:
            got = to_wgs84(float(r["baidu_bd09_lat"]), float(r["baidu_bd09_lon"]), "bd09")
            assert metres(got, (float(r["baidu_wgs84_lat"]), float(r["baidu_wgs84_lon"]))) < 3.0


def _convert(src, dst, system: str, bad: str | None = None) -> None:
    with open(src, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = [*reader.fieldnames, "coord_system"], list(reader)
    for r in rows:
        lat, lon = wgs84_to(float(r["lat"]), float(r["lon"]), system)
        r["lat"], r["lon"], r["coord_system"] = f"{lat:.7f}", f"{lon:.7f}", system
    if bad is not None:
        rows[2]["coord_system"] = bad
    with open(dst, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


@pytest.mark.parametrize("system", ["gcj02", "bd09"])
def test_a_gcj02_data_set_loads_as_the_wgs84_one(tmp_path, system):
    shutil.copytree(HANGJIN, tmp_path / "data")
    for name in ("villages.csv", "stations.csv"):
        _convert(HANGJIN / name, tmp_path / "data" / name, system)
    wgs, other = load_dataset(HANGJIN), load_dataset(tmp_path / "data")
    pairs = list(zip((wgs.centre, *wgs.stations, *wgs.villages), (other.centre, *other.stations, *other.villages),
                     strict=True))  # fmt: skip
    assert len(pairs) == 83
    for a, b in pairs:
        assert a.id == b.id and metres((a.lat, a.lon), (b.lat, b.lon)) < 1.0


def test_unknown_coord_system_names_file_line_and_column(tmp_path):
    shutil.copytree(HANGJIN, tmp_path / "data")
    _convert(HANGJIN / "villages.csv", tmp_path / "data" / "villages.csv", "gcj02", bad="amap")
    with pytest.raises(InputError, match=r"villages\.csv, line 4, field 'coord_system': 'amap'"):
        load_dataset(tmp_path / "data")
