"""route_sheets.pdf: text extracted with pypdf shows every run's villages and totals; the Chinese font is embedded.
The first page, drawn by poppler's pdftoppm, is kept as route_sheet.png in the artefacts folder
(``tests.conftest.ARTIFACTS``). Without a Chinese font the plan is written without the PDF, and says so."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from optimizer.cli import main
from optimizer.errors import RuralpostError
from optimizer.outputs.names import display_names
from optimizer.outputs.pdf import FONT_ENV, find_cjk_font
from optimizer.planning import load_dataset
from tests.conftest import ARTIFACTS
from tests.optimizer.outputs.conftest import read_routes, small_scenario


def test_pdf_sheets_show_villages_and_totals(hangjin_out):
    path = hangjin_out / "route_sheets.pdf"
    reader = PdfReader(path)
    routes = read_routes(hangjin_out)
    runs: dict[tuple[str, str], list[dict]] = {}
    for r in routes:
        runs.setdefault((r["day"], r["vehicle"]), []).append(r)
    assert len(reader.pages) >= len(runs)
    text = "\n".join(page.extract_text() for page in reader.pages)
    names = display_names(load_dataset())
    km = [float(x) for x in re.findall(r"里程 distance: ([0-9.]+) km", text)]
    down = [int(x) for x in re.findall(r"送件 parcels down: (\d+)", text)]
    assert len(km) == len(down) == len(runs)  # in routes.csv order
    for rows, shown_km, shown_down in zip(runs.values(), km, down, strict=True):
        assert abs(shown_km - sum(float(r["leg_km"]) for r in rows)) < 0.1  # legs rounded to 10 m each
        assert shown_down == sum(int(r["delivered"]) for r in rows)
        for r in rows[1:-1]:
            assert names[r["stop_id"]].display in text and r["stop_id"] in text
    assert "估算数据" in text and "ESTIMATED DATA" in text and "签收" in text
    fonts = {f.get_object()["/BaseFont"] for f in reader.pages[0]["/Resources"]["/Font"].values()}
    assert any("+" in str(f) for f in fonts)  # a subset embedded, not a reference to a font the reader may lack


def test_first_pdf_page_is_kept_as_a_picture(hangjin_out):
    """pdftoppm draws page 1 as a person sees it: an A4 landscape page with ink on it, kept as route_sheet.png."""
    if not shutil.which("pdftoppm"):
        if os.environ.get("CI"):
            pytest.fail("CI must install poppler-utils (.ci/run does)")
        pytest.skip("needs pdftoppm (apt-get install poppler-utils)")
    from PIL import Image

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = hangjin_out / "route_sheets.pdf"
    subprocess.run(["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(ARTIFACTS / "route_sheet")], check=True, timeout=60)  # fmt: skip
    with Image.open(ARTIFACTS / "route_sheet.png") as page:
        width, height = page.size
        assert abs(width / height - 297 / 210) < 0.01  # A4 landscape
        grey = page.convert("L")
        dark = sum(grey.histogram()[:128])
    assert 0.005 < dark / (width * height) < 0.3  # text and table lines, not a blank or black page


def test_missing_font_names_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv(FONT_ENV, str(tmp_path / "nowhere.ttf"))
    with pytest.raises(RuralpostError, match=FONT_ENV):
        find_cjk_font()
    monkeypatch.delenv(FONT_ENV)
    monkeypatch.setattr("optimizer.outputs.pdf.KNOWN_FONTS", ())
    monkeypatch.setattr("shutil.which", lambda _: None)
    with pytest.raises(RuralpostError, match="fonts-wqy-microhei"):
        find_cjk_font()


def test_no_font_skips_the_pdf_writes_the_rest_and_says_so(tmp_path, monkeypatch, caplog):
    scenario = small_scenario(tmp_path)
    out = tmp_path / "plan"
    args = ["plan", "--scenario", str(scenario), "--out", str(out), "--iterations", "1"]
    assert main(args) == 0 and (out / "route_sheets.pdf").is_file()  # with the machine's font
    monkeypatch.delenv(FONT_ENV, raising=False)
    monkeypatch.setattr("optimizer.outputs.pdf.KNOWN_FONTS", ())
    monkeypatch.setattr("optimizer.outputs.pdf.shutil.which", lambda _: None)
    caplog.clear()
    assert main(args) == 0
    assert not (out / "route_sheets.pdf").exists()  # the earlier set's PDF went with it: no stale sheets
    for name in ("routes.csv", "plan.json", "plan.xlsx", "map.html", "plan.gpkg", "runs.kml", "sheets"):
        assert (out / name).exists(), name
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and "route_sheets.pdf" in warnings[0] and "fonts-wqy-microhei" in warnings[0]
    doc = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert list(doc["skipped_outputs"]) == ["route_sheets.pdf"]
    assert "fonts-wqy-microhei" in doc["skipped_outputs"]["route_sheets.pdf"]
    assert "route_sheets.pdf" in (out / "summary.md").read_text(encoding="utf-8").split("##")[0]


def test_a_font_named_in_the_environment_must_exist(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(FONT_ENV, str(tmp_path / "nowhere.ttf"))
    out = tmp_path / "plan"
    assert main(["plan", "--scenario", str(small_scenario(tmp_path)), "--out", str(out), "--iterations", "1"]) == 2
    shown = capsys.readouterr()
    err = shown.err.strip().splitlines()
    assert len(err) == 1 and FONT_ENV in err[0] and not out.exists()
    assert "iteration" not in shown.out  # refused before the search
