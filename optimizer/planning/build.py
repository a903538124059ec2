"""Build a ``Problem`` from a facility data set (``planning.load_dataset``), road matrices, a fleet and a policy.

Network designs: ``direct`` (vans at the centre serve every village), ``relay`` (a daily trunk run centre ->
stations; vans at each station serve its township's villages; Xini's from the centre) and ``mixed`` (a village goes
to whichever of the centre and its station is nearer by road).
"""

from __future__ import annotations

import contextlib
import logging
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

import networkx as nx
import numpy as np

import network
from optimizer.errors import InputError
from optimizer.model import Client, Depot, Problem, VehicleType, default_patterns
from optimizer.planning.costs import (
    TRUNK_YUAN_PER_DAY,
    TRUNK_YUAN_PER_KM,
    TRUNK_YUAN_PER_WEEK,
    VAN_YUAN_PER_DAY,
    VAN_YUAN_PER_KM,
    VAN_YUAN_PER_WEEK,
)  # fmt: skip
from optimizer.planning.dataset import DataSet, Village

log = logging.getLogger(__name__)

DESIGNS = ("direct", "relay", "mixed")
# A facility farther than this (km, great-circle) from every road of an OSM graph cannot be planned on it: the
# graph does not cover the data set (another region's extract, a clip too tight, a graph without roads).
SNAP_LIMIT_KM = 25.0
WEEKDAYS = (1, 2, 3, 4, 5, 6)

# Capacity and cost assumptions (ESTIMATES, reasoned in ``planning.costs``): a light van of ~8 m3 holds about 300
# average parcels; a 10-hour working day.
DEFAULT_VAN = VehicleType(
    name="van",
    depot="HUB",
    capacity=300,
    count=8,
    days=WEEKDAYS,
    fixed_cost_per_day=VAN_YUAN_PER_DAY,
    cost_per_km=VAN_YUAN_PER_KM,
    max_shift_minutes=600.0,
    fixed_cost_per_week=round(VAN_YUAN_PER_WEEK, 2),
)
# The trunk truck of the relay design: ~2,000 parcels, an 11-hour day.
DEFAULT_TRUNK = VehicleType(
    name="trunk truck",
    depot="HUB",
    capacity=2000,
    count=2,
    days=WEEKDAYS,
    fixed_cost_per_day=TRUNK_YUAN_PER_DAY,
    cost_per_km=TRUNK_YUAN_PER_KM,
    max_shift_minutes=660.0,
    fixed_cost_per_week=round(TRUNK_YUAN_PER_WEEK, 2),
)
# Minutes at a village service point: park, hand over, scan (fixed), plus per parcel handled.
SERVICE_MINUTES = 10.0
SERVICE_MINUTES_PER_PARCEL = 0.2


VILLAGE_TYPES = ("cun", "gacha", "farm", "community")  # villages.csv ``type``: 村, 嘎查, 农牧场生活区, 社区


@dataclass(frozen=True)
class Policy:
    """Service policy: visits a week (by default, per village id, by distance, by volume), allowed visit days,
    volume scaling, working days, penalty for a missed visit.

    A village's visits a week: its own ``visits_by_village`` entry if any, else ``remote_visits_per_week`` if it
    lies more than ``remote_km`` road km from its depot, else ``visits_per_week``; raised where one visit would carry
    more than ``max_parcels_per_visit``. ``patterns_by_village`` fixes a village's allowed day sets explicitly.
    In the relay and mixed designs the trunk leaves the centre at ``trunk_departs_at`` o'clock, and a station's vans
    either wait for it and deliver the same day (``station_hold_days = 0``) or deliver the next working day (1).
    Villages whose ``type`` is in ``skip_types`` (of ``VILLAGE_TYPES``: e.g. the region's state-farm living areas,
    ``farm``, or rural communities, ``community``) get no runs even where ``service_point`` says so.
    """

    visits_per_week: int = 2
    visits_by_village: Mapping[str, int] = field(default_factory=dict)
    remote_km: float | None = None
    remote_visits_per_week: int | None = None
    patterns_by_village: Mapping[str, tuple[tuple[int, ...], ...]] = field(default_factory=dict)
    max_parcels_per_visit: int | None = None  # raise the frequency of villages whose visits would carry more
    volume_factor: float = 1.0  # e.g. 2.5 for the November shopping festival
    days: tuple[int, ...] = WEEKDAYS
    unserved_penalty: float | None = None
    service_minutes: float = SERVICE_MINUTES
    service_minutes_per_parcel: float = SERVICE_MINUTES_PER_PARCEL
    trunk_departs_at: float = 6.0  # relay and mixed designs: hour (0-24) the trunk leaves the centre
    station_hold_days: int = 0  # 0: station vans wait for the trunk and deliver the same day; 1: the next day
    skip_types: tuple[str, ...] = ()  # village types (villages.csv ``type``) that get no runs, e.g. ("farm",)


