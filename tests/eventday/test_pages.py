"""Pages: the dashboard and lists in a fixed number of queries, companies' records, statistics and exports,
suspension from the dashboard."""
import csv
import io
from datetime import date

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from eventday.models import Incident, IncidentKind
from eventday.services import readings_ingest
from events.models import AccountabilityRecord, TrainingDrill
from tests import factories

from .factories import district_reviewer, live_event, reading

pytestmark = pytest.mark.django_db


def test_dashboard_and_its_partial_take_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    live = live_event()
    reviewer = district_reviewer(live.application)
    client.force_login(reviewer)
    readings_ingest(device=live.device, readings=[reading("east", 1, 390), reading("stage", 2, 99)])
    for i in range(5):
        Incident.objects.create(event=live.event, kind=IncidentKind.objects.first(), occurred_at=timezone.now(),
                                place="x", description="x", outcome="x", recorded_by=reviewer)
    with django_assert_max_num_queries(22):
        page = client.get(f"/eventday/events/{live.event.pk}/")
    assert page.status_code == 200
    assert 'data-level="stop_admission"' in page.content.decode()
    with django_assert_max_num_queries(16):
        assert client.get(f"/eventday/events/{live.event.pk}/live/").status_code == 200
    with django_assert_max_num_queries(14):
        payload = client.get(f"/api/eventday/events/{live.event.pk}/occupancy/").json()
    assert payload["occupancy"] == 390
    assert {a["level"] for a in payload["alerts"]} == {"warning", "stop_admission"}


def test_event_list_queries_do_not_grow_with_the_number_of_events(client, django_assert_max_num_queries):
    organizer = factories.OrganizerUserFactory()
    first = live_event(organizer)
    reviewer = factories.SupervisorFactory(authority=first.application.district.parent)  # the city sees all
    client.force_login(reviewer)
    with django_assert_max_num_queries(12) as one:
        client.get("/eventday/")
    for _ in range(3):
        live_event(organizer)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get("/eventday/")
    assert page.content.decode().count("/eventday/events/") >= 4
    with django_assert_max_num_queries(10):
        assert client.get("/api/eventday/events/").json()["count"] == 4


def test_police_see_the_company_registry_and_hold_a_company_accountable(client):
    company = factories.SecurityCompanyFactory()
    live = live_event(security_company=company)
    reviewer = district_reviewer(live.application)
    client.force_login(reviewer)
    assert company.name in client.get("/eventday/companies/").content.decode()
    response = client.post(f"/eventday/companies/{company.pk}/accountability/", {
        "decided_on": "2026-05-02", "severity": "penalty", "description": "安检口人员严重不足", "event": live.event.pk})
    assert response.status_code == 302, response.content.decode()[:3000]
    response = client.post(f"/eventday/companies/{company.pk}/drills/", {
        "held_on": "2026-04-20", "scenario": "踩踏疏散演练", "guards_trained": 120})
    assert response.status_code == 302
    page = client.get(f"/eventday/companies/{company.pk}/").content.decode()
    assert "安检口人员严重不足" in page and "踩踏疏散演练" in page
    record = AccountabilityRecord.objects.get(company=company)
    assert (record.event, record.recorded_by) == (live.event, reviewer)


def test_a_company_sees_only_itself_records_drills_and_cannot_hold_anyone_accountable(client):
    company, other = factories.SecurityCompanyFactory(), factories.SecurityCompanyFactory()
    user = factories.UserFactory(organisation=company, role="security_company")
    client.force_login(user)
    listing = client.get("/eventday/companies/").content.decode()
    assert company.name in listing and other.name not in listing
    assert client.get(f"/eventday/companies/{other.pk}/").status_code == 404
    assert client.post(f"/eventday/companies/{other.pk}/drills/", {
        "held_on": "2026-04-20", "scenario": "x", "guards_trained": 5}).status_code == 404
    assert client.post(f"/eventday/companies/{company.pk}/drills/", {
        "held_on": "2026-04-20", "scenario": "消防演练", "guards_trained": 40}).status_code == 302
    assert client.post(f"/eventday/companies/{company.pk}/accountability/", {
        "decided_on": "2026-05-02", "severity": "warning", "description": "x"}).status_code == 403
    assert client.post("/api/eventday/accountability-records/", {
        "company": company.pk, "decided_on": "2026-05-02", "severity": "warning", "description": "x"},
        content_type="application/json").status_code == 403
    assert TrainingDrill.objects.filter(company=company).count() == 1
    assert not AccountabilityRecord.objects.exists()


