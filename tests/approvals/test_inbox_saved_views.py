"""Saved views of the queue: a reviewer names the current filter set; it is listed for that reviewer only, opens
the same filters, and only its owner deletes it."""
import pytest
from django.urls import reverse

from approvals.models import SavedInboxView
from tests import factories

pytestmark = pytest.mark.django_db
VIEWS = reverse("approvals:inbox_views")


def reviewer():
    return factories.ReviewerFactory(authority=factories.DistrictBureauFactory())


def test_a_reviewer_saves_the_filters_and_only_that_reviewer_sees_the_view(client):
    owner, other = reviewer(), reviewer()
    client.force_login(owner)
    response = client.post(VIEWS, {"name": " 本周大型 ", "query": "state=submitted&state=accepted&sort=urgency&page=3"})
    view = SavedInboxView.objects.get(user=owner)
    assert view.name == "本周大型" and view.query == "sort=urgency&state=submitted&state=accepted"
    assert response.status_code == 302 and response["Location"].endswith("?" + view.query)
    listed = client.get(VIEWS, {"current": view.query}).content.decode()
    assert "本周大型" in listed and 'aria-current="page"' in listed
    assert 'data-testid="save-view"' in client.get(reverse("approvals:inbox"), {"state": "submitted"}).content.decode()
    client.force_login(other)
    assert "本周大型" not in client.get(VIEWS).content.decode()
    assert client.post(reverse("approvals:inbox_view_delete"), {"view": view.pk}).status_code == 404
    assert SavedInboxView.objects.filter(pk=view.pk).exists()
    client.force_login(owner)
    client.post(reverse("approvals:inbox_view_delete"), {"view": view.pk})
    assert not SavedInboxView.objects.exists()


def test_the_same_name_replaces_a_nameless_view_is_refused_and_organizers_have_none(client):
    owner = reviewer()
    client.force_login(owner)
    client.post(VIEWS, {"name": "待受理", "query": "state=submitted"})
    client.post(VIEWS, {"name": "待受理", "query": "state=submitted&q=音乐"})
    assert list(SavedInboxView.objects.values_list("query", flat=True)) == ["q=%E9%9F%B3%E4%B9%90&state=submitted"]
    client.post(VIEWS, {"name": "  ", "query": "state=accepted"})
    assert SavedInboxView.objects.count() == 1
    client.force_login(factories.OrganizerUserFactory())
    assert client.get(VIEWS).status_code == 403
    assert client.post(VIEWS, {"name": "x", "query": ""}).status_code == 403