@dataclass(frozen=True)
class Matrices:
    """Road km and minutes between facility ids, and whether they are estimated (no OSM graph)."""

    ids: tuple[str, ...]
    km: np.ndarray
    minutes: np.ndarray
    estimated: bool
    label: str


def facility_matrices(
    dataset: DataSet, graph: nx.MultiDiGraph | network.RoadArrays | None = None, *, circuity: float | None = None
) -> Matrices:
    """Matrices between the centre, the stations and the service points (in that order).

    With an OSM ``graph``, shortest paths on it; without, the labelled great-circle estimate.
    """
    places = [dataset.centre, *dataset.stations, *dataset.service_points]
    ids = tuple(p.id for p in places)
    points = [(p.lat, p.lon) for p in places]
    if graph is None:
        km, minutes = network.estimated_matrix(points, circuity=circuity)
        return Matrices(ids, km, minutes, True, network.ESTIMATE_LABEL)
    check_coverage(graph, points, [p.label for p in places])
    with _quiet_snap():  # a cold matrix snaps again: its warnings were given once, by check_coverage
        km, minutes = network.travel_matrix(graph, points, names=[p.label for p in places])
    return Matrices(ids, km, minutes, False, "road distances from OpenStreetMap (shortest paths)")


@contextlib.contextmanager
def _quiet_snap() -> Iterator[None]:
    snap_log = logging.getLogger("network.snap")
    level = snap_log.level
    snap_log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        snap_log.setLevel(level)


def check_coverage(
    graph: nx.MultiDiGraph | network.RoadArrays, points: Sequence[tuple[float, float]], names: Sequence[str]
) -> None:
    """Snap the facilities to ``graph``: ``InputError`` if it has no roads or any facility is more than
    ``SNAP_LIMIT_KM`` from every road; else a warning for each one more than ``network.settings.snap_warn_km`` from
    a road (the same whether the matrix is cached or not)."""
    arrays = isinstance(graph, network.RoadArrays)
    edges = graph.n_edges if arrays else graph.number_of_edges()
    if edges == 0:
        nodes = graph.n_nodes if arrays else graph.number_of_nodes()
        raise InputError(f"road graph: {nodes} nodes but no roads (edges); give one with roads")
    with _quiet_snap():
        snap = network.snap_points(graph, points, names)
    far = np.flatnonzero(snap.distance_km > SNAP_LIMIT_KM)
    if len(far):
        nearest = far[np.argmin(snap.distance_km[far])]
        raise InputError(
            f"road graph: {len(far)} of {len(points)} facilities are more than {SNAP_LIMIT_KM:g} km from any road "
            f"of it (nearest of them: {names[nearest]} at {snap.distance_km[nearest]:,.1f} km); the graph does not "
            "cover the data set (another region's extract?)"
        )
    for i in snap.far:
        log.warning("%s is %.1f km from the nearest mapped road node: its road distances are uncertain", names[i],
                    snap.distance_km[i])  # fmt: skip


def assign_depots(dataset: DataSet, matrices: Matrices, design: str) -> dict[str, str]:
    """Village id -> depot id serving it under ``design``.

    ``direct``: the centre. ``relay``: the nearest (by road km) station of the village's own township, the centre
    for the centre's township. ``mixed``: the nearest of the centre and all stations, whatever the township.
    """
    if design not in DESIGNS:
        raise InputError(f"design {design!r}: use one of {', '.join(DESIGNS)}")
    centre = dataset.centre
    if design == "direct":
        return {v.id: centre.id for v in dataset.service_points}
    row = {pid: i for i, pid in enumerate(matrices.ids)}
    depots = [centre, *dataset.stations]
    out = {}
    for v in dataset.service_points:
        if design == "relay":
            own = [s for s in dataset.stations if s.township == v.township and v.township != centre.township]
            candidates = own or [centre]
        else:
            candidates = depots
        out[v.id] = min(candidates, key=lambda d, v=v: (matrices.km[row[d.id], row[v.id]], d.id)).id
    return out