def test_organizers_have_no_company_registry(client):
    client.force_login(factories.OrganizerUserFactory())
    assert client.get("/eventday/companies/").status_code == 403
    assert client.get("/api/eventday/companies/").json()["count"] == 0


def test_statistics_sum_the_year_for_the_users_district_and_export(client):
    company = factories.SecurityCompanyFactory()
    live = live_event(security_company=company)
    other_district = live_event()
    readings_ingest(device=live.device, readings=[reading("east", 1, 300), reading("west", 2, 100, 50)])
    readings_ingest(device=other_district.device, readings=[reading("east", 1, 999)])
    reviewer = district_reviewer(live.application)
    kinds = {k.code: k for k in IncidentKind.objects.all()}
    for code in ("fence_climbing", "fence_climbing", "lost_and_found"):
        Incident.objects.create(event=live.event, kind=kinds[code], occurred_at=timezone.now(), place="x",
                                description="x", outcome="x", recorded_by=reviewer)
    year = timezone.localtime(live.event.start_at).year
    TrainingDrill.objects.create(company=company, event=live.event, held_on=date(year, 1, 5), scenario="x",
                                 guards_trained=80)
    AccountabilityRecord.objects.create(company=company, event=live.event, decided_on=date(year, 1, 6),
                                        description="x")
    client.force_login(reviewer)
    page = client.get(f"/eventday/statistics/?year={year}")
    stats = page.context["stats"]
    assert (stats.events_held, stats.total_entries, stats.peak_occupancy) == (1, 400, 350)
    assert dict(stats.incidents_by_kind)["违规翻越围栏"] == 2
    assert (stats.drills, stats.guards_trained, stats.companies_held_accountable) == (1, 80, 1)
    rows = list(csv.reader(io.StringIO(client.get(f"/eventday/statistics/?year={year}&export=csv")
                                       .content.decode("utf-8-sig"))))
    assert ["累计入场人次", "400", "0", ""] in rows  # this year, the year before, the change
    assert ["违规翻越围栏", "2"] in rows
    response = client.get(f"/eventday/statistics/?year={year}&export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert values["举办活动（个）"] == 1 and values["举办场次（场）"] == 1 and values["被追责保安公司（家）"] == 1
    api = client.get(f"/api/eventday/statistics/?year={year}").json()
    assert api["events_held"] == 1 and api["total_entries"] == 400


def test_a_reviewer_suspends_the_event_from_the_dashboard(client):
    live = live_event()
    reviewer = district_reviewer(live.application)
    client.force_login(reviewer)
    response = client.post(f"/eventday/events/{live.event.pk}/suspend/", {
        "reasons": "舞台前区人数超过安全容量", "required_changes": "舞台前区限流至安全容量以下",
        "expected_revision": live.application.revision})
    assert response.status_code == 302, response.content.decode()[:3000]
    live.application.refresh_from_db()
    assert live.application.state == "suspended"
    assert "已熔断" in client.get(f"/eventday/events/{live.event.pk}/").content.decode()


def test_suspension_needs_reasons_and_required_changes(client):
    live = live_event()
    client.force_login(district_reviewer(live.application))
    response = client.post(f"/eventday/events/{live.event.pk}/suspend/", {"reasons": "", "required_changes": ""})
    assert response.status_code == 400
    assert response.context["suspend_form"].errors.keys() >= {"reasons", "required_changes"}
