"""Pages of department opinions: the decision screen (the workflow panel) shows every opinion to the police and
only its own to a department, the approve button is withheld with the opinions' reason, the department's list,
the answer and withdrawal forms, the permit page with the decision template's text; query counts pinned."""
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from approvals.models import OpinionRequest
from approvals.opinions import services as opinions
from tests import factories
from tests.approvals.workflow_helpers import no_fuse_flags  # noqa: F401
from tests.support.builder import application as build_application

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_fuse_flags")]


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world():
    application = build_application().under_review().build()
    officer = factories.SupervisorFactory(authority=application.district)
    fire = factories.DepartmentFactory(name="湖滨区消防救援大队", area=application.district)
    traffic = factories.DepartmentFactory(name="湖滨交警大队", area=application.district,
                                          department_kind=factories.department_kind("traffic"))
    fire_op, traffic_op = opinions.opinions_request(
        application=application, actor=officer, departments=[fire, traffic],
        due_date=timezone.localdate() + timedelta(days=3), note="请审查")
    return {"application": application, "officer": officer, "fire_op": fire_op, "traffic_op": traffic_op,
            "fire_official": factories.DepartmentOfficialFactory(authority=fire),
            "traffic_official": factories.DepartmentOfficialFactory(authority=traffic)}


def test_the_police_see_every_opinion_and_approve_is_withheld_with_the_reason(world):
    page = client_for(world["officer"]).get(f"/applications/{world['application'].pk}/").content.decode()
    assert page.count('data-opinion="fire"') == 1 and page.count('data-opinion="traffic"') == 1
    assert 'data-withheld="approve"' in page and "尚待湖滨交警大队出具意见" in page
    assert 'data-action="withdraw_opinion"' in page and 'data-action="answer_opinion"' not in page


def test_a_department_sees_its_own_opinion_and_no_more_of_the_dossier(world):
    application = world["application"]
    page = client_for(world["fire_official"]).get(f"/applications/{application.pk}/").content.decode()
    assert 'data-opinion="fire"' in page and 'data-opinion="traffic"' not in page
    assert 'data-action="answer_opinion"' in page and 'data-action="withdraw_opinion"' not in page
    assert 'data-action="approve"' not in page and 'data-action="request_opinions"' not in page
    client = client_for(world["fire_official"])
    assert client.get(f"/review/applications/{application.pk}/permit/").status_code == 404
    assert client.get(f"/review/applications/{application.pk}/history/").status_code == 404
    stranger = factories.DepartmentOfficialFactory()
    assert client_for(stranger).get(f"/applications/{application.pk}/").status_code == 404


def test_the_department_answers_from_the_page_and_bad_input_is_said(world):
    client = client_for(world["fire_official"])
    url = f"/review/opinions/{world['fire_op'].pk}/answer/"
    response = client.post(url, {"verdict": "conditional", "reasons": "", "conditions": ""}, follow=True)
    assert "附条件同意须写明条件" in response.content.decode()
    client.post(url, {"verdict": "conditional", "reasons": "可行", "conditions": "灭火器 2 具\n消防通道畅通"})
    opinion = OpinionRequest.objects.get(pk=world["fire_op"].pk)
    assert opinion.conditions == ["灭火器 2 具", "消防通道畅通"]
    # Not its department's: 403.
    assert client.post(f"/review/opinions/{world['traffic_op'].pk}/answer/", {"verdict": "agree"}).status_code == 403


def test_the_department_list_shows_its_requests_only(world, django_assert_max_num_queries):
    client = client_for(world["fire_official"])
    with django_assert_max_num_queries(12):
        page = client.get("/review/opinions/").content.decode()
    assert world["application"].event.name in page and page.count("data-opinion=") == 1
    assert client_for(world["officer"]).get("/review/opinions/").status_code == 403


def test_the_reviewer_withdraws_from_the_page(world):
    client = client_for(world["officer"])
    client.post(f"/review/opinions/{world['traffic_op'].pk}/withdraw/")
    assert OpinionRequest.objects.get(pk=world["traffic_op"].pk).withdrawn_at is not None
    assert client_for(world["traffic_official"]).get(f"/applications/{world['application'].pk}/").status_code == 404


def test_approve_from_the_page_with_a_library_condition_and_the_permit_prints_it(world):
    application = world["application"]
    for key in ("fire_op", "traffic_op"):
        official = world["fire_official" if key == "fire_op" else "traffic_official"]
        opinions.opinion_answer(opinion=world[key], actor=official, verdict="agree")
    library = opinions.library_conditions_for(application)[0]
    client = client_for(world["officer"])
    page = client.get(f"/applications/{application.pk}/").content.decode()
    assert f'data-condition="{library.pk}"' in page and 'data-withheld="approve"' not in page
    client.post(f"/review/applications/{application.pk}/act/approve/", {
        "library_conditions": [str(library.pk)], f"library_conditions-{library.pk}": "改过的条件",
        "extra_conditions": "另加一条"})
    permit = client.get(f"/review/applications/{application.pk}/permit/").content.decode()
    assert "改过的条件" in permit and "另加一条" in permit
    assert 'data-testid="decision-opening"' in permit and application.event.name in permit
