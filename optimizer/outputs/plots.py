"""Plot helpers: a CJK-capable font for matplotlib, so Chinese village names and labels render."""

from __future__ import annotations

import warnings

from matplotlib import font_manager, rcParams

# Fonts tried in order; .ci/run installs Debian's fonts-wqy-microhei, the README says how elsewhere.
CJK_FONTS = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "SimHei",
             "Microsoft YaHei", "PingFang SC")  # fmt: skip


def use_cjk_font() -> str | None:
    """Make matplotlib draw Chinese: pick the first installed CJK font; returns its name, or None (with a
    warning naming the fonts to install) when there is none."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    if not installed.intersection(CJK_FONTS):  # the font cache may predate the font's installation
        font_manager.fontManager = font_manager._load_fontmanager(try_read_cache=False)
        installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            rcParams["font.sans-serif"] = [name, *rcParams["font.sans-serif"]]
            rcParams["font.family"] = "sans-serif"
            rcParams["axes.unicode_minus"] = False
            return name
    warnings.warn(
        "no CJK font found: Chinese labels will not render. Install one, e.g. `apt-get install fonts-wqy-microhei`",
        stacklevel=2,
    )
    return None
