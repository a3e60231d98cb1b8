"""The inbox's work-queue tabs: each counts the user's visible applications in its group of states (by trait),
in one query for all tabs, and stops counting past its limit instead of reading a whole big tab."""
import pytest

from approvals.applications import selectors
from approvals.models import ApplicationState
from tests import factories
from tests.performance.test_list_queries import add_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    district = factories.DistrictBureauFactory()
    organisation = factories.OrganisationFactory()
    return {"district": district, "organisation": organisation,
            "venue": factories.VenueFactory(district=district, owner=organisation),
            "organizer": factories.OrganizerUserFactory(organisation=organisation),
            "reviewer": factories.ReviewerFactory(authority=district)}


def counts(user) -> dict:
    return {tab["key"]: (tab["count"], tab["more"]) for tab in selectors.inbox_tab_counts(user)}


def test_each_tab_counts_its_states_and_stops_past_the_limit(world, client, monkeypatch,
                                                             django_assert_num_queries):
    add_rows(world, 3, state=ApplicationState.SUBMITTED)
    add_rows(world, 1, state=ApplicationState.UNDER_REVIEW)
    add_rows(world, 1, state=ApplicationState.REPORTED_TO_CITY)  # its own tab: the city bureau's work
    add_rows(world, 2, state=ApplicationState.APPROVED)
    stranger = factories.ReviewerFactory()  # another district: sees none of them
    with django_assert_num_queries(1):
        assert counts(world["reviewer"]) == {"waiting": (3, False), "deciding": (1, False), "city": (1, False),
                                             "permit": (2, False), "closed": (0, False)}
    assert counts(stranger) == {key: (0, False) for key in ("waiting", "deciding", "city", "permit", "closed")}
    monkeypatch.setattr(selectors, "INBOX_TAB_COUNT_LIMIT", 2)
    assert counts(world["reviewer"])["waiting"] == (2, True)

    client.force_login(world["reviewer"])
    page = client.get("/applications/inbox/").content.decode()
    assert 'data-testid="tab-count-waiting">2+<' in page and 'data-testid="tab-count-deciding">1<' in page
    waiting = client.get("/applications/inbox/?state=submitted&state=returned")
    assert [tab["active"] for tab in waiting.context["tabs"]] == [True, False, False, False, False]
