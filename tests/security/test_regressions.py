"""Regression tests of the leaks the access matrix and the fuzzer found (docs/security.md lists them)."""
import pytest
from django.utils import timezone

from eventday import services
from events.models import AccountabilityRecord
from tests import factories
from tests.eventday.factories import district_reviewer, live_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def company_records():
    """A security company with a drill and an accountability record tied to an event of one district."""
    company = factories.SecurityCompanyFactory()
    live = live_event(security_company=company, name="东湖灯光秀")
    reviewer = district_reviewer(live.application)
    services.drill_record(user=reviewer, company=company, event=live.event, held_on=timezone.localdate(),
                          scenario="疏散演练", guards_trained=20)
    services.accountability_record(user=reviewer, company=company, event=live.event,
                                   decided_on=timezone.localdate(), severity=AccountabilityRecord.Severity.WARNING,
                                   description="值守缺岗")
    return company, live, reviewer


def test_company_records_do_not_name_another_districts_event(client, company_records):
    """All police read the company registry, but police of another district must not learn the event's name
    (found by the matrix: the drill and accountability lists named it)."""
    company, live, reviewer = company_records
    client.force_login(factories.ReviewerFactory())  # another district
    for url in ["/api/eventday/drills/", "/api/eventday/accountability-records/", f"/eventday/companies/{company.pk}/"]:
        response = client.get(url)
        assert response.status_code == 200
        assert live.event.name not in response.content.decode(), url
    drill = client.get("/api/eventday/drills/").json()["results"][0]
    record = client.get("/api/eventday/accountability-records/").json()["results"][0]
    assert drill["scenario"] == "疏散演练" and drill["event"] is None
    assert record["description"] == "值守缺岗" and record["event"] is None


def test_company_records_name_the_event_to_those_who_see_it(client, company_records):
    company, live, reviewer = company_records
    company_user = factories.UserFactory(organisation=company, role="security_company")
    for user in (reviewer, company_user):
        client.force_login(user)
        assert client.get("/api/eventday/drills/").json()["results"][0]["event"] == live.event.name
        assert client.get("/api/eventday/accountability-records/").json()["results"][0]["event"] == live.event.name
        assert live.event.name in client.get(f"/eventday/companies/{company.pk}/").content.decode()


def test_a_new_drill_names_its_event_in_the_answer(client, company_records):
    company, live, reviewer = company_records
    client.force_login(reviewer)
    response = client.post("/api/eventday/drills/", {
        "company": company.pk, "event": live.event.pk, "held_on": timezone.localdate().isoformat(),
        "scenario": "夜间演练", "guards_trained": 12}, content_type="application/json")
    assert response.status_code == 201 and response.json()["event"] == live.event.name


def test_company_page_query_count_does_not_grow_with_records(client, company_records, django_assert_max_num_queries):
    company, live, reviewer = company_records
    for n in range(5):
        services.drill_record(user=reviewer, company=company, event=live.event, held_on=timezone.localdate(),
                              scenario=f"演练{n}", guards_trained=5)
    client.force_login(reviewer)
    with django_assert_max_num_queries(25):
        assert client.get(f"/eventday/companies/{company.pk}/").status_code == 200


# ---------------------------------------------------------------------------------------------- found by the fuzzer


def test_suspending_from_the_dashboard_with_a_stale_revision_is_a_conflict_not_a_server_error(client):
    """Two officers on the same dashboard: the slower one gets 409 from the API and a message on the page."""
    live = live_event()
    reviewer = district_reviewer(live.application)
    client.force_login(reviewer)
    stale = live.application.revision - 1
    response = client.post(f"/api/eventday/events/{live.event.pk}/suspend/", {
        "reasons": "人数超员", "required_changes": "限流", "expected_revision": stale},
        content_type="application/json")
    assert response.status_code == 409 and "已被他人修改" in response.json()["detail"]
    page = client.post(f"/eventday/events/{live.event.pk}/suspend/", {
        "reasons": "人数超员", "required_changes": "限流", "expected_revision": stale})
    assert page.status_code == 400 and "已被他人修改" in page.content.decode()
    live.application.refresh_from_db()
    assert live.application.state == "approved"


def test_a_gate_code_with_a_nul_character_is_refused_field_by_field(client):
    """PostgreSQL text cannot hold NUL: the counting endpoint said 500, it must say which field is wrong."""
    live = live_event()
    response = client.post("/api/eventday/readings/", [
        {"gate": "east\x00", "time": timezone.now().isoformat(), "in": 1, "out": 0, "sequence": 1}],
        content_type="application/json", HTTP_AUTHORIZATION=f"Device {live.token}")
    assert response.status_code == 400 and "readings[0].gate" in response.json()


def test_document_download_documents_every_type_it_may_send():
    """The fuzzer met application/pdf where the schema said application/octet-stream."""
    from django.conf import settings
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    content = schema["paths"]["/api/applications/{id}/documents/{code}/versions/{number}/download/"]["get"][
        "responses"]["200"]["content"]
    assert set(content) == set(settings.DOCUMENT_ALLOWED_TYPES)
