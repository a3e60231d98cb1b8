"""approvals.risk.bridge: facts built from the database, stored assessments, re-assessment on change, overrides,
fuse flags that block approval, suspension candidates, and a fixed number of queries per batch."""
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from approvals.risk import bridge as risk
from approvals.applications import services
from approvals.models import Application, ApplicationDocument, AuditEntry
from events.models import AccountabilityRecord, Performer, Song, TrainingDrill, VettingStatus
from riskassess.models import Assessment, RiskModelVersion
from tests import factories

from .factories import application_with_venue, fill_sections

STAFFED = {"security_staff_total": 200, "fixed_posts": 3, "patrol_posts": 5, "mobile_points": 5}


@pytest.fixture
def application(organizer):
    application = application_with_venue(organizer, expected_attendance=3000, rated_capacity=8000)
    fill_sections(application, organizer, **STAFFED)
    return application


def police_for(application):
    return factories.ReviewerFactory(authority=application.district)


def grant_police(application):
    factories.grant_police_access(application)
    return police_for(application)


def set_state(application, state):
    Application.objects.filter(pk=application.pk).update(state=state)


def factor(assessment, code):
    return next(f for f in assessment.factors if f["code"] == code)


def test_assessment_is_stored_with_its_model_version_and_sets_the_security_level(application):
    assessment = risk.assess_application(application=application)
    assert assessment.pk and assessment.model_version == RiskModelVersion.objects.get(is_current=True)
    assert assessment.level in {"一级", "二级", "三级", "四级"}
    application.refresh_from_db()
    assert application.security_level == assessment.level
    assert set(assessment.dimension_scores) == {"organisation", "environment", "performers", "venue", "traffic"}
    assert {"dimension", "code", "label", "value", "contribution", "explanation"} <= set(assessment.factors[0])
    assert risk.latest_assessment(application) == assessment


def test_section_three_numbers_reach_the_deployment(application):
    assessment = risk.assess_application(application=application)
    assert assessment.deployment["planned"] == {"security_staff": 200, "fixed_posts": 3, "patrol_posts": 5,
                                                "mobile_points": 5}
    assert factor(assessment, "staffing_ratio")["value"] == "200 人，约 1:15"


def test_venue_exits_and_area_reach_the_crowd_figures(organizer):
    application = application_with_venue(organizer, area=12000, exits=((8, "level"), (4, "steps")),
                                         expected_attendance=30000, rated_capacity=40000, alcohol_served=True)
    crowd = risk.assess_application(application=application).crowd
    assert crowd["safe_capacity"] == 24000
    assert crowd["over_capacity"] is True
    assert crowd["egress_per_minute"] == 8 * 72 + 4 * 56


def test_struck_performer_and_song_are_off_the_programme_and_do_not_block(application):
    event = application.event
    Performer.objects.create(event=event, name="铁锈乐队", genre="重金属", genre_intensity=5,
                             vetting_status=VettingStatus.STRUCK)
    calm = Performer.objects.create(event=event, name="民谣社", genre_intensity=1)
    Song.objects.create(performer=calm, title="不宜曲目", vetting_status=VettingStatus.STRUCK)
    assert not any("铁锈乐队" in r or "不宜曲目" in r for r in risk.fuse_flags_blocking_approval(application))
    heavy = factor(risk.assess_application(application=application), "genre_intensity")
    assert "铁锈乐队" not in str(heavy["explanation"])  # a struck act no longer counts for the intensity


def test_struck_performer_and_song_back_on_the_programme_flag(application):
    event = application.event
    Performer.objects.create(event=event, name="铁锈乐队", genre="重金属", genre_intensity=5,
                             vetting_status=VettingStatus.STRUCK)
    Performer.objects.create(event=event, name="铁锈乐队", genre="重金属", genre_intensity=5)  # re-added
    calm = Performer.objects.create(event=event, name="民谣社", genre_intensity=1)
    Song.objects.create(performer=calm, title="不宜曲目", vetting_status=VettingStatus.STRUCK)
    Song.objects.create(performer=calm, title="不宜曲目")  # the same song again
    reasons = risk.fuse_flags_blocking_approval(application)
    assert any("铁锈乐队" in r and "民谣社《不宜曲目》" in r for r in reasons)


def test_deferred_document_past_its_due_date_flags(application):
    today = timezone.localdate()
    document = application.documents.get(document_type__code="liability_insurance")
    document.status, document.deferred_due_date = ApplicationDocument.Status.DEFERRED, today
    document.save()
    assert not risk.fuse_flags_blocking_approval(application)  # due today: not yet past
    ApplicationDocument.objects.filter(pk=document.pk).update(deferred_due_date=today - timedelta(days=1))
    assert risk.fuse_flags_blocking_approval(application) == [
        f"容缺材料“公众责任保险”逾期未补交（期限 {today - timedelta(days=1):%Y-%m-%d}）。"]


def test_organizer_record_reads_completed_events_and_recent_suspensions(organizer, application):
    other = application_with_venue(organizer)
    set_state(other, "completed")
    assert factor(risk.assess_application(application=application), "organizer_record")["severity"] == 0.5
    AuditEntry.objects.create(application=other, action=AuditEntry.Action.TRANSITION, to_state="suspended")
    assert factor(risk.assess_application(application=application), "organizer_record")["severity"] == 1.0


def test_security_company_record_reads_drills_and_accountability(application):
    company = factories.SecurityCompanyFactory()
    application.event.security_company = company
    application.event.save()
    today = timezone.localdate()
    TrainingDrill.objects.create(company=company, held_on=today - timedelta(days=10), scenario="疏散",
                                 guards_trained=50)
    assert factor(risk.assess_application(application=application), "security_company_record")["severity"] == 0.1
    AccountabilityRecord.objects.create(company=company, decided_on=today, severity="penalty", description="x")
    assert factor(risk.assess_application(application=application), "security_company_record")["severity"] == 0.7


