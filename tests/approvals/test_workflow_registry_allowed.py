"""The allowed side of the registry walk: every transition, from every state it starts from, fired through the API
by a user who may fire it — the state becomes the transition's target, exactly one typed state-change event is
audited, and someone other than the actor is told. Generated from the django-fsm table (approvals.workflow.fsm), so
a new transition is walked as soon as it exists; the refusals are test_workflow_registry.py's."""
from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from approvals.applications.requirements import requirements_for
from approvals.audit import STATE_CHANGE_EVENTS, transition_event
from approvals.models import Application, ApplicationState
from approvals.workflow import fsm, registry
from notifications.models import Notification
from riskassess.selectors import level_order
from tests.approvals.workflow_helpers import no_fuse_flags, with_completed_history  # noqa: F401
from tests.support.builder import application, reviewer_for, supervisor_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_fuse_flags")]

S = ApplicationState
ORGANIZER_TRANSITIONS = {"submit", "withdraw", "cancel"}
# A city-level application (≥ 5,000 people in its largest session) for the city route (Order 505 Art. 12).
CITY_LEVEL = {"expected_attendance": 6000, "rated_capacity": 8000}
CASES = sorted((name, source) for name in fsm.transition_names() for source in fsm.sources(name))
BODIES = {
    "return": {"reason": "请补正消防方案", "items": [{"kind": "section", "key": "fire_safety"}]}, "reject": {"reason": "不符合安全条件"}, "revoke": {"reason": "存在重大隐患"},
    "suspend": {"reasons": "现场超员", "required_changes": "限流至核定人数"}, "resume": {"changes_made": "已限流"},
    "withdraw": {"reason": "活动取消"}, "report-to-city": {"opinion": "分局审查同意，报请市局审批"},
    "cancel": {"reason": "因台风取消活动"},
}


def _city_route(name: str, source: str) -> bool:
    return name == "report_to_city" or source == S.REPORTED_TO_CITY


def _targets(name: str, source: str) -> set[str]:
    target = fsm._table()[name][source].target
    return set(getattr(target, "allowed_states", None) or [target])


def _in_state(name: str, source: str):
    """An application without performances (district-level, or city-level for the city route), brought to
    `source` through the workflow."""
    builder = application(**(CITY_LEVEL if _city_route(name, source) else {}))
    if name == "accept_with_deferred" or source == S.ACCEPTED_DEFERRED:
        builder.filled(skip_deferrable=True)
    elif name == "submit":
        builder.filled()
    if source == S.PROVISIONALLY_APPROVED or name == "approve_provisionally":
        # 先批后审: the lowest level (read from the risk model's rows) and an organizer with a clean record.
        lowest = level_order()[-1]
        with_completed_history(builder.build().organisation)
        Application.objects.filter(pk=builder.build().pk).update(security_level=lowest,
                                                                computed_security_level=lowest)
    builder.reach(source)
    if name == "complete":
        builder.event_over()
    return builder


def _body(name: str, app) -> tuple[dict, str]:
    slug = next(entry.api_slug for entry in registry.REGISTRY.values() if entry.transition == name)
    body = dict(BODIES.get(slug, {}))
    if name == "accept_with_deferred":
        missing = [d.document_type.code for d in requirements_for(app).deferrable]
        due = app.event.start_at.date() - timedelta(days=app.catalogue.deferred_due_days_before_event + 1)
        body = {"documents": missing, "due_date": due.isoformat()}
    return {"expected_revision": app.revision, **body}, slug


@pytest.mark.parametrize(("name", "source"), CASES, ids=[f"{n}-from-{s}" for n, s in CASES])
def test_every_transition_from_every_source_state_is_fired_through_the_api_audited_once_and_told(name, source):
    builder = _in_state(name, source)
    app = builder.build()
    assert app.state == source
    reviewer_for(app)  # the district bureau has staff to be told
    if name in ORGANIZER_TRANSITIONS:
        actor = builder.person("organizer")
    elif source == S.REPORTED_TO_CITY:
        actor = builder.person("city")  # the city bureau decides what the district reported
    else:
        actor = supervisor_for(app)
    body, slug = _body(name, app)
    events_before = set(app.audit_entries.values_list("pk", flat=True))
    told_before = Notification.objects.filter(application=app).exclude(user=actor).count()
    client = APIClient()
    client.force_authenticate(actor)
    response = client.post(f"/api/applications/{app.pk}/workflow/{slug}/", body, format="json")
    assert response.status_code == 200, (name, source, response.json())
    app.refresh_from_db()
    assert app.state in _targets(name, source)
    new = app.audit_entries.exclude(pk__in=events_before)
    state_changes = [e.event for e in new if e.event in STATE_CHANGE_EVENTS]
    assert state_changes == [transition_event(name, from_state=source)]
    if source != S.DRAFT or name != "withdraw":  # a draft withdrawn concerns nobody but its organizer
        assert Notification.objects.filter(application=app).exclude(user=actor).count() > told_before
