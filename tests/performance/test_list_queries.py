"""Every list page reads its rows in a fixed number of queries: one row or many, the count is the same (a query
per row is what makes a list of 25 cost 25 round trips, and 100,000 applications cost minutes)."""
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from approvals.access import application_sync_access
from approvals.applications.selectors import current_catalogue
from approvals.models import Application, ApplicationState
from events.models import Event
from tests import factories

pytestmark = pytest.mark.django_db

FEW, MANY = 1, 7


@pytest.fixture
def world():
    district = factories.DistrictBureauFactory()
    organisation = factories.OrganisationFactory()
    return {
        "district": district, "organisation": organisation,
        "venue": factories.VenueFactory(district=district, owner=organisation),
        "organizer": factories.OrganizerUserFactory(organisation=organisation),
        "reviewer": factories.ReviewerFactory(authority=district),
    }


def add_rows(world, count: int, *, state=ApplicationState.SUBMITTED) -> list[Application]:
    """`count` applications of the world's organisation, each with its own security company, granted by
    approvals.access as their facts say (the rows are written directly: a list needs many of them)."""
    rows = []
    for n in range(count):
        start = timezone.now() + timedelta(days=30 + n)
        event = Event.objects.create(
            name=f"列表活动{Event.objects.count()}", kind=Event.Kind.MUSIC_FESTIVAL, venue=world["venue"],
            organisation=world["organisation"], security_company=factories.SecurityCompanyFactory(),
            start_at=start, end_at=start + timedelta(hours=6), expected_attendance=3000, rated_capacity=6000)
        application = Application(
            event=event, organisation=world["organisation"], district=world["district"],
            catalogue=current_catalogue(), created_by=world["organizer"], state=state,
            submitted_at=timezone.now() - timedelta(days=1))
        application.save()
        application_sync_access(application, audit=False)
        rows.append(application)
    return rows


def queries(client, url: str) -> tuple[int, str]:
    client.get(url)  # the first request of a session does more (session, caches)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured), response.content.decode()


LISTS = {
    # name: (who, url, state of the rows, what each row shows)
    "reviewer inbox": ("reviewer", "/applications/inbox/", ApplicationState.SUBMITTED, "reference"),
    "reviewer inbox by start": ("reviewer", "/applications/inbox/?sort=start", ApplicationState.SUBMITTED,
                                "reference"),
    "organizer list": ("organizer", "/applications/", ApplicationState.SUBMITTED, "reference"),
    "list endpoint": ("reviewer", "/api/applications/?page_size=100", ApplicationState.SUBMITTED, "reference"),
    "list endpoint (organizer)": ("organizer", "/api/applications/", ApplicationState.SUBMITTED, "reference"),
    "event-day list": ("reviewer", "/eventday/", ApplicationState.APPROVED, "event"),
    "security companies": ("reviewer", "/eventday/companies/", ApplicationState.APPROVED, "company"),
}


def shown(application, what: str) -> str:
    return {"reference": application.reference, "event": application.event.name,
            "company": application.event.security_company.name}[what]


@pytest.mark.parametrize("name", LISTS)
def test_a_list_page_s_query_count_does_not_grow_with_its_rows(name, world, client):
    who, url, state, what = LISTS[name]
    client.force_login(world[who])
    first = add_rows(world, FEW, state=state)
    few, page = queries(client, url)
    assert all(shown(row, what) in page for row in first)
    more = add_rows(world, MANY - FEW, state=state)
    many, page = queries(client, url)
    assert all(shown(row, what) in page for row in first + more), "every row is on the page"
    assert many == few, f"{name}: {few} queries for {FEW} row(s), {many} for {MANY}"
