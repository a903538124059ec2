"""``summary.md``: the planner's summary in Chinese with English and pinyin beside."""

from __future__ import annotations

from optimizer.outputs.labels import DAY_ZH, WEEKDAY_NAMES, quality_note, quality_note_zh
from optimizer.outputs.names import display_names
from optimizer.outputs.tables import plan_document
from optimizer.planning.run import PlanRun


def summary_markdown(run: PlanRun, skipped: dict[str, str] | None = None) -> str:
    """Planner's summary in Chinese with pinyin: key figures and one row per village; ``skipped``: outputs left out
    of this set (file → why), said at the top."""
    doc = plan_document(run)
    k = doc["key_figures"]
    lines = [f"# 配送计划 Delivery plan — {run.scenario.name}", ""]
    for name, why in (skipped or {}).items():
        lines += [f"> **未生成 NOT WRITTEN: `{name}`** — {why}", ""]
    note = quality_note(run)
    if note:
        lines += [f"> **{quality_note_zh(run)}**", ">", f"> **{note}**", ""]
    if not k["feasible"]:
        lines += ["> **计划不可行 / PLAN NOT FEASIBLE**: " + "; ".join(run.check.violations[:5]), ""]
    fleet = ", ".join(f"{name} {n}" for name, n in k["fleet_by_type"].items())
    lines += [
        "## 关键指标 Key figures", "",
        "| 指标 | figure | value |", "| --- | --- | --- |",
        f"| 车队规模（最忙一天在途车辆） | fleet (vehicles running on the busiest day) "
        f"| {k['fleet_size']} ({fleet}) |",
        f"| 车·日 | vehicle-days a week | {k['vehicle_days']} |",
        f"| 每周总成本（元） | total cost per week (yuan) | {k['total_cost']:,.2f} |",
        f"| 其中车队固定成本 | of which the fleet (weekly cost per vehicle) | {k['fleet_cost']:,.2f} |",
        f"| 其中出车与里程 | of which vehicle-days and km | {k['route_cost']:,.2f} |",
        f"| 其中干线运输（含车队） | of which trunk runs (fleet included) | {k['trunk_cost']:,.2f} |",
        f"| 其中未服务罚金（非实际支出） | of which missed-visit penalty (not paid) | {k['penalty_cost']:,.2f} |",
        f"| 每月运营总成本（元） | network cost per month (yuan, below) | {k['monthly_cost']:,.2f} |",
        f"| 总里程（公里，含干线） | total km (trunk included) | {k['total_km']:,.1f} |",
        f"| 司机工时 | driver hours | {k['driver_hours']:,.1f} |",
        f"| 每周件数（含镇区柜台） | parcels a week (town-seat counters included) | {k['parcels_per_week']:,} |",
        f"| 每件运输成本（元） | transport cost per parcel (yuan) | {k['cost_per_parcel']:.3f} |",
        f"| 未服务次数 | missed visits | {k['unserved']} |",
        "",
    ]  # fmt: skip
    lines += _monthly(doc["network_cost"])
    lines += _relay(doc["relay"])
    lines += _stations(doc["stations"])
    lines += _town_seats(run, doc["town_seats"])
    shown = display_names(run)
    if doc["unserved"]:
        names = {c.id: shown[c.id].both if c.id in shown else c.name for c in run.problem.clients}
        lines += ["## 未服务 Missed visits", "", "| 村 village | 日 day |", "| --- | --- |"]
        lines += [f"| {names[u['id']]} ({u['id']}) | **未服务 MISSED** {DAY_ZH[u['day']]} {WEEKDAY_NAMES[u['day']]} |"
                  for u in doc["unserved"]]  # fmt: skip
        lines.append("")
    lines += [
        "## 各村服务 Villages", "",
        "| 村 village | 全称 official name | 苏木镇 township | 编号 id | 拼音 pinyin "
        "| 每周次数 visits/week | 配送日 days | 每次件数（下行/上行） parcels per visit (down/up) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]  # fmt: skip
    missed = {(u["id"], u["day"]) for u in doc["unserved"]}
    for v in doc["villages"]:
        days = "、".join(
            f"{DAY_ZH[d]} {WEEKDAY_NAMES[d]}" + (" **未服务 MISSED**" if (v["id"], d) in missed else "")
            for d in v["days"]
        )
        per = ", ".join(f"{p['delivered']}/{p['picked_up']}" for p in v["parcels_per_visit"].values())
        n = shown.get(v["id"])
        short, town = (n.display, n.township) if n else (v["name"], "")
        lines.append(f"| {short} | {v['name']} | {town} | {v['id']} | {v['name_pinyin']} | {v['visits_per_week']} "
                     f"| {days} | {per} |")  # fmt: skip
    lines += ["", f"_{run.matrices.label}._", ""]
    return "\n".join(lines)


# who pays, as the plan (杭政办发〔2024〕91号) assigns it; where it names no payer, it says so
_PAYERS = {
    "vehicles": ("车辆与司机", "vehicles and drivers", "共配中心运营方（邮政与入驻快递）；未定补贴",
                 "the centre's operator (postal branch, integrated carriers); the plan names no running subsidy"),
    "village_posts": ("村级公益岗（每点1人）", "village public-welfare posts (one per service point)",
                      "旗财政局和邮政分公司", "the banner finance bureau and the postal branch"),
    "centre_staff": ("共配中心运营团队", "centre operations team", "方案未规定（配置不低于10人）",
                     "not named by the plan (a team of at least 10)"),
    "stations": ("苏木镇综合服务站场地租金", "town stations' rent", "整合电商服务站和供销社现有场地；各苏木镇人民政府",
                 "existing e-commerce and supply co-operative premises; the town governments"),
    "cold_store": ("冷藏库运行", "cold store running cost", "共配中心运营方", "the centre's operator"),
}  # fmt: skip


def _monthly(cost: dict) -> list[str]:
    lines = ["## 每月运营成本 Monthly cost", "",
             "| 项目 | item | 元/月 yuan a month | 承担方（按方案） | who pays (as the plan assigns) |",
             "| --- | --- | --- | --- | --- |"]  # fmt: skip
    for key, value in cost["monthly"].items():
        if key == "total":
            continue
        zh, en, payer_zh, payer_en = _PAYERS.get(key, (key, key, "", ""))
        lines.append(f"| {zh} | {en} | {value:,.2f} | {payer_zh} | {payer_en} |")
    lines += [
        f"| **合计** | **total** | **{cost['monthly']['total']:,.2f}** | | |", "",
        f"每年 a year: {cost['yearly_total']:,.2f} 元; 每件 per parcel: {cost['cost_per_parcel']} 元 "
        "(车辆按周成本 × 52 / 12; vehicles: weekly × 52 / 12). "
        "公益岗补助标准 500 元/月与运营团队人数来自方案，其余为估算 "
        "(posts and team size from the plan; the other figures are ESTIMATES, see optimizer/planning/costs.py).",
        "",
    ]  # fmt: skip
    return lines


def _relay(relay: dict | None) -> list[str]:
    if relay is None:
        return []
    rule = "站点车辆等待干线到达，当日配送" if relay["station_hold_days"] == 0 else "包裹在站点过夜，次日配送"
    days = "、".join(f"{DAY_ZH[d]}" for d in relay["trunk_days"])
    return ["## 干线与站点衔接 Trunk and stations", "",
            f"干线 {relay['trunk_departs']} 从共配中心出发（{days}），{rule}。 The trunk leaves the centre at "
            f"{relay['trunk_departs']} on {len(relay['trunk_days'])} days; {relay['rule']}. "
            f"Trunk fleet: {relay['trunk_fleet']}. 最晚站点车辆返回 latest station van back: "
            f"**{relay['latest_station_van_return']}** (`station_hold_days = 1` lets station vans leave at the shift "
            "start with the previous day's parcels).", ""]  # fmt: skip


def _stations(stations: list[dict]) -> list[str]:
    lines = ["## 站点面积 Station floor area", "",
             "| 站点 station | 最忙一天件数 busiest day (parcels) | 规划面积 planned m² | 需要 needed m² | |",
             "| --- | --- | --- | --- | --- |"]  # fmt: skip
    for s in stations:
        flag = "–" if s["ok"] is None else ("够 enough" if s["ok"] else "**不足 TOO SMALL**")
        lines.append(f"| {s['name']} ({s['id']}) | {s['peak_parcels_per_day']} | {s['floor_m2']} | {s['required_m2']} "
                     f"| {flag} |")  # fmt: skip
    lines += ["", "_面积定额为估算 (m² per parcel on the busiest day: an ESTIMATE, `station_m2_per_parcel_day`)._", ""]
    return lines


def _town_seats(run: PlanRun, seats: list[dict]) -> list[str]:
    if not seats:
        return []
    shown = display_names(run)
    names = {v.id: shown[v.id].display for v in run.dataset.villages}
    places = {p.id: p.name for p in (run.dataset.centre, *run.dataset.stations)}
    lines = [
        "## 镇区村（柜台服务） Town-seat villages, served at the counter",
        "",
        "| 服务地点 served at | 村 villages | 每周件数（下行/上行） parcels a week (down/up) |",
        "| --- | --- | --- |",
    ]
    for s in seats:
        villages = "、".join(names.get(v, v) for v in s["villages"])
        lines.append(f"| {places.get(s['served_at'], s['served_at'])} | {villages} | "
                     f"{s['parcels_down_per_week']}/{s['parcels_up_per_week']} |")  # fmt: skip
    lines.append("")
    return lines
