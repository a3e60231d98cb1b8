"""熔断 and resume: reasons and required changes, what changed, back to the previous state."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from approvals import workflow
from tests.approvals.workflow_helpers import (  # noqa: F401
    approved, no_fuse_flags, organizer_of, reviewer_of, set_level, submitted, with_completed_history,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_fuse_flags")]


def test_suspend_and_resume_record_reasons_changes_and_who():
    application = submitted()
    reviewer = reviewer_of(application)
    application = approved(application, reviewer)
    with pytest.raises(ValidationError) as refused:
        workflow.application_suspend(application=application, actor=reviewer, reasons="大风预警", required_changes="")
    assert "required_changes" in refused.value.message_dict
    application = workflow.application_suspend(application=application, actor=reviewer, reasons="大风橙色预警",
                                               required_changes="拆除临时舞台顶棚")
    assert application.state == "suspended"
    with pytest.raises(ValidationError, match="整改情况"):
        workflow.application_resume(application=application, actor=reviewer, changes_made="")
    application = workflow.application_resume(application=application, actor=reviewer,
                                              changes_made="顶棚已拆除，预警解除")
    assert application.state == "approved"
    suspension = application.suspensions.get()
    assert (suspension.reasons, suspension.required_changes, suspension.changes_made) == (
        "大风橙色预警", "拆除临时舞台顶棚", "顶棚已拆除，预警解除")
    assert suspension.suspended_by == reviewer and suspension.resumed_by == reviewer


def test_resume_returns_a_provisional_permit_to_provisional():
    application = submitted()
    with_completed_history(application.organisation)
    set_level(application, "四级")
    reviewer = reviewer_of(application)
    application = workflow.application_accept(application=application, actor=reviewer)
    application = workflow.application_approve_provisionally(application=application, actor=reviewer)
    application = workflow.application_suspend(application=application, actor=reviewer, reasons="超员",
                                               required_changes="限流")
    application = workflow.application_resume(application=application, actor=reviewer, changes_made="已限流")
    assert application.state == "provisionally_approved"


def test_organizer_can_neither_suspend_nor_resume():
    application = submitted()
    reviewer = reviewer_of(application)
    application = approved(application, reviewer)
    organizer = organizer_of(application)
    with pytest.raises(PermissionDenied):
        workflow.application_suspend(application=application, actor=organizer, reasons="x", required_changes="y")
    application = workflow.application_suspend(application=application, actor=reviewer, reasons="x",
                                               required_changes="y")
    with pytest.raises(PermissionDenied):
        workflow.application_resume(application=application, actor=organizer, changes_made="z")


def test_a_suspended_permit_can_be_revoked():
    application = submitted()
    reviewer = reviewer_of(application)
    application = approved(application, reviewer)
    application = workflow.application_suspend(application=application, actor=reviewer, reasons="火灾隐患无法整改",
                                               required_changes="—")
    application = workflow.application_revoke(application=application, actor=reviewer, reason="隐患无法消除")
    assert application.state == "revoked"
