"""Changes and cancellation after the permit (变更 / 取消, Order 505 Art. 20): a change of time, place or scale is
a change request decided by the authority that decided the permit (the city when the largest session, before or
after, reaches 5,000), filed at least N working days ahead (data); until approved the permit's facts stand;
approving applies the facts and amends the permit. A cancellation notice withdraws the permit."""
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from approvals import workflow
from approvals.models import Application, AuditEntry, ChangeRequest
from approvals.workflow.states import with_trait
from events.sessions import sessions_of
from notifications.models import Notification
from plans.models import PlanVersion
from tests import factories
from tests.approvals.workflow_helpers import no_fuse_flags  # noqa: F401
from tests.support.builder import application, reviewer_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_fuse_flags")]


def rows(app, *, shift=timedelta(0), attendance=None) -> list[dict]:
    return [{"name": s.name, "start_at": s.start_at + shift, "end_at": s.end_at + shift,
             "expected_attendance": attendance or s.expected_attendance} for s in sessions_of(app.event)]


def file_change(builder, **kwargs):
    app = builder.build()
    values = {"sessions": rows(app, shift=timedelta(hours=2), attendance=3500), "reason": "因场地档期调整推迟两小时并扩大规模"}
    values.update(kwargs)
    return workflow.change_request_file(application=app, actor=builder.person("organizer"), **values)


def test_an_approved_change_applies_the_new_facts_amends_the_permit_and_requests_the_plan_again(
        django_capture_on_commit_callbacks):
    builder = application().approved()
    app = builder.build()
    old_start, number = app.event.start_at, app.permit.number
    reviewer = reviewer_for(app)
    change = file_change(builder)
    assert change.is_pending and change.deciding_authority == app.district
    assert set(change.what_changes()) == {"时间", "规模"}
    app.refresh_from_db()
    # Until approved the permit's facts stand; the organizer may not edit them.
    assert app.event.start_at == old_start and app.permit.approved_attendance == 3000
    assert not app.is_editable_by_organizer
    assert Notification.objects.filter(user=reviewer, application=app, verb="change_requested").exists()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.change_request_decide(application=app, actor=reviewer, decision="approve", reason="同意")
    app = Application.objects.select_related("event").get(pk=app.pk)
    assert app.event.start_at == old_start + timedelta(hours=2) and app.event.expected_attendance == 3500
    permit = app.permit
    assert permit.number == number and permit.approved_attendance == 3500 and permit.amended_at is not None
    assert any("3500" in c for c in permit.conditions)
    events = set(app.audit_entries.values_list("event", flat=True))
    assert {AuditEntry.Event.CHANGE_REQUESTED, AuditEntry.Event.CHANGE_APPROVED} <= events
    assert Notification.objects.filter(user=builder.person("organizer"), verb="change_approved").exists()
    assert PlanVersion.objects.filter(application=app, trigger="permit_amended").exists()


def test_a_rejected_change_needs_a_reason_and_leaves_the_permit_as_it_was():
    builder = application().approved()
    app = builder.build()
    reviewer = reviewer_for(app)
    file_change(builder)
    with pytest.raises(ValidationError) as refused:
        workflow.change_request_decide(application=app, actor=reviewer, decision="reject", reason="")
    assert "reason" in refused.value.message_dict
    change = workflow.change_request_decide(application=app, actor=reviewer, decision="reject",
                                            reason="扩大规模超出场地核定容量")
    assert change.status == ChangeRequest.Status.REJECTED
    app.refresh_from_db()
    assert app.event.expected_attendance == 3000 and app.permit.amended_at is None
    assert app.audit_entries.filter(event=AuditEntry.Event.CHANGE_REJECTED).exists()
    assert Notification.objects.filter(user=builder.person("organizer"), verb="change_rejected").exists()


def test_a_change_too_close_to_the_event_is_refused_with_the_notice_days():
    builder = application().approved()
    app = builder.build()
    soon = timezone.now() + timedelta(days=3)
    app.event.sessions.update(start_at=soon, end_at=soon + timedelta(hours=4))
    type(app.event).objects.filter(pk=app.event_id).update(start_at=soon, end_at=soon + timedelta(hours=4))
    with pytest.raises(ValidationError, match="5 个工作日"):
        file_change(builder)
    assert not ChangeRequest.objects.filter(application=app).exists()


def test_the_notice_is_data_of_the_catalogue():
    builder = application().approved()
    app = builder.build()
    catalogue = app.catalogue
    catalogue.change_notice_working_days = 50
    catalogue.save(update_fields=["change_notice_working_days"])
    with pytest.raises(ValidationError, match="50 个工作日"):
        file_change(builder)


def test_only_the_organizer_files_and_only_one_change_is_pending_at_a_time():
    builder = application().approved()
    app = builder.build()
    with pytest.raises(PermissionDenied):
        workflow.change_request_file(application=app, actor=reviewer_for(app), sessions=rows(app), reason="x")
    with pytest.raises(ValidationError, match="相同"):
        file_change(builder, sessions=rows(app))
    file_change(builder)
    assert "request_change" not in workflow.available_actions(app, builder.person("organizer"))
    with pytest.raises(ValidationError, match="待审查"):
        file_change(builder)


