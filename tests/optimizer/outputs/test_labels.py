"""The estimate note every output repeats counts the positions the data files flag: over all villages of
villages.csv (the data README's wording), the service points among them, and the centre and stations."""

from __future__ import annotations

import csv
import json

from tests.conftest import HANGJIN


def _counts() -> dict[str, int]:
    with open(HANGJIN / "villages.csv", encoding="utf-8") as fh:
        villages = list(csv.DictReader(fh))
    with open(HANGJIN / "stations.csv", encoding="utf-8") as fh:
        depots = list(csv.DictReader(fh))
    served = [v for v in villages if v["service_point"] == "1"]
    return {
        "villages": len(villages),
        "estimated": sum(v["coord_status"] == "estimate" for v in villages),
        "served": len(served),
        "served_estimated": sum(v["coord_status"] == "estimate" for v in served),
        "depots": len(depots),
        "depots_estimated": sum("estimate" in d["coord_status"].lower() or "unknown" in d["coord_status"].lower()
                                for d in depots),
    }  # fmt: skip


def test_estimate_note_agrees_with_the_data_files(hangjin_out):
    c = _counts()
    en = (
        f"{c['estimated']} of {c['villages']} village positions estimated ({c['villages'] - c['estimated']} found; "
        f"{c['served_estimated']} of the {c['served']} service points); "
        f"{c['depots_estimated']} of {c['depots']} centre and station positions estimated"
    )
    zh = f"{c['villages']} 个村中 {c['estimated']} 个位置为估算"
    summary = (hangjin_out / "summary.md").read_text(encoding="utf-8")
    assert en in summary and zh in summary
    flags = json.loads((hangjin_out / "plan.json").read_text(encoding="utf-8"))["data_quality"]
    assert flags["estimated_village_positions"] == c["estimated"] and flags["villages"] == c["villages"]
    assert flags["estimated_coordinates"] == c["served_estimated"] + c["depots_estimated"]
