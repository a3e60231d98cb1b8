"""The organizer's journey through the pages (Django test client): create, fill, upload, submit; bad input;
who may open which page."""
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from approvals.models import Application, ApplicationState, AuditEntry, DocumentVersion
from events.models import Performer, Song, Venue, VettingStatus
from tests import factories

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


SESSION_FIELDS = ("start_at", "end_at", "expected_attendance")


def facts_post(venue=None, **overrides) -> dict:
    """The facts form with one session; start_at / end_at / expected_attendance go to that session's row."""
    start = timezone.now() + timedelta(days=40)
    data = {
        "name": "湖滨音乐节", "kind": "music_festival", "venue": venue.pk if venue else "",
        "sessions-TOTAL_FORMS": "1", "sessions-INITIAL_FORMS": "0", "sessions-MIN_NUM_FORMS": "1",
        "sessions-MAX_NUM_FORMS": "100",
        "sessions-0-start_at": local(start), "sessions-0-end_at": local(start + timedelta(hours=8)),
        "sessions-0-expected_attendance": "3000", "rated_capacity": "5000", "ticketed": "on",
        "temporary_structures": "2",
        "description": "两天的户外音乐节", "security_company": "",
        "exits-TOTAL_FORMS": "3", "exits-INITIAL_FORMS": "0", "exits-MIN_NUM_FORMS": "0",
        "exits-MAX_NUM_FORMS": "30",
        # What a browser sends for the untouched blank rows: the select's default.
        "exits-0-kind": "level", "exits-1-kind": "level", "exits-2-kind": "level",
    }
    data.update({(f"sessions-0-{key}" if key in SESSION_FIELDS else key): value for key, value in overrides.items()})
    return data


def session_errors(response, index=0) -> dict:
    return response.context["sessions"].forms[index].errors


def new_venue_post(district, **overrides) -> dict:
    data = {
        "venue-name": "滨江体育场", "venue-address": "滨江路 8 号", "venue-district": str(district.pk),
        "venue-usable_area_m2": "20000", "venue-setting": "outdoor", "venue-parking_spaces": "500",
        "exits-0-name": "东门", "exits-0-width_m": "8", "exits-0-kind": "level",
        "exits-1-name": "西门", "exits-1-width_m": "6.5", "exits-1-kind": "steps",
    }
    data.update(overrides)
    return data


@pytest.fixture
def organizer_client(client, organizer):
    client.force_login(organizer)
    return client


@pytest.fixture
def venue(organizer):
    return factories.VenueFactory(owner=organizer.organisation)


def url(name, application, *args):
    return reverse(f"approvals:{name}", args=[application.pk, *args])


# ---------------------------------------------------------------------------------------------- list


def test_list_shows_own_applications_with_state_and_not_others(organizer_client, draft, other_organizer):
    foreign = factories.create_application(other_organizer, name="别家的活动")
    page = organizer_client.get(reverse("approvals:list")).content.decode()
    assert draft.reference in page and "state-draft" in page and "草稿" in page
    assert foreign.reference not in page and "别家的活动" not in page


# session, user, count, roles, rows, session save (3): the same for 1 row and for 20
LIST_QUERIES = 6  # with the suspension banner's one query


def test_list_query_count_does_not_grow_with_rows(organizer_client, organizer, django_assert_num_queries):
    venue = factories.VenueFactory(owner=organizer.organisation)
    factories.create_application(organizer, venue=venue)
    organizer_client.get(reverse("approvals:list"))  # warm up: the first request of a session does more
    with django_assert_num_queries(LIST_QUERIES):
        organizer_client.get(reverse("approvals:list"))
    for _ in range(19):
        factories.create_application(organizer, venue=venue)
    with django_assert_num_queries(LIST_QUERIES):
        response = organizer_client.get(reverse("approvals:list"))
    assert response.content.decode().count("state-draft") == 20


# ---------------------------------------------------------------------------------------------- create


