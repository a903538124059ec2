"""Names as people read them: the short display name beside the official one.

Official village names carry their administrative suffix (陶赖高勒村委会, 巴音温都尔嘎查村); a driver and a planner
say 陶赖高勒, 巴音温都尔. Where two places share a short name (two 巴音温都尔 in 伊和乌素苏木 and 呼和木独镇, 巴音村委会
and 巴音嘎查村), the display name adds the township: 巴音温都尔（呼和木独镇）. ``routes.csv`` keeps the official
names; every output a person reads shows both.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from optimizer.planning.dataset import DataSet, Village
from optimizer.planning.run import PlanRun

# Longest first: 嘎查村 before 村, 村民委员会 before 村.
SUFFIXES = ("村民委员会", "居民委员会", "牧民委员会", "村委会", "居委会", "牧委会", "嘎查村", "嘎查", "社区", "村")
PINYIN_SUFFIXES = (" Cunweihui", " Juweihui", " Gacha Cun", " Gacha", " Shequ", " Cun")
MIN_SHORT = 2  # characters a short name keeps at least (新村 stays 新村)

__all__ = ["DisplayName", "display_names", "short_name", "short_pinyin"]


def short_name(official: str) -> str:
    """The official name without its administrative suffix (村委会, 嘎查村, 嘎查, 社区, 村 …)."""
    for suffix in SUFFIXES:
        if official.endswith(suffix) and len(official) - len(suffix) >= MIN_SHORT:
            return official[: -len(suffix)]
    return official


def short_pinyin(pinyin: str) -> str:
    """The pinyin without its suffix word (``Taran Gaole Cun`` -> ``Taran Gaole``)."""
    for suffix in PINYIN_SUFFIXES:
        if pinyin.endswith(suffix) and len(pinyin) > len(suffix):
            return pinyin[: -len(suffix)]
    return pinyin


@dataclass(frozen=True)
class DisplayName:
    """How one place is named to people: ``official`` (as in the data), ``short`` (suffix dropped), ``display``
    (the short name, with the township in brackets where another place shares it), pinyin of both, township."""

    id: str
    official: str
    short: str
    display: str
    pinyin: str
    short_pinyin: str
    township: str
    duplicate: bool = False

    @property
    def both(self) -> str:
        """Display and official name together for tables: ``巴音温都尔（呼和木独镇） 巴音温都尔嘎查村``."""
        return self.display if self.display == self.official else f"{self.display} {self.official}"


def display_names(data: DataSet | PlanRun) -> dict[str, DisplayName]:
    """Display names of the centre, the stations and the villages, by place id."""
    ds = data.dataset if isinstance(data, PlanRun) else data
    places = (ds.centre, *ds.stations, *ds.villages)
    shorts = {p.id: short_name(p.name) if isinstance(p, Village) else p.name for p in places}
    counts = Counter(shorts.values())
    # the same short name twice in one township too: the id tells them apart
    twice = Counter((shorts[p.id], p.township) for p in places)
    out = {}
    for p in places:
        short = shorts[p.id]
        dup = counts[short] > 1
        where = p.township if twice[(short, p.township)] == 1 else f"{p.township} {p.id}"
        out[p.id] = DisplayName(
            id=p.id, official=p.name, short=short, display=f"{short}（{where}）" if dup else short,
            pinyin=p.name_pinyin, short_pinyin=short_pinyin(p.name_pinyin), township=p.township, duplicate=dup,
        )  # fmt: skip
    return out
