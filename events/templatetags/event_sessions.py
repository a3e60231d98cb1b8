"""Template access to an event's sessions (场次) for the pages, the permit and the plan: events.sessions rules."""
from django import template

from events import sessions as event_sessions

register = template.Library()


@register.simple_tag
def session_rows(event, approved_total=None) -> list[dict]:
    """One row per session in time order: number, label, start, end, expected and approved attendance, and
    whether it is the largest (the one the thresholds read) when there are several."""
    if not isinstance(approved_total, int) or isinstance(approved_total, bool):
        approved_total = None  # not given (a template variable that does not resolve)
    sessions = event_sessions.sessions_of(event)
    largest = event_sessions.largest_session(event) if len(sessions) > 1 else None
    return [{
        "number": number, "label": event_sessions.session_label(session, number), "name": session.name,
        "start_at": session.start_at, "end_at": session.end_at,
        "expected_attendance": session.expected_attendance,
        "approved_attendance": (event_sessions.session_approved_attendance(session, approved_total)
                                if approved_total is not None else None),
        "is_largest": largest is not None and session is largest,
    } for number, session in enumerate(sessions, start=1)]
