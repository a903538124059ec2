"""map.html in a real headless browser (Debian's chromium): it loads offline without console errors and shows
every village; the screenshot is kept in tests/artifacts/."""

from __future__ import annotations

import json
import os
import shutil
import time

import pytest

from optimizer.cli import main
from tests.conftest import REPO

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
ARTIFACTS = REPO / "tests" / "artifacts"


@pytest.fixture(scope="module")
def browser():
    if not (CHROMIUM and DRIVER):
        if os.environ.get("CI"):
            pytest.fail("CI must install chromium and chromium-driver (.ci/run does)")
        pytest.skip("needs chromium and chromedriver (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1280,900"):  # fmt: skip
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()


def test_map_loads_and_shows_every_village(tmp_path, browser):
    out = tmp_path / "plan"
    assert main(["plan", "--out", str(out), "--iterations", "1"]) == 0
    doc = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    villages = {v["id"] for v in doc["villages"] if v["kind"] == "village"}
    assert len(villages) == 61
    browser.get((out / "map.html").as_uri())
    time.sleep(1.5)
    # every village has a marker (one per visit day; all day layers are on when the page opens)
    names = browser.execute_script(
        r"""
        const names = new Set();
        for (const key of Object.keys(window)) {
          const layer = window[key];
          if (layer instanceof L.CircleMarker && layer._map && layer.getTooltip()) {
            const content = layer.getTooltip().getContent();
            const text = typeof content === 'string' ? content : content.textContent;
            const id = /\((\w+)\)/.exec(text);
            if (id) names.add(id[1]);
          }
        }
        return Array.from(names);
        """
    )
    assert set(names) == villages
    drawn = browser.execute_script("return document.querySelectorAll('path.leaflet-interactive').length")
    visits = sum(v["visits_per_week"] for v in doc["villages"] if v["kind"] == "village")
    assert drawn >= visits  # village markers plus run lines and the boundary
    assert "估算" in browser.find_element("tag name", "body").text  # the estimate note is on the page
    errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
    assert errors == [], errors
    ARTIFACTS.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(ARTIFACTS / "map.png"))
