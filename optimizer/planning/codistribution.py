"""What sharing the centre saves: each integrated carrier planned alone (its own vans from the centre to every
village it serves, its share of each village's parcels) against one shared plan for all of them.

Carriers and their shares come from ``carriers.csv`` in the data folder (the Hangjin one where a folder has none).
``codistribution.csv`` has exactly the columns ``COLUMNS``; ``plan`` is a carrier id, ``shared`` or
``separate_total`` (the carriers' plans added up).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, replace
from pathlib import Path

from optimizer.errors import InputError
from optimizer.files import read_text
from optimizer.planning.dataset import DEFAULT_DATA_DIR
from optimizer.planning.scenario import Scenario

COLUMNS = ["plan", "carriers", "parcels_per_week", "fleet_size", "vehicle_days", "total_km", "weekly_cost"]
CARRIER_COLUMNS = ("id", "name", "name_en", "integrated", "share", "share_status")


@dataclass(frozen=True)
class Carrier:
    """A parcel carrier: ``share`` of every village's parcels (0-1); ``integrated`` if it works through the
    centre."""

    id: str
    name: str
    name_en: str
    integrated: bool
    share: float
    share_status: str = ""


def load_carriers(folder: str | Path) -> tuple[tuple[Carrier, ...], Path]:
    """The carriers of a data folder (``carriers.csv``; the Hangjin file where it has none) and the file read.
    Raises ``InputError`` naming the file, line and column for a bad row, or shares that add up past 1."""
    path = Path(folder) / "carriers.csv"
    if not path.is_file():
        path = DEFAULT_DATA_DIR / "carriers.csv"
    rows = list(csv.DictReader(io.StringIO(read_text(path))))
    missing = [c for c in CARRIER_COLUMNS[:5] if rows and c not in rows[0]] or ([] if rows else ["(no rows)"])
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(missing)} (need {', '.join(CARRIER_COLUMNS)})")
    carriers, seen = [], set()
    for line, row in enumerate(rows, start=2):
        cid = (row["id"] or "").strip()
        if not cid or cid in seen or cid in ("shared", "separate_total"):
            raise InputError(f"{path}, line {line}, column 'id': {cid!r} is empty, repeated or reserved")
        seen.add(cid)
        flag = (row["integrated"] or "").strip().lower()
        if flag not in ("1", "0", "yes", "no", "true", "false"):
            raise InputError(f"{path}, line {line}, column 'integrated': {flag!r} (use 1 or 0)")
        try:
            share = float(row["share"])
        except (TypeError, ValueError) as exc:
            raise InputError(f"{path}, line {line}, column 'share': {row['share']!r} is not a number") from exc
        if not (math.isfinite(share) and 0 < share <= 1):
            raise InputError(f"{path}, line {line}, column 'share': {share:g} must be above 0 and at most 1")
        name, name_en = (row["name"] or cid).strip(), (row.get("name_en") or "").strip()
        status = (row.get("share_status") or "").strip()
        carriers.append(Carrier(cid, name, name_en, flag in ("1", "yes", "true"), share, status))
    total = sum(c.share for c in carriers)
    if total > 1 + 1e-6:
        raise InputError(f"{path}: the shares add up to {total:g}; they are fractions of every parcel, at most 1")
    if not any(c.integrated for c in carriers):
        raise InputError(f"{path}: no carrier has integrated = 1; nothing shares the centre")
    return tuple(carriers), path


def cases(scenario: Scenario, carriers: tuple[Carrier, ...]) -> list[Scenario]:
    """The plans to compare: each integrated carrier alone (direct from the centre, its share of the volumes),
    then the shared plan (the scenario's design, the integrated carriers' shares together)."""
    integrated = [c for c in carriers if c.integrated]
    policy = scenario.policy
    out = [
        replace(scenario, name=f"codistribution [{c.id}]", design="direct",
                policy=replace(policy, volume_factor=policy.volume_factor * c.share))
        for c in integrated
    ]  # fmt: skip
    together = sum(c.share for c in integrated)
    out.append(replace(scenario, name="codistribution [shared]",
                       policy=replace(policy, volume_factor=policy.volume_factor * together)))  # fmt: skip
    return out


def comparison(carriers: tuple[Carrier, ...], rows: list[dict]) -> list[dict]:
    """``codistribution.csv`` rows from the plans' rows (as ``run_sweep`` returns them, in ``cases`` order)."""
    integrated = [c for c in carriers if c.integrated]
    table = []
    for carrier, row in zip(integrated, rows, strict=False):
        table.append(_row(carrier.id, carrier.id, row))
    separate = {
        "plan": "separate_total", "carriers": " ".join(c.id for c in integrated),
        **{k: _sum(table, k) for k in COLUMNS[2:]},
    }  # fmt: skip
    return [*table, separate, _row("shared", " ".join(c.id for c in integrated), rows[len(integrated)])]


