"""Bulk assign from the queue: a supervisor ticks rows and names one officer of the bureau; each row passes the
single assignment's checks and is audited; one row that may not be assigned refuses the whole batch (nothing
changed, the refusal names the row)."""
import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from approvals.models import AuditEntry
from tests import factories
from tests.approvals.workflow_helpers import no_fuse_flags, submitted  # noqa: F401
from tests.support import builder

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_fuse_flags")]
URL = reverse("approvals:inbox_assign")


def two_of_one_district():
    organizer = factories.OrganizerUserFactory()
    venue = factories.VenueFactory(owner=organizer.organisation)
    first = submitted(organizer, venue=venue)
    second = submitted(organizer, venue=venue)
    assert first.district_id == second.district_id
    return first, second


def assigned(*applications):
    return [type(a).objects.get(pk=a.pk).assigned_reviewer_id for a in applications]


def test_a_supervisor_assigns_the_ticked_rows_to_one_officer_each_audited(client):
    first, second = two_of_one_district()
    supervisor, reviewer = builder.supervisor_for(first), builder.reviewer_for(first)
    client.force_login(supervisor)
    choice = client.get(URL).content.decode()
    assert f'value="{reviewer.pk}"' in choice
    response = client.post(URL, {"applications": [first.pk, second.pk], "reviewer": reviewer.pk})
    assert response.status_code == 302
    assert assigned(first, second) == [reviewer.pk, reviewer.pk]
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ASSIGNED, application__in=[first, second]).count() == 2
    inbox = client.get(reverse("approvals:inbox")).content.decode()
    assert 'data-testid="bulk-assign"' in inbox and f'data-testid="pick-{first.pk}"' in inbox


def test_one_row_of_another_bureau_refuses_the_whole_batch(client):
    first, second = two_of_one_district()
    elsewhere = submitted()  # another organizer's venue, another district bureau
    assert elsewhere.district_id != first.district_id
    supervisor, reviewer = builder.supervisor_for(first), builder.reviewer_for(first)
    client.force_login(supervisor)
    response = client.post(URL, {"applications": [first.pk, elsewhere.pk, second.pk], "reviewer": reviewer.pk})
    assert response.status_code == 302
    assert assigned(first, second, elsewhere) == [None, None, None]
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.ASSIGNED).exists()
    told = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "整批未执行" in told and f"#{elsewhere.pk}" in told


def test_a_reviewer_of_another_bureau_is_not_offered_and_not_accepted(client):
    first, second = two_of_one_district()
    supervisor = builder.supervisor_for(first)
    outsider = builder.reviewer_for(submitted())
    client.force_login(supervisor)
    assert f'value="{outsider.pk}"' not in client.get(URL).content.decode()
    client.post(URL, {"applications": [first.pk], "reviewer": outsider.pk})
    assert assigned(first) == [None]


def test_only_supervisors_bulk_assign(client):
    first, _second = two_of_one_district()
    reviewer = builder.reviewer_for(first)
    client.force_login(reviewer)
    assert client.post(URL, {"applications": [first.pk], "reviewer": reviewer.pk}).status_code == 403
    assert client.get(URL).status_code == 403
    assert 'data-testid="bulk-assign"' not in client.get(reverse("approvals:inbox")).content.decode()
