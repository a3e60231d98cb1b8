"""Event day against the permit (Order 505 Art. 18: ticket checks stop at the approved number): the headline is
occupancy against the live session's approved headcount; the 80/95/100 % lines alert once per session each, are
re-armed when occupancy falls back (less the margin), name the gates to close and reach the bureau and the
command post as urgent notifications. Readings go through the real counting API or service (real PostgreSQL)."""
import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from eventday import selectors
from eventday.models import HeadcountAlert, HeadcountThreshold, SessionTally, _policy_cache
from eventday.services import evaluate_headcount_alerts, readings_record
from events.models import EventSession
from events.sessions import replace_sessions
from notifications.models import Notification
from tests import factories
from tests.approvals.workflow_helpers import no_fuse_flags  # noqa: F401

from .factories import device_client, district_reviewer, item, live_event, reading

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_fuse_flags")]
URL = "/api/eventday/readings/"
User = get_user_model()


@pytest.fixture(autouse=True)
def fresh_lines():
    """The lines are cached per process for a few seconds; a test's edits are rolled back, the cache is not."""
    _policy_cache.clear()
    yield
    _policy_cache.clear()


def text(response) -> str:
    """The page without digit grouping (the locale decides the separator)."""
    return response.content.decode().replace(",", "")


class Sequence:
    """Sequence numbers of one device, as a counter would send them."""

    def __init__(self):
        self.n = 0

    def __call__(self):
        self.n += 1
        return self.n


def permitted_event(attendance=8000, **facts):
    """A live event whose permit is for `attendance` people, secured by a company with a guard user."""
    company = factories.SecurityCompanyFactory()
    live = live_event(security_company=company, expected_attendance=attendance, rated_capacity=attendance + 2000,
                      **facts)
    guard = factories.UserFactory(organisation=company, role="security_company")
    return live, guard


def lines_raised(session=None, **filters):
    alerts = HeadcountAlert.objects.filter(**filters)
    if session is not None:
        alerts = alerts.filter(session=session)
    return sorted(alerts.values_list("percent", flat=True))


def test_approved_headcount_is_the_sessions_attendance_capped_by_the_permit():
    live, _guard = permitted_event(8000)
    permit = live.application.permit
    assert permit.approved_attendance == 8000
    small = EventSession(event=live.event, start_at=timezone.now(), end_at=timezone.now() + timedelta(hours=1),
                         expected_attendance=4000)
    large = EventSession(event=live.event, start_at=timezone.now(), end_at=timezone.now() + timedelta(hours=1),
                         expected_attendance=10_000)
    assert selectors.approved_headcount(small, permit) == 4000
    assert selectors.approved_headcount(large, permit) == 8000
    assert selectors.approved_headcount(large, None) == 10_000


