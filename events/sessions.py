"""Sessions (场次) of an event: the one place that turns an event's sessions into its summary, checks a list of
sessions (dates, overlap, attendance) and answers "which session is live" (events.models.EventSession says why
sessions exist)."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import Event, EventSession

# Defaults of the date rules (settings EVENT_START_HORIZON_DAYS, EVENT_EARLIEST_YEAR override them).
START_HORIZON_DAYS = 730  # two years: permits are asked for weeks, at most a season ahead
EARLIEST_YEAR = 2000  # before 1901 Asia/Shanghai is local mean time (+08:05:43): such a date is a typing slip
MAX_SESSIONS = 100  # a fair of many days; every session is a row written and checked one by one
SESSION_FIELDS = ("name", "start_at", "end_at", "expected_attendance")


def summary(sessions) -> dict:
    """The event's summary fields from its sessions (rows or dicts): first start, last end, the largest
    attendance."""
    sessions = session_values(sessions)
    if not sessions:
        return {}
    return {
        "start_at": min(s["start_at"] for s in sessions),
        "end_at": max(s["end_at"] for s in sessions),
        "expected_attendance": max(s["expected_attendance"] for s in sessions),
    }


def sync_summary(event: Event) -> None:
    """Write the summary of `event`'s stored sessions onto the event (no-op without sessions)."""
    values = summary(EventSession.objects.filter(event=event))  # fresh: a prefetched list may be stale
    if values and any(getattr(event, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(event, name, value)
        event.save(update_fields=[*values, "updated_at"])


@transaction.atomic
def replace_sessions(event: Event, sessions: list) -> list[EventSession]:
    """Replace `event`'s sessions by `sessions` (dicts of name, start_at, end_at, expected_attendance, or rows),
    stored in time order, and write their summary onto the event. The callers checked them (session_errors)."""
    rows = [EventSession(event=event, **{**values, "name": (values.get("name") or "").strip()})
            for values in ordered(session_values(sessions))]
    for row in rows:
        row.full_clean(exclude=["event"])
    event.sessions.all().delete()
    created = EventSession.objects.bulk_create(rows)
    sync_summary(event)
    return created


def ensure_single_session(event: Event) -> EventSession:
    """An event without sessions gets one from its own start, end and attendance (events typed as one span)."""
    existing = event.sessions.first()
    if existing is not None:
        return existing
    return EventSession.objects.create(event=event, start_at=event.start_at, end_at=event.end_at,
                                       expected_attendance=event.expected_attendance)


def sessions_of(event: Event) -> list:
    """The event's sessions in order; an event stored without any reads as one session of its own span.
    Uses a prefetched `sessions` list when there is one (pages prefetch it)."""
    sessions = sorted(event.sessions.all(), key=lambda s: (s.start_at, s.pk or 0))
    if sessions:
        return sessions
    return [EventSession(event=event, start_at=event.start_at, end_at=event.end_at,
                         expected_attendance=event.expected_attendance)]


def largest_session(event: Event):
    return max(sessions_of(event), key=lambda s: (s.expected_attendance, -s.start_at.timestamp()))


def session_at(event: Event, when: datetime):
    """The session running at `when`, else the next one to start, else the last one (event day's live session)."""
    sessions = sessions_of(event)
    for session in sessions:
        if session.start_at <= when < session.end_at:
            return session
    upcoming = [s for s in sessions if s.start_at > when]
    return upcoming[0] if upcoming else sessions[-1]


# ---------------------------------------------------------------------------------------------- the rules


def start_horizon_days() -> int:
    return int(getattr(settings, "EVENT_START_HORIZON_DAYS", START_HORIZON_DAYS))


def earliest_year() -> int:
    return int(getattr(settings, "EVENT_EARLIEST_YEAR", EARLIEST_YEAR))


def session_key(index: int, field: str = "") -> str:
    """The error key of one session's field, as pages and API name it: sessions[1].end_at."""
    return f"sessions[{index}].{field}" if field else f"sessions[{index}]"


@dataclass(frozen=True)
class _Checked:
    index: int
    start_at: datetime
    end_at: datetime


def session_errors(sessions: list[dict], *, stored_starts=(), rated_capacity=None, now=None) -> dict[str, list]:
    """Every problem of a list of sessions at once (一次性告知), keyed `sessions[i].field` (`sessions` for the
    list as a whole). Empty when the list may be saved.

    - each session ends after it starts; no two sessions overlap (a venue holds one sitting at a time);
    - a start is not in the past, unless it is a start already stored (a draft edited after its date passed
      keeps what it had; a new or moved start must be ahead) — and never before EARLIEST_YEAR, stored or not;
    - a start no further ahead than the horizon (EVENT_START_HORIZON_DAYS);
    - each attendance within a multiple of the rated capacity (the rule Event.clean has for the summary).
    """
    now = now or timezone.now()
    errors: dict[str, list] = {}

    def add(key, message):
        errors.setdefault(key, []).append(message)

    if not sessions:
        add("sessions", _("至少填写一个场次（开始时间、结束时间和预计人数）。"))
        return errors
    if len(sessions) > MAX_SESSIONS:
        add("sessions", _("一个活动最多登记 %(n)s 个场次。") % {"n": MAX_SESSIONS})
        return errors
    horizon = now + timedelta(days=start_horizon_days())
    floor = earliest_year()
    stored_starts = set(stored_starts)
    max_factor = getattr(settings, "ATTENDANCE_MAX_FACTOR_OVER_CAPACITY", 3)
    checked = []
    for index, values in enumerate(sessions):
        start, end = values.get("start_at"), values.get("end_at")
        for field, when in (("start_at", start), ("end_at", end)):
            if when is not None and when.year < floor:
                add(session_key(index, field), _("年份 %(year)s 不合理，请检查日期。") % {"year": when.year})
        if start is not None and start.year >= floor:
            if start < now and start not in stored_starts:
                add(session_key(index, "start_at"), _("开始时间不能早于现在。"))
            elif start > horizon:
                add(session_key(index, "start_at"), _("开始时间不能晚于 %(date)s（最多提前 %(days)s 天申请）。") % {
                    "date": date_format(timezone.localtime(horizon), "Y-m-d"), "days": start_horizon_days()})
        if start is not None and end is not None:
            if end <= start:
                add(session_key(index, "end_at"), _("结束时间必须晚于开始时间。"))
            else:
                checked.append(_Checked(index, start, end))
        attendance = values.get("expected_attendance")
        if attendance and rated_capacity and attendance > rated_capacity * max_factor:
            add(session_key(index, "expected_attendance"), _(
                "预计人数 %(attendance)s 超过核定容量 %(capacity)s 的 %(factor)s 倍，请核实。"
            ) % {"attendance": attendance, "capacity": rated_capacity, "factor": max_factor})
    ordered = sorted(checked, key=lambda c: (c.start_at, c.index))
    for earlier, later in zip(ordered, ordered[1:]):
        if later.start_at < earlier.end_at:
            add(session_key(later.index, "start_at"),
                _("与第 %(n)s 场时间重叠：同一场所同一时间只能有一个场次。") % {"n": earlier.index + 1})
    return errors


def session_values(sessions) -> list[dict]:
    """Plain dicts of sessions (rows or dicts), in the order given."""
    return [{field: (s.get(field) if isinstance(s, dict) else getattr(s, field)) for field in SESSION_FIELDS}
            for s in sessions]


def ordered(sessions: list[dict]) -> list[dict]:
    return sorted(sessions, key=lambda s: s["start_at"])


def session_approved_attendance(session, approved_total) -> int:
    """A session's approved headcount under a permit that approves `approved_total` per session (Art. 18):
    its own expected attendance, never above the permit's number."""
    if approved_total is None:
        return session.expected_attendance
    return min(session.expected_attendance, approved_total)


def session_label(session, number: int) -> str:
    """What a session is called on pages and the permit: its name, else 第 N 场."""
    return session.name or _("第 %(n)s 场") % {"n": number}
