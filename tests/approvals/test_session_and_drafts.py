"""An expired session answers htmx with 401 and a hint (not the sign-in page); the section autosave keeps a draft
without touching the section or the audit; a draft's header shows its latest submission day and the city flag."""
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from approvals.models import AuditEntry, SectionDraft
from tests import factories

pytestmark = pytest.mark.django_db


def first_section(application):
    return application.sections.select_related("section").order_by("section__number").first()


def test_a_signed_out_htmx_save_gets_401_and_a_hint_and_a_plain_post_the_sign_in_redirect():
    application = factories.create_application()
    entry = first_section(application)
    url = reverse("approvals:sections", args=[application.pk])
    data = {"section": entry.section.code, f"{entry.section.code}-narrative": "打了很久的字"}
    response = Client().post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 401 and response["X-Session-Expired"] == "1"
    body = response.content.decode()
    assert 'data-session-retry' in body and "id_password" not in body and "HX-Redirect" not in response
    assert urlencode({"next": reverse("accounts:signed_in")}) in body
    plain = Client().post(url, data)
    assert plain.status_code == 302 and plain["Location"].startswith(reverse("login"))


def test_signed_in_again_page_says_to_go_back_and_retry(client):
    client.force_login(factories.OrganizerUserFactory())
    assert "重试保存" in client.get(reverse("accounts:signed_in")).content.decode()


def test_autosave_keeps_a_draft_without_saving_the_section_and_the_real_save_drops_it(client):
    organizer = factories.OrganizerUserFactory()
    application = factories.create_application(organizer)
    entry = first_section(application)
    code = entry.section.code
    number_key = next((f["key"] for f in entry.section.fields if f.get("type") == "int"), None)
    client.force_login(organizer)
    data = {"section": code, f"{code}-narrative": "草稿内容"}
    if number_key:
        data[f"{code}-{number_key}"] = "12x"  # unfinished: kept as typed, not refused
    response = client.post(reverse("approvals:section_autosave", args=[application.pk]), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "自动保存" in response.content.decode()
    draft = SectionDraft.objects.get(entry=entry, user=organizer)
    assert draft.narrative == "草稿内容" and (not number_key or draft.data[number_key] == "12x")
    entry.refresh_from_db()
    assert entry.narrative == "" and not AuditEntry.objects.filter(application=application,
                                                                    snapshot__section=code).exists()
    # The page shows the draft in the form, marked as such.
    page = client.get(reverse("approvals:sections", args=[application.pk])).content.decode()
    assert f'data-testid="draft-{code}"' in page and "草稿内容" in page
    # The real save takes it and drops the draft; autosaving what is saved keeps no draft.
    client.post(reverse("approvals:sections", args=[application.pk]), {"section": code, f"{code}-narrative": "定稿"},
                HTTP_HX_REQUEST="true")
    assert not SectionDraft.objects.filter(entry=entry).exists()
    client.post(reverse("approvals:section_autosave", args=[application.pk]),
                {"section": code, f"{code}-narrative": "定稿"}, HTTP_HX_REQUEST="true")
    assert not SectionDraft.objects.filter(entry=entry).exists()


def test_autosave_is_refused_to_others_and_once_submitted(client):
    application = factories.create_application()
    code = first_section(application).section.code
    url = reverse("approvals:section_autosave", args=[application.pk])
    client.force_login(factories.OrganizerUserFactory())  # another organisation
    assert client.post(url, {"section": code, f"{code}-narrative": "x"}).status_code == 404
    submitted = factories.submitted_application()
    client.force_login(submitted.created_by)
    code = first_section(submitted).section.code
    response = client.post(reverse("approvals:section_autosave", args=[submitted.pk]),
                           {"section": code, f"{code}-narrative": "x"})
    assert "未能自动保存" in response.content.decode() and not SectionDraft.objects.exists()


def test_a_draft_shows_its_latest_submission_day_and_the_city_level_flag(client):
    organizer = factories.OrganizerUserFactory()
    small = factories.create_application(organizer)
    big = factories.create_application(organizer, expected_attendance=6000, rated_capacity=8000)
    client.force_login(organizer)
    lead = timezone.localtime(big.event.start_at).date() - timedelta(days=big.catalogue.submission_lead_days)
    page = client.get(reverse("approvals:detail", args=[big.pk])).content.decode()
    assert 'data-testid="submission-deadline"' in page and lead.isoformat() in page
    assert 'data-testid="draft-city-level"' in page and "市局决定" in page
    page = client.get(reverse("approvals:sections", args=[small.pk])).content.decode()
    assert 'data-testid="submission-deadline"' in page and 'data-testid="draft-city-level"' not in page
