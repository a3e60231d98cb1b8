"""Crowd arithmetic of the event day as plain functions (no Django): levels, alert crossings, chart series."""
from dataclasses import dataclass
from datetime import datetime, timedelta

NO_ALERT = ""
WARNING = "warning"
STOP_ADMISSION = "stop_admission"
LEVELS = (NO_ALERT, WARNING, STOP_ADMISSION)  # in rising order


@dataclass(frozen=True)
class Lines:
    """The percentages of safe capacity at which each level starts."""

    warning_percent: int = 80
    stop_admission_percent: int = 95
    rearm_margin_percent: int = 0


def percent_of(occupancy: int, safe_capacity: int) -> float:
    return 100.0 * occupancy / safe_capacity if safe_capacity > 0 else 0.0


def level_for(occupancy: int, safe_capacity: int, lines: Lines) -> str:
    """The level occupancy is at now: "", "warning" or "stop_admission"."""
    if safe_capacity <= 0:
        return NO_ALERT
    percent = percent_of(occupancy, safe_capacity)
    if percent >= lines.stop_admission_percent:
        return STOP_ADMISSION
    if percent >= lines.warning_percent:
        return WARNING
    return NO_ALERT


def _line(level: str, lines: Lines) -> int:
    return lines.stop_admission_percent if level == STOP_ADMISSION else lines.warning_percent


def alert_transition(previous_state: str, occupancy: int, safe_capacity: int, lines: Lines) -> tuple[str, list[str]]:
    """(new state, levels to raise now). Each line raises once when crossed upward; it re-arms only when
    occupancy falls back below it (less the re-arm margin). A jump over both lines raises both."""
    if safe_capacity <= 0:
        return NO_ALERT, []
    percent = percent_of(occupancy, safe_capacity)
    state = previous_state if previous_state in LEVELS else NO_ALERT
    # Re-arm: step down while occupancy is clearly below the line of the current state.
    while state != NO_ALERT and percent < _line(state, lines) - lines.rearm_margin_percent:
        state = LEVELS[LEVELS.index(state) - 1]
    reached = level_for(occupancy, safe_capacity, lines)
    raised = []
    if LEVELS.index(reached) > LEVELS.index(state):
        raised = list(LEVELS[LEVELS.index(state) + 1:LEVELS.index(reached) + 1])
        state = reached
    return state, raised


def bootstrap_colour(level: str) -> str:
    return {STOP_ADMISSION: "danger", WARNING: "warning"}.get(level, "success")


