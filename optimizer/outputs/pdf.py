"""Route sheets as PDF (fpdf2), one A4 landscape page per vehicle-day, with a Chinese font embedded.

The font is not shipped with the package: ``find_cjk_font`` takes ``RURALPOST_PDF_FONT`` if set, else asks
fontconfig (``fc-list :lang=zh-cn``) and then looks in the usual folders. On Debian and Ubuntu the font is
``fonts-wqy-microhei`` (WenQuanYi Micro Hei, Apache 2.0 / GPLv3; ``.ci/run`` installs it); Noto Sans CJK SC,
SimHei or Microsoft YaHei work elsewhere. Without one, ``ruralpost plan`` writes every other output, skips the PDF
with one warning naming the package (``NO_FONT``) and records the skip in ``plan.json`` (``skipped_outputs``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from optimizer.errors import RuralpostError
from optimizer.files import atomic_path
from optimizer.outputs.sheets import SHEET_COLUMNS, RunSheet, estimate_banner, run_sheets, sheet_cells
from optimizer.planning.run import PlanRun

FONT_ENV = "RURALPOST_PDF_FONT"
# TrueType-outline fonts first: fpdf2 embeds them as a subset
KNOWN_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/msyh.ttc",
)
_PREFERRED = ("wqy-microhei", "wqy-zenhei", "uming", "droidsansfallback", "simhei", "msyh", "notosanscjk")
# column widths (mm) of SHEET_COLUMNS on A4 landscape (277 mm between the margins); the last is for signing
COLUMN_MM = (8, 14, 50, 32, 26, 30, 12, 12, 14, 16, 63)


NO_FONT = (
    "no Chinese font for the PDF route sheets: install one (Debian/Ubuntu: apt-get install fonts-wqy-microhei) "
    f"or set {FONT_ENV} to a .ttf/.ttc file"
)


class NoFontError(RuralpostError):
    """The machine has no font with Chinese glyphs (and ``$RURALPOST_PDF_FONT`` is not set)."""


def find_cjk_font() -> Path:
    """A font file with Chinese glyphs: ``$RURALPOST_PDF_FONT``, else fontconfig's, else a known path.

    Raises ``RuralpostError`` when ``$RURALPOST_PDF_FONT`` names no file, ``NoFontError`` (naming the package to
    install) when there is no font at all.
    """
    if os.environ.get(FONT_ENV):
        path = Path(os.environ[FONT_ENV])
        if not path.is_file():
            raise RuralpostError(f"{FONT_ENV}={path}: no such font file")
        return path
    candidates: list[Path] = []
    if shutil.which("fc-list"):
        try:
            listed = subprocess.run(["fc-list", ":lang=zh-cn", "file"], capture_output=True, text=True, timeout=20,
                                    check=False).stdout  # fmt: skip
        except (OSError, subprocess.SubprocessError):
            listed = ""
        for line in listed.splitlines():
            path = Path(line.split(":")[0].strip())
            if path.suffix.lower() in (".ttf", ".ttc", ".otf") and path.is_file():
                candidates.append(path)
    candidates += [Path(p) for p in KNOWN_FONTS if Path(p).is_file()]

    def rank(path: Path) -> int:
        name = path.name.lower().replace("-", "").replace("_", "")
        return next((k for k, key in enumerate(_PREFERRED) if key.replace("-", "") in name), len(_PREFERRED))

    if not candidates:
        raise NoFontError(NO_FONT)
    return min(candidates, key=rank)


def available_cjk_font() -> Path | None:
    """``find_cjk_font``'s font, or None when the machine has none (a ``$RURALPOST_PDF_FONT`` that names no file
    is still an error: the planner asked for that file)."""
    try:
        return find_cjk_font()
    except NoFontError:
        return None


class _SheetPDF(FPDF):
    def __init__(self, font: Path, footer_text: str):
        super().__init__(orientation="L", unit="mm", format="A4")
        self.add_font("cjk", "", str(font))
        self.set_margins(10, 10, 10)
        self.set_auto_page_break(True, margin=12)
        self._footer_text = footer_text

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font("cjk", size=7)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, f"{self._footer_text} · {self.page_no()}", align="R")
        self.set_text_color(0, 0, 0)


def _page(pdf: _SheetPDF, run: PlanRun, sheet: RunSheet, banner: tuple[str, str]) -> None:
    pdf.add_page()
    pdf.set_font("cjk", size=15)
    pdf.cell(0, 8, f"派送单 Route sheet — {sheet.title}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=9)
    pdf.cell(0, 5, f"{run.scenario.name} · day {sheet.day}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(170, 0, 0)
    for line in banner:
        if line:
            pdf.multi_cell(0, 4.5, line, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(1)
    totals = sheet.totals()
    pdf.set_font("cjk", size=9.5)
    for part in (totals[:5], totals[5:]):
        pdf.cell(0, 5.5, "    ".join(f"{label}: {value}" for label, value in part), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("cjk", size=9)
    heading = FontFace(emphasis=None, fill_color=(225, 225, 225))
    with pdf.table(col_widths=COLUMN_MM, width=sum(COLUMN_MM), line_height=5, headings_style=heading,
                   first_row_as_headings=True, text_align="LEFT") as table:  # fmt: skip
        row = table.row()
        for zh, en in SHEET_COLUMNS:
            row.cell(f"{zh} {en}")
        for stop in sheet.stops:
            row = table.row()
            for cell in sheet_cells(stop):
                row.cell(cell)
        row = table.row()
        row.cell("合计 total", colspan=6)
        for cell in (str(sheet.delivered), str(sheet.picked_up), "", f"{sheet.km:.1f}", ""):
            row.cell(cell)
    pdf.ln(6)
    pdf.cell(0, 6, "司机签名 driver's signature: ______________________      日期 date: ______________")


def sheets_pdf(run: PlanRun, sheets: list[RunSheet] | None = None, font: Path | None = None) -> FPDF:
    """The route sheets of ``sheets`` (default: every vehicle-day) as one PDF document."""
    sheets = run_sheets(run) if sheets is None else sheets
    pdf = _SheetPDF(font or find_cjk_font(), f"ruralpost · {run.scenario.name}")
    pdf.set_title(f"派送单 Route sheets — {run.scenario.name}")
    pdf.set_creator("ruralpost")
    banner = estimate_banner(run)
    for sheet in sheets:
        _page(pdf, run, sheet, banner)
    return pdf


def write_sheets_pdf(run: PlanRun, path: Path, font: Path | None = None) -> None:
    """``route_sheets.pdf``: every vehicle-day's route sheet, one page each (longer runs continue overleaf)."""
    tmp = atomic_path(path)
    sheets_pdf(run, font=font).output(str(tmp))
    os.replace(tmp, path)
