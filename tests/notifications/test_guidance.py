"""Notices say what to do and by when, with a priority (urgent / normal / info), and the list filters and sorts."""
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from approvals import workflow
from notifications.models import Notification
from notifications.services import email_body, notify
from tests import factories
from tests.support import builder
from tests.approvals.workflow_helpers import (  # noqa: F401
    approved, days_from_today, no_fuse_flags, organizer_of, reviewer_of, submitted, under_review,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_fuse_flags")]
DEFERRED = ["liability_insurance", "service_contracts"]


def told(application, user, verb):
    return Notification.objects.get(application=application, user=user, verb=verb)


def test_deferred_acceptance_tells_the_organizer_to_sign_and_deliver_by_the_date():
    application = submitted(upload_deferrable=False)
    due = days_from_today(10)
    workflow.application_accept_with_deferred(application=application, actor=reviewer_of(application),
                                              documents=DEFERRED, due_date=due)
    notice = told(application, organizer_of(application), "accept_with_deferred")
    assert notice.due_date == due and notice.priority == Notification.Priority.NORMAL
    assert "签署容缺承诺书" in notice.action and f"{due.month} 月 {due.day} 日" in notice.action
    assert "承诺书" in email_body(notice) and due.isoformat() in email_body(notice)


def test_a_correction_lists_its_items_and_deadline_and_the_police_get_their_own_task():
    draft = builder.application(None).filled().build()
    reviewer = reviewer_of(draft)  # in the district before the submission: told of it
    application = builder.builder_for(draft).submitted().build()
    organizer = organizer_of(application)
    police_told = Notification.objects.filter(application=application, verb="submit").exclude(
        user__organisation=application.organisation)
    assert police_told.exists() and all("受理" in n.action and n.due_date for n in police_told)
    due = timezone.localdate() + timedelta(days=7)
    workflow.application_return(application=application, actor=reviewer, reason="消防章节不全",
                                items=["section:fire_safety"], due_date=due)
    notice = told(application, organizer, "return_for_correction")
    assert notice.due_date == due and "重新提交" in notice.action and "消防" in notice.action


def test_a_permit_says_what_to_carry_on_the_day_and_info_notices_ask_nothing(client):
    application = submitted()
    application = approved(application, reviewer_of(application))
    organizer = organizer_of(application)
    permit = told(application, organizer, "approve")
    assert "携带" in permit.action and "许可决定书" in permit.action
    assert permit.due_date == timezone.localtime(application.event.start_at).date()
    accepted = Notification.objects.filter(application=application, user=organizer, verb="accept").first()
    if accepted is not None:
        assert accepted.priority == Notification.Priority.INFO and accepted.action == ""


def test_the_list_filters_by_priority_and_unread_and_sorts_by_priority_and_due(client):
    user = factories.UserFactory()
    soon, later = timezone.localdate() + timedelta(days=2), timezone.localdate() + timedelta(days=9)
    (info,) = notify(users=[user], verb="accept", message="已受理", priority=Notification.Priority.INFO)
    (urgent,) = notify(users=[user], verb="suspend", message="已熔断", action="立即停止")
    (late,) = notify(users=[user], verb="x", message="晚", action="做", due_date=later)
    (near,) = notify(users=[user], verb="x", message="近", action="做", due_date=soon)
    Notification.objects.filter(pk=info.pk).update(read_at=timezone.now())
    client.force_login(user)

    def listed(**params):
        return [n.pk for n in client.get(reverse("notifications:list"), params).context["page"]]

    assert urgent.priority == Notification.Priority.HIGH and near.priority == Notification.Priority.NORMAL
    assert listed(priority="info") == [info.pk]
    assert listed(priority="high") == [urgent.pk]
    assert info.pk not in listed(unread="1")
    assert listed(sort="priority")[0] == urgent.pk and listed(sort="priority")[-1] == info.pk
    assert listed(sort="due")[:2] == [near.pk, late.pk]
    assert len(listed(priority="bogus", sort="bogus")) == 4
    page = client.get(reverse("notifications:list")).content.decode()
    assert "需要您做的" in page and 'data-testid="urgent"' in page and 'data-testid="priority-info"' in page
    assert "还剩 2 天" in page
    assert mail.outbox == [] or all("需要您做的" in m.body for m in mail.outbox if "立即停止" in m.body)
