"""Input limits (issue 10, findings 8, 9, 10, 17): long free text, too many exits, control characters in names,
phone numbers. Each is refused by the model (so the admin refuses it too), the page and the API alike, with a
field message, and the draft keeps what it had."""
import logging

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from rest_framework.test import APIClient

from approvals.models import PartyAssignment, SectionEntry
from events.models import Event, Organisation, Performer, Song, Venue, VenueExit
from events.validators import (
    EVENT_DESCRIPTION_MAX_LENGTH, MAX_VENUE_EXITS, SECTION_NARRATIVE_MAX_LENGTH, validate_phone,
)
from notifications.services import notification_email_deliver, notify
from tests import factories

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
CRLF_NAME = "湖滨音乐节\r\nBcc: everyone@example.cn"


def api(user, language=None) -> APIClient:
    client = APIClient()
    client.force_login(user)
    if language:
        client.credentials(HTTP_ACCEPT_LANGUAGE=language)
    return client


@pytest.fixture
def page(client, organizer):
    client.force_login(organizer)
    return client


def facts_form(event, **overrides) -> dict:
    from django.utils import timezone

    def local(dt):
        return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")

    data = {"name": event.name, "kind": event.kind, "venue": event.venue_id,
            "sessions-TOTAL_FORMS": "1", "sessions-INITIAL_FORMS": "1", "sessions-MIN_NUM_FORMS": "1",
            "sessions-MAX_NUM_FORMS": "100", "sessions-0-start_at": local(event.start_at),
            "sessions-0-end_at": local(event.end_at), "sessions-0-expected_attendance": event.expected_attendance,
            "rated_capacity": event.rated_capacity, "ticketed": "on", "temporary_structures": "2",
            "description": event.description, "security_company": "",
            "exits-TOTAL_FORMS": "0", "exits-INITIAL_FORMS": "0", "exits-MIN_NUM_FORMS": "0",
            "exits-MAX_NUM_FORMS": "1000"}
    data.update(overrides)
    return data


# ---------------------------------------------------------------------------------------------- finding 8


def test_the_event_model_refuses_a_description_over_the_limit(draft):
    event = draft.event
    event.description = "长" * (EVENT_DESCRIPTION_MAX_LENGTH + 1)
    with pytest.raises(ValidationError) as refused:
        event.full_clean()
    assert list(refused.value.message_dict) == ["description"]
    assert f"{EVENT_DESCRIPTION_MAX_LENGTH}" in refused.value.message_dict["description"][0]


def test_facts_page_refuses_a_long_description_and_keeps_the_draft(page, draft):
    before = draft.event.description
    response = page.post(f"/applications/{draft.pk}/facts/", facts_form(
        draft.event, description="长" * (EVENT_DESCRIPTION_MAX_LENGTH + 1)))
    assert response.status_code == 200
    assert "5000" in response.context["form"].errors["description"][0]
    draft.event.refresh_from_db()
    assert draft.event.description == before


def test_facts_api_refuses_a_long_description_and_keeps_the_draft(organizer, draft):
    before = draft.event.description
    response = api(organizer).patch(f"/api/applications/{draft.pk}/", {
        "description": "长" * (EVENT_DESCRIPTION_MAX_LENGTH + 1)}, format="json")
    assert response.status_code == 400 and list(response.data) == ["description"]
    draft.event.refresh_from_db()
    assert draft.event.description == before


def test_a_description_at_the_limit_is_accepted(organizer, draft):
    response = api(organizer).patch(f"/api/applications/{draft.pk}/", {
        "description": "长" * EVENT_DESCRIPTION_MAX_LENGTH}, format="json")
    assert response.status_code == 200, response.data


def save_section(organizer, draft, narrative):
    from approvals.applications.services import section_save

    section_save(application=draft, user=organizer, section_code="overview", raw_data={}, narrative=narrative)


