"""What people read beside the figures: day names (Chinese and English), clock times, vehicle labels, the note on
estimated inputs, and the OpenStreetMap attribution."""

from __future__ import annotations

import network
from optimizer.model import WEEKDAY_NAMES
from optimizer.planning.run import PlanRun

DAY_ZH = {1: "周一", 2: "周二", 3: "周三", 4: "周四", 5: "周五", 6: "周六", 7: "周日"}
ATTRIBUTION = network.ATTRIBUTION

__all__ = [
    "ATTRIBUTION", "DAY_ZH", "WEEKDAY_NAMES", "attribution", "clock", "quality_note", "quality_note_zh",
    "vehicle_label",
]  # fmt: skip


def clock(minutes_after_start: float, shift_start: float) -> str:
    """HH:MM of a time given in minutes after the shift start."""
    total = round(shift_start + minutes_after_start)
    return f"{total // 60 % 24:02d}:{total % 60:02d}"


def vehicle_label(run: PlanRun, vehicle_type: int, copy: int) -> str:
    return f"{run.problem.vehicle_types[vehicle_type].name}-{copy + 1}"


def quality_note(run: PlanRun) -> str:
    """One line saying which inputs are estimates (empty when none are)."""
    flags = run.quality_flags()
    parts = []
    villages, est = flags["villages"], flags["estimated_village_positions"]
    if est:
        parts.append(
            f"{est} of {villages} village positions estimated ({villages - est} found; "
            f"{flags['estimated_service_point_positions']} of the {flags['service_points']} service points)"
        )
    if flags["estimated_depot_positions"]:
        parts.append(
            f"{flags['estimated_depot_positions']} of {flags['depots']} centre and station positions estimated"
        )
    if flags["estimated_volumes"]:
        parts.append(f"{flags['estimated_volumes']} estimated parcel volumes")
    if flags["estimated_road_distances"]:
        parts.append("estimated road distances (great-circle x circuity, no OpenStreetMap graph)")
    return ("ESTIMATED DATA: " + "; ".join(parts)) if parts else ""


def quality_note_zh(run: PlanRun) -> str:
    """``quality_note`` in Chinese (empty when no input is an estimate)."""
    flags = run.quality_flags()
    parts = []
    villages, est = flags["villages"], flags["estimated_village_positions"]
    if est:
        parts.append(
            f"{villages} 个村中 {est} 个位置为估算（{villages - est} 个已核实；服务点 "
            f"{flags['service_points']} 个中 {flags['estimated_service_point_positions']} 个）"
        )
    if flags["estimated_depot_positions"]:
        parts.append(f"中心与站点 {flags['depots']} 个中 {flags['estimated_depot_positions']} 个位置为估算")
    if flags["estimated_volumes"]:
        parts.append(f"{flags['estimated_volumes']} 个村的件量为估算")
    if flags["estimated_road_distances"]:
        parts.append("道路距离为估算（直线距离 × 绕行系数，未用 OpenStreetMap 路网）")
    return ("估算数据：" + "；".join(parts)) if parts else ""


def attribution(run: PlanRun) -> str | None:
    """The OpenStreetMap attribution where the plan's road distances come from OSM data, else None."""
    return None if run.matrices.estimated else ATTRIBUTION
