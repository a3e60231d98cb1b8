"""API of department opinions: request and override (workflow actions from the registry), answer, withdraw,
the opinions as each user may read them, and approval with library conditions; 400 / 403 / 404."""
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from approvals.models import OpinionRequest, Permit
from approvals.opinions import services as opinions
from tests import factories
from tests.approvals.workflow_helpers import no_fuse_flags  # noqa: F401
from tests.support.builder import application as build_application

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_fuse_flags")]


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def world():
    application = build_application().under_review().build()
    fire = factories.DepartmentFactory(area=application.district)
    traffic = factories.DepartmentFactory(area=application.district,
                                          department_kind=factories.department_kind("traffic"))
    return {"application": application, "officer": factories.SupervisorFactory(authority=application.district),
            "fire": fire, "traffic": traffic, "fire_official": factories.DepartmentOfficialFactory(authority=fire),
            "traffic_official": factories.DepartmentOfficialFactory(authority=traffic)}


def _workflow(application, slug):
    return f"/api/applications/{application.pk}/workflow/{slug}/"


def test_request_answer_and_approve_through_the_api(world):
    application, officer = world["application"], world["officer"]
    due = (timezone.localdate() + timedelta(days=4)).isoformat()
    response = api(officer).post(_workflow(application, "request-opinions"),
                                 {"departments": [world["fire"].pk, world["traffic"].pk], "due_date": due},
                                 format="json")
    assert response.status_code == 200, response.content
    listed = api(officer).get(f"/api/applications/{application.pk}/opinions/").json()
    assert [o["blocks_approval"] for o in listed] == [True, True]
    state = api(officer).get(f"/api/applications/{application.pk}/workflow/").json()
    assert any("尚待" in reason for reason in state["approval_blockers"])

    # The fire official reads its own opinion only, and answers.
    fire_id = next(o["id"] for o in listed if o["department"] == world["fire"].name)
    traffic_id = next(o["id"] for o in listed if o["department"] == world["traffic"].name)
    own = api(world["fire_official"]).get(f"/api/applications/{application.pk}/opinions/").json()
    assert [o["id"] for o in own] == [fire_id]
    bad = api(world["fire_official"]).post(f"/api/opinions/{fire_id}/answer/", {"verdict": "conditional"},
                                           format="json")
    assert bad.status_code == 400 and "conditions" in bad.json()
    answered = api(world["fire_official"]).post(
        f"/api/opinions/{fire_id}/answer/",
        {"verdict": "conditional", "reasons": "可行", "conditions": ["消防车通道保持畅通"]}, format="json")
    assert answered.status_code == 200 and answered.json()["verdict"] == "conditional"
    # Another department's opinion: 403 for the traffic official (it sees the application, not that opinion).
    assert api(world["traffic_official"]).post(f"/api/opinions/{fire_id}/answer/", {"verdict": "agree"},
                                               format="json").status_code == 403
    api(world["traffic_official"]).post(f"/api/opinions/{traffic_id}/answer/", {"verdict": "agree"}, format="json")

    library = opinions.library_conditions_for(application)[0]
    approved = api(officer).post(_workflow(application, "approve"), {
        "library_conditions": [{"id": library.pk, "text": ""}], "extra_conditions": "22 时前散场"}, format="json")
    assert approved.status_code == 200, approved.content
    conditions = Permit.objects.get(application=application).conditions
    assert library.text in conditions and "22 时前散场" in conditions
    assert any("消防车通道保持畅通" in c for c in conditions)


def test_override_and_withdraw_through_the_api_and_who_may(world):
    application, officer = world["application"], world["officer"]
    (opinion,) = opinions.opinions_request(application=application, actor=officer, departments=[world["traffic"]],
                                           due_date=timezone.localdate() + timedelta(days=2))
    reviewer = factories.ReviewerFactory(authority=application.district)
    assert api(reviewer).post(_workflow(application, "override-opinions"), {"reason": "急"},
                              format="json").status_code == 403
    assert api(officer).post(_workflow(application, "override-opinions"), {"reason": ""},
                             format="json").status_code == 400
    assert api(officer).post(_workflow(application, "override-opinions"), {"reason": "领导决定"},
                             format="json").status_code == 200
    assert OpinionRequest.objects.get(pk=opinion.pk).overridden_by == officer

    # Departments may not withdraw; strangers get 404; the reviewer withdraws and the department loses sight.
    assert api(world["traffic_official"]).post(f"/api/opinions/{opinion.pk}/withdraw/", {},
                                               format="json").status_code == 404
    assert api(world["fire_official"]).get(f"/api/applications/{application.pk}/opinions/").status_code == 404
    assert api(reviewer).post(f"/api/opinions/{opinion.pk}/withdraw/", {"reason": "不再需要"},
                              format="json").status_code == 200
    assert api(world["traffic_official"]).get(f"/api/applications/{application.pk}/").status_code == 404


def test_bad_request_input_is_a_field_error(world):
    application, officer = world["application"], world["officer"]
    response = api(officer).post(_workflow(application, "request-opinions"),
                                 {"departments": [], "due_date": "2020-01-01"}, format="json")
    assert response.status_code == 400 and "departments" in response.json()
    elsewhere = factories.DepartmentFactory()
    response = api(officer).post(_workflow(application, "request-opinions"), {
        "departments": [elsewhere.pk], "due_date": (timezone.localdate() + timedelta(days=2)).isoformat()},
        format="json")
    assert response.status_code == 400 and "departments" in response.json()
    assert api(world["fire_official"]).post(_workflow(application, "request-opinions"), {
        "departments": [world["fire"].pk], "due_date": timezone.localdate().isoformat()},
        format="json").status_code == 404
