"""After-action review (复盘): the figures of a simulated day, the review form, the record it feeds."""
import random
from datetime import datetime, timedelta, timezone as dt_timezone

import pytest
from django.test import Client
from django.utils import timezone

from approvals.models import AuditEntry
from approvals.risk import bridge
from eventday import review, selectors, services, simulator
from eventday.models import Alert, EventTally, Incident, IncidentKind
from events.models import AccountabilityRecord, AfterActionReview
from notifications.models import Notification
from tests import factories
from tests.support import builder

from .factories import device_client, district_reviewer, live_event

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 5, 1, 19, 0, tzinfo=dt_timezone.utc)


# ---------------------------------------------------------------------------------------------- pure figures


def test_review_figures_hand_computed():
    figures = review.review_figures(
        sessions=[review.SessionInput("第二晚", T0 + timedelta(days=1), 5000, 5200, T0 + timedelta(days=1, hours=2),
                                      9000),
                  review.SessionInput("第一晚", T0, 5000, 4000, None, 6000, tickets_issued=5000)],
        incidents=[review.IncidentInput("dispute_mediated", "纠纷调解", False, "minor", True, 2),
                   review.IncidentInput("dispute_mediated", "纠纷调解", False, "major", True, 3),
                   review.IncidentInput("fence_climbing", "违规翻越围栏", True, "serious", False, 1),
                   review.IncidentInput("retired", "旧类别", False, "minor", True, 1)],
        kinds=[("dispute_mediated", "纠纷调解", False), ("help_request", "群众求助", False),
               ("fence_climbing", "违规翻越围栏", True)],
        alerts=[review.AlertInput("核心区", "warning", T0, T0 + timedelta(seconds=30)),
                review.AlertInput("核心区", "stop_admission", T0 + timedelta(minutes=5),
                                  T0 + timedelta(minutes=5, seconds=150)),
                review.AlertInput("警戒区", "warning", T0 + timedelta(minutes=1), None)],
        headcount_alerts=[review.HeadcountAlertInput("第二晚", 100, T0)])
    assert [s.label for s in figures.sessions] == ["第一晚", "第二晚"]  # by start
    assert figures.visitors == 15000 and figures.peak_occupancy == 5200
    assert [(s.peak_percent, s.over_headcount) for s in figures.sessions] == [(80.0, 0), (104.0, 200)]
    assert figures.sessions_over_headcount == 1
    assert [(k.code, k.count, k.people_involved) for k in figures.incidents_by_kind] == [
        ("dispute_mediated", 2, 5), ("help_request", 0, 0), ("fence_climbing", 1, 1), ("retired", 1, 1)]
    assert (figures.incidents_total, figures.violations, figures.incidents_unresolved, figures.incidents_serious,
            figures.people_involved) == (4, 1, 1, 2, 7)
    assert (figures.alerts_acknowledged, figures.alerts_unacknowledged) == (2, 1)
    assert (figures.response_mean_seconds, figures.response_median_seconds, figures.response_max_seconds) == (
        90, 90, 150)
    assert figures.headcount_alerts == 1
    record = figures.as_record()
    assert record["incidents_by_kind"] == {"dispute_mediated": 2, "help_request": 0, "fence_climbing": 1,
                                           "retired": 1}
    assert (record["visitors"], record["alerts"], record["response_mean_seconds"]) == (15000, 3, 90)


def test_year_from_reviews_sums_the_snapshots_and_change_percent():
    year = review.year_from_reviews([
        ({"visitors": 12000, "incidents_by_kind": {"dispute_mediated": 3, "help_request": 5}, "violations": 1,
          "alerts": 2, "sessions_over_headcount": 1}, "good"),
        ({"visitors": 8000, "incidents_by_kind": {"dispute_mediated": 1}, "violations": 0, "alerts": 0}, "poor"),
    ])
    assert (year.events_reviewed, year.visitors, year.violations, year.alerts, year.sessions_over_headcount,
            year.organizers_rated_poor) == (2, 20000, 1, 2, 1, 1)
    assert year.incidents_by_kind == {"dispute_mediated": 4, "help_request": 5}
    assert review.change_percent(120, 100) == 20.0 and review.change_percent(5, 0) is None
    assert review.change_percent(75, 100) == -25.0


