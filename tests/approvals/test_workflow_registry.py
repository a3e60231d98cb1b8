"""The workflow spine: one action registry for API, pages and panel; states as data; one path for every state
change (submission included) with one typed audit event; typed audit events for permits, plans and the admin."""
import ast
import pathlib
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.test import APIClient

from approvals.applications import services
from approvals import workflow
from approvals.audit import TRANSITION_EVENTS
from approvals.models import Application, ApplicationState, AuditEntry
from approvals.workflow import fsm, registry
from notifications.models import Notification
from riskassess.models import StaleAssessment
from tests import factories
from tests.approvals.workflow_helpers import (  # noqa: F401
    days_from_today, force_state, no_fuse_flags, organizer_of, reviewer_of, submitted, under_review,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_fuse_flags")]

ROOT = pathlib.Path(__file__).resolve().parents[2]
ORGANIZER_TRANSITIONS = {"submit", "withdraw", "cancel"}

# Valid input for each API action (the walk below checks refusals; conditions are the services' tests).
API_INPUT = {
    "accept-with-deferred": {"documents": ["liability_insurance"], "due_date": "2099-01-01"},
    "return": {"reason": "补正"}, "reject": {"reason": "不符合条件"}, "revoke": {"reason": "撤销"},
    "suspend": {"reasons": "超员", "required_changes": "限流"}, "resume": {"changes_made": "已限流"},
    "withdraw": {"reason": ""}, "report-to-city": {"opinion": "同意"}, "cancel": {"reason": "取消"},
}


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def written(application) -> tuple:
    application.refresh_from_db()
    return (application.state, application.revision, application.audit_entries.count(),
            Notification.objects.filter(application=application).count())


# ---------------------------------------------------------------------------------------------- the registry


def test_every_fsm_transition_is_one_registry_entry_with_an_audit_event():
    transitions = {entry.transition for entry in registry.REGISTRY.values() if entry.transition}
    assert transitions == set(fsm.transition_names()) == set(TRANSITION_EVENTS)


def test_api_pages_and_panel_are_generated_from_the_registry():
    from approvals.workflow import api as api_workflow, views as views_review

    assert set(api_workflow.ACTION_VIEWS) == {e.api_slug for e in registry.REGISTRY.values() if e.api_slug}
    for slug, view in api_workflow.ACTION_VIEWS.items():
        assert view.entry is registry.api_actions()[slug]
    assert views_review.ACTIONS == registry.page_actions()
    panel = (ROOT / "templates/approvals/includes/actions_panel.html").read_text()
    for name in registry.REGISTRY:
        assert f'"{name}" in panel.actions' not in panel or name == "sign_commitment", name


def test_every_action_in_a_wrong_state_or_by_a_wrong_role_is_refused_through_the_api_and_writes_nothing():
    application = submitted()
    organizer, reviewer = organizer_of(application), reviewer_of(application)
    tried = 0
    for slug, entry in sorted(registry.api_actions().items()):
        if not entry.transition:
            continue
        for state in ApplicationState.values:
            application = force_state(application, state)
            for role, user in (("organizer", organizer), ("reviewer", reviewer)):
                right_role = (role == "organizer") == (entry.transition in ORGANIZER_TRANSITIONS)
                if state in fsm.sources(entry.transition) and right_role:
                    continue
                before = written(application)
                response = api(user).post(f"/api/applications/{application.pk}/workflow/{slug}/",
                                          API_INPUT.get(slug, {}), format="json")
                assert response.status_code in (400, 403, 404), (slug, state, role, response.status_code)
                if response.status_code != 404:
                    assert response.content, (slug, state, role)
                assert written(application) == before, (slug, state, role)
                tried += 1
    assert tried > 250


SERVICE_INPUT = {
    "return_for_correction": {"reason": "补正"}, "reject": {"reason": "不符合条件"}, "revoke": {"reason": "撤销"},
    "accept_with_deferred": {"documents": ["liability_insurance"], "due_date": days_from_today(5)},
    "suspend": {"reasons": "超员", "required_changes": "限流"}, "resume": {"changes_made": "已限流"},
    "report_to_city": {"opinion": "同意"}, "cancel": {"reason": "取消"},
}


def test_an_action_not_offered_to_a_role_in_a_state_is_refused_by_its_service_and_writes_nothing():
    """Generated over every registry transition, role and state: what the panel and the API's `actions` do not
    offer, the service refuses (400 or 403), changing nothing."""
    application = submitted()
    users = {"organizer": organizer_of(application), "reviewer": reviewer_of(application),
             "supervisor": factories.SupervisorFactory(authority=application.district),
             "police of another district": factories.ReviewerFactory(),
             "culture official": factories.CultureOfficialFactory()}
    refused = 0
    for state in ApplicationState.values:
        application = force_state(application, state)
        for role, user in users.items():
            offered = set(workflow.available_actions(application, user))
            for name, entry in registry.REGISTRY.items():
                if not entry.transition or name in offered or name == "submit":
                    continue
                before = written(application)
                with pytest.raises((ValidationError, PermissionDenied)):
                    entry.perform(application=application, actor=user, **SERVICE_INPUT.get(name, {}))
                assert written(application) == before, (name, state, role)
                refused += 1
    assert refused > 500


def test_the_straight_path_writes_exactly_one_typed_event_per_step_and_tells_the_organizer():
    application = submitted()
    organizer, reviewer = organizer_of(application), reviewer_of(application)
    client = api(reviewer)
    for slug, event in (("accept", "accepted"), ("start-review", "review_started"), ("approve", "approved")):
        before = AuditEntry.objects.filter(application=application, event__in=TRANSITION_EVENTS.values()).count()
        told = Notification.objects.filter(user=organizer, application=application).count()
        response = client.post(f"/api/applications/{application.pk}/workflow/{slug}/", {}, format="json")
        assert response.status_code == 200, response.content
        events = AuditEntry.objects.filter(application=application, event__in=TRANSITION_EVENTS.values())
        assert events.count() == before + 1 and events.order_by("-id").first().event == event
        assert Notification.objects.filter(user=organizer, application=application).count() == told + 1
    audit = client.get(f"/api/applications/{application.pk}/audit/").json()
    assert "permit_issued" in [e["event"] for e in audit]


# ---------------------------------------------------------------------------------------------- submission


def _complete_draft():
    organizer = factories.OrganizerUserFactory()
    application = factories.create_application(organizer)
    factories.complete_application(application, organizer)
    return application, organizer


def test_submission_on_the_page_notifies_the_district_reviewers_and_reassesses(client):
    application, organizer = _complete_draft()
    reviewer = reviewer_of(application)
    client.force_login(organizer)
    response = client.post(f"/applications/{application.pk}/submit/")
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    assert Notification.objects.filter(user=reviewer, application=application, verb="submit").exists()
    assert StaleAssessment.objects.filter(application_id=application.pk).exists()
    assert application.audit_entries.filter(event=AuditEntry.Event.SUBMITTED).count() == 1


def test_submission_through_the_api_notifies_the_district_reviewers_and_reassesses():
    application, organizer = _complete_draft()
    reviewer = reviewer_of(application)
    response = api(organizer).post(f"/api/applications/{application.pk}/submit/", {}, format="json")
    assert response.status_code == 200, response.content
    assert Notification.objects.filter(user=reviewer, application=application, verb="submit").exists()
    assert StaleAssessment.objects.filter(application_id=application.pk).exists()


def test_there_is_one_submit_path_and_a_resubmission_is_typed_as_such():
    assert workflow.application_resubmit is workflow.application_submit
    application = submitted()
    organizer, reviewer = organizer_of(application), reviewer_of(application)
    workflow.application_return(application=application, actor=reviewer, reason="补正")
    Application.objects.filter(pk=application.pk).update(assigned_reviewer=reviewer)
    services.application_submit(application=application, user=organizer)
    events = list(application.audit_entries.filter(event__in=[*TRANSITION_EVENTS.values(), "resubmitted"])
                  .order_by("id").values_list("event", flat=True))
    assert events == ["submitted", "returned", "resubmitted"]
    assert Notification.objects.filter(user=reviewer, application=application, verb="submit").exists()


# ---------------------------------------------------------------------------------------------- states as data


def _state_tuples(path: pathlib.Path) -> list[int]:
    names, values = set(ApplicationState.names), set(ApplicationState.values)
    tree = ast.parse(path.read_text())
    skip = set()
    for node in ast.walk(tree):  # the fsm transition table on the model is the one list of sources
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                if isinstance(decorator, ast.Call) and getattr(decorator.func, "id", "") == "transition":
                    skip.update(id(n) for n in ast.walk(decorator))
    found = []
    for node in ast.walk(tree):
        if id(node) in skip or not isinstance(node, (ast.Tuple, ast.List, ast.Set)) or len(node.elts) < 2:
            continue
        members = [e.attr in names if isinstance(e, ast.Attribute) else
                   (isinstance(e, ast.Constant) and e.value in values) for e in node.elts]
        if all(members):
            found.append(node.lineno)
    return found


def test_no_literal_tuple_of_states_outside_the_workflow_package():
    offenders = {}
    for app in ("approvals", "plans", "eventday", "riskassess", "events", "notifications", "outbox", "accounts",
                "config", "siteplan"):
        for path in (ROOT / app).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if relative.startswith("approvals/workflow/") or "/migrations/" in relative:
                continue
            lines = _state_tuples(path)
            if lines:
                offenders[relative] = lines
    assert offenders == {}


def test_the_scan_finds_a_literal_tuple_of_states(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("X = (S.APPROVED, S.SUSPENDED)\nY = ['draft', 'returned']\nZ = ('approved', 'struck')\n")
    assert _state_tuples(sample) == [1, 2]


def test_the_traits_and_the_transition_table_name_the_same_states():
    """Two owners, one truth: the traits other modules ask (states.py) and the fsm table the services fire
    (the model) never drift apart — a state added to one and not the other fails here."""
    from approvals.workflow.states import with_trait

    undecided = set(with_trait("undecided"))
    assert fsm.sources("reject") == fsm.sources("approve_provisionally") == set(with_trait("deciding"))
    assert fsm.sources("return_for_correction") == undecided - {ApplicationState.RETURNED}
    assert fsm.sources("withdraw") == undecided | {ApplicationState.DRAFT}
    assert fsm.sources("cancel") == set(with_trait("changeable"))
    assert fsm.sources("suspend") == set(with_trait("permit_in_force"))
    assert fsm.sources("report_to_city") | fsm.sources("approve") >= set(with_trait("reported_to_city"))


def test_each_state_has_a_police_and_a_plain_organizer_label():
    from approvals.workflow import states

    assert states.organizer_label("accepted") == states.organizer_label("under_review") == "审查中"
    assert states.police_label("accepted") == "已受理"
    assert states.with_trait("permit_in_force") == ("approved", "provisionally_approved")


# ---------------------------------------------------------------------------------------------- typed audit


def test_permit_issuance_and_plan_requests_have_their_own_audit_events():
    from plans.services import plan_request

    application = submitted()
    reviewer = reviewer_of(application)
    application = workflow.application_approve(application=under_review(application, reviewer), actor=reviewer)
    assert application.audit_entries.filter(event=AuditEntry.Event.PERMIT_ISSUED).count() == 1
    plan_request(application=application, user=reviewer)
    assert application.audit_entries.filter(event=AuditEntry.Event.PLAN_REQUESTED).exists()
    assert not application.audit_entries.filter(event=AuditEntry.Event.OTHER).exists()


def test_access_changes_have_their_own_audit_events():
    application = submitted()
    assert application.audit_entries.filter(event=AuditEntry.Event.ACCESS_GRANTED).exists()


def test_admin_edits_of_level_district_and_reviewer_are_audited(rf):
    application = submitted()
    superuser = factories.UserFactory(is_superuser=True, is_staff=True)
    reviewer = reviewer_of(application)
    model_admin = admin.site._registry[Application]
    request = rf.post("/admin/")
    request.user = superuser
    Application.objects.filter(pk=application.pk).update(security_level="四级")
    application.refresh_from_db()
    application.security_level = "一级"
    application.assigned_reviewer = reviewer
    form = SimpleNamespace(changed_data=["security_level", "assigned_reviewer"],
                           initial={"security_level": "四级", "assigned_reviewer": None})
    model_admin.save_model(request, application, form, change=True)
    entry = application.audit_entries.get(event=AuditEntry.Event.ADMIN_CHANGE)
    assert entry.actor == superuser
    assert entry.snapshot["changed"]["security_level"] == {"from": "四级", "to": "一级"}
    assert entry.snapshot["changed"]["assigned_reviewer"] == {"from": None, "to": reviewer.pk}
