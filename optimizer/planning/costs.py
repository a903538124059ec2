"""What the delivery network costs: the vehicles' cost assumptions and the network's monthly costs.

Figures from the banner's plan (杭政办发〔2024〕91号, ``shared/seed``) are marked SEED; every other figure is an
ESTIMATE, reasoned here, to be replaced with the carriers' and the bureau's own figures. Yuan; weeks of the year 52,
months 12 (a month's cost of something priced by the week is weekly x 52 / 12).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

WEEKS_PER_YEAR = 52
MONTHS_PER_YEAR = 12

# -- vehicles (ESTIMATES) ------------------------------------------------------------------------------------------
# Light van (~8 m3, e.g. a Wuling-class light van, ~300 average parcels): 60,000 yuan with fit-out, 6 years, 10 %
# residual -> 9,000 yuan/year; insurance (compulsory + commercial) 4,000 yuan/year; its driver 6,000 yuan/month with
# the employer's social insurance (a delivery driver in Ordos). Per day it runs: 40 yuan per-diem. Fuel 9 L/100 km
# at 7.5 yuan/L plus tyres and maintenance: 1.0 yuan/km.
VAN_YUAN_PER_WEEK = (60_000 * 0.9 / 6 + 4_000) / WEEKS_PER_YEAR + 6_000 * MONTHS_PER_YEAR / WEEKS_PER_YEAR  # 1,634.6
VAN_YUAN_PER_DAY = 40.0
VAN_YUAN_PER_KM = 1.0
# Trunk truck (4.2 m light truck, ~2,000 parcels): 130,000 yuan, 6 years, 10 % residual; insurance 6,000 yuan/year;
# driver 6,500 yuan/month; 60 yuan per-diem; 1.6 yuan/km.
TRUNK_YUAN_PER_WEEK = (130_000 * 0.9 / 6 + 6_000) / WEEKS_PER_YEAR + 6_500 * MONTHS_PER_YEAR / WEEKS_PER_YEAR
TRUNK_YUAN_PER_DAY = 60.0
TRUNK_YUAN_PER_KM = 1.6


def monthly(weekly_yuan: float) -> float:
    """Yuan a month of a cost priced by the week."""
    return weekly_yuan * WEEKS_PER_YEAR / MONTHS_PER_YEAR


@dataclass(frozen=True)
class NetworkCosts:
    """The network's running costs beside the vehicles (the ``[costs]`` table of a scenario).

    - ``village_post_yuan_per_month``: one public-welfare post per village service point (SEED: 500 yuan/month,
      paid by 旗财政局 and 邮政分公司).
    - ``centre_staff``: the centre's operations team (SEED: at least 10); ``centre_staff_yuan_per_month`` per person
      (ESTIMATE: 4,500 yuan with social insurance). Drivers are priced with the vehicles, not here.
    - ``station_rent_yuan_per_m2_month`` (ESTIMATE: 8 yuan/m2 for town premises) on each station's planned floor area
      (the low end of its range), less ``free_station_m2`` (SEED: Taran Gaole's ~70 m2 free site, for two years).
    - ``cold_store_yuan_per_month``: the centre's 94 m2 cold store (SEED: its size; ESTIMATE: 2,000 yuan/month of
      power and upkeep, ~15 kW of refrigeration at a third of the time, 0.6 yuan/kWh).
    - ``station_m2_per_parcel_day``: floor area a station needs per parcel handled on its busiest day (ESTIMATE:
      0.25 m2: shelves for a day's parcels, sorting and counter space).
    """

    village_post_yuan_per_month: float = 500.0
    centre_staff: int = 10
    centre_staff_yuan_per_month: float = 4_500.0
    station_rent_yuan_per_m2_month: float = 8.0
    free_station_m2: tuple[tuple[str, float], ...] = (("S6", 70.0),)  # (station id, m2), a TOML table in scenarios
    cold_store_yuan_per_month: float = 2_000.0
    station_m2_per_parcel_day: float = 0.25

    def __post_init__(self) -> None:
        if isinstance(self.free_station_m2, dict):
            object.__setattr__(self, "free_station_m2", tuple(sorted(self.free_station_m2.items())))
        for f in fields(self):
            value = getattr(self, f.name)
            values = [m2 for _, m2 in value] if f.name == "free_station_m2" else [value]
            for v in values:
                if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
                    raise ValueError(f"costs.{f.name}: {v!r} must be a finite number, not negative")

    def free_m2(self, station_id: str) -> float:
        """Floor area (m2) a station has free of rent."""
        return dict(self.free_station_m2).get(station_id, 0.0)


SEED_KEYS = ("village_post_yuan_per_month", "centre_staff", "free_station_m2")  # from the plan, not estimated