# ---------------------------------------------------------------------------------------------- a simulated day


class _InProcessApi:
    """The simulator's device client, talking to the counting API in this process (no live server)."""

    def __init__(self, base_url, token, timeout=10):
        self.client = device_client(token)

    def device(self):
        response = self.client.get("/api/eventday/device/")
        assert response.status_code == 200, response.content
        return response.json()

    def post_readings(self, readings, *, sleep=None):
        response = self.client.post("/api/eventday/readings/", {"readings": readings}, format="json")
        return response.status_code, response.json()


class _NoChurn(random.Random):
    """The simulator without people stepping out and back in: every entry counted is one arrival."""

    def randint(self, a, b):
        return 0


def simulate_day(live, monkeypatch):
    monkeypatch.setattr(simulator, "ApiClient", _InProcessApi)
    monkeypatch.setattr(simulator.random, "Random", _NoChurn)
    report = simulator.simulate_gates(base_url="http://testserver", token=live.token, speed=0, batch_minutes=5,
                                      resend_every=3, first_sequence=1)
    assert not report.refused, report.refused
    return report


def log_incidents(event, user):
    kinds = {k.code: k for k in IncidentKind.objects.all()}
    at = timezone.now() - timedelta(minutes=30)
    for code, people, severity, status, outcome in [
        ("dispute_mediated", 2, "minor", "resolved", "双方和解"),
        ("dispute_mediated", 3, "major", "resolved", "带离调解"),
        ("help_request", 1, "minor", "resolved", "寻回走失儿童"),
        ("fence_climbing", 1, "serious", "handling", ""),
        ("prohibited_items", 1, "major", "resolved", "收缴"),
    ]:
        services.incident_record(event=event, user=user, kind=kinds[code], occurred_at=at, place="东门",
                                 description="现场情况", outcome=outcome, people_involved=people,
                                 severity=severity, status=status)


def test_after_action_figures_of_a_simulated_day_hand_computed(monkeypatch):
    """The demo day of the simulator on the two-zone ground (warning area 200 m² × 2 p/m² = 400, stage front
    50 m² × 2 = 100), peak 97 %: the core zone's target is int(100 × 0.97) = 97, the other's
    int(400 × 0.97 × 0.85) = 329, so 426 arrive by the headliner (minute 60 + 0.7 × 360 = 312), all of whom
    came in (no churn) and left after the exit surge. The counters report every 5 minutes, so the tally sees
    minute 315, 3 minutes past the headliner: 1 − 0.08 × 3 / (420 − 312) = 0.99778 of the targets, round(328.3)
    + round(96.8) = 328 + 97 = 425 on the ground — the peak of the day as counted.
    Alerts: stage front 97 % → warning (80 %) and stop admission (95 %); warning area 82 % → warning."""
    company = factories.SecurityCompanyFactory()
    live = live_event(security_company=company)
    reviewer = district_reviewer(live.application)
    simulate_day(live, monkeypatch)
    tally = EventTally.objects.get(event=live.event)
    assert (tally.entries, tally.exits, tally.peak_occupancy) == (426, 426, 425)

    alerts = list(Alert.objects.filter(zone__event=live.event).order_by("raised_at", "pk"))
    assert sorted((a.zone.name, a.level) for a in alerts) == [
        ("舞台前区", "stop_admission"), ("舞台前区", "warning"), ("警戒区", "warning")]
    # The command post answered two of them: after 60 s and 180 s; one was never acknowledged.
    for alert, seconds in zip(alerts[:2], (60, 180)):
        Alert.objects.filter(pk=alert.pk).update(acknowledged=True, acknowledged_by=reviewer,
                                                 acknowledged_at=alert.raised_at + timedelta(seconds=seconds))
    log_incidents(live.event, reviewer)

    figures = selectors.after_action_figures(live.event)
    assert [(s.approved_headcount, s.peak_occupancy, s.entries, s.peak_percent, s.over_headcount)
            for s in figures.sessions] == [(3000, 425, 426, 14.2, 0)]  # 425 / 3000 = 14.2 %
    assert (figures.incidents_total, figures.violations, figures.incidents_unresolved, figures.incidents_serious,
            figures.people_involved) == (5, 2, 1, 3, 8)
    assert (figures.count_of("dispute_mediated"), figures.count_of("help_request")) == (2, 1)
    assert (len(figures.alerts), figures.alerts_unacknowledged, figures.response_mean_seconds,
            figures.response_max_seconds) == (3, 1, 120, 180)
    assert figures.headcount_alerts == 0


