"""The reviewer inbox page: what police see (never drafts, never another district's), filters, sorts, pages,
flags, and a query count that does not grow with the page."""
from datetime import timedelta

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from approvals.models import Application, ApplicationState
from approvals.applications.selectors import current_catalogue, inbox_queryset
from events.models import Event
from tests import factories

pytestmark = pytest.mark.django_db

# session, user, roles, count, rows, the rows' corrections and clock extensions, the holiday calendar and the
# clock policies (approvals.clocks), the suspension banner, the work-queue tabs' counts, session save (3): the
# same for 1 row and for 25; the level filter's choices (the model's levels)
INBOX_QUERIES = 12


@pytest.fixture
def district():
    return factories.DistrictBureauFactory()


@pytest.fixture
def organisation():
    return factories.OrganisationFactory()


@pytest.fixture
def venue(district, organisation):
    return factories.VenueFactory(district=district, owner=organisation)


@pytest.fixture
def reviewer_client(client, district):
    client.force_login(factories.ReviewerFactory(authority=district))
    return client


def inbox_row(venue, *, name="音乐节", attendance=3000, start_in_days=40, submitted_days_ago=1, late=False,
              state=ApplicationState.SUBMITTED) -> Application:
    """A row as the inbox reads it (application, event, venue, organisation), written directly because
    the inbox needs many of them; the full submit path is exercised by test_a_really_submitted_application_*."""
    start = timezone.now() + timedelta(days=start_in_days)
    event = Event.objects.create(
        name=name, kind=Event.Kind.MUSIC_FESTIVAL, venue=venue, organisation=venue.owner, start_at=start,
        end_at=start + timedelta(hours=6), expected_attendance=attendance, rated_capacity=max(attendance, 1000))
    application = Application(
        event=event, organisation=venue.owner, district=venue.district, catalogue=current_catalogue(),
        created_by=factories.OrganizerUserFactory(organisation=venue.owner), state=state,
        submitted_at=None if state == ApplicationState.DRAFT else timezone.now() - timedelta(days=submitted_days_ago),
        is_late=late, needs_city_decision=attendance >= 5000)
    application.save()
    if state != ApplicationState.DRAFT:
        factories.grant_police_access(application)
    return application


def references(response) -> list[str]:
    return [application.reference for application in response.context["page"].object_list]


def inbox(client, **params):
    return client.get(reverse("approvals:inbox"), params)


# ---------------------------------------------------------------------------------------------- who sees what


def test_a_really_submitted_application_reaches_its_districts_inbox_and_no_other(client):
    application = factories.submitted_application()
    client.force_login(factories.ReviewerFactory(authority=application.district))
    response = inbox(client)
    assert references(response) == [application.reference]
    assert application.event.name in response.content.decode()
    client.force_login(factories.ReviewerFactory())
    assert references(inbox(client)) == []


def test_drafts_never_appear_in_the_inbox(reviewer_client, venue, district):
    draft = inbox_row(venue, state=ApplicationState.DRAFT)
    # Even if the bureau could see it, a draft is not the police's business yet.
    factories.grant_police_access(draft)
    submitted = inbox_row(venue)
    assert references(inbox(reviewer_client)) == [submitted.reference]
    reviewer = factories.ReviewerFactory(authority=district)
    assert list(inbox_queryset(reviewer, QueryDict())) == [submitted]


def test_another_districts_applications_are_not_listed(reviewer_client, venue):
    other_venue = factories.VenueFactory(owner=venue.owner)  # in a district of its own
    inbox_row(other_venue, name="别区的活动")
    mine = inbox_row(venue)
    response = inbox(reviewer_client)
    assert references(response) == [mine.reference] and "别区的活动" not in response.content.decode()


def test_the_city_bureau_sees_its_districts_work(client, venue):
    row = inbox_row(venue, attendance=8000)
    city_supervisor = factories.SupervisorFactory(authority=venue.district.parent)
    client.force_login(city_supervisor)
    assert references(inbox(client)) == [row.reference]


@pytest.mark.parametrize("factory", [factories.OrganizerUserFactory, factories.CultureOfficialFactory])
def test_the_inbox_is_for_police_only(client, factory):
    client.force_login(factory())
    assert inbox(client).status_code == 403


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = inbox(client)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# ---------------------------------------------------------------------------------------------- filters and sorts


def test_filter_by_state_late_city_level_and_search(reviewer_client, venue):
    late = inbox_row(venue, name="迟到的灯会", late=True)
    big = inbox_row(venue, name="万人马拉松", attendance=20000)
    returned = inbox_row(venue, name="退回的展会", state=ApplicationState.RETURNED)
    assert references(inbox(reviewer_client, is_late="true")) == [late.reference]
    assert references(inbox(reviewer_client, needs_city_decision="true")) == [big.reference]
    assert references(inbox(reviewer_client, state="returned")) == [returned.reference]
    assert set(references(inbox(reviewer_client, state=["returned", "submitted"]))) == {
        late.reference, big.reference, returned.reference}
    assert references(inbox(reviewer_client, q="马拉松")) == [big.reference]
    assert references(inbox(reviewer_client, q=big.reference[-6:])) == [big.reference]


def test_filter_by_event_start_and_submission_dates(reviewer_client, venue):
    soon = inbox_row(venue, start_in_days=10, submitted_days_ago=1)
    later = inbox_row(venue, start_in_days=60, submitted_days_ago=20)
    cut = (timezone.localdate() + timedelta(days=30)).isoformat()
    assert references(inbox(reviewer_client, start_before=cut)) == [soon.reference]
    assert references(inbox(reviewer_client, start_after=cut)) == [later.reference]
    week_ago = (timezone.localdate() - timedelta(days=7)).isoformat()
    assert references(inbox(reviewer_client, submitted_after=week_ago)) == [soon.reference]
    assert references(inbox(reviewer_client, submitted_before=week_ago)) == [later.reference]


