"""map.html in a real headless browser (Debian's chromium), offline: it loads without console errors and without
requesting anything; the day selector offers "all days" and each day with runs and shows just that day's runs,
villages and legend rows; every overlay toggles; centre, stations and township seats are labelled, villages from
``LABEL_ZOOM`` on; popups list every visit day with its parcels; no control covers the scale bar; on a road graph
runs follow the roads and the main roads are drawn. Screenshots of the direct and the relay design (and a zoomed
view with village names) are kept in the artefacts folder (``tests.conftest.ARTIFACTS``)."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from optimizer.cli import main
from optimizer.outputs.geometry import TRUNK_COLOUR
from optimizer.outputs.labels import DAY_ZH, WEEKDAY_NAMES
from optimizer.outputs.maps import ALL_DAYS, LABEL_ZOOM, OSM_TILES
from optimizer.outputs.names import display_names
from optimizer.planning import load_dataset
from tests.conftest import ARTIFACTS, GRID, REPO
from tests.optimizer.outputs.conftest import read_routes, small_scenario

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
TILE_HOST = OSM_TILES.split("/")[2]


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
                 "--window-size=1400,1000"):  # fmt: skip
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()


def _open(browser, path):
    browser.get(path.as_uri())
    browser.set_script_timeout(20)
    # ruralpostMap runs last: once window.ruralpost exists, every layer and control is on the page
    assert browser.execute_async_script(
        "const done = arguments[0]; const t0 = Date.now();"
        "(function wait() { if (window.ruralpost) done(true); else if (Date.now() - t0 > 15000) done(false);"
        " else setTimeout(wait, 50); })();"
    )


def _errors(browser) -> list[dict]:
    return [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]


def _shot(browser, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.execute_script("return new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    assert browser.save_screenshot(str(ARTIFACTS / name))


# What is on the map now: run lines (vehicle per line, by their tooltips), village markers (ids), trunk lines.
ON_MAP = r"""
const rp = window.ruralpost, runs = [], visits = [], trunks = [];
rp.map.eachLayer(layer => {
  const tip = layer.getTooltip && layer.getTooltip();
  const div = document.createElement('div'), raw = tip ? tip.getContent() : '';
  if (typeof raw === 'string') div.innerHTML = raw; else div.appendChild(raw.cloneNode(true));
  const text = div.textContent.trim();
  if (layer instanceof L.CircleMarker && layer.options.interactive !== false && tip) {
    const id = /\((\w+)\)/.exec(text); if (id) visits.push(id[1]);
  } else if (layer instanceof L.Polyline && !(layer instanceof L.Polygon) && tip) {
    runs.push(text.split('·').pop().trim());
    if (layer.options.color === arguments[0]) trunks.push(layer.getLatLngs().length);
  }
});
const legend = Array.from(document.querySelectorAll('#rp-legend tr.rp-run'))
  .filter(tr => tr.style.display !== 'none').map(tr => [Number(tr.dataset.day), tr.cells[1].textContent,
                                                         parseFloat(tr.cells[2].textContent)]);