def test_10747_on_site_against_a_permit_for_8000_reads_134_percent_and_every_line_fires_once(client):
    live, guard = permitted_event(8000)
    reviewer = district_reviewer(live.application)
    organizer = live.application.created_by
    counter = device_client(live.token)
    seq = Sequence()

    response = counter.post(URL, [item("east", seq(), 6000), item("west", seq(), 4747)], format="json")
    assert response.status_code == 200, response.content
    raised = response.json()["headcount_alerts"]
    # One batch jumped over all three lines: each is raised, once.
    assert [a["percent"] for a in sorted(raised, key=lambda a: a["percent"])] == [80, 95, 100]
    stop = next(a for a in raised if a["percent"] == 100)
    assert (stop["occupancy"], stop["approved_headcount"], stop["occupancy_percent"]) == (10_747, 8000, 134)
    assert {g["name"] for g in stop["gates_to_close"]} == {"东门", "西门"}  # inflow in the last minute
    assert "第十八条" in stop["instruction"]

    # The headline reads against the approved headcount, not the zones' combined capacity.
    client.force_login(reviewer)
    page = text(client.get(f"/eventday/events/{live.event.pk}/"))
    assert 'data-testid="headcount-percent">134%' in page
    assert 'data-testid="headcount-occupancy">10747 <span class="text-muted">/ 8000</span>' in page
    assert 'data-testid="headcount-over"' in page
    assert 'data-headcount-line="100"' in page and "东门" in page and "西门" in page

    # More people and more batches: nothing fires again while occupancy stays above the lines.
    for _ in range(3):
        again = counter.post(URL, [item("east", seq(), 10)], format="json").json()
        assert again["headcount_alerts"] == []
    assert lines_raised() == [80, 95, 100]
    headline = client.get(f"/api/eventday/events/{live.event.pk}/occupancy/").json()["headcount"]
    assert (headline["occupancy"], headline["approved_headcount"], headline["percent"]) == (10_777, 8000, 134.7)
    assert headline["over"] == 2777

    # Urgent notifications to the bureau's police and the command post (organizer and guards), once per line.
    told = Notification.objects.filter(verb="headcount_alert")
    district_police = set(User.objects.filter(authority=live.application.district).values_list("pk", flat=True))
    assert reviewer.pk in district_police
    recipients = district_police | {organizer.pk, guard.pk}
    assert set(told.values_list("user_id", flat=True)) == recipients
    assert told.count() == 3 * len(recipients)  # one per line and person
    assert set(told.values_list("priority", flat=True)) == {Notification.Priority.HIGH}
    stop_message = told.filter(user=guard, message__contains="100% 线").get().message
    assert "10,747" in stop_message and "8,000" in stop_message and "东门、西门" in stop_message


def test_a_line_re_arms_only_below_its_margin_and_fires_again_on_the_next_crossing():
    live, _guard = permitted_event(8000)
    seq = Sequence()
    # margins as seeded: 2 points below each line
    assert {t.percent: t.rearm_margin_percent for t in HeadcountThreshold.objects.all()} == {80: 2, 95: 2, 100: 2}

    def batch(count_in=0, count_out=0):
        return readings_record(device=live.device, readings=[reading("east", seq(), count_in, count_out)])

    assert sorted(a.percent for a in batch(8000).headcount_alerts) == [80, 95, 100]  # 100 %
    assert batch(count_out=100).headcount_alerts == []  # 98.75 %: inside the margin, still raised
    assert batch(count_in=100).headcount_alerts == []  # back to 100 %: not again
    assert batch(count_out=300).headcount_alerts == []  # 96.25 %: the 100 % line re-arms (below 98 %)
    assert HeadcountAlert.objects.get(percent=100).rearmed_at is not None
    assert [a.percent for a in batch(count_in=300).headcount_alerts] == [100]  # crossed again: fires again
    assert lines_raised(percent=100) == [100, 100] and lines_raised(percent=95) == [95]
    # Everyone leaves: every line re-arms; one open alert per line at most, by the database's constraint too.
    batch(count_out=8000)
    assert not HeadcountAlert.objects.filter(rearmed_at__isnull=True).exists()
    assert SessionTally.objects.get(session__event=live.event).open_lines == []


def test_lines_are_data_a_deactivated_line_never_fires():
    live, _guard = permitted_event(8000)
    line = HeadcountThreshold.objects.get(percent=95)
    line.is_active = False
    line.save()
    HeadcountThreshold.objects.create(percent=90, rearm_margin_percent=1, instruction_zh="九成：限流")
    result = readings_record(device=live.device, readings=[reading("east", 1, 7700)])  # 96.25 %
    assert sorted(a.percent for a in result.headcount_alerts) == [80, 90]
    assert HeadcountAlert.objects.get(percent=90).instruction == "九成：限流"


def test_gates_to_close_are_the_entrances_with_inflow_in_the_last_minute():
    live, _guard = permitted_event(1000)
    now = timezone.now()
    readings_record(device=live.device, readings=[
        reading("west", 1, 500, at=now - timedelta(minutes=5)),  # earlier: not flowing now
        reading("east", 2, 450, at=now - timedelta(seconds=20)),
        reading("stage", 3, 50, at=now - timedelta(seconds=10)),  # an inner gate: not an entrance
    ])
    alert = HeadcountAlert.objects.get(percent=95)
    assert alert.gates_to_close == [{"code": "east", "name": "东门"}]


