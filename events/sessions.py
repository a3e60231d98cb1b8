"""Sessions (场次) of an event: the one place that turns an event's sessions into its summary and answers
"which session is live" (events.models.EventSession says why sessions exist)."""
from datetime import datetime

from django.db import transaction

from .models import Event, EventSession


def summary(sessions) -> dict:
    """The event's summary fields from its sessions: first start, last end, the largest attendance."""
    sessions = list(sessions)
    if not sessions:
        return {}
    return {
        "start_at": min(s.start_at for s in sessions),
        "end_at": max(s.end_at for s in sessions),
        "expected_attendance": max(s.expected_attendance for s in sessions),
    }


def sync_summary(event: Event) -> None:
    """Write the summary of `event`'s stored sessions onto the event (no-op without sessions)."""
    values = summary(event.sessions.all())
    if values and any(getattr(event, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(event, name, value)
        event.save(update_fields=[*values, "updated_at"])


@transaction.atomic
def replace_sessions(event: Event, sessions: list[dict]) -> list[EventSession]:
    """Replace `event`'s sessions by `sessions` (dicts of name, start_at, end_at, expected_attendance)."""
    event.sessions.all().delete()
    created = [EventSession.objects.create(event=event, **values) for values in sessions]
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
    """The event's sessions in order; an event stored without any reads as one session of its own span."""
    sessions = list(event.sessions.all())
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
