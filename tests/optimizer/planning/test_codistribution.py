"""``ruralpost codistribution``: each integrated carrier alone against the shared plan."""

from __future__ import annotations

import csv
import json
import shutil

import pytest

from optimizer.cli import main
from optimizer.errors import InputError
from optimizer.planning.codistribution import COLUMNS, load_carriers
from tests.conftest import HANGJIN


def test_codistribution_writes_the_table_of_checked_plans(tmp_path, capsys):
    out = tmp_path / "co"
    assert main(["codistribution", "--out", str(out), "--iterations", "1", "--jobs", "2"]) == 0
    with open(out / "codistribution.csv", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == COLUMNS
        rows = {r["plan"]: r for r in reader}
    carriers, _ = load_carriers(HANGJIN)
    integrated = [c.id for c in carriers if c.integrated]
    assert list(rows) == [*integrated, "separate_total", "shared"]
    for key in ("fleet_size", "vehicle_days"):
        assert int(rows["separate_total"][key]) == sum(int(rows[c][key]) for c in integrated)
    assert float(rows["separate_total"]["weekly_cost"]) == pytest.approx(
        sum(float(rows[c]["weekly_cost"]) for c in integrated), abs=0.05
    )
    # every plan behind the table passes the independent checker, and is kept for the planner to open
    for plan in [*integrated, "shared"]:
        doc = json.loads((out / "cases" / plan / "plan.json").read_text(encoding="utf-8"))
        assert doc["check"]["ok"] and doc["key_figures"]["feasible"]
        assert doc["key_figures"]["parcels_per_week"] == int(rows[plan]["parcels_per_week"])
    text = (out / "codistribution.md").read_text(encoding="utf-8")
    assert "共同配送" in text and "saves" in text and "ESTIMATES" in text


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("zto,中通,ZTO,1,1.5,x", "column 'share'"),
        ("zto,中通,ZTO,maybe,0.2,x", "column 'integrated'"),
        ("shared,中通,ZTO,1,0.2,x", "reserved"),
    ],
)
def test_bad_carriers_files_name_the_line_and_column(tmp_path, row, message):
    folder = tmp_path / "data"
    shutil.copytree(HANGJIN, folder)
    (folder / "carriers.csv").write_text(f"id,name,name_en,integrated,share,share_status\n{row}\n", encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_carriers(folder)