def minute_floor(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def occupancy_series(current: int, net_by_minute: dict[datetime, int], *, now: datetime,
                     minutes: int = 60) -> list[tuple[datetime, int]]:
    """Occupancy at the end of each of the last `minutes` minutes, walked back from the current total by
    subtracting each later minute's net flow (readings dated after `now` count as the present)."""
    end = minute_floor(now)
    value = current - sum(net for minute, net in net_by_minute.items() if minute > end)
    points = []
    for step in range(minutes):
        minute = end - timedelta(minutes=step)
        points.append((minute, max(value, 0)))
        value -= net_by_minute.get(minute, 0)
    points.reverse()
    return points


@dataclass
class Move:
    """People a gate moved in one batch, net of its in and out: from `source` to `target` (None: outside)."""

    gate: int
    source: int | None
    target: int | None
    people: int
    applied: int = 0


def zone_depths(gates: list[tuple[int, int | None]]) -> dict[int, int]:
    """How many gates deep each zone lies, from (zone, from_zone) pairs: 1 for a zone entered from outside."""
    depth = {zone: 1 for zone, from_zone in gates if from_zone is None}
    for _round in range(len(gates)):
        changed = False
        for zone, from_zone in gates:
            if from_zone in depth and depth[from_zone] + 1 < depth.get(zone, len(gates) + 2):
                depth[zone], changed = depth[from_zone] + 1, True
        if not changed:
            break
    return depth


def apply_moves(available: dict[int, int], moves: list[Move], depths: dict[int, int]) -> dict[int, int]:
    """Apply the moves to the zones' occupancy without taking any zone below zero; returns, per zone, how many
    people left it beyond what it held (not applied: a faulty or forged counter must not hide later arrivals).
    Arrivals first, outermost first, then departures, innermost first: the most lenient order, so that real
    counts in one batch never lose people to the order they were sent in."""
    unknown = len(depths) + 2
    inward, outward = [], []
    for move in moves:
        deeper = move.source is None or (move.target is not None and
                                         depths.get(move.target, unknown) > depths.get(move.source, unknown))
        (inward if deeper else outward).append(move)
    inward.sort(key=lambda m: 0 if m.source is None else depths.get(m.source, unknown))
    outward.sort(key=lambda m: -depths.get(m.source, unknown))
    occupancy = dict(available)
    excess: dict[int, int] = {}
    for move in inward + outward:
        if move.source is None:
            move.applied = move.people
        else:
            move.applied = min(move.people, max(occupancy.get(move.source, 0), 0))
            occupancy[move.source] = occupancy.get(move.source, 0) - move.applied
            if move.applied < move.people:
                excess[move.source] = excess.get(move.source, 0) + move.people - move.applied
        if move.target is not None:
            occupancy[move.target] = occupancy.get(move.target, 0) + move.applied
    return excess


# ---------------------------------------------------------------------------------------------- approved headcount


@dataclass(frozen=True)
class HeadcountLine:
    """A percentage of the approved headcount (Art. 18) and how far below it occupancy must fall to re-arm it."""

    percent: int
    rearm_margin_percent: int = 0


def headcount_transition(occupancy: int, approved: int, lines: list[HeadcountLine],
                         open_lines: set[int]) -> tuple[list[int], list[int]]:
    """(lines to raise now, open lines to re-arm now). A line is raised once when occupancy reaches it and stays
    raised (open) until occupancy falls below it less its margin; a jump over several lines raises each."""
    if approved <= 0:
        return [], []
    percent = percent_of(occupancy, approved)
    raised, rearmed = [], []
    for line in sorted(lines, key=lambda line: line.percent):
        if line.percent in open_lines:
            if percent < line.percent - line.rearm_margin_percent:
                rearmed.append(line.percent)
        elif percent >= line.percent:
            raised.append(line.percent)
    return raised, rearmed


def headcount_colour(occupancy: int, approved: int, lines: list[int]) -> str:
    """Red from the highest line (stop the ticket checks), amber from any lower one, green below them all."""
    if approved <= 0 or not lines:
        return "success"
    percent = percent_of(occupancy, approved)
    if percent >= max(lines):
        return "danger"
    return "warning" if percent >= min(lines) else "success"


# ---------------------------------------------------------------------------------------------- heat-map bands

CALM, BUSY, NEAR_FULL, FULL = "calm", "busy", "near_full", "full"
BANDS = (CALM, BUSY, NEAR_FULL, FULL)  # in rising order


@dataclass(frozen=True)
class BandLines:
    """Where each of the four occupancy bands starts, in % of safe capacity (the first starts at 0). The upper
    two are the alert lines (Lines), so the heat map turns when an alert is raised, not a minute apart."""

    busy_percent: int = 60
    near_full_percent: int = 80
    full_percent: int = 95

    def starts(self) -> tuple[tuple[str, int], ...]:
        return ((CALM, 0), (BUSY, self.busy_percent), (NEAR_FULL, self.near_full_percent),
                (FULL, self.full_percent))


def band_for(occupancy: int, safe_capacity: int, lines: BandLines) -> str:
    """The band occupancy is in: the highest whose start it has reached (a zone without capacity is calm
    while empty and full as soon as anyone is in it)."""
    if safe_capacity <= 0:
        return FULL if occupancy > 0 else CALM
    percent = percent_of(occupancy, safe_capacity)
    band = CALM
    for code, start in lines.starts():
        if percent >= start:
            band = code
    return band