def test_each_session_has_its_own_approved_headcount_and_its_own_lines():
    live, _guard = permitted_event(8000)  # permit for 8,000
    now = timezone.now().replace(microsecond=0)
    first, second = replace_sessions(live.event, [
        {"name": "第一晚", "start_at": now - timedelta(hours=1), "end_at": now + timedelta(hours=1),
         "expected_attendance": 4000},
        {"name": "第二晚", "start_at": now + timedelta(hours=3), "end_at": now + timedelta(hours=6),
         "expected_attendance": 10_000},  # more than the permit allows: capped at 8,000
    ])
    live.event.refresh_from_db()
    seq = Sequence()
    result = readings_record(device=live.device, readings=[reading("east", seq(), 4000)])
    assert sorted(a.percent for a in result.headcount_alerts) == [80, 95, 100]  # 4,000 of 4,000
    assert {a.session_id for a in result.headcount_alerts} == {first.pk}

    # The first evening empties; before the second opens, the gates count its arrivals.
    later = now + timedelta(hours=2, minutes=30)
    readings_record(device=live.device, now=later, readings=[reading("east", seq(), 0, 4000, at=later)])
    assert readings_record(device=live.device, now=later, readings=[
        reading("east", seq(), 6000, at=later)]).headcount_alerts == []  # 75 % of 8,000
    raised = readings_record(device=live.device, now=later, readings=[reading("west", seq(), 2000, at=later)])
    assert sorted(a.percent for a in raised.headcount_alerts) == [80, 95, 100]
    assert {(a.session_id, a.approved_headcount) for a in raised.headcount_alerts} == {(second.pk, 8000)}

    tallies = {t.session_id: t for t in SessionTally.objects.filter(session__event=live.event)}
    assert (tallies[first.pk].entries, tallies[first.pk].peak_occupancy) == (4000, 4000)
    assert (tallies[second.pk].entries, tallies[second.pk].peak_occupancy) == (8000, 8000)
    headline = selectors.event_headcount(live.event, now=later)
    assert (headline.label, headline.approved, headline.occupancy, headline.entries) == ("第二晚", 8000, 8000, 8000)


def test_evaluating_again_without_new_readings_raises_nothing():
    live, _guard = permitted_event(1000)
    readings_record(device=live.device, readings=[reading("east", 1, 1000)])
    assert evaluate_headcount_alerts(event=live.event) == []
    assert lines_raised() == [80, 95, 100]


def test_cumulative_entries_against_tickets_issued_reported_by_the_organizer_or_the_company(client):
    live, guard = permitted_event(8000)
    readings_record(device=live.device, readings=[reading("east", 1, 3000), reading("east", 2, 0, 500)])
    reviewer = district_reviewer(live.application)
    client.force_login(reviewer)
    page = text(client.get(f"/eventday/events/{live.event.pk}/"))
    assert "本场累计入场 <strong>3000</strong>" in page and "<strong>—</strong>" in page  # tickets unknown

    organizer = APIClient()
    organizer.force_authenticate(live.application.created_by)
    response = organizer.put(f"/api/eventday/events/{live.event.pk}/tickets/", {"tickets_issued": 7500},
                             format="json")
    assert response.status_code == 200, response.content
    assert client.get(f"/api/eventday/events/{live.event.pk}/occupancy/").json()["headcount"][
        "tickets_issued"] == 7500
    assert organizer.put(f"/api/eventday/events/{live.event.pk}/tickets/", {"tickets_issued": -1},
                         format="json").json()["tickets_issued"]

    client.force_login(guard)  # the security company corrects it on the dashboard
    response = client.post(f"/eventday/events/{live.event.pk}/tickets/", {"tickets_issued": "7600"})
    assert response.status_code == 302
    page = text(client.get(f"/eventday/events/{live.event.pk}/"))
    assert "<strong>7600</strong>" in page and "39%" in page  # 3,000 of 7,600

    client.force_login(factories.CultureOfficialFactory())
    assert client.post(f"/eventday/events/{live.event.pk}/tickets/", {"tickets_issued": "1"}).status_code == 404
    stranger = factories.OrganizerUserFactory()
    client.force_login(stranger)
    assert client.post(f"/eventday/events/{live.event.pk}/tickets/", {"tickets_issued": "1"}).status_code == 404