return {runs: runs.sort(), visits: visits.sort(), trunks: trunks, legend: legend};
"""


def _runs(out) -> dict[tuple[int, str], dict]:
    runs: dict[tuple[int, str], dict] = {}
    for r in read_routes(out):
        run = runs.setdefault((int(r["day"]), r["vehicle"]), {"km": 0.0, "stops": [], "type": r["vehicle_type"]})
        run["km"] += float(r["leg_km"])
        run["stops"].append(r["stop_id"])
    return runs


def _day_label(day: int) -> str:
    return f"{DAY_ZH[day]} {WEEKDAY_NAMES[day]}"


def _check_days(browser, out) -> None:
    """The selector lists "all days" and the days with runs; each shows exactly its runs, visits and legend rows."""
    runs = _runs(out)
    doc = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    days = sorted({d for d, _ in runs})
    radios = browser.execute_script(
        "return Array.from(document.querySelectorAll('.leaflet-control-layers-base label'))"
        ".map(l => [l.textContent.trim(), l.querySelector('input').checked]);"
    )
    assert radios == [[ALL_DAYS, True]] + [[_day_label(d), False] for d in days]
    villages = {v["id"]: v for v in doc["villages"] if v["kind"] == "village"}
    for pick in [*days, None]:
        label = ALL_DAYS if pick is None else _day_label(pick)
        browser.execute_script(
            "Array.from(document.querySelectorAll('.leaflet-control-layers-base label'))"
            ".find(l => l.textContent.trim() === arguments[0]).querySelector('input').click();", label
        )  # fmt: skip
        shown = browser.execute_script(ON_MAP, TRUNK_COLOUR)
        want = sorted(v for d, v in runs if pick in (None, d))
        assert shown["runs"] == want, label
        want_visits = sorted(i for i, v in villages.items() for d in v["days"] if pick in (None, d))
        assert shown["visits"] == want_visits, label
        legend = {(d, v): km for d, v, km in shown["legend"]}
        assert sorted(legend) == sorted(k for k in runs if pick in (None, k[0])), label
        for key, km in legend.items():
            assert abs(km - runs[key]["km"]) < 0.06, key  # one decimal shown
    return runs


def _check_labels(browser, data) -> None:
    names = display_names(data)
    depots = browser.execute_script(
        "return Array.from(document.querySelectorAll('.rp-depot-label')).map(e => [e.textContent.trim(),"
        " e.offsetParent !== null]);"
    )
    assert len(depots) == 1 + len(data.stations) and all(visible for _, visible in depots)
    assert {text.split()[-1] for text, _ in depots} == {s.id for s in (data.centre, *data.stations)}
    seats = browser.execute_script("return Array.from(document.querySelectorAll('.rp-seat-label'))"
                                   ".map(e => e.textContent.trim());")  # fmt: skip
    assert sorted(seats) == sorted({s.township for s in (data.centre, *data.stations)})
    label_js = ("return Array.from(document.querySelectorAll('.rp-village-label'))"
                ".map(e => [e.textContent.trim(), getComputedStyle(e).display !== 'none']);")  # fmt: skip
    assert browser.execute_script("return window.ruralpost.map.getZoom()") < LABEL_ZOOM
    hidden = browser.execute_script(label_js)
    served = {names[v.id].display for v in data.service_points}
    assert {t for t, _ in hidden} == served and not any(v for _, v in hidden)
    browser.execute_script("window.ruralpost.map.setView([arguments[0], arguments[1]], arguments[2], {animate: false})",
                           data.centre.lat, data.centre.lon, LABEL_ZOOM)  # fmt: skip
    shown = browser.execute_script(label_js)
    assert {t for t, _ in shown} == served and all(v for _, v in shown)


def _check_overlays(browser) -> None:
    """Every overlay checkbox takes its layer off the map and back; the online tiles are off until asked for."""
    overlays = browser.execute_script(
        "return Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))"
        ".map(l => [l.textContent.trim(), l.querySelector('input').checked]);"
    )
    names = {name for name, _ in overlays}
    assert set(browser.execute_script("return Object.keys(window.ruralpost.overlays)")) == names
    for name, checked in overlays:
        assert checked == ("OpenStreetMap" not in name), name
    for name, checked in sorted(overlays, key=lambda o: "OpenStreetMap" in o[0]):  # the online tiles last
        for _ in range(2):
            state = browser.execute_script(
                "const label = Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))"
                ".find(l => l.textContent.trim() === arguments[0]); label.querySelector('input').click();"
                "return window.ruralpost.map.hasLayer(window.ruralpost.overlays[arguments[0]]);", name
            )  # fmt: skip
            checked = not checked
            assert state == checked, name
            if "OpenStreetMap" in name:  # the tiles bring their attribution while they are on
                credit = browser.find_element("css selector", ".leaflet-control-attribution").text
                assert ("OpenStreetMap contributors" in credit) == checked, credit


def _check_popups(browser, out) -> None:
    doc = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    popups = browser.execute_script(
        r"""const out = {};
        window.ruralpost.allDays.eachLayer(layer => {
          if (!(layer instanceof L.CircleMarker) || !layer.getPopup()) return;
          const html = layer.getPopup().getContent(); const text = typeof html === 'string' ? html : html.innerHTML;
          const id = /\((\w+)\)/.exec(layer.getTooltip().getContent()); (out[id[1]] = out[id[1]] || []).push(text);
        });
        return out;"""
    )
    villages = [v for v in doc["villages"] if v["kind"] == "village"]
    assert set(popups) == {v["id"] for v in villages}
    for v in villages:
        assert len(popups[v["id"]]) == len(v["days"])  # a marker per visit day, each listing the whole week
        for text in popups[v["id"]]:
            for d in v["days"]:
                p = v["parcels_per_visit"][str(d)]
                assert f"{_day_label(d)}</td><td>送 {p['delivered']} / 收 {p['picked_up']} 件" in text, v["id"]
            assert "GCJ-02" in text


SCALE_CLEAR = """
const scale = document.querySelector('.leaflet-control-scale').getBoundingClientRect();
return Array.from(document.querySelectorAll('.leaflet-control')).filter(c => !c.matches('.leaflet-control-scale'))
  .map(c => c.getBoundingClientRect())
  .filter(r => r.left < scale.right && scale.left < r.right && r.top < scale.bottom && scale.top < r.bottom).length;