def test_create_page_offers_only_the_organisations_own_venues(organizer_client, venue, other_organizer):
    foreign = factories.VenueFactory(owner=other_organizer.organisation, name="别家的场地")
    page = organizer_client.get(reverse("approvals:create")).content.decode()
    assert venue.name in page and foreign.name not in page
    assert "登记新场所" in page


def test_the_event_kind_is_chosen_not_preselected(organizer_client, organizer, venue):
    page = organizer_client.get(reverse("approvals:create")).content.decode()
    assert '<option value="" selected>' in page  # no kind preselected: a temple fair is not saved as a concert
    response = organizer_client.post(reverse("approvals:create"), {**facts_post(venue), "kind": ""})
    assert response.status_code == 200 and "该字段是必填项" in response.content.decode()
    assert not Application.objects.exists()


def test_create_with_an_own_venue_makes_a_draft_and_opens_it(organizer_client, organizer, venue):
    response = organizer_client.post(reverse("approvals:create"), facts_post(venue))
    application = Application.objects.get(organisation=organizer.organisation)
    assert response.status_code == 302 and response["Location"] == url("detail", application)
    assert application.state == ApplicationState.DRAFT and application.event.venue == venue
    assert application.event.ticketed and not application.event.has_performances


def test_create_registers_a_new_venue_with_its_exits(organizer_client, organizer):
    district = factories.DistrictBureauFactory()
    response = organizer_client.post(reverse("approvals:create"), {**facts_post(), **new_venue_post(district)})
    assert response.status_code == 302
    application = Application.objects.get(organisation=organizer.organisation)
    venue = application.event.venue
    assert (venue.name, venue.owner, venue.district, venue.usable_area_m2) == (
        "滨江体育场", organizer.organisation, district, 20000)
    assert sorted((e.name, float(e.width_m), e.kind) for e in venue.exits.all()) == [
        ("东门", 8.0, "level"), ("西门", 6.5, "steps")]
    assert application.district == district


def test_new_venue_without_exits_is_refused_and_nothing_is_created(organizer_client, organizer):
    district = factories.DistrictBureauFactory()
    data = {**facts_post(), **new_venue_post(district, **{"exits-0-name": "", "exits-0-width_m": "",
                                                           "exits-1-name": "", "exits-1-width_m": "",
                                                           "exits-1-kind": "level"})}
    response = organizer_client.post(reverse("approvals:create"), data)
    assert response.status_code == 200
    assert "至少填写一个出口及其宽度" in response.content.decode()
    assert not Venue.objects.filter(owner=organizer.organisation).exists()
    assert not Application.objects.exists()


def test_application_refused_after_new_venue_keeps_no_orphan_venue(organizer_client, organizer):
    district = factories.DistrictBureauFactory()
    # Valid form, but the event rule (attendance over 3× capacity) refuses it inside the service.
    data = {**facts_post(expected_attendance="20000", rated_capacity="5000"), **new_venue_post(district)}
    response = organizer_client.post(reverse("approvals:create"), data)
    assert response.status_code == 200 and "请核实" in response.content.decode()
    assert not Venue.objects.filter(owner=organizer.organisation).exists()


def test_fewer_than_a_thousand_people_shows_no_permit_needed_and_creates_nothing(organizer_client, venue):
    response = organizer_client.post(reverse("approvals:create"), facts_post(venue, expected_attendance="800"))
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="no-permit"' in page and "无需申请" in page
    assert not Application.objects.exists()


def test_end_before_start_is_a_field_error_and_the_input_is_kept(organizer_client, venue):
    start = timezone.now() + timedelta(days=40)
    data = facts_post(venue, name="保留我的名字", start_at=local(start), end_at=local(start - timedelta(hours=2)))
    response = organizer_client.post(reverse("approvals:create"), data)
    assert session_errors(response)["end_at"] == ["结束时间必须晚于开始时间。"]
    assert 'value="保留我的名字"' in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.parametrize("attendance, message", [
    ("99999999999", "确保该值小于或等于"), ("-5", "确保该值大于或等于"), ("很多", "输入整数"),
    ("16000", "请核实"),  # more than 3× the rated capacity of 5,000
])
def test_absurd_attendance_is_a_field_error(organizer_client, venue, attendance, message):
    response = organizer_client.post(reverse("approvals:create"), facts_post(venue, expected_attendance=attendance))
    assert response.status_code == 200
    assert message in " ".join(session_errors(response)["expected_attendance"])
    assert not Application.objects.exists()