def _row(plan: str, carriers: str, row: dict) -> dict:
    if row.get("error"):
        raise InputError(f"codistribution, plan {plan}: {row['error']}")
    return {
        "plan": plan, "carriers": carriers, "parcels_per_week": row["parcels_per_week"],
        "fleet_size": row["fleet_size"], "vehicle_days": row["vehicle_days"], "total_km": row["total_km"],
        "weekly_cost": row["total_cost"],
    }  # fmt: skip


def _sum(rows: list[dict], key: str) -> float | int:
    total = sum(r[key] for r in rows)
    return round(total, 2) if isinstance(total, float) else total


def comparison_csv(table: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(table)
    return buf.getvalue()


def comparison_markdown(table: list[dict], carriers: tuple[Carrier, ...], source: Path, estimated: bool) -> str:
    """The saving of one shared plan against each carrier alone, in yuan, km and vehicles a week (Chinese and
    English)."""
    shared = next(r for r in table if r["plan"] == "shared")
    separate = next(r for r in table if r["plan"] == "separate_total")
    names = {c.id: f"{c.name} {c.name_en}".strip() for c in carriers}
    yuan = separate["weekly_cost"] - shared["weekly_cost"]
    km = separate["total_km"] - shared["total_km"]
    vans = separate["fleet_size"] - shared["fleet_size"]
    lines = [
        "# 共同配送的节约 What co-distribution saves", "",
        f"各家单独配送与共用一个共配中心相比，每周节约 **{yuan:,.2f} 元**、**{km:,.1f} 公里**、**{vans} 辆车**。",
        f"One shared fleet from the centre against each integrated carrier running its own vans to the same villages "
        f"saves **{yuan:,.2f} yuan, {km:,.1f} km and {vans} vehicles a week** "
        f"({100 * yuan / separate['weekly_cost']:.0f} % of the separate plans' cost).", "",
        "| 方案 plan | 件数/周 parcels a week | 车队 fleet | 车·日 vehicle-days | 公里 km "
        "| 每周成本 weekly cost (yuan) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]  # fmt: skip
    for r in table:
        label = {"shared": "共同配送 shared", "separate_total": "各家合计 carriers alone, total"}.get(
            r["plan"], names.get(r["plan"], r["plan"])
        )
        lines.append(f"| {label} | {r['parcels_per_week']:,} | {r['fleet_size']} | {r['vehicle_days']} | "
                     f"{r['total_km']:,.1f} | {r['weekly_cost']:,.2f} |")  # fmt: skip
    outside = ", ".join(f"{c.name} {c.name_en}" for c in carriers if not c.integrated)
    lines += [
        "",
        f"_Carriers' shares from `{source}`: ESTIMATES (see its `share_status` column). Outside the centre, not "
        f"planned here: {outside or 'none'}._",
    ]
    if estimated:
        lines.append("_Built on estimated road distances, village positions and volumes (see each plan's outputs)._")
    return "\n".join(lines) + "\n"