"""


def _check_offline_load(browser) -> None:
    assert _errors(browser) == []
    requested = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert [u for u in requested if not u.startswith(("file:", "data:"))] == []  # nothing leaves the page
    assert browser.execute_script(SCALE_CLEAR) == 0


def test_direct_map_days_layers_labels_popups(hangjin_out, browser):
    _open(browser, hangjin_out / "map.html")
    _check_offline_load(browser)
    _shot(browser, "map_direct.png")
    runs = _check_days(browser, hangjin_out)
    first = min(d for d, _ in runs)
    browser.execute_script(
        "Array.from(document.querySelectorAll('.leaflet-control-layers-base label'))"
        ".find(l => l.textContent.trim() === arguments[0]).querySelector('input').click();", _day_label(first)
    )  # fmt: skip
    _shot(browser, f"map_direct_day{first}.png")
    browser.execute_script("document.querySelectorAll('.leaflet-control-layers-base input')[0].click();")
    _check_popups(browser, hangjin_out)
    assert "估算" in browser.find_element("tag name", "body").text  # the estimate note is on the page
    _check_labels(browser, load_dataset())
    _shot(browser, "map_direct_labels.png")
    assert browser.execute_script(SCALE_CLEAR) == 0
    assert _errors(browser) == []
    _check_overlays(browser)
    # switching the online tiles on asks the tile server (unreachable offline): those requests may fail, nothing else
    assert [e for e in _errors(browser) if TILE_HOST not in e["message"]] == []


@pytest.fixture(scope="module")
def relay_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("relay") / "plan"
    assert main(["plan", "--scenario", str(REPO / "scenarios" / "relay.toml"), "--out", str(out),
                 "--iterations", "1"]) == 0  # fmt: skip
    return out


def test_relay_map_shows_trunk_and_station_runs(relay_out, browser):
    _open(browser, relay_out / "map.html")
    _check_offline_load(browser)
    shown = browser.execute_script(ON_MAP, TRUNK_COLOUR)
    trunk_type = json.loads((relay_out / "plan.json").read_text(encoding="utf-8"))["scenario"]["trunk"]["name"]
    trunk_runs = [k for k, r in _runs(relay_out).items() if r["type"] == trunk_type]
    assert trunk_runs and len(shown["trunks"]) == len(trunk_runs)  # drawn in the trunk's own colour
    assert len(shown["runs"]) == len(_runs(relay_out))
    _shot(browser, "map_relay.png")
    _check_days(browser, relay_out)
    assert _errors(browser) == []


def test_map_on_a_road_graph_follows_the_roads(tmp_path, hangjin_grid_osm, browser):
    out = tmp_path / "plan"
    scenario = small_scenario(tmp_path)
    assert main(["plan", "--scenario", str(scenario), "--graph", str(hangjin_grid_osm), "--out", str(out),
                 "--iterations", "1"]) == 0  # fmt: skip
    _open(browser, out / "map.html")
    _check_offline_load(browser)
    lines = browser.execute_script(
        r"""const out = {runs: [], roads: 0}, rp = window.ruralpost;
        rp.map.eachLayer(layer => {
          if (layer instanceof L.Polyline && !(layer instanceof L.Polygon) && layer.getTooltip())
            out.runs.push(layer.getLatLngs().map(p => [p.lat, p.lng]));
        });
        const roads = rp.overlays['主要道路 main roads (OSM)'];
        roads.eachLayer(json => json.eachLayer(line => { if (rp.map.hasLayer(line)) out.roads += 1; }));
        return out;"""
    )
    assert lines["runs"] and lines["roads"] >= 1  # the S215 column, the grid's one main road
    for coords in lines["runs"]:  # every vertex on a grid road, not straight across
        for lat, lon in coords:
            row = (lat - GRID["lat0"]) / GRID["step"]
            col = (lon - GRID["lon0"]) / GRID["step"]
            assert abs(row - round(row)) < 1e-6 or abs(col - round(col)) < 1e-6
    stops = sum(len(r["stops"]) for r in _runs(out).values())
    assert sum(len(c) for c in lines["runs"]) > stops  # the roads' corners, not only the stops
    assert "沿道路 along the roads" in browser.find_element("id", "rp-legend").text
    assert "OpenStreetMap contributors" in browser.find_element("tag name", "body").text
    _shot(browser, "map_graph.png")
    assert _errors(browser) == []
