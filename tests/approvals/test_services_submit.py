"""Submission rules: refused with a list of what is missing; deferrable documents recorded as to be deferred."""
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from approvals.models import ApplicationDocument, ApplicationState, AuditEntry
from approvals.applications.services import application_submit, application_update_facts, section_save
from tests import factories


def test_incomplete_application_is_refused_with_what_is_missing(organizer, draft):
    with pytest.raises(ValidationError) as refused:
        application_submit(application=draft, user=organizer)
    messages = " ".join(refused.value.messages)
    assert "活动方案及说明" in messages
    assert "活动概况" in messages
    assert "主办方" in messages
    draft.refresh_from_db()
    assert draft.state == ApplicationState.DRAFT


def test_complete_application_submits_and_defers_missing_deferrable_documents(organizer, draft):
    factories.complete_application(draft, organizer)
    application = application_submit(application=draft, user=organizer)
    assert application.state == ApplicationState.SUBMITTED
    statuses = dict(application.documents.values_list("document_type__code", "status"))
    assert statuses["service_contracts"] == ApplicationDocument.Status.TO_BE_DEFERRED
    assert statuses["liability_insurance"] == ApplicationDocument.Status.TO_BE_DEFERRED
    assert statuses["event_plan"] == ApplicationDocument.Status.PROVIDED
    entry = application.audit_entries.get(action=AuditEntry.Action.TRANSITION)
    assert (entry.from_state, entry.to_state, entry.actor) == ("draft", "submitted", organizer)


def test_second_submission_is_refused(organizer, draft):
    factories.complete_application(draft, organizer)
    application_submit(application=draft, user=organizer)
    with pytest.raises(ValidationError, match="不能重复提交"):
        application_submit(application=draft, user=organizer)
    assert draft.audit_entries.filter(transition="submit").count() == 1


def test_submitted_application_cannot_be_edited(organizer, draft):
    factories.complete_application(draft, organizer)
    application_submit(application=draft, user=organizer)
    with pytest.raises(ValidationError, match="不能再修改"):
        section_save(application=draft, user=organizer, section_code="overview", raw_data={"sessions": 2},
                     narrative="x")


def test_another_organisation_cannot_submit(organizer, other_organizer, draft):
    factories.complete_application(draft, organizer)
    with pytest.raises(PermissionDenied):
        application_submit(application=draft, user=other_organizer)


def test_late_and_city_level_applications_are_flagged(organizer):
    application = factories.create_application(
        organizer, expected_attendance=30000, rated_capacity=40000,
        start_at=timezone.now() + timedelta(days=10), end_at=timezone.now() + timedelta(days=10, hours=6))
    factories.complete_application(application, organizer)
    application = application_submit(application=application, user=organizer)
    assert application.is_late and application.needs_city_decision


def test_on_time_small_application_is_not_flagged(organizer, draft):
    factories.complete_application(draft, organizer)
    application = application_submit(application=draft, user=organizer)
    assert not application.is_late and not application.needs_city_decision


def test_fewer_than_a_thousand_people_needs_no_permit(organizer):
    with pytest.raises(ValidationError) as refused:
        factories.create_application(organizer, expected_attendance=800)
    assert "无需申请" in refused.value.message_dict["expected_attendance"][0]


def test_end_before_start_is_a_field_error_and_keeps_the_saved_facts(organizer, draft):
    start = draft.event.start_at
    with pytest.raises(ValidationError) as refused:
        application_update_facts(application=draft, user=organizer,
                                 facts={"name": "新名字", "end_at": start - timedelta(hours=1)})
    assert "end_at" in refused.value.message_dict
    draft.event.refresh_from_db()
    assert draft.event.name == "湖滨音乐节"


def test_absurd_attendance_over_capacity_is_refused(organizer, draft):
    with pytest.raises(ValidationError) as refused:
        application_update_facts(application=draft, user=organizer, facts={"expected_attendance": 999_999})
    assert "expected_attendance" in refused.value.message_dict


def test_joint_agreement_applies_only_with_two_organisers(organizer, draft):
    factories.complete_application(draft, organizer)
    partner = factories.OrganisationFactory()
    application_update_facts(application=draft, user=organizer, facts={}, co_organisers=[partner])
    application = application_submit(application=draft, user=organizer)
    statuses = dict(application.documents.values_list("document_type__code", "status"))
    assert statuses["joint_organizing_agreement"] == ApplicationDocument.Status.TO_BE_DEFERRED
    assert statuses["sector_approvals"] == ApplicationDocument.Status.MISSING  # no performances


def test_section_type_error_is_field_level_and_keeps_previous_content(organizer, draft):
    section_save(application=draft, user=organizer, section_code="security_staff",
                 raw_data={"security_staff_total": 120}, narrative="原有说明")
    with pytest.raises(ValidationError) as refused:
        section_save(application=draft, user=organizer, section_code="security_staff",
                     raw_data={"security_staff_total": "很多"}, narrative="新说明")
    assert "security_staff_total" in refused.value.message_dict
    entry = draft.sections.get(section__code="security_staff")
    assert entry.data["security_staff_total"] == 120 and entry.narrative == "原有说明"


def test_the_named_security_company_sees_the_submitted_application_and_no_other(organizer):
    from approvals.applications.selectors import applications_visible_to

    company, other_company = factories.SecurityCompanyFactory(), factories.SecurityCompanyFactory()
    guard = factories.UserFactory(organisation=company, role="security_company")
    other_guard = factories.UserFactory(organisation=other_company, role="security_company")
    application = factories.create_application(organizer, security_company=company)
    assert not applications_visible_to(guard).exists()  # a draft is the organizer's alone
    factories.complete_application(application, organizer)
    application_submit(application=application, user=organizer)
    assert list(applications_visible_to(guard)) == [application]
    assert not applications_visible_to(other_guard).exists()
