"""Sessions (场次) of an application: the facts form's sessions, the API's nested `sessions`, the date rules, and
the largest session deciding the permit threshold and the city-level flag."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from approvals.models import Application
from events import sessions as event_sessions
from events.models import Event, EventSession
from tests import factories
from tests.support import builder

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def iso(sessions) -> list[dict]:
    return [{**s, "start_at": s["start_at"].isoformat(), "end_at": s["end_at"].isoformat()} for s in sessions]


def payload(venue, sessions, **overrides) -> dict:
    facts = factories.event_facts(venue, sessions=iso(sessions), **overrides)
    facts["venue"] = venue.pk
    return facts


def local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def sessions_post(sessions, **facts) -> dict:
    """The facts form as a browser posts it: the sessions formset, no venue fields (a registered venue)."""
    data = {"name": "仲夏两晚音乐节", "kind": "music_festival", "rated_capacity": "12000", "ticketed": "on",
            "temporary_structures": "2", "description": "", "security_company": "",
            "sessions-TOTAL_FORMS": str(len(sessions)), "sessions-INITIAL_FORMS": "0",
            "sessions-MIN_NUM_FORMS": "1", "sessions-MAX_NUM_FORMS": "100",
            "exits-TOTAL_FORMS": "0", "exits-INITIAL_FORMS": "0", "exits-MIN_NUM_FORMS": "0",
            "exits-MAX_NUM_FORMS": "50"}
    for i, s in enumerate(sessions):
        data.update({f"sessions-{i}-name": s.get("name", ""), f"sessions-{i}-start_at": local(s["start_at"]),
                     f"sessions-{i}-end_at": local(s["end_at"]),
                     f"sessions-{i}-expected_attendance": str(s["expected_attendance"])})
    data.update(facts)
    return data


@pytest.fixture
def venue(organizer):
    return factories.VenueFactory(owner=organizer.organisation)


# ---------------------------------------------------------------------------------------------- API


def test_api_creates_two_sessions_and_derives_the_event_summary(organizer, venue):
    two = factories.evenings(2, attendance=(3000, 6000))
    response = api(organizer).post("/api/applications/", payload(venue, two, rated_capacity=12000), format="json")
    assert response.status_code == 201, response.data
    event = response.data["event"]
    assert [s["expected_attendance"] for s in event["sessions"]] == [3000, 6000]
    assert [s["name"] for s in event["sessions"]] == ["第1晚", "第2晚"]
    # The summary stays readable: first start, last end, the largest session.
    stored = Event.objects.get(application__pk=response.data["id"])
    assert (stored.start_at, stored.end_at, stored.expected_attendance) == (
        two[0]["start_at"], two[1]["end_at"], 6000)
    assert event["expected_attendance"] == 6000


def test_api_row_errors_are_named_per_session_in_chinese_and_english(organizer, venue):
    one, two = factories.evenings(2)
    two["end_at"] = two["start_at"] - timedelta(hours=1)
    client = api(organizer)
    response = client.post("/api/applications/", payload(venue, [one, two]), format="json")
    assert response.status_code == 400
    assert response.data == {"sessions[1].end_at": ["结束时间必须晚于开始时间。"]}
    english = client.post("/api/applications/", payload(venue, [one, two]), format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert list(english.data) == ["sessions[1].end_at"] and "結束" not in english.data["sessions[1].end_at"][0]
    assert english.data["sessions[1].end_at"] != ["结束时间必须晚于开始时间。"]
    assert not Application.objects.exists()


def test_api_type_errors_in_a_row_use_the_same_keys(organizer, venue):
    rows = iso(factories.evenings(2))
    rows[1]["expected_attendance"] = "很多"
    facts = {**payload(venue, []), "sessions": rows}
    response = api(organizer).post("/api/applications/", facts, format="json")
    assert response.status_code == 400 and list(response.data) == ["sessions[1].expected_attendance"]


def test_api_refuses_overlapping_sessions(organizer, venue):
    one, two = factories.evenings(2)
    two["start_at"] = one["start_at"] + timedelta(hours=2)
    two["end_at"] = two["start_at"] + timedelta(hours=3)
    response = api(organizer).post("/api/applications/", payload(venue, [one, two]), format="json")
    assert response.status_code == 400
    assert response.data["sessions[1].start_at"] == ["与第 1 场时间重叠：同一场所同一时间只能有一个场次。"]


@pytest.mark.parametrize("start, message", [
    (lambda now: now - timedelta(days=1), "开始时间不能早于现在。"),
    (lambda now: now + timedelta(days=800), "最多提前 730 天申请"),
    (lambda now: now.replace(year=1900), "年份 1900 不合理"),
])
def test_api_refuses_past_far_and_1900_starts_with_a_field_message(organizer, venue, start, message):
    now = timezone.now().replace(microsecond=0)
    begin = start(now)
    session = {"name": "", "start_at": begin, "end_at": begin + timedelta(hours=4), "expected_attendance": 3000}
    response = api(organizer).post("/api/applications/", payload(venue, [session]), format="json")
    assert response.status_code == 400 and message in response.data["sessions[0].start_at"][0]


def test_api_one_span_shorthand_still_makes_one_session(organizer, venue):
    facts = factories.event_facts(venue)
    facts.update(venue=venue.pk, start_at=facts["start_at"].isoformat(), end_at=facts["end_at"].isoformat())
    response = api(organizer).post("/api/applications/", facts, format="json")
    assert response.status_code == 201
    (session,) = response.data["event"]["sessions"]
    assert session["expected_attendance"] == 3000


def test_api_shorthand_past_start_is_a_plain_field_error(organizer, venue):
    start = timezone.now() - timedelta(days=2)
    facts = factories.event_facts(venue, start_at=start, end_at=start + timedelta(hours=3))
    facts.update(venue=venue.pk, start_at=facts["start_at"].isoformat(), end_at=facts["end_at"].isoformat())
    response = api(organizer).post("/api/applications/", facts, format="json")
    assert response.status_code == 400 and response.data == {"start_at": ["开始时间不能早于现在。"]}


def test_api_shorthand_cannot_edit_an_event_of_several_sessions(organizer):
    draft = builder.application(organizer).sessions(factories.evenings(2)).build()
    end = (draft.event.end_at + timedelta(hours=1)).isoformat()
    response = api(organizer).patch(f"/api/applications/{draft.pk}/", {"end_at": end}, format="json")
    assert response.status_code == 400 and "sessions" in response.data["end_at"][0]
    assert EventSession.objects.filter(event=draft.event).count() == 2


def test_api_patch_replaces_the_sessions(organizer):
    draft = builder.application(organizer).build()
    three = factories.evenings(3, attendance=(2000, 2500, 4000))
    response = api(organizer).patch(f"/api/applications/{draft.pk}/", {"sessions": iso(three)}, format="json")
    assert response.status_code == 200, response.data
    assert [s["expected_attendance"] for s in response.data["event"]["sessions"]] == [2000, 2500, 4000]
    assert response.data["event"]["expected_attendance"] == 4000


def test_an_edit_keeps_a_stored_past_start_but_refuses_moving_it_into_the_past(organizer):
    draft = builder.application(organizer).build()
    past = timezone.now().replace(microsecond=0) - timedelta(days=2)
    EventSession.objects.filter(event=draft.event).update(start_at=past, end_at=past + timedelta(hours=4))
    event_sessions.sync_summary(draft.event)
    client = api(organizer)
    kept = [{"name": "", "start_at": past, "end_at": past + timedelta(hours=5), "expected_attendance": 3000}]
    assert client.patch(f"/api/applications/{draft.pk}/", {"sessions": iso(kept)}, format="json").status_code == 200
    moved = [{**kept[0], "start_at": past + timedelta(hours=1)}]
    response = client.patch(f"/api/applications/{draft.pk}/", {"sessions": iso(moved)}, format="json")
    assert response.status_code == 400 and response.data == {"sessions[0].start_at": ["开始时间不能早于现在。"]}


def test_api_refuses_sessions_and_the_shorthand_together(organizer, venue):
    facts = payload(venue, factories.evenings(1))
    facts["expected_attendance"] = 3000
    response = api(organizer).post("/api/applications/", facts, format="json")
    assert response.status_code == 400 and "expected_attendance" in response.data


# ---------------------------------------------------------------------------------------------- the largest decides


def test_all_sessions_under_a_thousand_need_no_permit(organizer, venue):
    small = factories.evenings(2, attendance=(600, 900))
    response = api(organizer).post("/api/applications/", payload(venue, small), format="json")
    assert response.status_code == 400 and "无需申请" in response.data["sessions"][0]


def test_one_session_over_a_thousand_needs_a_permit(organizer, venue):
    mixed = factories.evenings(2, attendance=(600, 1200))
    assert api(organizer).post("/api/applications/", payload(venue, mixed), format="json").status_code == 201


def test_the_second_session_over_five_thousand_makes_it_a_city_level_application(organizer):
    two = factories.evenings(2, attendance=(3000, 6000))
    application = builder.application(organizer, rated_capacity=12000, sessions=two).filled().submitted().build()
    assert application.needs_city_decision is True


def test_two_sessions_under_five_thousand_stay_with_the_district(organizer):
    two = factories.evenings(2, attendance=(4000, 4999))
    application = builder.application(organizer, sessions=two).filled().submitted().build()
    assert application.needs_city_decision is False


def test_the_risk_model_reads_the_largest_session(organizer):
    from approvals.risk.bridge import assess_application

    two = factories.evenings(2, attendance=(2000, 9000))
    application = builder.application(organizer, rated_capacity=12000, sessions=two).filled().build()
    assessment = assess_application(application=application)
    assert assessment.crowd["attendance"] == 9000


# ---------------------------------------------------------------------------------------------- pages


def test_the_facts_form_creates_a_two_session_festival(organizer, client, venue):
    client.force_login(organizer)
    two = factories.evenings(2, attendance=(3000, 6000))
    response = client.post(reverse("approvals:create"), sessions_post(two, venue=str(venue.pk)))
    assert response.status_code == 302
    event = Application.objects.get().event
    assert [s.name for s in event.sessions.all()] == ["第1晚", "第2晚"] and event.expected_attendance == 6000
    page = client.get(response["Location"]).content.decode()
    assert page.count('data-testid="session-row"') == 2 and "第2晚" in page and ">6000<" in page


def test_the_facts_form_puts_the_overlap_on_the_row(organizer, client, venue):
    client.force_login(organizer)
    one, two = factories.evenings(2)
    two["start_at"] = one["start_at"] + timedelta(hours=1)
    response = client.post(reverse("approvals:create"), sessions_post([one, two], venue=str(venue.pk)))
    assert response.status_code == 200 and not Application.objects.exists()
    rows = response.context["sessions"].forms
    assert rows[1].errors["start_at"] == ["与第 1 场时间重叠：同一场所同一时间只能有一个场次。"] and not rows[0].errors
    assert 'value="仲夏两晚音乐节"' in response.content.decode()  # nothing typed is lost


@pytest.mark.parametrize("start, message", [
    (lambda now: now - timedelta(days=1), "开始时间不能早于现在。"),
    (lambda now: now + timedelta(days=800), "最多提前 730 天申请"),
    (lambda now: now.replace(year=1900), "年份 1900 不合理"),
])
def test_the_facts_form_refuses_past_far_and_1900_starts(organizer, client, venue, start, message):
    client.force_login(organizer)
    begin = start(timezone.now())
    session = {"start_at": begin, "end_at": begin + timedelta(hours=4), "expected_attendance": 3000}
    response = client.post(reverse("approvals:create"), sessions_post([session], venue=str(venue.pk)))
    assert response.status_code == 200 and not Application.objects.exists()
    assert message in response.context["sessions"].forms[0].errors["start_at"][0]
    assert "+08:05" not in response.content.decode()


def test_the_no_permit_notice_reads_the_largest_session(organizer, client, venue):
    client.force_login(organizer)
    small = factories.evenings(2, attendance=(500, 900))
    response = client.post(reverse("approvals:create"), sessions_post(small, venue=str(venue.pk)))
    assert 'data-testid="no-permit"' in response.content.decode() and not Application.objects.exists()
    mixed = factories.evenings(2, attendance=(500, 1500))
    assert client.post(reverse("approvals:create"), sessions_post(mixed, venue=str(venue.pk))).status_code == 302


def test_a_deleted_row_is_left_out(organizer, client, venue):
    client.force_login(organizer)
    one, two = factories.evenings(2, attendance=(3000, 6000))
    data = sessions_post([one, two], venue=str(venue.pk), **{"sessions-1-DELETE": "on"})
    assert client.post(reverse("approvals:create"), data).status_code == 302
    assert [s.expected_attendance for s in Application.objects.get().event.sessions.all()] == [3000]


def test_the_edit_page_shows_the_stored_sessions_and_saves_a_change(organizer, client):
    draft = builder.application(organizer).sessions(factories.evenings(2, attendance=(3000, 4000))).build()
    client.force_login(organizer)
    url = reverse("approvals:edit_facts", args=[draft.pk])
    page = client.get(url).content.decode()
    assert 'name="sessions-1-expected_attendance"' in page and 'value="4000"' in page
    assert 'data-session-template' in page and 'data-add-session' in page
    sessions = event_sessions.session_values(event_sessions.sessions_of(draft.event))
    sessions[1]["expected_attendance"] = 4500
    data = sessions_post(sessions, venue=str(draft.event.venue_id), rated_capacity="5000")
    data["sessions-INITIAL_FORMS"] = "2"
    assert client.post(url, data).status_code == 302
    draft.event.refresh_from_db()
    assert draft.event.expected_attendance == 4500


def test_the_reviewer_sees_every_session(organizer, client):
    two = factories.evenings(2, attendance=(3000, 6000))
    made = builder.application(organizer, rated_capacity=12000, sessions=two).filled().submitted()
    application = made.build()
    client.force_login(builder.reviewer_for(application))
    page = client.get(reverse("approvals:detail", args=[application.pk])).content.decode()
    assert page.count('data-testid="session-row"') == 2 and "需市级决定" in page
    assert "第1晚" in page and "第2晚" in page and "人数最多" in page


def test_the_permit_lists_each_session_with_its_approved_headcount(organizer, client):
    two = factories.evenings(2, attendance=(2000, 3000))
    application = builder.application(organizer, sessions=two).approved().build()
    client.force_login(organizer)
    page = client.get(reverse("review:permit", args=[application.pk])).content.decode()
    assert page.count('data-testid="session-row"') == 2
    for session in two:
        assert timezone.localtime(session["start_at"]).strftime("%Y-%m-%d %H:%M") in page
    assert "许可人数" in page and ">2000<" in page and ">3000<" in page