def test_a_change_to_city_level_is_decided_by_the_city():
    builder = application().approved()
    app = builder.build()
    district, city = reviewer_for(app), factories.SupervisorFactory(authority=app.district.parent)
    change = file_change(builder, sessions=rows(app, attendance=6000))
    assert change.deciding_authority == app.district.parent
    assert "decide_change" not in workflow.available_actions(app, district)
    assert "市公安局" in workflow.withheld_actions(app, district)["decide_change"]
    with pytest.raises(PermissionDenied, match="市公安局"):
        workflow.change_request_decide(application=app, actor=district, decision="approve")
    assert "decide_change" in workflow.available_actions(app, city)
    workflow.change_request_decide(application=app, actor=city, decision="approve")
    app.refresh_from_db()
    assert app.permit.approved_attendance == 6000 and app.needs_city_decision


def test_a_change_of_venue_within_the_district_applies_and_re_syncs_access():
    builder = application().approved()
    app = builder.build()
    new_venue = factories.VenueFactory(district=app.district, owner=app.organisation, name="湖滨体育场")
    change = file_change(builder, sessions=rows(app), venue=new_venue)
    assert change.what_changes() == ["地点"]
    workflow.change_request_decide(application=app, actor=reviewer_for(app), decision="approve")
    app.refresh_from_db()
    assert app.event.venue == new_venue
    elsewhere = factories.VenueFactory(owner=app.organisation)
    with pytest.raises(ValidationError) as refused:
        file_change(builder, venue=elsewhere)
    assert "venue" in refused.value.message_dict


def test_the_organizer_files_a_change_on_the_page_and_the_reviewer_decides_it_there(client):
    builder = application().approved()
    app = builder.build()
    organizer, reviewer = builder.person("organizer"), reviewer_for(app)
    client.force_login(organizer)
    page = client.get(reverse("approvals:detail", args=[app.pk])).content.decode()
    assert 'data-action="request_change"' in page and 'data-action="cancel"' in page
    session = sessions_of(app.event)[0]
    start = timezone.localtime(session.start_at + timedelta(days=1))
    response = client.post(reverse("review:act", args=[app.pk, "request_change"]), {
        "expected_revision": app.revision, "reason": "推迟一天",
        "session-0-name": "", "session-0-start_at": start.strftime("%Y-%m-%dT%H:%M"),
        "session-0-end_at": (start + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M"),
        "session-0-expected_attendance": "3000"})
    assert response.status_code == 302
    assert ChangeRequest.objects.filter(application=app, status="pending").exists()
    page = client.get(reverse("approvals:detail", args=[app.pk])).content.decode()
    assert 'data-testid="change-pending"' in page
    client.force_login(reviewer)
    page = client.get(reverse("approvals:detail", args=[app.pk])).content.decode()
    assert 'data-action="decide_change"' in page
    client.post(reverse("review:act", args=[app.pk, "decide_change"]),
                {"expected_revision": app.revision, "decision": "approve", "reason": ""})
    app.refresh_from_db()
    assert timezone.localtime(app.event.start_at).date() == start.date()


def test_the_change_request_api():
    builder = application().approved()
    app = builder.build()
    client = APIClient()
    client.force_authenticate(builder.person("organizer"))
    session = sessions_of(app.event)[0]
    body = {"sessions": [{"start_at": (session.start_at + timedelta(hours=1)).isoformat(),
                          "end_at": (session.end_at + timedelta(hours=1)).isoformat(),
                          "expected_attendance": 2800}], "reason": ""}
    response = client.post(f"/api/applications/{app.pk}/workflow/change-request/", body, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    body["reason"] = "推迟一小时"
    response = client.post(f"/api/applications/{app.pk}/workflow/change-request/", body, format="json")
    assert response.status_code == 200, response.json()
    client.force_authenticate(reviewer_for(app))
    response = client.post(f"/api/applications/{app.pk}/workflow/change-decision/",
                           {"decision": "reject", "reason": "不同意"}, format="json")
    assert response.status_code == 200
    assert ChangeRequest.objects.get(application=app).status == "rejected"


# ---------------------------------------------------------------------------------------------- cancellation


def test_a_cancellation_notice_withdraws_the_permit_and_takes_the_event_off_event_day():
    builder = application().approved()
    app = builder.build()
    reviewer = reviewer_for(app)
    file_change(builder)
    organizer = builder.person("organizer")
    with pytest.raises(ValidationError) as refused:
        workflow.application_cancel(application=app, actor=organizer, reason="")
    assert "reason" in refused.value.message_dict
    app = workflow.application_cancel(application=app, actor=organizer, reason="台风预警，活动取消")
    assert app.state == "cancelled"
    permit = app.permit
    assert permit.revoked_at is not None and permit.cancelled_at is not None
    assert app.state not in with_trait("event_day_listed") and app.state in with_trait("terminal")
    assert ChangeRequest.objects.get(application=app).status == ChangeRequest.Status.LAPSED
    assert app.audit_entries.filter(event=AuditEntry.Event.CANCELLED, reason="台风预警，活动取消").exists()
    assert Notification.objects.filter(user=reviewer, application=app, verb="cancel").exists()
    with pytest.raises(ValidationError, match="不能"):
        workflow.application_cancel(application=app, actor=organizer, reason="再次取消")


def test_a_cancelled_city_permit_tells_the_city_and_the_permit_page_says_so(client):
    builder = application(expected_attendance=6000, rated_capacity=8000).approved()
    app = builder.build()
    city = builder.people["decider"]
    workflow.application_cancel(application=app, actor=builder.person("organizer"), reason="主办方取消")
    assert Notification.objects.filter(user=city, application=app, verb="cancel").exists()
    client.force_login(city)
    page = client.get(reverse("review:permit", args=[app.pk])).content.decode()
    assert "取消活动" in page
