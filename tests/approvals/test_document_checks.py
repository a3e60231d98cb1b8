"""已查验 marks on documents: a reviewer marks the current version (who, when, audited), other reviewers see it,
a new upload by the organizer starts unmarked, and nobody but the reviewing police may mark."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from approvals.applications import services
from approvals.models import AuditEntry, DocumentVersion
from tests import factories
from tests.approvals.workflow_helpers import no_fuse_flags, organizer_of, reviewer_of, submitted  # noqa: F401
from tests.support import builder

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_fuse_flags")]

DOCUMENT = "venue_consent"


def current_version(application, code=DOCUMENT) -> DocumentVersion:
    return application.documents.select_related("current_version").get(document_type__code=code).current_version


def check_url(application, version):
    return reverse("approvals:document_check", args=[application.pk, version.pk])


def detail(client, application) -> str:
    return client.get(reverse("approvals:detail", args=[application.pk])).content.decode()


def row_of(page: str, code: str) -> str:
    start = page.index(f'id="doc-{code}"')
    return page[start:page.index("</li>", start)]


def test_a_reviewer_marks_a_document_checked_and_another_reviewer_sees_who_and_when(client):
    application = submitted()
    reviewer = reviewer_of(application, full_name="陈警官")
    colleague = reviewer_of(application, username="colleague")
    version = current_version(application)
    client.force_login(reviewer)
    response = client.post(check_url(application, version), {"checked": "1"})
    assert response.status_code == 302 and response["Location"].endswith(f"#doc-{DOCUMENT}")
    version.refresh_from_db()
    assert version.checked_by == reviewer and version.checked_at is not None
    entry = application.audit_entries.get(event=AuditEntry.Event.DOCUMENT_CHECKED)
    assert entry.actor == reviewer and entry.snapshot == {"document": DOCUMENT, "version": version.number}

    client.force_login(colleague)
    row = row_of(detail(client, application), DOCUMENT)
    assert 'data-testid="checked-mark"' in row and "陈警官" in row
    # Another document, not yet read, says so.
    assert 'data-testid="unchecked-mark"' in row_of(detail(client, application), "liability_insurance")
    # The reviewers' reading is their own: not in the organizer's history.
    client.force_login(organizer_of(application))
    assert "查验材料" not in detail(client, application)


def test_htmx_gets_the_row_back_and_unmarking_is_audited(client):
    application = submitted()
    reviewer = reviewer_of(application)
    version = current_version(application)
    client.force_login(reviewer)
    response = client.post(check_url(application, version), {"checked": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith("<li") and 'data-testid="checked-mark"' in body
    client.post(check_url(application, version), {"checked": "1"}, HTTP_HX_REQUEST="true")  # a double click
    client.post(check_url(application, version), {"checked": "0"}, HTTP_HX_REQUEST="true")
    version.refresh_from_db()
    assert version.checked_at is None and version.checked_by is None
    assert list(application.audit_entries.filter(event__startswith="document_").exclude(
        event=AuditEntry.Event.DOCUMENT_UPLOADED).values_list("event", flat=True)) == [
        AuditEntry.Event.DOCUMENT_CHECKED, AuditEntry.Event.DOCUMENT_UNCHECKED]


def test_a_new_version_uploaded_by_the_organizer_starts_unmarked(client):
    application = submitted()
    reviewer = reviewer_of(application)
    first = current_version(application)
    services.document_version_check(application=application, user=reviewer, version_id=first.pk)
    # Returned for a new venue contract; the organizer uploads one.
    builder.builder_for(application).returned(items=[f"document:{DOCUMENT}"], by=reviewer)
    organizer = organizer_of(application)
    second = services.document_upload(application=application, user=organizer, document_type_code=DOCUMENT,
                                      uploaded=factories.pdf_upload("new-contract.pdf"))
    assert current_version(application) == second and second.checked_at is None
    first.refresh_from_db()
    assert first.checked_by == reviewer  # the old version keeps its history
    client.force_login(reviewer)
    assert 'data-testid="unchecked-mark"' in row_of(detail(client, application), DOCUMENT)
    # The replaced version cannot be marked any more.
    with pytest.raises(ValidationError):
        services.document_version_check(application=application, user=reviewer, version_id=first.pk,
                                        checked=False)


def test_outsiders_cannot_mark(client):
    application = submitted()
    version = current_version(application)
    organizer = organizer_of(application)
    other_district = factories.ReviewerFactory(username="elsewhere")  # police, but not of this application
    official = factories.CultureOfficialFactory()
    for user, status in ((organizer, 403), (other_district, 404), (official, 404)):
        client.force_login(user)
        assert client.post(check_url(application, version), {"checked": "1"}).status_code == status, user
        with pytest.raises(PermissionDenied):
            services.document_version_check(application=application, user=user, version_id=version.pk)
    client.logout()
    assert client.post(check_url(application, version), {"checked": "1"}).status_code == 302  # to sign in
    version.refresh_from_db()
    assert version.checked_at is None
    assert not application.audit_entries.filter(event=AuditEntry.Event.DOCUMENT_CHECKED).exists()
    # The organizer's page has no mark and no form.
    client.force_login(organizer)
    assert "check-document" not in detail(client, application)


def test_the_reviewer_page_opens_every_section_and_shows_review_points_not_the_checklist(client):
    application = submitted()
    client.force_login(reviewer_of(application))
    page = detail(client, application)
    assert page.count('class="accordion-collapse collapse show"') == application.sections.count() == 11
    assert 'data-testid="review-points"' in page and "checklist-box" not in page
    assert "提交前检查清单" not in page and 'data-view-document="' in page
    client.force_login(organizer_of(application))
    page = detail(client, application)
    assert 'class="accordion-collapse collapse show"' not in page and "checklist-box" in page
