"""先批后审: only level 四级 with a clean record; confirmed, revoked, or suspended when overdue."""
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from approvals import workflow
from approvals.models import Permit, Suspension
from tests.approvals.workflow_helpers import (  # noqa: F401
    days_from_today, force_state, no_fuse_flags, organizer_of, reviewer_of, set_level, submitted,
    with_completed_history,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_fuse_flags")]


def eligible_accepted():
    application = submitted()
    with_completed_history(application.organisation)
    set_level(application, "四级")
    reviewer = reviewer_of(application)
    return workflow.application_accept(application=application, actor=reviewer), reviewer


def test_provisional_permit_is_issued_with_the_post_review_condition():
    application, reviewer = eligible_accepted()
    application = workflow.application_approve_provisionally(application=application, actor=reviewer)
    assert application.state == "provisionally_approved"
    event_day = timezone.localtime(application.event.start_at).date()
    assert application.post_review_due_date == event_day - timedelta(days=3)
    assert application.permit.kind == Permit.Kind.PROVISIONAL
    assert any("先批后审" in c for c in application.permit.conditions)


def test_post_review_confirmed_turns_it_into_a_full_permit_with_the_same_number():
    application, reviewer = eligible_accepted()
    application = workflow.application_approve_provisionally(application=application, actor=reviewer)
    number = application.permit.number
    application = workflow.application_confirm_post_review(application=application, actor=reviewer)
    permit = Permit.objects.get(application=application)
    assert application.state == "approved"
    assert (permit.kind, permit.number) == (Permit.Kind.APPROVED, number)
    assert not any("先批后审" in c for c in permit.conditions)


def test_post_review_failed_revokes_with_reasons():
    application, reviewer = eligible_accepted()
    application = workflow.application_approve_provisionally(application=application, actor=reviewer)
    with pytest.raises(ValidationError, match="理由"):
        workflow.application_revoke(application=application, actor=reviewer, reason="")
    application = workflow.application_revoke(application=application, actor=reviewer,
                                              reason="实地核查发现疏散通道被占用")
    assert application.state == "revoked"
    assert Permit.objects.get(application=application).revoked_at is not None
    assert application.audit_entries.get(transition="revoke").reason == "实地核查发现疏散通道被占用"


def test_post_review_not_done_in_time_suspends():
    application, reviewer = eligible_accepted()
    application = workflow.application_approve_provisionally(application=application, actor=reviewer)
    due = application.post_review_due_date
    assert workflow.deadlines_enforce(today=due)["suspended"] == 0  # the due date itself is still in time
    assert workflow.deadlines_enforce(today=due + timedelta(days=1))["suspended"] == 1
    assert workflow.deadlines_enforce(today=due + timedelta(days=1))["suspended"] == 0
    application.refresh_from_db()
    assert application.state == "suspended"
    assert application.suspensions.get().cause == Suspension.Cause.POST_REVIEW_OVERDUE


@pytest.mark.parametrize("level", ["三级", ""])
def test_only_level_four_may_be_approved_then_reviewed(level):
    application, reviewer = eligible_accepted()
    set_level(application, level)
    with pytest.raises(ValidationError, match="四级"):
        workflow.application_approve_provisionally(application=application, actor=reviewer)
    application.refresh_from_db()
    assert application.state == "accepted"


def test_organizer_without_a_completed_event_is_not_eligible():
    application = submitted()
    set_level(application, "四级")
    reviewer = reviewer_of(application)
    application = workflow.application_accept(application=application, actor=reviewer)
    with pytest.raises(ValidationError, match="已完成的活动"):
        workflow.application_approve_provisionally(application=application, actor=reviewer)


def test_a_suspension_in_the_past_year_spoils_the_record():
    application, reviewer = eligible_accepted()
    other = submitted(organizer_of(application))
    other_reviewer = reviewer_of(other)
    other = workflow.application_accept(application=other, actor=other_reviewer)
    other = workflow.application_start_review(application=other, actor=other_reviewer)
    other = workflow.application_approve(application=other, actor=other_reviewer)
    workflow.application_suspend(application=other, actor=other_reviewer, reasons="现场秩序混乱",
                                 required_changes="增加安保力量")
    with pytest.raises(ValidationError, match="熔断"):
        workflow.application_approve_provisionally(application=application, actor=reviewer)
