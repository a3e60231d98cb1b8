"""The documents API: slots with versions, multipart upload checked by content and size, permission-checked download."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from approvals.models import DocumentVersion
from tests import factories


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def upload(client, application, code="event_plan", name="plan.pdf", content=factories.PDF_BYTES,
           content_type="application/pdf", **extra):
    return client.post(f"/api/applications/{application.pk}/documents/",
                       {"document_type": code, "file": SimpleUploadedFile(name, content, content_type=content_type)},
                       format="multipart", **extra)


def versions_of(application):
    return DocumentVersion.objects.filter(document__application=application).count()


def test_slots_list_every_document_type_with_whether_it_applies(organizer, draft):
    slots = client_for(organizer).get(f"/api/applications/{draft.pk}/documents/").data
    assert [slot["number"] for slot in slots] == list(range(1, 10))
    applies = {slot["code"]: slot["applies"] for slot in slots}
    assert applies["event_plan"] and not applies["joint_organizing_agreement"] and not applies["sector_approvals"]
    assert all(slot["status"] == "missing" and slot["versions"] == [] for slot in slots)


def test_upload_keeps_every_version_and_points_at_the_newest(organizer, draft):
    client = client_for(organizer)
    first = upload(client, draft)
    assert first.status_code == 201, first.data
    second = upload(client, draft, name="plan-v2.pdf", content=factories.PDF_BYTES + b"% v2\n")
    assert second.status_code == 201
    assert second.data["status"] == "provided" and second.data["current_version"] == 2
    assert [(v["number"], v["original_name"]) for v in second.data["versions"]] == [(2, "plan-v2.pdf"),
                                                                                 (1, "plan.pdf")]


def test_png_is_accepted(organizer, draft):
    response = upload(client_for(organizer), draft, name="scan.png", content=factories.PNG_BYTES,
                      content_type="image/png")
    assert response.status_code == 201
    assert response.data["versions"][0]["content_type"] == "image/png"


def test_download_returns_the_file_as_an_attachment(organizer, draft):
    client = client_for(organizer)
    url = upload(client, draft).data["versions"][0]["download_url"]
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == factories.PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert client.get(url, HTTP_ACCEPT="application/pdf").status_code == 200


def test_another_organisation_cannot_download(organizer, other_organizer, draft):
    url = upload(client_for(organizer), draft).data["versions"][0]["download_url"]
    response = client_for(other_organizer).get(url)
    assert response.status_code == 404 and response["Content-Type"] == "application/json"


def test_unknown_version_is_not_found(organizer, draft):
    upload(client_for(organizer), draft)
    url = f"/api/applications/{draft.pk}/documents/event_plan/versions/7/download/"
    assert client_for(organizer).get(url).status_code == 404


def test_reviewer_of_the_district_downloads_a_submitted_applications_document(organizer):
    application = factories.submitted_application(organizer)
    reviewer = factories.ReviewerFactory(authority=application.district)
    version = DocumentVersion.objects.filter(document__application=application).first()
    url = (f"/api/applications/{application.pk}/documents/{version.document.document_type.code}/versions/"
           f"{version.number}/download/")
    assert client_for(reviewer).get(url).status_code == 200
    other_district = factories.ReviewerFactory()
    assert client_for(other_district).get(url).status_code == 404


@pytest.mark.parametrize(("name", "content", "content_type", "message"), [
    ("notes.txt", b"just text, not a pdf", "text/plain", "只接受 PDF、JPEG 或 PNG 文件。"),
    ("evil.pdf", b"MZ\x90\x00 an executable", "application/pdf", "只接受 PDF、JPEG 或 PNG 文件。"),
    ("empty.pdf", b"", "application/pdf", "文件为空。"),
])
def test_wrong_or_empty_file_is_refused_and_nothing_is_stored(organizer, draft, name, content, content_type,
                                                               message):
    response = upload(client_for(organizer), draft, name=name, content=content, content_type=content_type)
    assert response.status_code == 400
    assert response.data == {"file": [message]}
    assert versions_of(draft) == 0


def test_extension_that_lies_about_the_content_is_refused(organizer, draft):
    response = upload(client_for(organizer), draft, name="photo.png")
    assert response.status_code == 400 and "file" in response.data


def test_oversized_file_is_refused(organizer, draft, settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    response = upload(client_for(organizer), draft, content=factories.PDF_BYTES + b"0" * 2048)
    assert response.status_code == 400
    assert "文件过大" in response.data["file"][0]
    assert versions_of(draft) == 0


def test_missing_file_and_unknown_type_are_field_errors(organizer, draft):
    client = client_for(organizer)
    response = client.post(f"/api/applications/{draft.pk}/documents/", {"document_type": "event_plan"},
                           format="multipart")
    assert response.status_code == 400 and list(response.data) == ["file"]
    assert upload(client, draft, code="no_such_document").data == {"document_type": ["没有这种材料类型。"]}


def test_the_security_plan_is_filled_online_not_uploaded(organizer, draft):
    response = upload(client_for(organizer), draft, code="security_work_plan")
    assert response.status_code == 400 and "document_type" in response.data


def test_submitted_application_refuses_new_versions_but_takes_deferred_documents(organizer):
    application = factories.submitted_application(organizer)
    client = client_for(organizer)
    before = versions_of(application)
    assert upload(client, application, code="event_plan").status_code == 400
    assert versions_of(application) == before
    deferred = upload(client, application, code="liability_insurance")
    assert deferred.status_code == 201 and deferred.data["status"] == "provided"


def test_reviewer_may_not_upload(organizer):
    application = factories.submitted_application(organizer)
    reviewer = factories.ReviewerFactory(authority=application.district)
    before = versions_of(application)
    assert upload(client_for(reviewer), application, code="liability_insurance").status_code == 403
    assert versions_of(application) == before


def test_document_list_query_count_is_fixed(organizer, draft, django_assert_max_num_queries):
    client = client_for(organizer)
    for code in ("event_plan", "venue_consent", "organizer_registration"):
        upload(client, draft, code=code)
        upload(client, draft, code=code)
    with django_assert_max_num_queries(12):
        client.get(f"/api/applications/{draft.pk}/documents/")
