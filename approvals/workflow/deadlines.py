"""Deadline arithmetic of the review: decision clock, deferred due dates, post-review, urgency. No Django here."""
from dataclasses import dataclass
from datetime import date, timedelta

# Mon–Fri are working days; public holidays are not modelled (a bureau that needs them sets calendar days).
WEEKEND = (5, 6)


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (start itself not counted)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() not in WEEKEND:
            remaining -= 1
    return current


def decision_due_date(accepted_on: date, *, days: int, working_days: bool) -> date:
    """Art. 14: decide within `days` (working or calendar) of acceptance."""
    return add_working_days(accepted_on, days) if working_days else accepted_on + timedelta(days=days)


def latest_deferred_due_date(event_start: date, *, days_before_event: int) -> date:
    """Deferred documents are due no later than this many days before the event."""
    return event_start - timedelta(days=days_before_event)


def post_review_due_date(event_start: date, *, days_before_event: int) -> date:
    """The substantive review of a provisional permit finishes no later than this."""
    return event_start - timedelta(days=days_before_event)


def reminder_date(due: date, *, days_before: int) -> date:
    return due - timedelta(days=days_before)


@dataclass(frozen=True)
class Deadline:
    """One date that matters: `kind` is a code the templates label ("decision", "deferred", "post_review",
    "event_start")."""

    kind: str
    due: date
    today: date

    @property
    def days_left(self) -> int:
        return (self.due - self.today).days

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)

    @property
    def overdue(self) -> bool:
        return self.due < self.today

    @property
    def urgent(self) -> bool:
        return 0 <= self.days_left <= 2


def deadlines_of(*, today: date, event_start: date, decision_due: date | None = None,
                 deferred_due: list[date] = (), post_review_due: date | None = None) -> list[Deadline]:
    """Every deadline still relevant to one application, soonest first."""
    found = [Deadline("event_start", event_start, today)]
    if decision_due:
        found.append(Deadline("decision", decision_due, today))
    found += [Deadline("deferred", due, today) for due in deferred_due]
    if post_review_due:
        found.append(Deadline("post_review", post_review_due, today))
    return sorted(found, key=lambda d: (d.due, d.kind))
