"""Who may lower the security level, decide a city-level event, and lift a suspension (issue 10, findings 2–3).

A downward override (below the computed level) is a supervisor's decision; sign-off follows the more severe of
the computed and the overridden level. Events of 5,000 people or more are decided by the city bureau. Resuming a
suspended permit is a new approval: the authority that may approve, and at least the one that suspended.
"""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from approvals.risk import bridge as risk
from approvals import workflow
from approvals.models import Application, Suspension
from tests.factories import grant_police_access
from riskassess.models import LevelOverride
from tests import factories
from tests.approvals.workflow_helpers import (  # noqa: F401
    approved, no_fuse_flags, set_level, submitted, supervisor_of, under_review,
)
from tests.riskassess.factories import application_with_venue, fill_sections

pytestmark = pytest.mark.django_db

# 9,000 people and 40 guards: enough for 四级 (1:250 → 36), not for the computed 二级 (1:100 → 90).
BIG_EVENT = {"expected_attendance": 9000, "rated_capacity": 10000, "alcohol_served": True,
             "temporary_structures": 8, "has_performances": True}


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def city_supervisor():
    return factories.SupervisorFactory(authority=factories.CityBureauFactory())


def city_reviewer():
    return factories.ReviewerFactory(authority=factories.CityBureauFactory())


# ---------------------------------------------------------------------------------------------- level override


@pytest.fixture
def assessed(organizer):
    """An application the model assesses as 二级, short of guards for 二级 but not for 四级."""
    application = application_with_venue(organizer, **BIG_EVENT)
    fill_sections(application, organizer, security_staff_total=40)
    grant_police_access(application)
    assessment = risk.assess_application(application=application)
    assert assessment.computed_level == "二级"
    assert "staff_below_minimum" in {f["code"] for f in assessment.fuse_flags}
    application.refresh_from_db()
    return application


def test_reviewer_may_not_lower_the_level_below_the_computed_one(assessed):
    reviewer = factories.ReviewerFactory(authority=assessed.district)
    with pytest.raises(ValidationError) as refused:
        risk.override_level(application=assessed, actor=reviewer, level="三级", reason="人数不多")
    assert set(refused.value.message_dict) == {"level"}
    assert "分局领导" in refused.value.message_dict["level"][0]
    assert not LevelOverride.objects.filter(application=assessed).exists()
    assessed.refresh_from_db()
    assert assessed.security_level == "二级" and assessed.requires_sign_off


def test_reviewer_may_still_raise_the_level(assessed):
    reviewer = factories.ReviewerFactory(authority=assessed.district)
    assessment = risk.override_level(application=assessed, actor=reviewer, level="一级", reason="重大节日期间")
    assert (assessment.level, assessment.computed_level) == ("一级", "二级")


def test_supervisor_lowers_the_level_but_sign_off_follows_the_computed_level(assessed):
    supervisor = factories.SupervisorFactory(authority=assessed.district)
    assessment = risk.override_level(application=assessed, actor=supervisor, level="四级", reason="实地核查后调整")
    assert assessment.level == "四级"
    assert "staff_below_minimum" not in {f["code"] for f in assessment.fuse_flags}
    application = Application.objects.get(pk=assessed.pk)
    assert application.security_level == "四级" and application.computed_security_level == "二级"
    assert application.requires_sign_off


def test_a_reviewers_earlier_downward_override_is_not_effective(assessed):
    """Rows written before the rule (or by any other path) do not unlock 先批后审 or lift the staffing flag."""
    reviewer = factories.ReviewerFactory(authority=assessed.district)
    LevelOverride.objects.create(application=assessed, actor=reviewer, level="四级", reason="旧数据")
    assessment = risk.assess_application(application=assessed)
    assert assessment.level == "二级" and assessment.override_id is None
    assert "staff_below_minimum" in {f["code"] for f in assessment.fuse_flags}
    assert any("staff" in reason or "安保人员" in reason for reason in risk.fuse_flags_blocking_approval(assessed))
    application = Application.objects.get(pk=assessed.pk)
    assert application.security_level == "二级"
    assert application.provisional_blockers()


def test_sign_off_follows_the_more_severe_of_computed_and_stored_level():
    application = submitted()
    Application.objects.filter(pk=application.pk).update(security_level="四级", computed_security_level="一级")
    application.refresh_from_db()
    assert application.requires_sign_off
    Application.objects.filter(pk=application.pk).update(security_level="一级", computed_security_level="四级")
    application.refresh_from_db()
    assert application.requires_sign_off
    Application.objects.filter(pk=application.pk).update(security_level="三级", computed_security_level="四级")
    application.refresh_from_db()
    assert not application.requires_sign_off