def test_the_event_list_shows_each_session():
    live, _guard = permitted_event(8000)
    now = timezone.now().replace(microsecond=0)
    replace_sessions(live.event, [
        {"name": "第一晚", "start_at": now - timedelta(hours=1), "end_at": now + timedelta(hours=1),
         "expected_attendance": 4000},
        {"name": "第二晚", "start_at": now + timedelta(hours=3), "end_at": now + timedelta(hours=6),
         "expected_attendance": 10_000},
    ])
    readings_record(device=live.device, readings=[reading("east", 1, 1234)])
    client = Client()
    client.force_login(district_reviewer(live.application))
    page = text(client.get("/eventday/"))
    assert "第一晚" in page and "第二晚" in page and "1234" in page
    rows = selectors.event_list_with_sessions(district_reviewer(live.application))
    assert [(r.label, r.approved, r.entries) for r in rows[0].session_rows] == [
        ("第一晚", 4000, 1234), ("第二晚", 8000, 0)]


def test_statistics_count_sessions_held_not_future_or_suspended_ones(client):
    from approvals import workflow

    festival, _guard = permitted_event(8000)
    now = timezone.now().replace(microsecond=0)
    replace_sessions(festival.event, [
        {"name": "第一晚", "start_at": now - timedelta(hours=1), "end_at": now + timedelta(hours=1),
         "expected_attendance": 6000},
        {"name": "第二晚", "start_at": now + timedelta(hours=3), "end_at": now + timedelta(hours=6),
         "expected_attendance": 8000},  # not yet held
    ])
    readings_record(device=festival.device, readings=[reading("east", 1, 3000)])
    reviewer = district_reviewer(festival.application)
    # Another event of the district, counted, then suspended: it is not held.
    stopped = live_event(venue=factories.VenueFactory(district=festival.application.district), name="湖畔夜市")
    readings_record(device=stopped.device, readings=[reading("east", 1, 500)])
    workflow.application_suspend(application=stopped.application, actor=reviewer, reasons="超员",
                                 required_changes="限流")

    client.force_login(reviewer)
    year = timezone.localtime(now).year
    response = client.get(f"/eventday/statistics/?year={year}")
    stats = response.context["stats"]
    assert (stats.events_held, stats.sessions_held, stats.total_entries) == (1, 1, 3000)
    assert stats.visitors_per_session == 3000 and stats.peak_occupancy == 3000
    held = {(row.event.pk, str(row.label)): row.held for row in stats.sessions}
    assert held == {(festival.event.pk, "第一晚"): True, (festival.event.pk, "第二晚"): False,
                    (stopped.event.pk, "全场"): False}
    assert sum(n for _month, n in stats.by_month) == 1
    page = text(response)
    assert 'data-testid="sessions-held">1<' in page and "未开始" in page and "未举办" in page
    rows = list(csv.reader(io.StringIO(client.get(f"/eventday/statistics/?year={year}&export=csv")
                                       .content.decode("utf-8-sig"))))
    # value, the year before, the change (none: nothing the year before)
    assert ["举办场次（场）", "1", "0", ""] in rows and ["场均入场人次", "3000", "0", ""] in rows
    assert [r[2] for r in rows if r and r[0] == festival.event.name] == ["第一晚", "第二晚"]
    api = client.get(f"/api/eventday/statistics/?year={year}").json()
    assert (api["events_held"], api["sessions_held"]) == (1, 1)
    assert [(s["label"], s["held"]) for s in api["sessions"] if s["event"] == festival.event.pk] == [
        ("第一晚", True), ("第二晚", False)]
