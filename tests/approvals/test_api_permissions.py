"""A generated matrix: every endpoint × {owner organizer, another organisation's organizer, reviewer of the
district, reviewer of another district, anonymous} → the expected status, and nothing changed when refused."""
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from approvals.models import Application, AuditEntry, DocumentVersion
from events.models import Performer, Song, Venue
from tests import factories

OWNER, OTHER_ORG, REVIEWER, OTHER_DISTRICT, ANONYMOUS = (
    "owner", "other organisation", "district reviewer", "other district reviewer", "anonymous")
# The owner acts last, so the refusals are checked against the untouched application.
ACTORS = (OTHER_ORG, REVIEWER, OTHER_DISTRICT, ANONYMOUS, OWNER)


@dataclass
class World:
    application: Application
    users: dict
    performer: Performer
    song: Song
    version: DocumentVersion

    def url(self, template: str) -> str:
        return template.format(app=self.application.pk, performer=self.performer.pk, song=self.song.pk,
                               code=self.version.document.document_type.code, number=self.version.number)


def build_world(state: str) -> World:
    owner = factories.OrganizerUserFactory()
    if state == "submitted":
        application = factories.submitted_application(owner)
    else:
        application = factories.create_application(owner)
        factories.complete_application(application, owner)  # every section and party filled, documents uploaded
    performer = factories.PerformerFactory(event=application.event)
    song = factories.SongFactory(performer=performer)
    users = {
        OWNER: owner,
        OTHER_ORG: factories.OrganizerUserFactory(),
        REVIEWER: factories.ReviewerFactory(authority=application.district),
        OTHER_DISTRICT: factories.ReviewerFactory(),
        ANONYMOUS: None,
    }
    version = DocumentVersion.objects.filter(document__application=application).select_related(
        "document__document_type").first()
    return World(application, users, performer, song, version)


def fingerprint(application: Application) -> tuple:
    """Everything the endpoints could write, so a refused request can be shown to have changed nothing."""
    app = Application.objects.select_related("event").get(pk=application.pk)
    return (
        app.state, app.revision, app.updated_at, app.event.updated_at,
        AuditEntry.objects.filter(application=app).count(),
        DocumentVersion.objects.filter(document__application=app).count(),
        list(app.sections.order_by("pk").values_list("data", "narrative")),
        list(app.parties.order_by("pk").values_list("organisation_name", "responsible_person", "phone")),
        list(Performer.objects.filter(event=app.event).order_by("pk").values_list("pk", "name", "order")),
        list(Song.objects.filter(performer__event=app.event).order_by("pk").values_list("pk", "title", "order")),
    )


def pdf():
    return SimpleUploadedFile("plan.pdf", factories.PDF_BYTES, content_type="application/pdf")


# (method, url, body, format). Bodies are valid, so a status tells about permission, not about the data.
READS = {
    "retrieve": ("get", "/api/applications/{app}/", None, None),
    "checklist": ("get", "/api/applications/{app}/checklist/", None, None),
    "documents": ("get", "/api/applications/{app}/documents/", None, None),
    "download": ("get", "/api/applications/{app}/documents/{code}/versions/{number}/download/", None, None),
    "sections": ("get", "/api/applications/{app}/sections/", None, None),
    "section": ("get", "/api/applications/{app}/sections/overview/", None, None),
    "parties": ("get", "/api/applications/{app}/parties/", None, None),
    "party": ("get", "/api/applications/{app}/parties/sponsor/", None, None),
    "performers": ("get", "/api/applications/{app}/performers/", None, None),
    "performer": ("get", "/api/applications/{app}/performers/{performer}/", None, None),
}
SECTION = {"data": {"sessions": 2, "daily_hours": 6, "organisation_mode": "售票"}, "narrative": "两场"}
PARTY = {"organisation_name": "某公司", "responsible_person": "王五", "phone": "13900000000"}
WRITES = {
    "edit facts": ("patch", "/api/applications/{app}/", {"name": "改名"}, "json"),
    "submit": ("post", "/api/applications/{app}/submit/", None, "json"),
    "upload": ("post", "/api/applications/{app}/documents/", lambda: {"document_type": "risk_assessment_report",
                                                                      "file": pdf()}, "multipart"),
    "put section": ("put", "/api/applications/{app}/sections/overview/", SECTION, "json"),
    "patch section": ("patch", "/api/applications/{app}/sections/overview/", {"narrative": "三场"}, "json"),
    "put party": ("put", "/api/applications/{app}/parties/sponsor/", PARTY, "json"),
    "add performer": ("post", "/api/applications/{app}/performers/", {"name": "乐队乙"}, "json"),
    "put performer": ("put", "/api/applications/{app}/performers/{performer}/", {"name": "乐队丙"}, "json"),
    "patch performer": ("patch", "/api/applications/{app}/performers/{performer}/", {"order": 5}, "json"),
    "delete performer": ("delete", "/api/applications/{app}/performers/{performer}/", None, None),
    "add song": ("post", "/api/applications/{app}/performers/{performer}/songs/", {"title": "新歌"}, "json"),
    "put song": ("put", "/api/applications/{app}/performers/{performer}/songs/{song}/", {"title": "改"}, "json"),
    "patch song": ("patch", "/api/applications/{app}/performers/{performer}/songs/{song}/", {"order": 2}, "json"),
    "delete song": ("delete", "/api/applications/{app}/performers/{performer}/songs/{song}/", None, None),
}
# What the owner gets on a draft it may edit (on a submitted application every owner write is a 400).
OWNER_ON_DRAFT = {"edit facts": 200, "submit": 200, "upload": 201, "put section": 200, "patch section": 200,
                  "put party": 200, "add performer": 201, "put performer": 200, "patch performer": 200,
                  "delete performer": 204, "add song": 201, "put song": 200, "patch song": 200, "delete song": 204}