def test_api_refuses_a_reviewers_downward_override_by_field_in_chinese_and_english(assessed):
    reviewer = factories.ReviewerFactory(authority=assessed.district)
    path = f"/api/applications/{assessed.pk}/risk/override/"
    response = api(reviewer).post(path, {"level": "四级", "reason": "人数不多"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"level"} and "分局领导" in response.json()["level"][0]
    english = api(reviewer).post(path, {"level": "四级", "reason": "small"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400 and set(english.json()) == {"level"}
    assert not LevelOverride.objects.filter(application=assessed).exists()
    supervisor = factories.SupervisorFactory(authority=assessed.district)
    response = api(supervisor).post(path, {"level": "四级", "reason": "实地核查后调整"}, format="json")
    assert response.status_code == 201 and response.json()["level"] == "四级"


def test_page_refuses_a_reviewers_downward_override_next_to_the_level_field(client, assessed):
    client.force_login(factories.ReviewerFactory(authority=assessed.district))
    response = client.post(reverse("risk:override", args=[assessed.pk]), {"level": "四级", "reason": "人数不多"})
    assert response.status_code == 400
    assert "分局领导" in response.content.decode()
    assert not LevelOverride.objects.filter(application=assessed).exists()


# ---------------------------------------------------------------------------------------------- city-level decisions


def city_level(**facts):
    application = submitted(expected_attendance=6000, rated_capacity=8000, **facts)
    assert application.needs_city_decision
    return application


@pytest.mark.usefixtures("no_fuse_flags")
def test_district_supervisor_may_not_decide_a_city_level_event():
    application = city_level()
    district_supervisor = supervisor_of(application)
    application = under_review(application, factories.ReviewerFactory(authority=application.district))
    with pytest.raises(PermissionDenied, match="市公安局"):
        workflow.application_approve(application=application, actor=district_supervisor)
    with pytest.raises(PermissionDenied, match="市公安局"):
        workflow.application_reject(application=application, actor=district_supervisor, reason="不符合条件")
    with pytest.raises(PermissionDenied, match="市公安局"):
        workflow.application_approve_provisionally(application=application, actor=district_supervisor)
    application.refresh_from_db()
    assert application.state == "under_review"
    assert "approve" not in workflow.available_actions(application, district_supervisor)
    withheld = workflow.withheld_actions(application, district_supervisor)
    assert "市公安局" in withheld["approve"] and "市公安局" in withheld["reject"]
    # Not before the district reported it (Art. 12: the district reviews, then reports with its opinion).
    with pytest.raises(PermissionDenied, match="报市局审批"):
        workflow.application_approve(application=application, actor=city_supervisor())
    assert "report_to_city" in workflow.available_actions(application, district_supervisor)
    application = workflow.application_report_to_city(application=application, actor=district_supervisor,
                                                      opinion="分局审查同意")
    # The city bureau's reviewer still needs a supervisor's signature; the city supervisor decides.
    with pytest.raises(PermissionDenied, match="签批"):
        workflow.application_approve(application=application, actor=city_reviewer())
    signer = city_supervisor()
    assert "approve" in workflow.available_actions(application, signer)
    application = workflow.application_approve(application=application, actor=signer)
    assert application.state == "approved" and application.permit.signed_by == signer


@pytest.mark.usefixtures("no_fuse_flags")
def test_district_supervisor_may_not_confirm_the_post_review_of_a_city_level_event():
    application = city_level()
    application = under_review(application, factories.ReviewerFactory(authority=application.district))
    application = workflow.application_report_to_city(application=application, actor=supervisor_of(application),
                                                      opinion="分局审查同意")
    Application.objects.filter(pk=application.pk).update(state="provisionally_approved")
    application.refresh_from_db()
    with pytest.raises(PermissionDenied, match="市公安局"):
        workflow.application_confirm_post_review(application=application, actor=supervisor_of(application))
    application = workflow.application_confirm_post_review(application=application, actor=city_supervisor())
    assert application.state == "approved"


@pytest.mark.usefixtures("no_fuse_flags")
def test_api_refuses_the_district_a_city_level_approval_and_explains_why():
    application = city_level()
    application = under_review(application, factories.ReviewerFactory(authority=application.district))
    path = f"/api/applications/{application.pk}/workflow/"
    district = api(supervisor_of(application))
    response = district.post(path + "approve/", {}, format="json")
    assert response.status_code == 403 and "市公安局" in response.json()["detail"]
    state = district.get(path).json()
    assert "approve" not in state["actions"] and "市公安局" in state["withheld_actions"]["approve"]
    assert "report_to_city" in state["actions"]
    response = district.post(path + "report-to-city/", {"opinion": ""}, format="json")
    assert response.status_code == 400 and "opinion" in response.json()
    response = district.post(path + "report-to-city/", {"opinion": "同意举办"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "reported_to_city"
    response = api(city_supervisor()).post(path + "approve/", {}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "approved"


@pytest.mark.usefixtures("no_fuse_flags")
def test_page_shows_the_district_why_it_cannot_approve_a_city_level_event(client):
    application = city_level()
    application = under_review(application, factories.ReviewerFactory(authority=application.district))
    client.force_login(supervisor_of(application))
    page = client.get(reverse("approvals:detail", args=[application.pk])).content.decode()
    assert 'data-action="approve"' not in page
    assert 'data-testid="withheld-actions"' in page and "市公安局" in page
    response = client.post(reverse("review:act", args=[application.pk, "approve"]),
                           {"expected_revision": application.revision})
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.state == "under_review"


# ---------------------------------------------------------------------------------------------- resume


@pytest.mark.usefixtures("no_fuse_flags")
def test_a_suspension_the_city_imposed_is_lifted_only_by_the_city():
    application = submitted()
    reviewer = factories.ReviewerFactory(authority=application.district)
    application = approved(application, reviewer)
    city = city_supervisor()
    application = workflow.application_suspend(application=application, actor=city, reasons="市局检查发现隐患",
                                               required_changes="整改后报市局")
    suspension = Suspension.objects.get(application=application)
    assert suspension.suspending_authority == city.authority
    for district_officer in (reviewer, supervisor_of(application)):
        with pytest.raises(PermissionDenied, match="市公安局"):
            workflow.application_resume(application=application, actor=district_officer, changes_made="已整改")
        assert "resume" not in workflow.available_actions(application, district_officer)
    application = workflow.application_resume(application=application, actor=city, changes_made="已整改")
    assert application.state == "approved"


@pytest.mark.usefixtures("no_fuse_flags")
def test_resuming_a_level_two_event_needs_the_sign_off_an_approval_needs():
    application = submitted()
    reviewer = factories.ReviewerFactory(authority=application.district)
    application = approved(application, reviewer)
    application = workflow.application_suspend(application=application, actor=reviewer, reasons="超员",
                                               required_changes="限流")
    application = set_level(application, "二级")
    with pytest.raises(PermissionDenied, match="签批"):
        workflow.application_resume(application=application, actor=reviewer, changes_made="已限流")
    application = workflow.application_resume(application=application, actor=supervisor_of(application),
                                              changes_made="已限流")
    assert application.state == "approved"


@pytest.mark.usefixtures("no_fuse_flags")
def test_resuming_a_city_level_event_needs_the_city_even_if_the_district_suspended():
    application = city_level()
    reviewer = factories.ReviewerFactory(authority=application.district)
    application = workflow.application_report_to_city(application=under_review(application, reviewer),
                                                      actor=reviewer, opinion="同意")
    application = workflow.application_approve(application=application, actor=city_supervisor())
    application = workflow.application_suspend(application=application, actor=reviewer, reasons="大风预警",
                                               required_changes="加固设施")
    with pytest.raises(PermissionDenied, match="市公安局"):
        workflow.application_resume(application=application, actor=supervisor_of(application), changes_made="已加固")
    application = workflow.application_resume(application=application, actor=city_supervisor(),
                                              changes_made="已加固")
    assert application.state == "approved"


@pytest.mark.usefixtures("no_fuse_flags")
def test_api_refuses_a_district_reviewer_resuming_a_city_suspension():
    application = submitted()
    reviewer = factories.ReviewerFactory(authority=application.district)
    application = approved(application, reviewer)
    workflow.application_suspend(application=application, actor=city_supervisor(), reasons="隐患",
                                 required_changes="整改")
    response = api(reviewer).post(f"/api/applications/{application.pk}/workflow/resume/",
                                  {"changes_made": "已整改"}, format="json")
    assert response.status_code == 403 and "市公安局" in response.json()["detail"]
