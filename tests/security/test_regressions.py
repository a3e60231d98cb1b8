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
