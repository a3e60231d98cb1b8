"""以此为模板新建 (issue 16): a new draft of the organisation from an earlier application, the chosen parts copied,
nothing of the source's review; only the owning organisation; bad dates refused on their field, nothing made."""
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from approvals.applications.copying import PARTS, application_copy
from approvals.models import Application, ApplicationDocument, AuditEntry, DocumentVersion
from approvals.workflow.states import ApplicationState
from events.models import Performer, Song, VettingStatus
from siteplan.models import SitePlan
from tests import factories
from tests.siteplan.test_api import GOOD

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(organizer):
    """Last season's festival: filled, handed in, with a vetted lineup and a site plan."""
    application = factories.submitted_application(organizer)
    performer = factories.PerformerFactory(event=application.event, vetting_status=VettingStatus.APPROVED,
                                           vetting_reason="通过", order=1)
    factories.SongFactory(performer=performer, title="海阔天空", vetting_status=VettingStatus.STRUCK,
                          vetting_reason="不宜")
    SitePlan.objects.create(application=application, features=GOOD, width_m=120, height_m=150,
                            figures={"capacity": 1234})
    return application


START = timezone.now().replace(second=0, microsecond=0) + timedelta(days=60)  # one moment for the whole module


def ahead(days=60):
    return START + timedelta(days=days - 60)


def copy(source, user, parts=PARTS, **dates):
    dates = dates or {"first_start": ahead(), "first_end": ahead() + timedelta(hours=6)}
    return application_copy(source=source, user=user, parts=set(parts), **dates)


def test_every_part_is_copied_and_nothing_of_the_review(source, organizer):
    new = copy(source, organizer)
    assert new.pk != source.pk and new.state == ApplicationState.DRAFT
    assert new.organisation == source.organisation and new.reference != source.reference
    event, old = new.event, source.event
    for name in ("name", "kind", "venue_id", "rated_capacity", "expected_attendance", "description", "ticketed"):
        assert getattr(event, name) == getattr(old, name)
    assert event.start_at == ahead() and event.end_at == ahead() + timedelta(hours=6)
    assert ({e.section.code: (e.data, e.narrative) for e in new.sections.select_related("section")}
            == {e.section.code: (e.data, e.narrative) for e in source.sections.select_related("section")})
    assert ({p.party.code: (p.organisation_name, p.responsible_person, p.phone)
             for p in new.parties.select_related("party") if p.party.named_by_organizer}
            == {p.party.code: (p.organisation_name, p.responsible_person, p.phone)
                for p in source.parties.select_related("party") if p.party.named_by_organizer})
    performer = event.performers.get()
    song = Song.objects.get(performer=performer)
    assert (performer.name, song.title) == (old.performers.get().name, "海阔天空")
    assert performer.vetting_status == song.vetting_status == VettingStatus.PENDING
    assert performer.vetting_reason == song.vetting_reason == "" and performer.vetted_by is None
    plan = SitePlan.objects.get(application=new)
    assert (plan.features, plan.width_m, plan.height_m) == (GOOD, 120, 150)
    # Never copied: documents, audit, permit, clocks, reviewer.
    assert not DocumentVersion.objects.filter(document__application=new).exists()
    assert source.documents.exclude(current_version=None).exists()
    assert not new.documents.exclude(current_version=None).exists()
    assert not new.documents.exclude(status=ApplicationDocument.Status.MISSING).exists()
    assert new.submitted_at is None and new.accepted_at is None and new.assigned_reviewer is None
    assert not Application.objects.filter(pk=new.pk, permit__isnull=False).exists()
    entries = list(new.audit_entries.order_by("pk"))
    assert entries[0].action == AuditEntry.Action.CREATED
    assert entries[-1].reason == f"复制自 {source.reference}"
    assert not new.audit_entries.filter(event=AuditEntry.Event.SUBMITTED).exists()
    assert source.audit_entries.filter(event=AuditEntry.Event.SUBMITTED).exists()


@pytest.mark.parametrize("parts", [set(), {"sections"}, {"parties"}, {"lineup"}, {"siteplan"}])
def test_only_the_chosen_parts_are_copied(source, organizer, parts):
    new = copy(source, organizer, parts=parts)
    assert any(e.data for e in new.sections.all()) == ("sections" in parts)
    assert any(p.responsible_person for p in new.parties.all()) == ("parties" in parts)
    assert new.event.performers.exists() == ("lineup" in parts)
    assert SitePlan.objects.filter(application=new).exists() == ("siteplan" in parts)
    assert new.event.name == source.event.name  # facts always


def test_shift_by_days_moves_every_session(organizer):
    sessions = factories.evenings(2, days_ahead=10)
    source = factories.create_application(
        organizer, venue=factories.VenueFactory(owner=organizer.organisation), sessions=sessions)
    new = copy(source, organizer, shift_days=7)
    starts = list(new.event.sessions.order_by("start_at").values_list("start_at", "name", "expected_attendance"))
    assert starts == [(s["start_at"] + timedelta(days=7), s["name"], s["expected_attendance"]) for s in sessions]


