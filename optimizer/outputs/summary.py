"""``summary.md``: the planner's summary in Chinese with English and pinyin beside."""

from __future__ import annotations

from optimizer.outputs.labels import DAY_ZH, WEEKDAY_NAMES, quality_note
from optimizer.outputs.tables import plan_document
from optimizer.planning.run import PlanRun


def summary_markdown(run: PlanRun) -> str:
    """Planner's summary in Chinese with pinyin: key figures and one row per village."""
    doc = plan_document(run)
    k = doc["key_figures"]
    lines = [f"# 配送计划 Delivery plan — {run.scenario.name}", ""]
    note = quality_note(run)
    if note:
        lines += [f"> **估算数据 / {note}**", ""]
    if not k["feasible"]:
        lines += ["> **计划不可行 / PLAN NOT FEASIBLE**: " + "; ".join(run.check.violations[:5]), ""]
    lines += [
        "## 关键指标 Key figures", "",
        "| 指标 | figure | value |", "| --- | --- | --- |",
        f"| 每周总成本（元） | total cost per week (yuan) | {k['total_cost']:,.2f} |",
        f"| 其中干线运输 | of which trunk runs | {k['trunk_cost']:,.2f} |",
        f"| 总里程（公里） | total km | {k['total_km']:,.1f} |",
        f"| 使用车辆 | vehicles used | {k['vehicles_used']} |",
        f"| 车·日 | vehicle-days | {k['vehicle_days']} |",
        f"| 司机工时 | driver hours | {k['driver_hours']:,.1f} |",
        f"| 每件成本（元） | cost per parcel (yuan) | {k['cost_per_parcel']:.3f} |",
        f"| 未服务次数 | unserved visits | {k['unserved']} |",
        "",
        "## 各村服务 Villages", "",
        "| 村 village | 拼音 pinyin | 每周次数 visits/week | 配送日 days "
        "| 每次件数（下行/上行） parcels per visit (down/up) |",
        "| --- | --- | --- | --- | --- |",
    ]  # fmt: skip
    for v in doc["villages"]:
        days = "、".join(f"{DAY_ZH[d]} {WEEKDAY_NAMES[d]}" for d in v["days"])
        per = ", ".join(f"{p['delivered']}/{p['picked_up']}" for p in v["parcels_per_visit"].values())
        lines.append(f"| {v['name']} | {v['name_pinyin']} | {v['visits_per_week']} | {days} | {per} |")
    lines += ["", f"_{run.matrices.label}._", ""]
    return "\n".join(lines)