def test_the_section_model_refuses_a_narrative_over_the_limit(organizer, draft):
    entry = draft.sections.get(section__code="overview")
    entry.narrative = "长" * (SECTION_NARRATIVE_MAX_LENGTH + 1)
    with pytest.raises(ValidationError) as refused:
        entry.full_clean()
    assert list(refused.value.message_dict) == ["narrative"]
    with pytest.raises(ValidationError):
        save_section(organizer, draft, "长" * (SECTION_NARRATIVE_MAX_LENGTH + 1))


def test_sections_page_and_api_refuse_a_long_narrative_and_keep_the_saved_one(page, organizer, draft):
    save_section(organizer, draft, "原有说明")
    too_long = "长" * (SECTION_NARRATIVE_MAX_LENGTH + 1)
    response = page.post(f"/applications/{draft.pk}/sections/", {
        "section": "overview", "overview-narrative": too_long}, **HTMX)
    assert str(SECTION_NARRATIVE_MAX_LENGTH) in response.context["form"].errors["narrative"][0]
    refused = api(organizer).put(f"/api/applications/{draft.pk}/sections/overview/", {
        "data": {}, "narrative": too_long}, format="json")
    assert refused.status_code == 400 and list(refused.data) == ["narrative"]
    assert "不能超过" in str(refused.data["narrative"][0]) or "不超过" in str(refused.data["narrative"][0])
    english = api(organizer, "en").put(f"/api/applications/{draft.pk}/sections/overview/", {
        "data": {}, "narrative": too_long}, format="json")
    assert f"no more than {SECTION_NARRATIVE_MAX_LENGTH} characters" in str(english.data["narrative"][0])
    assert draft.sections.get(section__code="overview").narrative == "原有说明"


@pytest.mark.parametrize(("model", "field", "limit"), [
    (Performer, "vetting_reason", 2000), (Song, "vetting_reason", 2000),
])
def test_free_text_written_by_officials_has_a_limit_on_the_model(model, field, limit):
    assert any(getattr(v, "limit_value", None) == limit for v in model._meta.get_field(field).validators)


# ---------------------------------------------------------------------------------------------- finding 9


def venue_body(district, exits) -> dict:
    return {"name": "江滨体育场", "address": "江滨路8号", "district": district.pk, "usable_area_m2": 20000,
            "setting": "outdoor", "exits": exits}


def test_venue_api_refuses_more_exits_than_the_maximum(organizer):
    district = factories.DistrictBureauFactory()
    exits = [{"name": f"{n}号门", "width_m": "3"} for n in range(MAX_VENUE_EXITS + 1)]
    response = api(organizer).post("/api/venues/", venue_body(district, exits), format="json")
    assert response.status_code == 400 and list(response.data) == ["exits"]
    assert response.data["exits"]["non_field_errors"] == [f"一个场所最多登记 {MAX_VENUE_EXITS} 个出口。"]
    assert not Venue.objects.filter(name="江滨体育场").exists()


def test_venue_api_accepts_the_maximum_number_of_exits(organizer):
    district = factories.DistrictBureauFactory()
    exits = [{"name": f"{n}号门", "width_m": "3"} for n in range(MAX_VENUE_EXITS)]
    response = api(organizer).post("/api/venues/", venue_body(district, exits), format="json")
    assert response.status_code == 201, response.data
    assert len(response.data["exits"]) == MAX_VENUE_EXITS


def test_facts_page_refuses_more_exits_than_the_maximum_and_keeps_the_draft(page, draft):
    district = factories.DistrictBureauFactory()
    count = MAX_VENUE_EXITS + 1
    data = facts_form(draft.event, venue="", **{
        "venue-name": "滨江体育场", "venue-address": "滨江路 8 号", "venue-district": str(district.pk),
        "venue-usable_area_m2": "20000", "venue-setting": "outdoor", "venue-parking_spaces": "0",
        "exits-TOTAL_FORMS": str(count)})
    for n in range(count):
        data.update({f"exits-{n}-name": f"{n}号门", f"exits-{n}-width_m": "3", f"exits-{n}-kind": "level"})
    response = page.post(f"/applications/{draft.pk}/facts/", data)
    assert response.status_code == 200
    assert str(MAX_VENUE_EXITS) in " ".join(response.context["exits"].non_form_errors())
    assert not Venue.objects.filter(name="滨江体育场").exists()
    assert Event.objects.get(pk=draft.event.pk).venue_id == draft.event.venue_id