def test_a_change_reassesses_after_commit_and_keeps_history(organizer, application,
                                                            django_capture_on_commit_callbacks):
    first = risk.assess_application(application=application)
    with django_capture_on_commit_callbacks(execute=True):
        services.section_save(application=application, user=organizer, section_code="security_staff",
                              raw_data={**STAFFED, "security_staff_total": 5}, narrative="减少人员。")
    latest = risk.latest_assessment(application)
    assert latest.pk != first.pk and latest.trigger == "change:section"
    assert {f["code"] for f in latest.fuse_flags} == {"staff_below_minimum"}
    assert Assessment.objects.filter(application=application).count() == 2


def test_a_change_that_alters_nothing_adds_no_history_row(application):
    risk.assess_application(application=application)
    risk.reassess_on_change(Application, application=application, what="lineup")
    assert Assessment.objects.filter(application=application).count() == 1


def test_forecast_is_kept_by_later_reassessments(application):
    risk.assess_application(application=application, forecast={"max_temperature_c": 38, "wind_speed_ms": "20"})
    application.event.temporary_structures = 5
    application.event.save()
    risk.reassess_on_change(Application, application=application, what="facts")
    latest = risk.latest_assessment(application)
    assert latest.forecast == {"max_temperature_c": 38.0, "wind_speed_ms": 20.0}
    assert factor(latest, "forecast_wind")["severity"] == 1.0


def test_forecast_out_of_range_is_refused_by_field(application):
    with pytest.raises(ValidationError) as refused:
        risk.assess_application(application=application, forecast={"wind_speed_ms": -3, "max_temperature_c": "x"})
    assert set(refused.value.message_dict) == {"wind_speed_ms", "max_temperature_c"}


def test_police_override_wins_is_audited_and_survives_reassessment(application):
    reviewer = grant_police(application)
    computed = risk.assess_application(application=application)
    assessment = risk.override_level(application=application, actor=reviewer, level="一级", reason="重大节日期间")
    assert (assessment.level, assessment.computed_level) == ("一级", computed.computed_level)
    application.refresh_from_db()
    assert application.security_level == "一级"
    entry = AuditEntry.objects.get(application=application, action=AuditEntry.Action.LEVEL_OVERRIDDEN)
    assert entry.actor == reviewer and entry.reason == "重大节日期间"
    assert entry.snapshot["to_level"] == "一级" and entry.snapshot["from_level"] == computed.level
    application.event.temporary_structures = 4
    application.event.save()
    risk.reassess_on_change(Application, application=application, what="facts")
    assert risk.latest_assessment(application).level == "一级"


def test_clearing_the_override_returns_to_the_computed_level(application):
    reviewer = grant_police(application)
    risk.override_level(application=application, actor=reviewer, level="一级", reason="节日")
    assessment = risk.override_level(application=application, actor=reviewer, level="", reason="节日结束")
    assert assessment.level == assessment.computed_level
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LEVEL_OVERRIDDEN).count() == 2


def test_override_needs_a_reason_and_a_known_level(application):
    reviewer = grant_police(application)
    with pytest.raises(ValidationError) as refused:
        risk.override_level(application=application, actor=reviewer, level="五级", reason=" ")
    assert set(refused.value.message_dict) == {"level", "reason"}
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.LEVEL_OVERRIDDEN).exists()


def test_organizer_cannot_override_the_level(organizer, application):
    with pytest.raises(PermissionDenied):
        risk.override_level(application=application, actor=organizer, level="四级", reason="我们很安全")


def test_fuse_flags_block_approval_until_removed(organizer, application, django_capture_on_commit_callbacks):
    services.section_save(application=application, user=organizer, section_code="security_staff",
                          raw_data={**STAFFED, "security_staff_total": 3}, narrative="x")
    assert risk.fuse_flags_blocking_approval(application)
    services.section_save(application=application, user=organizer, section_code="security_staff",
                          raw_data=STAFFED, narrative="x")
    assert risk.fuse_flags_blocking_approval(application) == []


def test_approved_event_with_a_flag_is_a_suspension_candidate_for_its_police_only(organizer, application):
    reviewer = grant_police(application)
    other_reviewer = factories.ReviewerFactory()
    set_state(application, "approved")
    assert risk.suspension_candidates(reviewer) == []
    ApplicationDocument.objects.filter(application=application, document_type__code="liability_insurance").update(
        status=ApplicationDocument.Status.DEFERRED, deferred_due_date=timezone.localdate() - timedelta(days=2))
    (candidate,) = risk.suspension_candidates(reviewer)
    assert candidate.application == application and "公众责任保险" in candidate.reasons[0]
    assert risk.suspension_candidates(other_reviewer) == []
    assert risk.suspension_candidates(organizer) == []


def test_assessing_a_batch_costs_the_same_queries_for_three_or_six(organizer, django_assert_num_queries):
    applications = []
    company = factories.SecurityCompanyFactory()
    for n in range(6):
        application = application_with_venue(organizer, expected_attendance=2000 + n, security_company=company)
        Performer.objects.create(event=application.event, name=f"乐队{n}")
        fill_sections(application, organizer, **STAFFED)
        applications.append(application)
    # 5 model version (with its weather rules) + 7 applications with exits, lineup, sections, sessions, overdue
    # documents + 2 latest assessment and override + 2 organiser record + 2 security company record + 4 savepoint,
    # insert, update, release.
    with django_assert_num_queries(22) as small:
        risk.assess_applications(applications[:3])
    with django_assert_num_queries(len(small.captured_queries)):
        risk.assess_applications(applications)
    assert Assessment.objects.count() == 9