# ---------------------------------------------------------------------------------------------- the review


def test_the_review_waits_for_completion_then_feeds_the_records_the_next_assessment_reads(monkeypatch):
    company = factories.SecurityCompanyFactory()
    live = live_event(security_company=company)
    made = builder.builder_for(live.application)
    organizer = made.people["organizer"]
    reviewer = district_reviewer(live.application)
    simulate_day(live, monkeypatch)
    log_incidents(live.event, reviewer)
    # The organizer's next event, with the same company, is under review.
    following = builder.application(organizer, security_company=company).filled().submitted().accepted().build()
    before = bridge.assess_application(application=following)

    client = Client()
    client.force_login(reviewer)
    url = f"/eventday/events/{live.event.pk}/review/"
    page = client.get(url)
    assert page.status_code == 200 and b'data-testid="review-not-available"' in page.content
    assert client.post(url, {"findings": "x", "organizer_rating": "poor"}).status_code == 403

    made.completed(by=reviewer)
    page = client.get(url)
    assert b'data-testid="review-form"' in page.content and b'data-testid="review-visitors">426<' in page.content
    # Bad input: an accountability decision needs its grounds; nothing is written.
    bad = client.post(url, {"findings": "东门值守缺岗导致翻越围栏", "organizer_rating": "poor",
                            "accountability_severity": "penalty", "accountability_description": ""})
    assert bad.status_code == 400 and "追责须写明事由" in bad.content.decode()
    assert not AfterActionReview.objects.exists() and not AccountabilityRecord.objects.exists()

    response = client.post(url, {"findings": "东门值守缺岗导致翻越围栏", "organizer_rating": "poor",
                                 "accountability_severity": "penalty", "accountability_description": "东门缺岗"})
    assert response.status_code == 302
    record = AfterActionReview.objects.get(event=live.event)
    assert record.figures["visitors"] == 426 and record.figures["incidents_by_kind"]["dispute_mediated"] == 2
    assert record.figures["violations"] == 2
    assert AccountabilityRecord.objects.get(event=live.event).severity == "penalty"
    assert AuditEntry.objects.filter(application=live.application,
                                     event=AuditEntry.Event.AFTER_ACTION_REVIEWED).count() == 1
    assert Notification.objects.filter(user=organizer, verb="after_action_reviewed").exists()
    assert client.post(url, {"findings": "再次", "organizer_rating": "good"}).status_code == 403  # once

    after = bridge.assess_application(application=following)
    severity = {name: {f["code"]: f["severity"] for f in assessment.factors}
                for name, assessment in (("before", before), ("after", after))}
    assert severity["before"]["organizer_record"] < 0.9 == severity["after"]["organizer_record"]
    assert severity["before"]["security_company_record"] < severity["after"]["security_company_record"]
    assert after.total > before.total
    explanation = next(f["explanation"] for f in after.factors if f["code"] == "organizer_record")
    assert "复盘评价为不合格" in explanation


def test_only_district_police_write_the_review_others_who_see_the_event_read_it(monkeypatch):
    company = factories.SecurityCompanyFactory()
    live = live_event(security_company=company)
    guard = factories.UserFactory(organisation=company, role="security_company")
    made = builder.builder_for(live.application)
    made.completed()
    url = f"/eventday/events/{live.event.pk}/review/"
    client = Client()
    client.force_login(guard)
    page = client.get(url)
    assert page.status_code == 200 and b'data-testid="review-pending"' in page.content
    assert client.post(url, {"findings": "自评", "organizer_rating": "good"}).status_code == 403
    outsider = factories.ReviewerFactory()  # police of another district
    client.force_login(outsider)
    assert client.get(url).status_code == 404
