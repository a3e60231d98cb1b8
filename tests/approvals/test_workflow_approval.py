"""Straight path: accept, review, approve; returns and resubmission; sign-off; assignments; rejections."""
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from approvals import signals, workflow
from approvals.clocks import add_working_days
from approvals.models import Application, AuditEntry, Permit
from notifications.models import Notification
from tests import factories
from tests.approvals.workflow_helpers import (  # noqa: F401
    approved, no_fuse_flags, organizer_of, reviewer_of, set_level, submitted, supervisor_of, under_review,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_fuse_flags")]


def test_straight_approval_issues_a_numbered_permit_audits_signals_and_tells_the_organizer(
        django_capture_on_commit_callbacks):
    application = submitted()
    reviewer = reviewer_of(application)
    received = []
    signals.application_transitioned.connect(lambda **kw: received.append(kw), weak=False, dispatch_uid="t1")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            application = workflow.application_accept(application=application, actor=reviewer,
                                                      expected_revision=application.revision)
            application = workflow.application_start_review(application=application, actor=reviewer)
            application = workflow.application_approve(application=application, actor=reviewer)
    finally:
        signals.application_transitioned.disconnect(dispatch_uid="t1")

    assert application.state == "approved"
    assert application.revision == 4  # submit + accept + start_review + approve
    permit = application.permit
    # In the deciding authority's name and series (a district-level event: the district bureau's).
    assert permit.authority == application.district
    assert re.fullmatch(re.escape(application.district.name) + r"安许〔\d{4}〕第\d+号", permit.number)
    assert permit.kind == Permit.Kind.APPROVED and permit.issued_by == reviewer
    assert any("3000" in c for c in permit.conditions)
    transitions = list(application.audit_entries.filter(action=AuditEntry.Action.TRANSITION)
                       .values_list("transition", "from_state", "to_state"))
    assert transitions[-3:] == [("accept", "submitted", "accepted"), ("start_review", "accepted", "under_review"),
                                ("approve", "under_review", "approved")]
    assert [(r["transition"], r["to_state"]) for r in received] == [
        ("accept", "accepted"), ("start_review", "under_review"), ("approve", "approved")]
    organizer = organizer_of(application)
    assert Notification.objects.filter(user=organizer, application=application, verb="approve").count() == 1
    assert any(organizer.email in m.to and application.event.name in m.subject for m in mail.outbox)


def test_acceptance_starts_the_decision_clock_in_working_days():
    application = submitted()
    application = workflow.application_accept(application=application, actor=reviewer_of(application))
    assert application.decision_due_date == add_working_days(timezone.localdate(), 7)
    assert application.decision_due_date.weekday() < 5


def test_plain_acceptance_is_refused_while_deferrable_documents_are_missing():
    application = submitted(upload_deferrable=False)
    with pytest.raises(ValidationError, match="材料不齐.*容缺受理"):
        workflow.application_accept(application=application, actor=reviewer_of(application))
    application.refresh_from_db()
    assert application.state == "submitted" and application.revision == 1


def test_return_needs_a_reason_and_the_organizer_resubmits():
    application = submitted()
    reviewer = reviewer_of(application)
    with pytest.raises(ValidationError, match="退回理由"):
        workflow.application_return(application=application, actor=reviewer, reason="  ")
    application = workflow.application_return(application=application, actor=reviewer, reason="消防方案不完整")
    assert application.state == "returned" and application.is_editable_by_organizer
    application = workflow.application_resubmit(application=application, actor=organizer_of(application))
    assert application.state == "submitted"
    assert application.audit_entries.filter(transition="return_for_correction", reason="消防方案不完整").exists()


def test_organizer_cannot_accept_or_approve_its_own_application():
    application = submitted()
    with pytest.raises(PermissionDenied):
        workflow.application_accept(application=application, actor=organizer_of(application))


def test_a_reviewer_of_another_district_cannot_act():
    application = submitted()
    stranger = factories.ReviewerFactory()
    with pytest.raises(PermissionDenied):
        workflow.application_accept(application=application, actor=stranger)


@pytest.mark.parametrize("level, city", [("二级", False), ("一级", False), ("", True)])
def test_high_level_or_city_level_needs_a_supervisor_signature(level, city):
    application = submitted()
    if city:
        Application.objects.filter(pk=application.pk).update(needs_city_decision=True)
    set_level(application, level)
    reviewer = reviewer_of(application)
    application = under_review(application, reviewer)
    with pytest.raises(PermissionDenied, match="市公安局决定" if city else "分局领导签批"):
        workflow.application_approve(application=application, actor=reviewer)
    if city:  # the district reports it; the city decides (Order 505 Art. 12)
        application = workflow.application_report_to_city(application=application, actor=reviewer, opinion="同意")
    # City level (≥ 5,000 people): the city bureau's supervisor decides, not the district's (issue 10).
    supervisor = factories.SupervisorFactory(authority=application.district.parent) if city \
        else supervisor_of(application)
    application = workflow.application_approve(application=application, actor=supervisor)
    assert application.permit.signed_by == supervisor


def test_fuse_flags_block_approval_with_their_reasons(monkeypatch):
    application = submitted()
    reviewer = reviewer_of(application)
    application = under_review(application, reviewer)
    monkeypatch.setattr("approvals.risk.bridge.fuse_flags_blocking_approval",
                        lambda application: ["预计人数超过场所安全容量"])
    with pytest.raises(ValidationError, match="安全容量"):
        workflow.application_approve(application=application, actor=reviewer)
    application.refresh_from_db()
    assert application.state == "under_review"
    assert not Permit.objects.filter(application=application).exists()


def test_rejection_needs_a_reason_and_issues_no_permit():
    application = submitted()
    reviewer = reviewer_of(application)
    application = under_review(application, reviewer)
    with pytest.raises(ValidationError, match="理由"):
        workflow.application_reject(application=application, actor=reviewer, reason="")
    application = workflow.application_reject(application=application, actor=reviewer, reason="疏散通道不足")
    assert application.state == "rejected"
    assert not Permit.objects.filter(application=application).exists()


def test_approval_after_the_event_started_is_refused():
    application = submitted()
    reviewer = reviewer_of(application)
    application = under_review(application, reviewer)
    event = application.event
    event.start_at = timezone.now() - timedelta(hours=1)
    event.save(update_fields=["start_at"])
    with pytest.raises(ValidationError, match="活动已开始"):
        workflow.application_approve(application=application, actor=reviewer)


def test_permit_numbers_run_on_within_a_year_per_authority():
    numbers = []
    district = factories.DistrictBureauFactory()
    for _ in range(3):
        application = submitted(venue=factories.VenueFactory(district=district))
        numbers.append(approved(application, reviewer_of(application)).permit.number)
    serials = [int(re.search(r"第(\d+)号", n).group(1)) for n in numbers]
    assert serials == list(range(serials[0], serials[0] + 3))


def test_supervisor_assigns_a_reviewer_of_the_bureau_only():
    application = submitted()
    supervisor = supervisor_of(application)
    reviewer = reviewer_of(application)
    with pytest.raises(PermissionDenied):
        workflow.application_assign_reviewer(application=application, actor=reviewer, reviewer=reviewer)
    with pytest.raises(ValidationError, match="本分局"):
        workflow.application_assign_reviewer(application=application, actor=supervisor,
                                             reviewer=factories.ReviewerFactory())
    application = workflow.application_assign_reviewer(application=application, actor=supervisor, reviewer=reviewer)
    assert application.assigned_reviewer == reviewer
    assert Notification.objects.filter(user=reviewer, verb="assigned").exists()


def test_bureau_names_the_supervising_party():
    application = submitted()
    reviewer = reviewer_of(application)
    assignment = workflow.application_set_supervising_party(
        application=application, actor=reviewer, organisation_name="湖滨区公安分局", responsible_person="陈警官",
        phone="0571-88888888")
    assert assignment.is_named and not assignment.party.named_by_organizer
    with pytest.raises(PermissionDenied):
        workflow.application_set_supervising_party(
            application=application, actor=organizer_of(application), organisation_name="x",
            responsible_person="y", phone="z")


def test_completion_only_after_the_event_ended():
    application = submitted()
    reviewer = reviewer_of(application)
    application = approved(application, reviewer)
    with pytest.raises(ValidationError):
        workflow.application_complete(application=application, actor=reviewer)
    event = application.event
    event.start_at, event.end_at = timezone.now() - timedelta(days=2), timezone.now() - timedelta(days=1)
    event.save(update_fields=["start_at", "end_at"])
    application = workflow.application_complete(application=application, actor=reviewer)
    assert application.state == "completed"


def test_organizer_withdraws_before_the_decision_and_cancels_after_the_permit():
    application = submitted()
    reviewer = reviewer_of(application)
    application = approved(application, reviewer)
    # After the permit it is a cancellation notice (Order 505 Art. 20), not a withdrawal.
    with pytest.raises(ValidationError, match="不能"):
        workflow.application_withdraw(application=application, actor=organizer_of(application))
    with pytest.raises(PermissionDenied):
        workflow.application_cancel(application=application, actor=reviewer, reason="取消")
    application = workflow.application_cancel(application=application, actor=organizer_of(application),
                                              reason="主办方取消活动")
    assert application.state == "cancelled"
    assert Permit.objects.get(application=application).revoked_at is not None


def test_audit_entries_are_append_only():
    application = submitted()
    entry = application.audit_entries.first()
    entry.reason = "改写历史"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