def test_the_venue_service_refuses_more_exits_than_the_maximum(organizer):
    from events.services import venue_create

    with pytest.raises(ValidationError) as refused:
        venue_create(organisation=organizer.organisation, name="大场馆", address="路1号",
                     district=factories.DistrictBureauFactory(), usable_area_m2=100, setting="outdoor",
                     exits=[{"name": f"{n}", "width_m": 3} for n in range(MAX_VENUE_EXITS + 1)])
    assert list(refused.value.message_dict) == ["exits"]


# ---------------------------------------------------------------------------------------------- finding 10


@pytest.mark.parametrize(("model", "field"), [
    (Event, "name"), (Venue, "name"), (Venue, "address"), (VenueExit, "name"), (Organisation, "name"),
    (Organisation, "contact_person"), (Organisation, "address"), (Performer, "name"), (Performer, "genre"),
    (Song, "title"), (PartyAssignment, "organisation_name"), (PartyAssignment, "responsible_person"),
    (PartyAssignment, "responsible_title"),
])
def test_single_line_names_refuse_control_characters_on_the_model(model, field):
    with pytest.raises(ValidationError) as refused:
        model._meta.get_field(field).clean(CRLF_NAME, None)
    assert "换行" in refused.value.messages[0]
    model._meta.get_field(field).clean("湖滨 音乐节（第二届）", None)  # spaces and punctuation are fine


def test_facts_page_refuses_a_line_break_in_the_event_name_and_keeps_the_draft(page, draft):
    response = page.post(f"/applications/{draft.pk}/facts/", facts_form(draft.event, name=CRLF_NAME))
    assert response.status_code == 200 and "换行" in response.context["form"].errors["name"][0]
    assert Event.objects.get(pk=draft.event.pk).name == "湖滨音乐节"


def test_facts_api_refuses_a_line_break_in_the_event_name(organizer, draft):
    response = api(organizer).patch(f"/api/applications/{draft.pk}/", {"name": CRLF_NAME}, format="json")
    assert response.status_code == 400 and list(response.data) == ["name"]
    assert "换行" in str(response.data["name"][0])
    assert Event.objects.get(pk=draft.event.pk).name == "湖滨音乐节"


def test_venue_api_refuses_a_line_break_in_a_venue_or_exit_name(organizer):
    district = factories.DistrictBureauFactory()
    body = venue_body(district, [{"name": "东门\n", "width_m": "3"}, {"name": "西\n门", "width_m": "3"}])
    body["name"] = "江滨\r\n体育场"
    response = api(organizer).post("/api/venues/", body, format="json")
    assert response.status_code == 400 and set(response.data) == {"name", "exits"}
    assert "换行" in str(response.data["exits"][1]["name"][0])
    assert not Venue.objects.filter(address="江滨路8号").exists()


def test_lineup_page_and_api_refuse_a_line_break_in_performer_and_song_names(page, organizer, draft):
    response = page.post(f"/applications/{draft.pk}/lineup/", {
        "action": "performer_add", "new-name": "乐队\r\n甲", "new-genre": "", "new-genre_intensity": "2",
        "new-audience_interaction": "2", "new-order": "1"})
    assert response.status_code == 200 and "换行" in response.context["new_form"].errors["name"][0]
    client = api(organizer)
    refused = client.post(f"/api/applications/{draft.pk}/performers/", {"name": "乐队\r\n甲"}, format="json")
    assert refused.status_code == 400 and list(refused.data) == ["name"]
    performer = client.post(f"/api/applications/{draft.pk}/performers/", {"name": "乐队甲"}, format="json").data
    song = client.post(f"/api/applications/{draft.pk}/performers/{performer['id']}/songs/",
                       {"title": "第一\r\n首"}, format="json")
    assert song.status_code == 400 and list(song.data) == ["title"]
    assert list(Performer.objects.filter(event=draft.event).values_list("name", flat=True)) == ["乐队甲"]
    assert not Song.objects.exists()