def test_someone_elses_venue_cannot_be_chosen(organizer_client, other_organizer):
    foreign = factories.VenueFactory(owner=other_organizer.organisation)
    response = organizer_client.post(reverse("approvals:create"), facts_post(foreign))
    assert "venue" in response.context["form"].errors
    assert not Application.objects.exists()


def test_a_reviewer_may_not_create_applications(client, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("approvals:create")).status_code == 403


# ---------------------------------------------------------------------------------------------- detail & facts


def test_detail_shows_facts_venue_checklist_documents_parties_and_history(organizer_client, draft):
    response = organizer_client.get(url("detail", draft))
    page = response.content.decode()
    assert response.status_code == 200
    exit_name = draft.event.venue.exits.first().name
    for text in (draft.event.name, draft.reference, "3000", "滨湖路1号", exit_name,
                 "提交前检查清单", "活动方案及说明", "活动概况", "主办方", "创建申请", "草稿"):
        assert text in page, text
    assert 'hx-trigger="checklist-changed from:body"' in page
    assert response.context["gaps"]  # an empty draft lacks things


def test_checklist_partial_is_a_fragment_reflecting_the_latest_save(organizer_client, organizer, draft):
    before = organizer_client.get(url("checklist", draft))
    assert "<html" not in before.content.decode()
    assert '<li class="list-group-item d-flex gap-2 align-items-start" data-kind="section" data-code="overview" ' \
           'data-done="0">' in before.content.decode()
    organizer_client.post(url("sections", draft), {"section": "overview", "overview-sessions": "2",
                                                   "overview-daily_hours": "6", "overview-organisation_mode": "售票",
                                                   "overview-narrative": "两天两场。"}, **HTMX)
    after = organizer_client.get(url("checklist", draft)).content.decode()
    assert 'data-code="overview" data-done="1"' in after


def test_edit_facts_saves_and_errors_keep_the_input(organizer_client, draft, venue):
    data = facts_post(draft.event.venue, name="改过的名字", expected_attendance="4000")
    response = organizer_client.post(url("edit_facts", draft), data)
    assert response.status_code == 302
    draft.event.refresh_from_db()
    assert (draft.event.name, draft.event.expected_attendance) == ("改过的名字", 4000)
    start = timezone.now() + timedelta(days=40)
    bad = facts_post(draft.event.venue, name="又改了", start_at=local(start), end_at=local(start))
    response = organizer_client.post(url("edit_facts", draft), bad)
    assert "end_at" in session_errors(response) and 'value="又改了"' in response.content.decode()
    draft.event.refresh_from_db()
    assert draft.event.name == "改过的名字"


# ---------------------------------------------------------------------------------------------- sections


def test_sections_page_renders_the_eleven_sections_from_the_catalogue(organizer_client, draft):
    page = organizer_client.get(url("sections", draft)).content.decode()
    assert page.count('class="card mb-3 section-card"') == 11
    assert 'name="security_staff-security_staff_total"' in page and 'name="fire_safety-fire_lanes_clear"' in page


def test_saving_a_section_with_htmx_returns_the_fragment_and_refreshes_the_checklist(organizer_client, draft):
    response = organizer_client.post(url("sections", draft), {
        "section": "security_staff", "security_staff-security_staff_total": "120", "security_staff-fixed_posts": "30",
        "security_staff-patrol_posts": "10", "security_staff-mobile_points": "5",
        "security_staff-identifying_marks": "红色马甲", "security_staff-narrative": "分三班。"}, **HTMX)
    assert response.status_code == 200 and response["HX-Trigger"] == "checklist-changed"
    assert "<html" not in response.content.decode() and 'data-testid="saved-security_staff"' in response.content.decode()
    entry = draft.sections.get(section__code="security_staff")
    assert entry.data["security_staff_total"] == 120 and entry.data["identifying_marks"] == "红色马甲"
    assert entry.narrative == "分三班。"


