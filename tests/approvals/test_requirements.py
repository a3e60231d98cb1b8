"""Which documents apply, which are missing, which may be deferred: one function (approvals.applications.requirements) that
the checklist, the 容缺 panel and its service, the API and the plan all follow."""
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from approvals import workflow
from approvals.applications.checklist import application_checklist, documents_to_defer
from approvals.applications.requirements import requirements_for
from tests import factories
from tests.approvals.workflow_helpers import (  # noqa: F401
    days_from_today, no_fuse_flags, reviewer_of, submitted,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_fuse_flags")]


def codes(documents):
    return [d.document_type.code for d in documents]


def panel_defaults(page: str) -> list[str]:
    form = re.search(r'<form[^>]*data-action="accept_with_deferred".*?</form>', page, re.S).group(0)
    return [m.group(1) for m in re.finditer(r'<input[^>]*name="documents" value="([^"]+)"[^>]*\bchecked\b', form)]


def test_one_organiser_without_performances_needs_neither_the_joint_agreement_nor_sector_approvals():
    application = factories.create_application()
    requirements = requirements_for(application)
    assert requirements.organiser_count == 1
    applicable = codes(requirements.applicable)
    assert "joint_organizing_agreement" not in applicable and "sector_approvals" not in applicable
    assert codes(requirements.deferrable) == ["service_contracts", "liability_insurance"]


def test_a_co_organiser_and_performances_make_the_conditional_documents_apply():
    application = factories.create_application(has_performances=True)
    application.event.co_organisers.add(factories.OrganisationFactory())
    requirements = requirements_for(application)
    assert requirements.organiser_count == 2
    assert {"joint_organizing_agreement", "sector_approvals"} <= set(codes(requirements.deferrable))


def test_checklist_submission_and_panel_agree_on_the_deferrable_documents(client):
    application = submitted(upload_deferrable=False)
    assert codes(documents_to_defer(application)) == codes(requirements_for(application).deferrable)
    listed = {item.code for item in application_checklist(application) if item.kind == "document"}
    assert listed == set(codes(requirements_for(application).applicable))
    client.force_login(reviewer_of(application))
    page = client.get(reverse("approvals:detail", args=[application.pk])).content.decode()
    assert panel_defaults(page) == ["service_contracts", "liability_insurance"]


def test_the_deferral_panel_submitted_with_its_defaults_accepts_the_application(client):
    application = submitted(upload_deferrable=False)
    client.force_login(reviewer_of(application))
    page = client.get(reverse("approvals:detail", args=[application.pk])).content.decode()
    response = client.post(reverse("review:act", args=[application.pk, "accept_with_deferred"]), {
        "documents": panel_defaults(page), "due_date": days_from_today(10).isoformat(),
        "expected_revision": application.revision}, follow=True)
    application.refresh_from_db()
    assert application.state == "accepted_deferred", response.content.decode()[:2000]
    assert sorted(application.deferred_commitments.get().documents.values_list("document_type__code", flat=True)) \
        == ["liability_insurance", "service_contracts"]


def test_deferring_a_document_that_does_not_apply_names_it_by_its_name_not_its_code():
    application = submitted(upload_deferrable=False)
    with pytest.raises(ValidationError) as refused:
        workflow.application_accept_with_deferred(
            application=application, actor=reviewer_of(application), due_date=days_from_today(10),
            documents=["service_contracts", "liability_insurance", "joint_organizing_agreement"])
    message = " ".join(refused.value.messages)
    assert "联合承办协议" in message and "joint_organizing_agreement" not in message


def test_an_unknown_document_code_is_refused_without_echoing_it():
    application = submitted(upload_deferrable=False)
    with pytest.raises(ValidationError) as refused:
        workflow.application_accept_with_deferred(
            application=application, actor=reviewer_of(application), due_date=days_from_today(10),
            documents=["service_contracts", "liability_insurance", "<b>no_such</b>"])
    assert "no_such" not in " ".join(refused.value.messages)


def test_the_document_api_says_applies_as_the_requirements_do(client):
    application = factories.create_application(has_performances=True)
    client.force_login(application.created_by)
    slots = client.get(f"/api/applications/{application.pk}/documents/").json()
    applies = {slot["code"]: slot["applies"] for slot in slots}
    expected = {d.document_type.code: d.applies for d in requirements_for(application).documents}
    assert applies == expected and applies["sector_approvals"] and not applies["joint_organizing_agreement"]
