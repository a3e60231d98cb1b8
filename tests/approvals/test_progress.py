"""The organizer's progress stepper and next step (issue 14): the stage from the state, the promised time limits,
the running clock's date, what to do next, and who handles it."""
from datetime import date

import pytest
from django.urls import reverse

from approvals.models import ApplicationState as S
from approvals.workflow import progress
from approvals.workflow.deadlines import Deadline
from tests.approvals.workflow_helpers import (  # noqa: F401
    approved, no_fuse_flags, organizer_of, reviewer_of, submitted, under_review,
)

TODAY = date(2026, 12, 1)


def steps(state, clocks=(), permit_issued=False):
    found = progress.progress_steps(state=state, clocks=list(clocks), acceptance_days=5, decision_days=20,
                                    decision_working=True, lead_days=20, event_day=date(2027, 1, 10),
                                    permit_issued=permit_issued)
    return [(s.key, s.status) for s in found], found


def test_each_state_is_at_its_stage():
    assert steps(S.DRAFT)[0][0] == ("apply", "current")
    assert [status for _key, status in steps(S.SUBMITTED)[0]] == ["done", "current", "todo", "todo", "todo"]
    assert [status for _key, status in steps(S.UNDER_REVIEW)[0]] == ["done", "done", "current", "todo", "todo"]
    assert [status for _key, status in steps(S.APPROVED, permit_issued=True)[0]] == [
        "done", "done", "done", "current", "todo"]
    assert [status for _key, status in steps(S.COMPLETED, permit_issued=True)[0]] == ["done"] * 5
    assert [status for _key, status in steps(S.REJECTED)[0]] == ["done", "done", "stopped", "todo", "todo"]
    assert steps(S.CANCELLED, permit_issued=True)[0][-1] == ("event", "stopped")


def test_the_current_stage_carries_its_promise_and_its_running_clock():
    decision = Deadline("decision", date(2026, 12, 29), TODAY, working=True)
    _pairs, found = steps(S.UNDER_REVIEW, [decision])
    current = next(s for s in found if s.status == "current")
    assert current.due == date(2026, 12, 29) and "20 个工作日内作出决定" in current.promise
    assert all(s.due is None for s in found if s.status != "current")
    text = progress.next_step(state=S.UNDER_REVIEW, clocks=[decision], reviewer_name="陈警官")
    assert "2026-12-29" in text and "陈警官" in text


def test_the_next_step_says_what_to_do_and_by_when():
    lead = Deadline("lead", date(2026, 12, 21), TODAY)
    assert "2026-12-21" in progress.next_step(state=S.DRAFT, clocks=[lead])
    deferred = Deadline("deferred", date(2026, 12, 15), TODAY)
    said = progress.next_step(state=S.ACCEPTED_DEFERRED, clocks=[deferred])
    assert "承诺书" in said and "2026-12-15" in said
    signed = progress.next_step(state=S.ACCEPTED_DEFERRED, clocks=[deferred], commitment_signed=True)
    assert "已签署" in signed and "2026-12-15" in signed


@pytest.mark.django_db
@pytest.mark.usefixtures("no_fuse_flags")
def test_the_organizer_sees_the_stepper_the_next_step_and_the_officer_police_do_not(client):
    application = submitted()
    reviewer = reviewer_of(application)
    reviewer.phone = "0571-87000000"
    reviewer.save()
    application = under_review(application, reviewer)
    application.assigned_reviewer = reviewer
    application.save(update_fields=["assigned_reviewer"])
    client.force_login(organizer_of(application))
    page = client.get(reverse("approvals:detail", args=[application.pk])).content.decode()
    assert 'data-step="decide" data-status="current"' in page
    assert 'data-testid="next-step"' in page and "公安机关将在" in page
    assert "0571-87000000" in page
    client.force_login(reviewer)
    assert 'data-testid="progress"' not in client.get(reverse("approvals:detail", args=[application.pk])).content.decode()


@pytest.mark.django_db
@pytest.mark.usefixtures("no_fuse_flags")
def test_the_notice_of_a_deferred_acceptance_says_to_sign_the_commitment_and_by_when():
    from approvals import workflow
    from notifications.models import Notification
    from tests.approvals.workflow_helpers import days_from_today

    application = submitted(upload_deferrable=False)
    due = days_from_today(5)
    workflow.application_accept_with_deferred(application=application, actor=reviewer_of(application),
                                              documents=["liability_insurance", "service_contracts"], due_date=due)
    told = Notification.objects.get(user=organizer_of(application), verb="accept_with_deferred")
    assert "下一步：" in told.message and "承诺书" in told.message and due.isoformat() in told.message