def test_saving_a_section_without_htmx_redirects_back_with_a_message(organizer_client, draft):
    response = organizer_client.post(url("sections", draft), {
        "section": "fire_safety", "fire_safety-fire_extinguishers": "40", "fire_safety-firefighters_on_site": "6",
        "fire_safety-fire_lanes_clear": "on", "fire_safety-narrative": "消防通道保持畅通。"}, follow=True)
    assert response.redirect_chain[-1][0].endswith("/sections/#fire_safety")
    assert "已保存" in response.content.decode()
    assert draft.sections.get(section__code="fire_safety").data["fire_lanes_clear"] is True


def test_section_type_errors_are_shown_per_field_and_the_input_is_kept(organizer_client, draft):
    response = organizer_client.post(url("sections", draft), {
        "section": "overview", "overview-sessions": "两场", "overview-daily_hours": "-1",
        "overview-organisation_mode": "售票", "overview-narrative": "我写的说明"})
    form = next(row["form"] for row in response.context["sections"] if row["entry"].section.code == "overview")
    assert form.errors["sessions"] == ["“场次”须为数字。"]
    assert "不能小于" in form.errors["daily_hours"][0]
    page = response.content.decode()
    assert 'value="两场"' in page and "我写的说明" in page and "is-invalid" in page
    assert draft.sections.get(section__code="overview").data == {}


# ---------------------------------------------------------------------------------------------- parties


def test_party_is_named_and_its_responsibilities_acknowledged(organizer_client, draft):
    assignment = draft.parties.get(party__code="organizer")
    item_ids = list(assignment.party.items.values_list("pk", flat=True))
    response = organizer_client.post(url("parties", draft), {
        "party": "organizer", "organizer-organisation_name": "湖滨文化公司", "organizer-responsible_person": "李四",
        "organizer-responsible_title": "安全总监", "organizer-phone": "13900000000",
        "organizer-acknowledged_items": [str(i) for i in item_ids[:2]]}, **HTMX)
    assert response["HX-Trigger"] == "checklist-changed"
    assignment.refresh_from_db()
    assert assignment.is_named and assignment.responsible_title == "安全总监"
    assert sorted(assignment.acknowledged_items.values_list("pk", flat=True)) == sorted(item_ids[:2])


def test_supervising_authorities_are_read_only_for_organizers(organizer_client, draft):
    page = organizer_client.get(url("parties", draft)).content.decode()
    assert 'name="supervising_authority-organisation_name"' not in page and "由公安机关填写" in page
    response = organizer_client.post(url("parties", draft), {
        "party": "supervising_authority", "supervising_authority-organisation_name": "我来填"})
    assert response.status_code == 403
    assert draft.parties.get(party__code="supervising_authority").organisation_name == ""


# ---------------------------------------------------------------------------------------------- documents


def upload(client, application, code, file, **extra):
    return client.post(url("documents", application), {"document_type": code, f"{code}-file": file}, **extra)


def test_uploading_a_pdf_keeps_every_version_and_lists_them(organizer_client, draft):
    upload(organizer_client, draft, "event_plan", factories.pdf_upload("方案一.pdf"))
    response = upload(organizer_client, draft, "event_plan", factories.pdf_upload("方案二.pdf"), **HTMX)
    assert response["HX-Trigger"] == "checklist-changed"
    fragment = response.content.decode()
    assert "v1 方案一.pdf" in fragment and "v2 方案二.pdf" in fragment
    document = draft.documents.get(document_type__code="event_plan")
    assert document.versions.count() == 2 and document.current_version.number == 2