@dataclass(frozen=True)
class TownSeatCounter:
    """The parcels of the villages inside one town seat, handed over at a counter instead of on a van run: the
    centre's counter (the centre's own town) or a station's. Parcels a week, after the policy's volume factor."""

    place_id: str  # the centre or a station
    village_ids: tuple[str, ...]
    down: float
    up: float


def town_seat_counters(dataset: DataSet, matrices: Matrices, policy: Policy) -> tuple[TownSeatCounter, ...]:
    """Where the town-seat villages (``in_town_seat``, no service point of their own) are served: the centre's
    counter for the centre's town, else the nearest (by road) station of their township, else the nearest depot."""
    row = {pid: i for i, pid in enumerate(matrices.ids)}
    centre = dataset.centre
    grouped: dict[str, list[Village]] = {}
    for v in dataset.villages:
        if v.service_point or not v.in_town_seat:
            continue
        if v.township == centre.township:
            place = centre.id
        else:  # town-seat villages have no road-matrix row: nearest by great-circle distance
            own = [s for s in dataset.stations if s.township == v.township] or [centre, *dataset.stations]
            km = network.great_circle_km([(v.lat, v.lon)] + [(d.lat, d.lon) for d in own])[0, 1:]
            place = min(zip(km, own, strict=True), key=lambda item: (float(item[0]), item[1].id))[1].id
        grouped.setdefault(place, []).append(v)
    return tuple(
        TownSeatCounter(
            place, tuple(v.id for v in vs),
            sum(v.parcels_down_per_week for v in vs) * policy.volume_factor,
            sum(v.parcels_up_per_week for v in vs) * policy.volume_factor,
        )
        for place, vs in sorted(grouped.items(), key=lambda item: row[item[0]])
    )  # fmt: skip


def _largest_share(visits: int, days: Sequence[int], period: int = 7) -> float:
    """The largest share of a week's parcels one visit carries, over the evenly spaced patterns of ``visits``."""
    worst = 0.0
    for pattern in default_patterns(visits, days):
        ordered = sorted(pattern)
        gaps = [(d - ordered[i - 1]) % period or period for i, d in enumerate(ordered)]
        worst = max(worst, max(gaps) / period)
    return worst


def _counter_clients(
    counter: TownSeatCounter, dataset: DataSet, index: int, policy: Policy, capacity: int
) -> list[Client]:
    """A station's counter as van stops (direct design): visits a week raised so that no visit carries more than
    ``max_parcels_per_visit`` or a van's ``capacity``, within the working days; a counter that needs more than a van
    on every working day is split into that many stops at the station (same id, "part k/n" in the name)."""
    station = next(s for s in dataset.stations if s.id == counter.place_id)
    limit = min(policy.max_parcels_per_visit or capacity, capacity)
    weekly = max(counter.down, counter.up)
    days = len(policy.days)
    first = max(1, min(policy.visits_per_week, days))
    parts, visits = 1, days
    while True:  # the fewest stops, then the fewest visits, at which no visit carries more than the limit
        fits = [v for v in range(first, days + 1) if weekly / parts * _largest_share(v, policy.days) <= limit + 1e-9]
        if fits:
            visits = fits[0]
            break
        parts += 1
    return [
        Client(
            id=station.id, name=station.name + (f" ({k}/{parts})" if parts > 1 else ""),
            name_pinyin=station.name_pinyin, index=index, delivery=counter.down / parts, pickup=counter.up / parts,
            visits_per_week=visits,
            service_minutes=policy.service_minutes, service_minutes_per_parcel=policy.service_minutes_per_parcel,
        )
        for k in range(1, parts + 1)
    ]  # fmt: skip


