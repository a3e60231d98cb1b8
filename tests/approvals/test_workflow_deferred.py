"""容缺受理: deferrable documents only, due date rule, signed commitment, delivery, reminder, automatic suspension."""
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from approvals.applications import services
from approvals import workflow
from approvals.models import ApplicationDocument, AuditEntry, DeferredCommitment, Suspension
from approvals.workflow.tasks import deadlines_check
from notifications.models import Notification
from tests import factories
from tests.approvals.workflow_helpers import (  # noqa: F401
    days_from_today, no_fuse_flags, organizer_of, reviewer_of, submitted,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_fuse_flags")]
DEFERRED = ["liability_insurance", "service_contracts"]


def accepted_with_deferred(due_in_days: int = 10, **facts):
    application = submitted(upload_deferrable=False, **facts)
    reviewer = reviewer_of(application)
    application = workflow.application_accept_with_deferred(
        application=application, actor=reviewer, documents=DEFERRED, due_date=days_from_today(due_in_days))
    return application, reviewer


def statuses(application):
    return dict(application.documents.values_list("document_type__code", "status"))


def test_accept_with_deferred_marks_documents_and_asks_the_organizer_to_sign():
    application, _reviewer = accepted_with_deferred()
    assert application.state == "accepted_deferred"
    assert statuses(application)["liability_insurance"] == ApplicationDocument.Status.DEFERRED
    commitment = application.deferred_commitments.get()
    assert commitment.due_date == days_from_today(10) and commitment.signed_at is None
    assert sorted(d.document_type.code for d in commitment.outstanding_documents()) == sorted(DEFERRED)
    organizer = organizer_of(application)
    workflow.deferred_commitment_sign(commitment=commitment, actor=organizer)
    commitment.refresh_from_db()
    assert commitment.signed_by == organizer
    assert application.audit_entries.filter(action=AuditEntry.Action.COMMITMENT_SIGNED).exists()
    with pytest.raises(ValidationError, match="已于"):
        workflow.deferred_commitment_sign(commitment=commitment, actor=organizer)


def test_deferred_documents_delivered_in_time_clear_the_condition():
    application, reviewer = accepted_with_deferred()
    organizer = organizer_of(application)
    application = workflow.application_start_review(application=application, actor=reviewer)
    with pytest.raises(ValidationError, match="承诺书尚未"):
        workflow.application_approve(application=application, actor=reviewer)
    for code in DEFERRED:
        services.document_upload(application=application, user=organizer, document_type_code=code,
                                 uploaded=factories.pdf_upload())
    assert {statuses(application)[code] for code in DEFERRED} == {ApplicationDocument.Status.PROVIDED}
    assert application.deferred_commitments.get().is_fulfilled
    application = workflow.application_approve(application=application, actor=reviewer)
    assert not any("容缺" in c for c in application.permit.conditions)
    assert deadlines_check() == {"reminded": 0, "suspended": 0}


def test_permit_lists_outstanding_deferred_documents_as_conditions():
    application, reviewer = accepted_with_deferred()
    workflow.deferred_commitment_sign(commitment=application.deferred_commitments.get(),
                                      actor=organizer_of(application))
    application = workflow.application_start_review(application=application, actor=reviewer)
    application = workflow.application_approve(application=application, actor=reviewer)
    assert sum("容缺材料" in c for c in application.permit.conditions) == 2


@pytest.mark.parametrize("documents, due_in_days, message", [
    (["event_plan"], 10, "不可容缺"),
    (["liability_insurance"], 10, "一并容缺"),
    ([], 10, "请选择"),
    (DEFERRED, 39, "最迟为活动开始前 3 天"),
    (DEFERRED, -1, "不能早于今天"),
])
def test_bad_deferral_is_refused_and_changes_nothing(documents, due_in_days, message):
    application = submitted(upload_deferrable=False)
    before = statuses(application)
    with pytest.raises(ValidationError, match=message):
        workflow.application_accept_with_deferred(
            application=application, actor=reviewer_of(application), documents=documents,
            due_date=days_from_today(due_in_days))
    application.refresh_from_db()
    assert application.state == "submitted" and statuses(application) == before
    assert not DeferredCommitment.objects.filter(application=application).exists()


def test_due_date_exactly_three_days_before_the_event_is_accepted():
    application = submitted(upload_deferrable=False)
    event_day = timezone.localtime(application.event.start_at).date()
    application = workflow.application_accept_with_deferred(
        application=application, actor=reviewer_of(application), documents=DEFERRED,
        due_date=event_day - timedelta(days=3))
    assert application.state == "accepted_deferred"


def _approved_with_outstanding(due_in_days):
    application, reviewer = accepted_with_deferred(due_in_days=due_in_days)
    workflow.deferred_commitment_sign(commitment=application.deferred_commitments.get(),
                                      actor=organizer_of(application))
    application = workflow.application_start_review(application=application, actor=reviewer)
    return workflow.application_approve(application=application, actor=reviewer), reviewer


def test_reminder_two_days_before_the_due_date_is_sent_once(django_capture_on_commit_callbacks):
    application, _reviewer = _approved_with_outstanding(due_in_days=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert deadlines_check()["reminded"] == 1
        assert deadlines_check()["reminded"] == 0
    organizer = organizer_of(application)
    assert Notification.objects.filter(user=organizer, verb="deferred_reminder").count() == 1
    assert sum(organizer.email in m.to for m in mail.outbox) >= 1
    application.refresh_from_db()
    assert application.state == "approved"


def test_deferred_documents_missed_suspend_the_permit_automatically_once():
    application, reviewer = _approved_with_outstanding(due_in_days=1)
    tomorrow = days_from_today(1)
    assert workflow.deadlines_enforce(today=tomorrow)["suspended"] == 1
    assert workflow.deadlines_enforce(today=tomorrow)["suspended"] == 0
    application.refresh_from_db()
    assert application.state == "suspended"
    suspension = application.suspensions.get()
    assert suspension.automatic and suspension.cause == Suspension.Cause.DEFERRED_MISSED
    assert "公众责任保险" in suspension.reasons
    assert Notification.objects.filter(user=organizer_of(application), verb="suspend").exists()
    assert Notification.objects.filter(user=reviewer, verb="suspend").exists()
    entry = application.audit_entries.get(transition="suspend")
    assert entry.actor is None and entry.from_state == "approved"


def test_missed_due_date_before_approval_tells_but_suspends_nothing():
    application, _reviewer = accepted_with_deferred(due_in_days=1)
    assert workflow.deadlines_enforce(today=days_from_today(1))["suspended"] == 0
    application.refresh_from_db()
    assert application.state == "accepted_deferred"
    assert Notification.objects.filter(verb="deferred_missed", application=application).exists()


def test_deadline_check_is_in_the_beat_schedule_under_the_registered_task_name(settings):
    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["approvals-deadlines-daily"]
    assert entry["task"] == deadlines_check.name
    assert entry["task"] in app.tasks


@pytest.mark.worker
def test_missed_deferred_documents_suspend_through_a_real_worker(celery_worker_over_redis):
    """The beat task, sent over Redis and run by a worker, suspends the permit on the due date."""
    application, _reviewer = _approved_with_outstanding(due_in_days=1)
    # The worker runs "today": the due date arrives (set-up of the passage of time).
    application.deferred_commitments.update(due_date=timezone.localdate())
    ApplicationDocument.objects.filter(application=application, status="deferred").update(
        deferred_due_date=timezone.localdate())
    result = deadlines_check.delay()
    assert result.get(timeout=60) == {"reminded": 0, "suspended": 1}
    application.refresh_from_db()
    assert application.state == "suspended"
    assert application.suspensions.get().cause == Suspension.Cause.DEFERRED_MISSED