def test_an_old_event_name_with_a_line_break_still_gets_its_email_with_a_folded_subject(
        draft, django_capture_on_commit_callbacks):
    Event.objects.filter(pk=draft.event.pk).update(name=CRLF_NAME)  # a row from before the validator
    user = factories.UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[user], verb="approve", message="已许可", application=draft)
    assert len(mail.outbox) == 1
    subject = mail.outbox[0].subject
    assert "\r" not in subject and "\n" not in subject
    assert "湖滨音乐节 Bcc: everyone@example.cn" in subject


class FailingBackend(BaseEmailBackend):
    """An SMTP server that refuses everything."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("smtp refused")


def test_a_failed_email_is_logged_not_silent(settings, caplog):
    settings.EMAIL_BACKEND = "tests.security.test_input_limits.FailingBackend"
    user = factories.UserFactory()
    (notification,) = notify(users=[user], verb="x", message="请查看")
    with caplog.at_level(logging.ERROR, logger="notifications.services"):
        with pytest.raises(ConnectionRefusedError):
            notification_email_deliver(notification_id=notification.pk)
    assert any(str(notification.pk) in record.getMessage() and record.levelno == logging.ERROR
               for record in caplog.records)
    notification.refresh_from_db()
    assert notification.emailed_at is None  # the retry sends it later


# ---------------------------------------------------------------------------------------------- finding 17


@pytest.mark.parametrize("number", ["13800138000", "19912345678", "010-12345678", "0571-88886666", "02112345678",
                                    "0571-8888666"])
def test_mobile_and_landline_numbers_are_accepted(number):
    validate_phone(number)


@pytest.mark.parametrize("number", ["1", "12345", "<script>", "138001380001", "12800138000", "0571-88", "88886666",
                                    "+1 (555) 123", "0571-88886666\n", "电话"])
def test_anything_else_is_not_a_phone_number(number):
    with pytest.raises(ValidationError) as refused:
        validate_phone(number)
    assert "13800138000" in refused.value.messages[0]


def party_page_post(phone) -> dict:
    return {"party": "sponsor", "sponsor-organisation_name": "湖滨文化公司", "sponsor-responsible_person": "李四",
            "sponsor-responsible_title": "", "sponsor-phone": phone}


def party_api_put(organizer, draft, phone, language=None):
    return api(organizer, language).put(f"/api/applications/{draft.pk}/parties/sponsor/", {
        "organisation_name": "湖滨文化公司", "responsible_person": "李四", "phone": phone}, format="json")


@pytest.mark.parametrize("phone", ["12345", "138-0013-8000", "(0571) 8888"])
def test_page_and_api_refuse_the_same_phone_numbers_with_the_same_message(page, organizer, draft, phone):
    response = page.post(f"/applications/{draft.pk}/parties/", party_page_post(phone), **HTMX)
    page_message = response.context["form"].errors["phone"][0]
    refused = party_api_put(organizer, draft, phone)
    assert refused.status_code == 400 and list(refused.data) == ["phone"]
    assert str(refused.data["phone"][0]) == page_message and "13800138000" in page_message
    assert draft.parties.get(party__code="sponsor").phone == ""


@pytest.mark.parametrize("phone", ["13800138000", "010-12345678", "0571-88886666"])
def test_page_and_api_accept_the_same_phone_numbers(page, organizer, draft, phone):
    page.post(f"/applications/{draft.pk}/parties/", party_page_post(phone), **HTMX)
    assert draft.parties.get(party__code="sponsor").phone == phone
    assert party_api_put(organizer, draft, phone).status_code == 200


def test_phone_fields_on_the_models_use_the_one_validator():
    for model, field in [(PartyAssignment, "phone"), (Organisation, "contact_phone")]:
        assert validate_phone in model._meta.get_field(field).validators


def test_narrative_model_field_and_form_and_serializer_share_one_limit():
    from approvals.applications.serializers import SectionInputSerializer

    assert SectionEntry._meta.get_field("narrative").max_length == SECTION_NARRATIVE_MAX_LENGTH
    assert SectionInputSerializer().fields["narrative"].max_length == SECTION_NARRATIVE_MAX_LENGTH
