"""Notifications: told once per key, emails after commit and once only, read state, own rows only."""
import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from rest_framework.test import APIClient

from notifications.models import Notification
from notifications.services import notification_email_deliver, notify
from tests import factories

pytestmark = pytest.mark.django_db


def test_notify_is_idempotent_per_dedupe_key():
    user = factories.UserFactory()
    assert len(notify(users=[user, user], verb="approve", message="已许可", dedupe_key="audit:1")) == 1
    assert notify(users=[user], verb="approve", message="已许可", dedupe_key="audit:1") == []
    assert Notification.objects.filter(user=user).count() == 1


def test_email_is_sent_after_commit_and_only_once(django_capture_on_commit_callbacks):
    user = factories.UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        (notification,) = notify(users=[user], verb="suspend", message="活动已熔断", dedupe_key="k")
        assert mail.outbox == []  # nothing leaves before the commit
    assert [m.to for m in mail.outbox] == [[user.email]] and "活动已熔断" in mail.outbox[0].body
    assert notification_email_deliver(notification_id=notification.pk) is False
    assert len(mail.outbox) == 1


def test_rolled_back_notifications_send_no_email(django_capture_on_commit_callbacks):
    user = factories.UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                notify(users=[user], verb="x", message="y")
                raise RuntimeError
        except RuntimeError:
            pass
    assert mail.outbox == [] and not Notification.objects.exists()


def test_inactive_users_and_users_without_email_get_no_email(django_capture_on_commit_callbacks):
    inactive = factories.UserFactory(is_active=False)
    silent = factories.UserFactory(email="")
    with django_capture_on_commit_callbacks(execute=True):
        created = notify(users=[inactive, silent], verb="x", message="y")
    assert [n.user for n in created] == [silent] and mail.outbox == []


def test_page_lists_only_own_notifications_and_marks_them_read(client):
    user, other = factories.UserFactory(), factories.UserFactory()
    (mine,) = notify(users=[user], verb="x", message="我的通知")
    (theirs,) = notify(users=[other], verb="x", message="别人的通知")
    client.force_login(user)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "我的通知" in page and "别人的通知" not in page
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    client.post(reverse("notifications:read", args=[mine.pk]))
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_api_lists_counts_and_marks_read():
    user = factories.UserFactory()
    notify(users=[user], verb="a", message="一")
    notify(users=[user], verb="b", message="二")
    client = APIClient()
    client.force_authenticate(user)
    assert client.get("/api/notifications/unread-count/").json() == {"unread": 2}
    rows = client.get("/api/notifications/").json()["results"]
    assert [r["message"] for r in rows] == ["二", "一"]
    client.post(f"/api/notifications/{rows[0]['id']}/read/")
    assert client.get("/api/notifications/unread-count/").json() == {"unread": 1}
    assert client.post("/api/notifications/read-all/").json() == {"marked": 1}


def test_list_page_query_count_does_not_grow(client, django_assert_num_queries):
    user = factories.UserFactory()
    application = factories.create_application()
    client.force_login(user)
    notify(users=[user], verb="x", message="m", application=application)
    client.get(reverse("notifications:list"))
    with django_assert_num_queries(5) as one:
        client.get(reverse("notifications:list"))
    for i in range(10):
        notify(users=[user], verb="x", message=f"m{i}", application=application)
    with django_assert_num_queries(len(one)):
        client.get(reverse("notifications:list"))
