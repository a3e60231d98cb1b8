"""Incident log (severity, status, filter, export, the security company logging) and the statistics' rules
(approval figures, year-on-year, the year from the after-action reviews, export titles)."""
import csv
import io
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from approvals import access
from approvals.audit import Event as AuditEvent, audit_record
from approvals.models import Application
from eventday import services
from eventday.models import Incident, IncidentKind
from events.models import AfterActionReview, Event
from tests import factories
from tests.support import builder

from .factories import district_reviewer, live_event

pytestmark = pytest.mark.django_db


def kind(code):
    return IncidentKind.objects.get(code=code)


def log(event, user, code, **values):
    defaults = {"occurred_at": timezone.now() - timedelta(minutes=10), "place": "东门", "description": "情况",
                "outcome": "已处置", "people_involved": 1}
    return services.incident_record(event=event, user=user, kind=kind(code), **{**defaults, **values})


def shown(page: str, testid: str) -> str:
    """The text of the element with this data-testid (thousands separators removed)."""
    match = re.search(rf'data-testid="{testid}">([^<]*)<', page)
    assert match, testid
    return match.group(1).replace(",", "").strip()


def rows_of(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# ---------------------------------------------------------------------------------------------- incidents


@pytest.fixture
def logged():
    company = factories.SecurityCompanyFactory()
    live = live_event(security_company=company)
    reviewer = district_reviewer(live.application)
    log(live.event, reviewer, "dispute_mediated", people_involved=3, severity="minor", description="排队争执")
    log(live.event, reviewer, "fence_climbing", severity="serious", status="handling", outcome="",
        description="=HYPERLINK(1)", zone=live.outer)
    log(live.event, reviewer, "help_request", severity="major", description="儿童走失")
    return live, reviewer, company


def test_incidents_show_severity_status_people_and_filter(logged):
    live, reviewer, _company = logged
    client = Client()
    client.force_login(reviewer)
    url = f"/eventday/events/{live.event.pk}/incidents/"
    page = client.get(url).content.decode()
    assert page.count('data-status="handling"') == 1 and 'data-testid="people-involved">3<' in page
    cases = {"severity=serious": 1, "status=resolved": 2, "violations=on": 1, f"kind={kind('help_request').pk}": 1,
             "q=排队": 1, f"zone={live.outer.pk}": 1, "severity=major&status=handling": 0, "": 3}
    for query, expected in cases.items():
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200
        assert len(response.context["incidents"]) == expected, query
    assert client.get(f"{url}?severity=bogus").status_code == 200  # an invalid filter is ignored, not an error


def test_incident_export_has_a_title_and_neutralised_cells(logged):
    live, reviewer, _company = logged
    client = Client()
    client.force_login(reviewer)
    url = f"/eventday/events/{live.event.pk}/incidents/"
    rows = rows_of(client.get(f"{url}?export=csv&status=resolved"))
    assert rows[0] == ["警务服务台记录"] and live.application.reference in rows[1][0] and rows[2] == ["共 2 条"]
    header = rows.index(next(r for r in rows if r and r[0] == "发生时间"))
    assert len(rows) - header - 1 == 2
    everything = rows_of(client.get(f"{url}?export=csv"))
    assert any("'=HYPERLINK(1)" in row for row in everything)  # formula text is never a formula
    xlsx = client.get(f"{url}?export=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A1"].value == "警务服务台记录" and sheet["A1"].font.bold
    assert 'attachment; filename="anbao-incidents-' in xlsx["Content-Disposition"]


def test_incident_resolved_with_an_outcome(logged):
    live, reviewer, _company = logged
    client = Client()
    client.force_login(reviewer)
    handling = Incident.objects.get(event=live.event, status="handling")
    url = f"/eventday/events/{live.event.pk}/incidents/{handling.pk}/resolve/"
    assert client.post(url, {"outcome": ""}).status_code == 400
    assert client.post(url, {"outcome": "已劝离并批评教育"}).status_code == 302
    handling.refresh_from_db()
    assert handling.status == "resolved" and handling.resolved_at is not None and handling.outcome
    # A resolved incident needs its outcome when logged, too.
    response = client.post(f"/eventday/events/{live.event.pk}/incidents/", {
        "kind": kind("other").pk, "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "place": "西门",
        "people_involved": 1, "severity": "minor", "status": "resolved", "description": "情况", "outcome": ""})
    assert response.status_code == 400 and "已处置的警情须填写处置结果" in response.content.decode()


def test_the_named_security_company_logs_incidents_until_it_is_replaced(logged):
    live, _reviewer, company = logged
    guard = factories.UserFactory(organisation=company, role="security_company")
    client = Client()
    client.force_login(guard)
    url = f"/eventday/events/{live.event.pk}/incidents/"
    form = {"kind": kind("help_request").pk, "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "place": "南门", "people_involved": 2, "severity": "minor", "status": "handling",
            "description": "老人不适", "outcome": ""}
    assert client.get(url).status_code == 200
    assert client.post(url, form).status_code == 302
    assert Incident.objects.filter(event=live.event, recorded_by=guard, status="handling").count() == 1
    api = APIClient()
    api.force_authenticate(guard)
    answer = api.post(f"/api/eventday/events/{live.event.pk}/incidents/", {
        "kind": "medical", "occurred_at": timezone.now().isoformat(), "place": "南门", "description": "中暑",
        "severity": "major", "status": "handling"}, format="json")
    assert answer.status_code == 201 and (answer.json()["status"], answer.json()["severity"]) == ("handling", "major")
    refused = api.post(f"/api/eventday/events/{live.event.pk}/incidents/", {
        "kind": "medical", "occurred_at": timezone.now().isoformat(), "place": "南门", "description": "中暑"},
        format="json")
    assert refused.status_code == 400 and "outcome" in refused.json()  # resolved (the default) needs its outcome
    organizer = live.application.created_by
    client.force_login(organizer)
    assert client.get(url).status_code == 403 and client.post(url, form).status_code == 403

    # The world changes: another company is named on the event; the grants follow it (approvals.access).
    successor = factories.SecurityCompanyFactory()
    new_guard = factories.UserFactory(organisation=successor, role="security_company")
    Event.objects.filter(pk=live.event.pk).update(security_company=successor)
    access.application_sync_access(Application.objects.get(pk=live.application.pk))
    client.force_login(guard)
    assert client.get(url).status_code in (403, 404) and client.post(url, form).status_code in (403, 404)
    client.force_login(new_guard)
    assert client.post(url, {**form, "place": "北门"}).status_code == 302
    assert Incident.objects.filter(event=live.event, recorded_by=new_guard).count() == 1


# ---------------------------------------------------------------------------------------------- statistics


def test_statistics_approval_figures_year_on_year_and_the_year_from_reviews(client):
    """Four applications handed in this year at one district, one last year. Decided: A (3 days after acceptance,
    by its deadline), C (5 days, a day late), D (1 day, on time; then suspended). B accepted with deferred
    documents (容缺), not decided. One 先批后审 entry. On time 2 of 3 = 66.7 %, average (3 + 5 + 1) / 3 = 3.0."""
    organizer = factories.OrganizerUserFactory()
    venue = factories.VenueFactory(owner=organizer.organisation)
    now = timezone.now().replace(microsecond=0)
    today = timezone.localdate()
    a = builder.application(organizer, venue=venue).filled().approved().build()
    b = builder.application(organizer, venue=venue).filled(skip_deferrable=True).accepted_with_deferred().build()
    c = builder.application(organizer, venue=venue).filled().approved().build()
    d = builder.application(organizer, venue=venue).filled().approved().suspended().build()
    old = builder.application(organizer, venue=venue).filled().submitted().build()
    for app, accepted_days, due in ((a, 3, today + timedelta(days=2)), (c, 5, today - timedelta(days=1)),
                                    (d, 1, today)):
        Application.objects.filter(pk=app.pk).update(submitted_at=now - timedelta(days=accepted_days + 1),
                                                     accepted_at=now - timedelta(days=accepted_days),
                                                     decided_at=now, decision_due_date=due)
    Application.objects.filter(pk=b.pk).update(submitted_at=now)
    Application.objects.filter(pk=old.pk).update(submitted_at=now.replace(year=now.year - 1))
    reviewer = district_reviewer(a)
    audit_record(c, actor=reviewer, event=AuditEvent.PROVISIONALLY_APPROVED)
    # The year from the after-action reviews: one review of one of this year's events.
    held = live_event(organizer, venue=venue)
    two_years_ago = now.replace(year=now.year - 2)  # its own approval is out of both years' figures
    Application.objects.filter(pk=held.application.pk).update(submitted_at=two_years_ago, decided_at=two_years_ago)
    AfterActionReview.objects.create(event=held.event, findings="良好", organizer_rating="poor", reviewed_by=reviewer,
                                     reviewed_at=now, figures={"visitors": 12800, "violations": 2,
                                                               "incidents_by_kind": {"dispute_mediated": 7,
                                                                                     "help_request": 11}})

    client.force_login(reviewer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/eventday/statistics/?year={now.year}")
    assert len(queries) <= 15, "\n".join(q["sql"][:200] for q in queries.captured_queries)
    stats = response.context["stats"]
    approvals = stats.approvals
    assert (approvals.received, approvals.decided, approvals.decided_on_time) == (4, 3, 2)
    assert (approvals.on_time_rate, approvals.average_days_to_decide) == (66.7, 3.0)
    assert (approvals.deferred_acceptances, approvals.provisional_approvals, approvals.suspensions) == (1, 1, 1)
    assert stats.previous.approvals.received == 1 and stats.change("approvals.received") == 300.0
    assert (stats.reviews.events_reviewed, stats.reviews.visitors, stats.reviews.organizers_rated_poor) == (1, 12800, 1)
    assert ("纠纷调解", 7) in stats.reviews_by_kind and ("群众求助", 11) in stats.reviews_by_kind
    page = response.content.decode()
    assert (shown(page, "approvals-on-time"), shown(page, "reviews-visitors")) == ("66.7", "12800")
    assert shown(page, "approvals-received-yoy").startswith("上年 1") and "+300.0%" in page

    rows = rows_of(client.get(f"/eventday/statistics/?year={now.year}&export=csv"))
    assert rows[0] == [f"{now.year} 年度大型群众性活动安全管理统计"] and rows[1][0].startswith("范围：")
    assert ["收到申请（件）", "4", "1", "300.0"] in rows and ["按期决定率（%）", "66.7", "", ""] in rows
    assert ["复盘入场人次", "12800"] in rows and ["纠纷调解", "7"] in rows
    sheet = load_workbook(io.BytesIO(client.get(f"/eventday/statistics/?year={now.year}&export=xlsx").content)).active
    assert sheet["A1"].value == f"{now.year} 年度大型群众性活动安全管理统计"