def test_an_invalid_filter_value_is_ignored_not_an_error(reviewer_client, venue):
    row = inbox_row(venue)
    response = inbox(reviewer_client, start_after="not-a-date", sort="nonsense")
    assert response.status_code == 200 and references(response) == [row.reference]


def test_sort_by_submission_start_attendance_and_reference(reviewer_client, venue):
    a = inbox_row(venue, attendance=2000, start_in_days=50, submitted_days_ago=3)
    b = inbox_row(venue, attendance=9000, start_in_days=30, submitted_days_ago=1)
    c = inbox_row(venue, attendance=4000, start_in_days=40, submitted_days_ago=2)
    assert references(inbox(reviewer_client, sort="submitted")) == [a.reference, c.reference, b.reference]
    assert references(inbox(reviewer_client, sort="-submitted")) == [b.reference, c.reference, a.reference]
    assert references(inbox(reviewer_client, sort="start")) == [b.reference, c.reference, a.reference]
    assert references(inbox(reviewer_client, sort="-attendance")) == [b.reference, c.reference, a.reference]
    assert references(inbox(reviewer_client, sort="reference")) == sorted([a.reference, b.reference, c.reference])


def test_late_and_city_level_flags_are_shown(reviewer_client, venue):
    inbox_row(venue, late=True, attendance=6000)
    page = inbox(reviewer_client).content.decode()
    assert "逾期申请" in page and "需市级决定" in page


def test_each_row_shows_its_level_and_its_latest_fuse_flags(reviewer_client, venue, django_assert_num_queries):
    from riskassess.models import Assessment, RiskModelVersion

    flagged, calm = inbox_row(venue, name="有熔断标记"), inbox_row(venue, name="无标记")
    version = RiskModelVersion.objects.get(is_current=True)
    Application.objects.filter(pk=flagged.pk).update(security_level="二级")
    old = dict(model_version=version, total=50, computed_level="二级", level="二级")
    Assessment.objects.create(application=flagged, **old, fuse_flags=[{"code": "x", "reason": "旧的标记"}])
    Assessment.objects.create(application=flagged, **old, fuse_flags=[
        {"code": "over_capacity", "reason": "预计人数超过核定容量"}, {"code": "exits", "reason": "出口不足"}])
    Assessment.objects.create(application=calm, **old, fuse_flags=[])
    inbox(reviewer_client)
    with django_assert_num_queries(INBOX_QUERIES):  # in the rows' own query
        page = inbox(reviewer_client).content.decode()
    row = page[page.index("有熔断标记"):]
    row = row[:row.index("</tr>")]
    assert "2 项熔断标记" in row and "预计人数超过核定容量；出口不足" in row and "旧的标记" not in row
    assert 'data-testid="level" data-label="安保等级">二级</td>' in row
    calm_row = page[page.index("无标记"):]
    assert 'data-testid="fuse-flags"' not in calm_row[:calm_row.index("</tr>")]


# ---------------------------------------------------------------------------------------------- pages and queries


def test_twenty_five_per_page_and_the_filters_survive_paging(reviewer_client, venue):
    rows = [inbox_row(venue, late=True, submitted_days_ago=30 - i) for i in range(26)]
    inbox_row(venue, late=False)
    first = inbox(reviewer_client, is_late="true")
    assert len(references(first)) == 25 and first.context["page"].paginator.count == 26
    assert "is_late=true&amp;page=2" in first.content.decode()
    second = inbox(reviewer_client, is_late="true", page=2)
    assert references(second) == [rows[-1].reference]


def test_the_query_count_does_not_grow_with_the_page(reviewer_client, venue, django_assert_num_queries):
    inbox_row(venue)
    inbox(reviewer_client)  # warm up: the first request of a session does more
    with django_assert_num_queries(INBOX_QUERIES):
        assert len(references(inbox(reviewer_client))) == 1
    for i in range(24):
        inbox_row(venue, late=i % 2 == 0, attendance=1000 + 300 * i)
    with django_assert_num_queries(INBOX_QUERIES):
        assert len(references(inbox(reviewer_client, sort="-attendance"))) == 25


def test_suspension_candidates_load_after_the_inbox_for_police_only(reviewer_client, venue, client):
    application = inbox_row(venue)
    Application.objects.filter(pk=application.pk).update(state="approved")  # flags: staff below the minimum
    page = inbox(reviewer_client)
    assert reverse("approvals:inbox_candidates") in page.content.decode()
    panel = reviewer_client.get(reverse("approvals:inbox_candidates"))
    assert panel.status_code == 200 and application.event.name in panel.content.decode()
    organizer = factories.OrganizerUserFactory()
    client.force_login(organizer)
    assert client.get(reverse("approvals:inbox_candidates")).status_code == 403


def test_the_queue_comes_first_the_filters_fold_away_and_the_level_is_chosen(reviewer_client, venue):
    inbox_row(venue)
    page = inbox(reviewer_client).content.decode()
    assert '<details class="mt-2" data-testid="more-filters">' in page  # folded: the rows come first
    assert '<option value="一级">' in page and '<input type="text" name="security_level"' not in page
    assert 'data-testid="more-filters" open' in inbox(reviewer_client, is_late="true").content.decode()