@pytest.mark.parametrize("dates, field", [
    ({"first_start": ahead(-400), "first_end": ahead(-400) + timedelta(hours=3)}, "first_start"),
    ({"first_start": ahead(2000), "first_end": ahead(2000) + timedelta(hours=3)}, "first_start"),
    ({"first_start": ahead(), "first_end": ahead() - timedelta(hours=1)}, "first_end"),
    ({"shift_days": -1000}, "shift_days"),
    ({}, "first_start"),
])
def test_bad_dates_are_field_errors_and_nothing_is_created(source, organizer, dates, field):
    before = Application.objects.count()
    with pytest.raises(ValidationError) as refused:
        application_copy(source=source, user=organizer, parts=set(PARTS), **dates)
    assert field in refused.value.message_dict
    assert Application.objects.count() == before


def test_another_organisation_gets_404_and_nothing_is_created(source, other_organizer, client):
    before = Application.objects.count()
    client.force_login(other_organizer)
    assert client.get(reverse("approvals:copy", args=[source.pk])).status_code == 404
    assert client.post(reverse("approvals:copy", args=[source.pk]), {"shift_days": "7"}).status_code == 404
    api = APIClient()
    api.force_login(other_organizer)
    assert api.post(f"/api/applications/{source.pk}/copy/", {"shift_days": 7}, format="json").status_code == 404
    assert Application.objects.count() == before


def test_the_page_copies_and_redirects_to_the_new_draft(source, organizer, client):
    client.force_login(organizer)
    page = client.get(reverse("approvals:copy", args=[source.pk]))
    assert page.status_code == 200 and "以此为模板新建" in page.content.decode()
    response = client.post(reverse("approvals:copy", args=[source.pk]),
                           {"parts": list(PARTS), "shift_days": "400"})
    new = Application.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == reverse("approvals:detail", args=[new.pk])
    assert new.state == ApplicationState.DRAFT and new.event.start_at == source.event.start_at + timedelta(days=400)


def test_the_page_shows_bad_dates_on_their_field_in_chinese_and_english(source, organizer, client):
    before = Application.objects.count()
    client.force_login(organizer)
    past = timezone.localtime(ahead(-30)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("approvals:copy", args=[source.pk]),
                           {"parts": ["sections"], "first_start": past, "first_end": past})
    assert response.status_code == 200
    assert "开始时间不能早于现在。" in response.context["form"].errors["first_start"]
    response = client.post(reverse("approvals:copy", args=[source.pk]),
                           {"parts": ["sections"], "first_start": past, "first_end": past}, HTTP_ACCEPT_LANGUAGE="en")
    assert "The start cannot be in the past." in response.context["form"].errors["first_start"]
    assert Application.objects.count() == before


def test_api_copies_and_refuses_bad_dates_per_field(source, organizer):
    api = APIClient()
    api.force_login(organizer)
    bad = api.post(f"/api/applications/{source.pk}/copy/", {"first_start": ahead(-5).isoformat(),
                                                             "first_end": ahead(-4).isoformat()}, format="json")
    assert bad.status_code == 400 and "first_start" in bad.json()
    missing = api.post(f"/api/applications/{source.pk}/copy/", {"parts": ["nothing"]}, format="json")
    assert missing.status_code == 400 and "parts" in missing.json()
    made = api.post(f"/api/applications/{source.pk}/copy/", {"parts": ["sections"], "shift_days": 365},
                    format="json")
    assert made.status_code == 201, made.json()
    new = Application.objects.get(pk=made.json()["id"])
    assert new.state == ApplicationState.DRAFT and not new.event.performers.exists()


def test_the_organizer_pages_offer_the_copy(source, organizer, client):
    client.force_login(organizer)
    link = reverse("approvals:copy", args=[source.pk])
    assert link in client.get(reverse("approvals:detail", args=[source.pk])).content.decode()
    assert link in client.get(reverse("approvals:list")).content.decode()


@pytest.mark.parametrize("performers", [1, 8])
def test_the_copy_spends_a_bounded_number_of_queries(organizer, performers, django_assert_max_num_queries):
    source = factories.create_application(organizer, venue=factories.VenueFactory(owner=organizer.organisation))
    for n in range(performers):
        performer = factories.PerformerFactory(event=source.event, order=n)
        factories.SongFactory.create_batch(performers, performer=performer)
    SitePlan.objects.create(application=source, features=GOOD)
    source = Application.objects.get(pk=source.pk)
    with django_assert_max_num_queries(60):  # 56 today, the same for 1 or 64 songs
        copy(source, organizer)
