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