def visits_for(village: Village, policy: Policy, max_visits: int, depot_km: float = 0.0) -> int:
    """Visits a week for one village under the policy (see ``Policy``); ``depot_km`` is its road km from its depot."""
    visits = policy.visits_per_week
    if policy.remote_km is not None and policy.remote_visits_per_week and depot_km > policy.remote_km:
        visits = policy.remote_visits_per_week
    key = "policy.remote_visits_per_week" if visits != policy.visits_per_week else "policy.visits_per_week"
    if village.id in policy.visits_by_village:
        visits, key = policy.visits_by_village[village.id], f"policy.visits_by_village.{village.id}"
    if policy.max_parcels_per_visit:
        weekly = max(village.parcels_down_per_week, village.parcels_up_per_week) * policy.volume_factor
        needed = math.ceil(weekly / policy.max_parcels_per_visit)
        if needed > max_visits:  # a target, not a rule: daily visits at most, and said so
            log.warning("%s: %g parcels a week need %d visits for max_parcels_per_visit = %d; planned %d (daily)",
                        village.id, weekly, needed, policy.max_parcels_per_visit, max_visits)  # fmt: skip
            needed = max_visits
        visits = max(visits, needed)
    if visits > max_visits:  # never capped silently: the plan would not be what the scenario says
        raise InputError(f"{key}: {visits} visits a week cannot fit the {max_visits} working days")
    return visits


def build_problem(
    dataset: DataSet,
    matrices: Matrices,
    *,
    design: str = "direct",
    fleet: Sequence[VehicleType] = (DEFAULT_VAN,),
    policy: Policy | None = None,
) -> Problem:
    """The week of the vans: the service points as clients, the centre and stations as depots.

    A vehicle type whose ``depot`` is ``"stations"`` is copied to every station that serves villages. In the direct
    design the vans also bring the town seats' parcels to each station's counter (a client with the station's id);
    in the relay and mixed designs the trunk does (``planning.trunk``, planned after the vans' week).
    """
    policy = policy or Policy()
    for key in ("visits_by_village", "patterns_by_village"):
        unknown = set(getattr(policy, key)) - {v.id for v in dataset.service_points}
        if unknown:
            raise InputError(f"{key}: unknown village id(s) {', '.join(sorted(unknown))}")
    row = {pid: i for i, pid in enumerate(matrices.ids)}
    depot_of = assign_depots(dataset, matrices, design)
    used = set(depot_of.values()) | {dataset.centre.id}
    if design != "direct":  # a station that only has its town seat's counter still gets the trunk
        used |= {c.place_id for c in town_seat_counters(dataset, matrices, policy)}
    used_depots = sorted(used, key=lambda d: row[d])
    depots = tuple(
        Depot(p.id, p.name, row[p.id], p.name_pinyin)
        for p in (dataset.centre, *dataset.stations)
        if p.id in used_depots
    )
    types: list[VehicleType] = []
    for vt in fleet:
        if vt.depot == "stations":
            days = tuple(d for d in vt.days if d in policy.days)
            stations = [d for d in depots if d.id != dataset.centre.id]
            types += [replace(vt, name=f"{vt.name}@{d.id}", depot=d.id, days=days) for d in stations]
        elif vt.depot not in row:
            raise InputError(f"vehicle type {vt.name}: unknown depot {vt.depot!r}")
        else:
            types.append(replace(vt, days=tuple(d for d in vt.days if d in policy.days)))
    clients = tuple(
        Client(
            id=v.id,
            name=v.name,
            name_pinyin=v.name_pinyin,
            index=row[v.id],
            delivery=v.parcels_down_per_week * policy.volume_factor,
            pickup=v.parcels_up_per_week * policy.volume_factor,
            visits_per_week=visits_for(v, policy, len(policy.days), matrices.km[row[depot_of[v.id]], row[v.id]]),
            patterns=tuple(frozenset(p) for p in policy.patterns_by_village.get(v.id, ())),
            service_minutes=policy.service_minutes,
            service_minutes_per_parcel=policy.service_minutes_per_parcel,
            depot=depot_of[v.id] if design != "direct" else None,
        )
        for v in dataset.service_points
    )
    if design == "direct":
        capacity = max(vt.capacity for vt in types)
        clients += tuple(
            part
            for counter in town_seat_counters(dataset, matrices, policy)
            if counter.place_id != dataset.centre.id
            for part in _counter_clients(counter, dataset, row[counter.place_id], policy, capacity)
        )
    if not clients:  # town-seat villages only, all served at the centre's counter (or, relayed, by the trunk)
        raise InputError(
            f"{dataset.folder}: nothing for the vans to plan in the {design} design: no village has service_point = 1"
            + (", and every town-seat village is served at the centre's counter" if design == "direct" else "")
        )
    problem = Problem(
        depots=depots,
        vehicle_types=tuple(types),
        clients=clients,
        km=matrices.km,
        minutes=matrices.minutes,
        days=policy.days,
        unserved_penalty=policy.unserved_penalty,
        name=f"{dataset.folder.name}-{design}",
    )
    return problem