def expected(state: str, kind: str, name: str) -> dict:
    """Only the owner and (once submitted) the district's reviewer may see the application; others get 404."""
    reviewer_sees = state == "submitted"
    if kind == "read":
        return {OWNER: 200, OTHER_ORG: 404, REVIEWER: 200 if reviewer_sees else 404, OTHER_DISTRICT: 404,
                ANONYMOUS: 403}
    return {OWNER: 400 if state == "submitted" else OWNER_ON_DRAFT[name], OTHER_ORG: 404,
            REVIEWER: 403 if reviewer_sees else 404, OTHER_DISTRICT: 404, ANONYMOUS: 403}


def request(world: World, user, method: str, template: str, body, fmt):
    client = APIClient()
    if user is not None:
        client.force_login(user)
    body = body() if callable(body) else body
    return getattr(client, method)(world.url(template), body, format=fmt) if body is not None else \
        getattr(client, method)(world.url(template))


def answers(world: World, endpoints: dict, kind: str, state: str) -> tuple[dict, dict, list]:
    """(what each actor got, what it should get, the refusals that changed something) per endpoint."""
    got, want, changed = {}, {}, []
    for name, (method, template, body, fmt) in endpoints.items():
        for actor, status in expected(state, kind, name).items():
            want[name, actor] = status
        for actor in ACTORS:
            before = fingerprint(world.application)
            response = request(world, world.users[actor], method, template, body, fmt)
            got[name, actor] = response.status_code
            if response.status_code >= 400 and fingerprint(world.application) != before:
                changed.append((name, actor))
    return got, want, changed


# Reads change nothing, and on a submitted application every write is refused: one world serves each group.
@pytest.mark.parametrize("state", ["draft", "submitted"])
def test_reads_answer_each_actor_as_expected(db, state):
    got, want, changed = answers(build_world(state), READS, "read", state)
    assert got == want
    assert changed == []


def test_writes_on_a_submitted_application_are_refused_and_change_nothing(db):
    got, want, changed = answers(build_world("submitted"), WRITES, "write", "submitted")
    assert got == want
    assert changed == []


# On a draft the owner's write succeeds and changes the world, so each write gets a fresh one.
@pytest.mark.parametrize("name", list(WRITES))
def test_write_on_a_draft_is_for_the_owner_only_and_refusals_change_nothing(db, name):
    got, want, changed = answers(build_world("draft"), {name: WRITES[name]}, "write", "draft")
    assert got == want
    assert changed == []


# ---------------------------------------------------------------------------------------------- collections


@pytest.fixture
def world(db):
    return build_world("submitted")


def ids(response) -> list:
    return sorted(row["id"] for row in response.data["results"])


def test_application_list_shows_each_actor_only_what_it_may_see(world):
    draft = factories.create_application(world.users[OWNER])
    seen = {}
    for actor in ACTORS:
        client = APIClient()
        if world.users[actor] is not None:
            client.force_login(world.users[actor])
        response = client.get("/api/applications/")
        seen[actor] = ids(response) if response.status_code == 200 else response.status_code
    assert seen == {OWNER: sorted([world.application.pk, draft.pk]), OTHER_ORG: [],
                    REVIEWER: [world.application.pk], OTHER_DISTRICT: [], ANONYMOUS: 403}


def test_creating_applications_and_venues_is_for_organizers_only(world):
    venue_body = {"name": "新场地", "address": "路1号", "district": world.application.district_id,
                  "usable_area_m2": 5000, "setting": "indoor", "exits": [{"name": "东门", "width_m": "4.5"}]}
    got = {}
    for actor in ACTORS:
        user = world.users[actor]
        client = APIClient()
        if user is not None:
            client.force_login(user)
        venue_response = client.post("/api/venues/", venue_body, format="json")
        venue = Venue.objects.filter(owner=user.organisation).first() if user and user.organisation else \
            world.application.event.venue
        facts = factories.event_facts(venue)
        facts.update(venue=venue.pk, start_at=facts["start_at"].isoformat(), end_at=facts["end_at"].isoformat())
        application_response = client.post("/api/applications/", facts, format="json")
        got[actor] = (venue_response.status_code, application_response.status_code)
    assert got == {OWNER: (201, 201), OTHER_ORG: (201, 201), REVIEWER: (403, 403), OTHER_DISTRICT: (403, 403),
                   ANONYMOUS: (403, 403)}
    assert Application.objects.count() == 3


def test_catalogue_is_for_signed_in_users(world):
    for actor in ACTORS:
        client = APIClient()
        if world.users[actor] is not None:
            client.force_login(world.users[actor])
        assert client.get("/api/catalogue/").status_code == (403 if actor == ANONYMOUS else 200), actor
