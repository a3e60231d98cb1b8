"""Deadline arithmetic of the review: working days with the holiday calendar, the statutory clocks with their
pauses, deferred due dates, post-review, urgency. No Django here: the calendar and the pauses are given.

A clock counts `days` after the day it starts (that day not counted, 行政许可法 Art. 32/42 count from the day
after). Working days are Mon–Fri, except the days off of the holiday calendar (法定节假日 and the bridging rest
days of the State Council's notice), plus the weekends the notice makes working days (调休上班).
"""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

WEEKEND = (5, 6)


@dataclass(frozen=True)
class WorkCalendar:
    """The days off and the working weekends of the holiday calendar (approvals.clocks loads them)."""

    days_off: frozenset = frozenset()
    working_weekends: frozenset = frozenset()

    def is_working_day(self, day: date) -> bool:
        if day in self.working_weekends:
            return True
        if day in self.days_off:
            return False
        return day.weekday() not in WEEKEND


WEEKDAYS_ONLY = WorkCalendar()

# A pause: from the day a correction was requested (that day still counts) to the day it was resubmitted
# (that day does not): (requested_on, resubmitted_on), resubmitted_on None while it is open.
Pause = tuple[date, date | None]


def _paused(day: date, pauses: Iterable[Pause]) -> bool:
    return any(start < day and (end is None or day <= end) for start, end in pauses)


def _counts(day: date, *, working: bool, calendar: WorkCalendar, pauses: Iterable[Pause]) -> bool:
    return (not working or calendar.is_working_day(day)) and not _paused(day, pauses)


def add_working_days(start: date, days: int, calendar: WorkCalendar = WEEKDAYS_ONLY) -> date:
    """The date `days` working days after `start` (start itself not counted)."""
    return add_clock_days(start, days, working=True, calendar=calendar)


def add_clock_days(start: date, days: int, *, working: bool, calendar: WorkCalendar = WEEKDAYS_ONLY,
                   pauses: Iterable[Pause] = ()) -> date | None:
    """The day the `days`-th clock day after `start` falls on: working days (by `calendar`) when `working`,
    else calendar days; the days of a pause are not counted. None when an open pause stops the clock first."""
    pauses = list(pauses)
    if any(end is None for _, end in pauses):
        # Count only up to the open pause: the clock stands still from the day after its request.
        opened = min(start_ for start_, end in pauses if end is None)
        closed = [p for p in pauses if p[1] is not None]
        due = add_clock_days(start, days, working=working, calendar=calendar, pauses=closed)
        return due if due <= opened else None
    current, remaining = start, days
    while remaining > 0:
        current += timedelta(days=1)
        if _counts(current, working=working, calendar=calendar, pauses=pauses):
            remaining -= 1
    return current


def clock_days_between(after: date, until: date, *, working: bool, calendar: WorkCalendar = WEEKDAYS_ONLY,
                       pauses: Iterable[Pause] = ()) -> int:
    """How many clock days lie in (after, until]: what a clock has left at `after` when it is due `until`."""
    pauses = list(pauses)
    count, current = 0, after
    while current < until:
        current += timedelta(days=1)
        count += _counts(current, working=working, calendar=calendar, pauses=pauses)
    return count


def decision_due_date(accepted_on: date, *, days: int, working_days: bool,
                      calendar: WorkCalendar = WEEKDAYS_ONLY) -> date:
    """Order 505 Art. 14: decide within `days` (working or calendar) of acceptance."""
    return add_clock_days(accepted_on, days, working=working_days, calendar=calendar)


def latest_deferred_due_date(event_start: date, *, days_before_event: int) -> date:
    """Deferred documents are due no later than this many days before the event."""
    return event_start - timedelta(days=days_before_event)


def post_review_due_date(event_start: date, *, days_before_event: int) -> date:
    """The substantive review of a provisional permit finishes no later than this."""
    return event_start - timedelta(days=days_before_event)


def reminder_date(due: date, *, days_before: int) -> date:
    return due - timedelta(days=days_before)


# The kinds of clock, soonest-first ties broken in this order.
CLOCK_KINDS = ("acceptance", "decision", "lead", "correction", "deferred", "post_review")


@dataclass(frozen=True)
class Deadline:
    """One clock: `kind` is a code the templates label (see CLOCK_KINDS). `due` is None while paused; then
    `remaining` is what the clock had left when it stopped (in its own days: working days when `working`)."""

    kind: str
    due: date | None
    today: date
    paused: bool = False
    remaining: int | None = None
    working: bool = False
    extended_days: int = 0

    @property
    def days_left(self) -> int | None:
        return None if self.due is None else (self.due - self.today).days

    @property
    def days_overdue(self) -> int:
        return 0 if self.due is None else max(0, -self.days_left)

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < self.today

    @property
    def urgent(self) -> bool:
        return self.due is not None and 0 <= self.days_left <= 2


Clock = Deadline


def soonest_first(clocks: Iterable[Deadline]) -> list[Deadline]:
    """Running clocks by due date, then the paused ones (they have no date)."""
    far = date.max
    return sorted(clocks, key=lambda c: (c.due is None, c.due or far, CLOCK_KINDS.index(c.kind)
                                         if c.kind in CLOCK_KINDS else len(CLOCK_KINDS)))


def deadlines_of(*, today: date, event_start: date | None = None, decision_due: date | None = None,
                 deferred_due: list[date] = (), post_review_due: date | None = None) -> list[Deadline]:
    """The dated clocks of one application, soonest first (the event's start is not a deadline of the
    bureau: 受理 and decision have their own statutory clocks)."""
    found = []
    if decision_due:
        found.append(Deadline("decision", decision_due, today))
    found += [Deadline("deferred", due, today) for due in deferred_due]
    if post_review_due:
        found.append(Deadline("post_review", post_review_due, today))
    return soonest_first(found)
