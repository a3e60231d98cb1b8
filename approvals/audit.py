"""The audit log's vocabulary: the typed events (AuditEntry.Event) and the one function that writes an entry.

`actor=None` means the system acted (a deadline, an automatic suspension). Each entry carries its event and,
for the older readers, the coarse `action` it belongs to (state changes are TRANSITION, with the fsm name in
`transition`). Entries are append-only (AuditEntry.save refuses an update).
"""
from .models import AuditEntry

Event = AuditEntry.Event
Action = AuditEntry.Action

# The fsm transition → the event it writes (submit is SUBMITTED, or RESUBMITTED after a return).
TRANSITION_EVENTS = {
    "submit": Event.SUBMITTED,
    "return_for_correction": Event.RETURNED,
    "accept": Event.ACCEPTED,
    "accept_with_deferred": Event.ACCEPTED_WITH_DEFERRED,
    "start_review": Event.REVIEW_STARTED,
    "approve": Event.APPROVED,
    "approve_provisionally": Event.PROVISIONALLY_APPROVED,
    "confirm_post_review": Event.POST_REVIEW_CONFIRMED,
    "reject": Event.REJECTED,
    "suspend": Event.SUSPENDED,
    "resume": Event.RESUMED,
    "revoke": Event.REVOKED,
    "withdraw": Event.WITHDRAWN,
    "complete": Event.COMPLETED,
    "report_to_city": Event.REPORTED_TO_CITY,
    "cancel": Event.CANCELLED,
}
STATE_CHANGE_EVENTS = frozenset(TRANSITION_EVENTS.values()) | {Event.RESUBMITTED}

# The coarse action of the events that are not state changes (the rest of the older kinds map one to one).
_ACTION_OF = {
    Event.PERMIT_ISSUED: Action.OTHER, Event.PLAN_REQUESTED: Action.OTHER, Event.ACCESS_GRANTED: Action.OTHER,
    Event.ACCESS_REVOKED: Action.OTHER, Event.ADMIN_CHANGE: Action.OTHER,
    Event.DECISION_COPIED: Action.OTHER, Event.CHANGE_REQUESTED: Action.OTHER, Event.CHANGE_APPROVED: Action.OTHER,
    Event.CHANGE_REJECTED: Action.OTHER, Event.OPINION_REQUESTED: Action.OTHER, Event.OPINION_GIVEN: Action.OTHER,
    Event.OPINION_WITHDRAWN: Action.OTHER, Event.OPINION_OVERRIDDEN: Action.OTHER,
    Event.OPINION_OVERDUE: Action.OTHER,
    Event.AFTER_ACTION_REVIEWED: Action.OTHER,
}


def transition_event(name: str, *, from_state: str = "") -> str:
    if name == "submit" and from_state == "returned":
        return Event.RESUBMITTED
    return TRANSITION_EVENTS[name]


def action_of(event: str) -> str:
    if event in STATE_CHANGE_EVENTS:
        return Action.TRANSITION
    if event in _ACTION_OF:
        return _ACTION_OF[event]
    return event if event in Action.values else Action.OTHER


def event_of(action: str, *, transition: str = "", from_state: str = "") -> str:
    """The event of an entry written with only the older action (and transition, for a state change)."""
    if action == Action.TRANSITION and transition in TRANSITION_EVENTS:
        return transition_event(transition, from_state=from_state)
    return action if action in Event.values else Event.OTHER


def audit_record(application, *, actor, event: str = "", action: str = "", reason: str = "", snapshot=None,
                 transition: str = "", from_state: str = "", to_state: str = "") -> AuditEntry:
    """Append one entry. Give the event (preferred) or the older action; the other is derived."""
    if not event:
        event = event_of(action, transition=transition, from_state=from_state)
    return AuditEntry.objects.create(
        application=application, actor=actor, event=event, action=action or action_of(event), reason=reason,
        snapshot=snapshot or {}, transition=transition, from_state=from_state, to_state=to_state)


def event_label(entry: AuditEntry) -> str:
    """What the audit page calls an entry: its event's label (older rows without one: their action's)."""
    if entry.event:
        return str(Event(entry.event).label) if entry.event in Event.values else entry.event
    return entry.get_action_display()
