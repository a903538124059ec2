"""map.html as written, without a browser: missed visits are drawn and said in their popups; the village popups
give each visit day; the page inlines everything (no script or stylesheet from the web)."""

from __future__ import annotations

import json
import re

from optimizer.cli import main
from tests.optimizer.outputs.conftest import small_scenario


def test_missed_visits_are_marked_on_the_map(tmp_path):
    # one small van and a price per missed visit: the plan leaves visits out rather than fail
    scenario = small_scenario(tmp_path)
    scenario.write_text(
        scenario.read_text(encoding="utf-8")
        + '[[fleet]]\nname = "van"\ndepot = "HUB"\ncapacity = 200\ncount = 1\ndays = [1, 2, 3, 4, 5, 6]\n'
        + "[policy]\nunserved_penalty = 2000\n",
        encoding="utf-8",
    )
    out = tmp_path / "plan"
    main(["plan", "--scenario", str(scenario), "--out", str(out), "--iterations", "1"])
    doc = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert doc["unserved"] and doc["runs"], "the scenario must make some visits and leave some out"
    html = (out / "map.html").read_text(encoding="utf-8")
    tooltips = re.findall(r"未服务 MISSED", html)
    assert len(tooltips) >= len(doc["unserved"])
    for miss in doc["unserved"]:
        assert f"({miss['id']}) 未服务 MISSED" in html
    assert not re.search(r"<(script|link)[^>]+(src|href)=[\"']https?://", html)