@pytest.mark.parametrize("file, message", [
    (SimpleUploadedFile("setup.exe", b"MZ\x90\x00binary", content_type="application/pdf"), "只接受 PDF、JPEG 或 PNG"),
    (SimpleUploadedFile("fake.pdf", b"just some text", content_type="application/pdf"), "只接受 PDF、JPEG 或 PNG"),
    (SimpleUploadedFile("photo.jpg", factories.PDF_BYTES, content_type="image/jpeg"), "扩展名与内容不符"),
])
def test_a_refused_file_is_a_field_error_and_nothing_else_is_lost(organizer_client, draft, file, message):
    organizer_client.post(url("sections", draft), {"section": "overview", "overview-sessions": "2",
                                                   "overview-narrative": "已填写"})
    response = upload(organizer_client, draft, "event_plan", file)
    assert response.status_code == 200
    assert message in response.content.decode() and 'data-testid="error-event_plan"' in response.content.decode()
    assert not DocumentVersion.objects.exists()
    assert draft.sections.get(section__code="overview").data == {"sessions": 2}


def test_an_oversized_file_is_refused(organizer_client, draft, settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    response = upload(organizer_client, draft, "event_plan",
                      factories.pdf_upload("big.pdf", factories.PDF_BYTES + b"0" * 2048), **HTMX)
    assert "文件过大" in response.content.decode()
    assert not DocumentVersion.objects.exists()


def test_a_document_is_downloaded_only_through_the_checked_view(organizer_client, draft, client,
                                                               other_organizer):
    upload(organizer_client, draft, "event_plan", factories.pdf_upload("方案.pdf"))
    version = DocumentVersion.objects.get()
    response = organizer_client.get(url("document_download", draft, version.pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == factories.PDF_BYTES
    assert "attachment" in response["Content-Disposition"]
    client.force_login(other_organizer)
    assert client.get(url("document_download", draft, version.pk)).status_code == 404


def test_a_version_of_another_application_is_not_served_under_this_one(organizer_client, organizer, draft):
    other = factories.create_application(organizer, venue=draft.event.venue)
    upload(organizer_client, other, "event_plan", factories.pdf_upload())
    version = DocumentVersion.objects.get()
    assert organizer_client.get(url("document_download", draft, version.pk)).status_code == 404


# ---------------------------------------------------------------------------------------------- lineup


def performer_post(prefix="new", **overrides):
    data = {"action": "performer_add", f"{prefix}-name": "重金属乐队", f"{prefix}-genre": "金属",
            f"{prefix}-genre_intensity": "5", f"{prefix}-audience_interaction": "4", f"{prefix}-order": "1"}
    data.update(overrides)
    return data


def test_lineup_add_edit_and_remove_performers_and_songs(organizer_client, draft):
    lineup = url("lineup", draft)
    assert organizer_client.post(lineup, performer_post()).status_code == 302
    performer = Performer.objects.get(event=draft.event)
    assert (performer.genre_intensity, performer.audience_interaction) == (5, 4)
    organizer_client.post(lineup, {"action": "song_add", "performer": performer.pk,
                                   f"song-new-{performer.pk}-title": "第一首", f"song-new-{performer.pk}-order": "1"})
    song = Song.objects.get(performer=performer)
    organizer_client.post(lineup, {"action": "song_edit", "performer": performer.pk, "song": song.pk,
                                   f"s{song.pk}-title": "改名的歌", f"s{song.pk}-order": "2"})
    song.refresh_from_db()
    assert (song.title, song.order) == ("改名的歌", 2)
    edit = performer_post(f"p{performer.pk}", action="performer_edit", performer=performer.pk,
                          **{f"p{performer.pk}-genre_intensity": "3"})
    organizer_client.post(lineup, edit)
    performer.refresh_from_db()
    assert performer.genre_intensity == 3
    page = organizer_client.get(lineup).content.decode()
    assert "重金属乐队" in page and "改名的歌" in page
    organizer_client.post(lineup, {"action": "song_delete", "song": song.pk})
    assert not Song.objects.exists()
    organizer_client.post(lineup, {"action": "performer_delete", "performer": performer.pk})
    assert not Performer.objects.exists()
    lineup_audits = [e.snapshot.get("lineup") for e in draft.audit_entries.all() if "lineup" in e.snapshot]
    assert lineup_audits == ["performer_added", "song_added", "song_changed", "performer_changed", "song_removed",
                             "performer_removed"]


def test_lineup_intensity_out_of_range_is_a_field_error_and_the_input_is_kept(organizer_client, draft):
    response = organizer_client.post(url("lineup", draft), performer_post(**{"new-genre_intensity": "7"}))
    assert response.status_code == 200
    assert "new-genre_intensity" in response.content.decode()
    assert response.context["new_form"].errors["genre_intensity"]
    assert 'value="重金属乐队"' in response.content.decode()
    assert not Performer.objects.exists()


def test_performer_of_another_application_cannot_be_removed(organizer_client, organizer, draft):
    other = factories.create_application(organizer, venue=draft.event.venue)
    performer = factories.PerformerFactory(event=other.event)
    response = organizer_client.post(url("lineup", draft), {"action": "performer_delete", "performer": performer.pk},
                                     follow=True)
    assert "本申请没有这个演出者" in response.content.decode()
    assert Performer.objects.filter(pk=performer.pk).exists()


# ---------------------------------------------------------------------------------------------- submit


def test_submitting_an_incomplete_application_lists_what_is_missing(organizer_client, draft):
    response = organizer_client.post(url("submit", draft))
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="submit-errors"' in page
    assert "活动方案及说明" in page and "活动概况" in page and "主办方" in page
    draft.refresh_from_db()
    assert draft.state == ApplicationState.DRAFT


def test_submitting_a_complete_application_shows_the_submitted_state(organizer_client, organizer, draft):
    factories.complete_application(draft, organizer)
    response = organizer_client.post(url("submit", draft), follow=True)
    page = response.content.decode()
    assert "已提交" in page and "state-submitted" in page
    draft.refresh_from_db()
    assert draft.state == ApplicationState.SUBMITTED


def test_a_second_submission_is_refused_with_a_clear_message(organizer_client, organizer, draft):
    factories.complete_application(draft, organizer)
    organizer_client.post(url("submit", draft))
    response = organizer_client.post(url("submit", draft))
    assert "不能重复提交" in response.content.decode()
    assert draft.audit_entries.filter(transition="submit").count() == 1


def test_a_submitted_application_cannot_be_edited_and_the_page_says_why(organizer_client, organizer, draft):
    factories.complete_application(draft, organizer)
    organizer_client.post(url("submit", draft))
    page = organizer_client.get(url("sections", draft)).content.decode()
    assert "内容不能再修改" in page and "disabled" in page
    response = organizer_client.post(url("sections", draft), {"section": "overview", "overview-sessions": "9",
                                                              "overview-narrative": "偷偷改"})
    assert "不能再修改" in response.content.decode()
    assert draft.sections.get(section__code="overview").narrative == "按方案执行。"
    response = organizer_client.post(url("edit_facts", draft), facts_post(draft.event.venue, name="偷偷改名"))
    assert "不能再修改" in response.content.decode()
    draft.event.refresh_from_db()
    assert draft.event.name != "偷偷改名"
    organizer_client.post(url("lineup", draft), performer_post())
    assert not Performer.objects.exists()


# ---------------------------------------------------------------------------------------------- who may see what

GET_PAGES = ["detail", "checklist", "edit_facts", "sections", "parties", "documents", "lineup"]
EDIT_PAGES = ["edit_facts", "sections", "parties", "documents", "lineup"]


@pytest.fixture
def submitted(organizer):
    return factories.submitted_application(organizer)


def page_urls(application):
    version = DocumentVersion.objects.filter(document__application=application).first()
    urls = [("get", url(name, application)) for name in GET_PAGES] + [("post", url("submit", application))]
    if version is not None:
        urls.append(("get", url("document_download", application, version.pk)))
    return urls


def test_another_organisation_gets_404_on_every_page(client, other_organizer, submitted):
    client.force_login(other_organizer)
    for method, path in page_urls(submitted):
        assert getattr(client, method)(path).status_code == 404, path


def test_a_reviewer_of_another_district_gets_404_on_every_page(client, submitted):
    client.force_login(factories.ReviewerFactory())  # a district of its own
    for method, path in page_urls(submitted):
        assert getattr(client, method)(path).status_code == 404, path


def test_the_districts_reviewer_sees_the_detail_but_may_not_edit(client, submitted):
    reviewer = factories.ReviewerFactory(authority=submitted.district)
    client.force_login(reviewer)
    assert client.get(url("detail", submitted)).status_code == 200
    for name in EDIT_PAGES:
        assert client.get(url(name, submitted)).status_code == 403, name
    assert client.post(url("submit", submitted)).status_code == 403


def test_the_districts_reviewer_does_not_see_drafts(client, draft):
    client.force_login(factories.ReviewerFactory(authority=draft.district))
    assert client.get(url("detail", draft)).status_code == 404


def test_a_co_organiser_may_read_but_not_edit(client, organizer, other_organizer):
    venue = factories.VenueFactory(owner=organizer.organisation)
    application = factories.create_application(organizer, venue=venue)
    from approvals.applications.services import application_update_facts
    application_update_facts(application=application, user=organizer, facts={},
                             co_organisers=[other_organizer.organisation])
    client.force_login(other_organizer)
    assert client.get(url("detail", application)).status_code == 200
    assert client.get(url("sections", application)).status_code == 403


def test_anonymous_users_are_sent_to_the_login_page(client, submitted):
    for method, path in page_urls(submitted) + [("get", reverse("approvals:list")),
                                                 ("get", reverse("approvals:create"))]:
        response = getattr(client, method)(path)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), path


def test_an_unknown_id_is_404(organizer_client):
    assert organizer_client.get(reverse("approvals:detail", args=[999999])).status_code == 404


def test_every_write_is_audited(organizer_client, organizer, draft):
    organizer_client.post(url("sections", draft), {"section": "overview", "overview-sessions": "2"})
    upload(organizer_client, draft, "event_plan", factories.pdf_upload())
    actions = list(draft.audit_entries.values_list("action", flat=True))
    assert actions == [AuditEntry.Action.CREATED, AuditEntry.Action.EDITED, AuditEntry.Action.DOCUMENT_UPLOADED]


def test_vetting_is_reset_when_a_vetted_performer_is_changed(organizer_client, draft):
    performer = factories.PerformerFactory(event=draft.event, vetting_status=VettingStatus.APPROVED,
                                           vetting_reason="可以")
    organizer_client.post(url("lineup", draft), performer_post(
        f"p{performer.pk}", action="performer_edit", performer=performer.pk))
    performer.refresh_from_db()
    assert performer.vetting_status == VettingStatus.PENDING and performer.vetting_reason == ""


DETAIL_QUERIES = 26  # whatever the number of documents, versions, performers, songs and sessions (+ the
# weather rules of the risk model and the correction notice; the progress stepper's clock policy and permit)


def test_detail_page_queries_do_not_grow_with_versions_and_lineup(organizer_client, organizer, draft,
                                                                   django_assert_num_queries):
    factories.complete_application(draft, organizer)
    factories.SongFactory(performer=factories.PerformerFactory(event=draft.event))
    organizer_client.get(url("detail", draft))
    with django_assert_num_queries(DETAIL_QUERIES):
        organizer_client.get(url("detail", draft))
    for code in ("event_plan", "venue_consent", "risk_assessment_report"):
        upload(organizer_client, draft, code, factories.pdf_upload("新版.pdf"))
    for _ in range(3):
        factories.SongFactory.create_batch(3, performer=factories.PerformerFactory(event=draft.event))
    with django_assert_num_queries(DETAIL_QUERIES):
        page = organizer_client.get(url("detail", draft)).content.decode()
    assert page.count("新版.pdf") == 3


def test_an_edit_without_an_id_is_404_not_a_new_performer(organizer_client, draft):
    response = organizer_client.post(url("lineup", draft), performer_post(action="performer_edit"))
    assert response.status_code == 404 and not Performer.objects.exists()
