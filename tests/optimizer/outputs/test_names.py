"""Display names: the official name without its administrative suffix, with the township where two share it."""

from __future__ import annotations

from optimizer.outputs.names import display_names, short_name, short_pinyin
from optimizer.planning import load_dataset
from tests.optimizer.outputs.conftest import read_routes


def test_short_names_drop_the_suffix():
    assert short_name("陶赖高勒村委会") == "陶赖高勒"
    assert short_name("巴音温都尔嘎查村") == "巴音温都尔"
    assert short_name("乌兰嘎查") == "乌兰"
    assert short_name("锡尼社区") == "锡尼"
    assert short_name("新村") == "新村"  # too short to shorten
    assert short_pinyin("Taran Gaole Cun") == "Taran Gaole"
    assert short_pinyin("Bayinwenduer Gacha") == "Bayinwenduer"


def test_duplicates_carry_their_township():
    names = display_names(load_dataset())
    shown = {n.display for n in names.values()}
    assert len(shown) == len(names)  # every place tells apart from every other
    assert names["150625200211"].display == "巴音温都尔（伊和乌素苏木）"
    assert names["150625104203"].display == "巴音温都尔（呼和木独镇）"
    assert names["150625102208"].display == "巴音（吉日嘎朗图镇）"  # 巴音村委会 and 巴音嘎查村 shorten alike
    assert names["150625100201"].display == "阿门其日格"
    assert names["HUB"].display == "杭锦旗寄递物流共配中心"  # stations keep their names


def test_people_read_both_names_and_routes_csv_keeps_the_official(hangjin_out):
    summary = (hangjin_out / "summary.md").read_text(encoding="utf-8")
    assert "| 巴音温都尔（呼和木独镇） | 巴音温都尔嘎查村 | 呼和木独镇 | 150625104203 |" in summary
    header = (hangjin_out / "routes.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == (
        "day,vehicle,seq,stop_id,stop_name,arrival,delivered,picked_up,load_after,leg_km,leg_min,"
        "stop_name_pinyin,vehicle_type,depot_id,coord_estimated,road_km_estimated"
    )
    rows = read_routes(hangjin_out)
    assert any(r["stop_name"] == "巴音温都尔嘎查村" for r in rows)
    assert not (hangjin_out / "routes.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # plain UTF-8, no BOM
    sheet = (hangjin_out / "sheets" / "day1-van-1.html").read_text(encoding="utf-8")
    assert "签收 signature" in sheet and "估算数据" in sheet and "ESTIMATED DATA" in sheet
    page = (hangjin_out / "map.html").read_text(encoding="utf-8")
    assert "巴音温都尔（呼和木独镇）" in page
