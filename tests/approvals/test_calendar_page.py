"""The calendar page: what a bureau sees per day, its warnings, whom it shows, its query count."""
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from approvals.applications.selectors import current_catalogue
from approvals.calendar.models import BlackoutWindow
from approvals.calendar.services import application_warnings
from approvals.models import Application, ApplicationState
from events.models import Event, EventSession
from riskassess.models import Assessment, RiskModelVersion
from tests import factories

pytestmark = pytest.mark.django_db
DEPLOYMENT = {"fixed_posts": 3, "patrol_posts": 2, "command_posts": 1, "mobile_points": 5,
              "control_groups": [{}, {}, {}], "min_security_staff": 40}  # 3+2+2+3+10 = 20 police


def day_at(days_ahead, hour):
    local = timezone.localtime() + timedelta(days=days_ahead)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


def row(venue, *, start, hours=3, state=ApplicationState.UNDER_REVIEW, name="音乐节", deployment=DEPLOYMENT):
    event = Event.objects.create(name=name, kind=Event.Kind.MUSIC_FESTIVAL, venue=venue, organisation=venue.owner,
                                 start_at=start, end_at=start + timedelta(hours=hours), expected_attendance=3000,
                                 rated_capacity=5000)
    EventSession.objects.create(event=event, start_at=event.start_at, end_at=event.end_at, expected_attendance=3000)
    application = Application(event=event, organisation=venue.owner, district=venue.district,
                              catalogue=current_catalogue(), created_by=factories.OrganizerUserFactory(
                                  organisation=venue.owner), state=state, submitted_at=timezone.now())
    application.save()
    factories.grant_police_access(application)
    if deployment is not None:
        Assessment.objects.create(application=application, model_version=RiskModelVersion.objects.get(is_current=True),
                                  total=50, computed_level="二级", level="二级", deployment=deployment)
    return application


@pytest.fixture
def district():
    return factories.DistrictBureauFactory(available_police=30)


@pytest.fixture
def venue(district):
    return factories.VenueFactory(district=district, owner=factories.OrganisationFactory(),
                                  latitude=30.25, longitude=120.15)


@pytest.fixture
def reviewer(district):
    return factories.ReviewerFactory(authority=district)


def page(client, user, **params):
    client.force_login(user)
    return client.get(reverse("calendar:month"), params)


def test_week_shows_sessions_the_oversubscribed_day_and_the_same_venue_conflict(client, reviewer, venue):
    start = day_at(20, 19)
    first = row(venue, start=start, name="第一场音乐节")
    second = row(venue, start=start + timedelta(hours=1), name="第二场音乐节")
    response = page(client, reviewer, week=start.date().isoformat())
    html = response.content.decode()
    assert response.status_code == 200
    assert "第一场音乐节" in html and "第二场音乐节" in html
    # Each row names its day (it once rendered empty: the row's object, not its date, went to |date).
    assert f'data-testid="day-{start.date().isoformat()}"' in html and start.strftime("%m-%d") in html
    assert reverse("approvals:detail", args=[first.pk]) in html
    assert 'data-testid="oversubscribed"' in html and "40 / 30" in html  # 2 × 20 police against 30
    assert html.count('data-testid="conflict-same-venue"') == 2
    warnings = application_warnings(second, reviewer)
    assert warnings.oversubscribed_days == [start.date()]
    assert [c.kind for c in warnings.conflicts] == ["same_venue"]


def test_closed_and_draft_applications_and_other_districts_are_not_shown(client, reviewer, venue):
    start = day_at(20, 19)
    row(venue, start=start, name="已撤回的活动", state=ApplicationState.WITHDRAWN)
    row(venue, start=start, name="草稿活动", state=ApplicationState.DRAFT)
    other = factories.VenueFactory(owner=factories.OrganisationFactory())
    row(other, start=start, name="别的分局的活动")
    html = page(client, reviewer, week=start.date().isoformat()).content.decode()
    assert "已撤回的活动" not in html and "草稿活动" not in html and "别的分局的活动" not in html
    assert 'data-testid="oversubscribed"' not in html


def test_a_city_user_sees_every_district_and_blackouts_show(client, district, venue):
    start = day_at(20, 19)
    other = factories.VenueFactory(owner=factories.OrganisationFactory(), district=factories.DistrictBureauFactory())
    row(venue, start=start, name="甲区活动")
    row(other, start=start, name="乙区活动")
    BlackoutWindow.objects.create(name="重大国事活动", start_at=start - timedelta(hours=2),
                                  end_at=start + timedelta(hours=2), refusal_ground="国事活动期间")
    city = factories.SupervisorFactory(authority=district.parent)
    html = page(client, city, week=start.date().isoformat()).content.decode()
    assert "甲区活动" in html and "乙区活动" in html
    assert html.count('data-testid="conflict-blackout"') == 2


def test_organizers_may_not_open_the_calendar(client, venue):
    assert page(client, factories.OrganizerUserFactory()).status_code == 403


@pytest.mark.parametrize("count", [1, 20])
def test_query_count_does_not_grow_with_applications(client, reviewer, venue, count, django_assert_num_queries):
    start = day_at(3, 10)
    for n in range(count):
        row(venue, start=start + timedelta(hours=n), name=f"活动{n}")
    client.force_login(reviewer)
    url = reverse("calendar:month")
    with django_assert_num_queries(QUERIES):
        response = client.get(url, {"week": start.date().isoformat()})
    assert response.status_code == 200
    assert "活动0" in response.content.decode()


QUERIES = 7
