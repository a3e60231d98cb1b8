"""The one application builder: each step is a real workflow transition (an audit row per state change), the
actors are the right ones, and the older helpers built on it still return what they returned."""
import itertools

import pytest
from django.utils import timezone

from approvals.models import ApplicationDocument, ApplicationState, AuditEntry
from events.models import Authority, VettingStatus
from tests import factories
from tests.support.builder import application

pytestmark = pytest.mark.django_db

S = ApplicationState


def transitions(app) -> list[tuple[str, str, str]]:
    return list(app.audit_entries.filter(action=AuditEntry.Action.TRANSITION).order_by("created_at", "id")
                .values_list("transition", "from_state", "to_state"))


def assert_walked(app) -> None:
    """Every state the row went through was entered by a transition that left an audit row, in a chain from
    draft to the state it is in (a state written directly would break the chain)."""
    chain = transitions(app)
    assert chain, "no transition was audited"
    assert chain[0][1] == S.DRAFT
    for (_, _, reached), (_, left, _) in itertools.pairwise(chain):
        assert reached == left, chain
    assert chain[-1][2] == app.state


def test_each_step_reaches_its_state_through_the_workflow():
    builder = application().filled()
    assert builder.build().state == S.DRAFT
    expected = [("submitted", "submit", AuditEntry.Event.SUBMITTED),
                ("accepted", "accept", AuditEntry.Event.ACCEPTED),
                ("under_review", "start_review", AuditEntry.Event.REVIEW_STARTED),
                ("approved", "approve", AuditEntry.Event.APPROVED)]
    for step, transition, event in expected:
        getattr(builder, step)()
        app = builder.build()
        assert app.state == step
        last = app.audit_entries.filter(action=AuditEntry.Action.TRANSITION).order_by("-created_at", "-id").first()
        assert (last.transition, last.to_state, last.event) == (transition, step, event)
    assert_walked(app)
    assert app.permit.number
    assert app.audit_entries.filter(event=AuditEntry.Event.PERMIT_ISSUED).exists()


def test_a_later_step_walks_the_steps_before_it():
    app = application().approved().build()
    assert app.state == S.APPROVED
    assert [t for t, _, _ in transitions(app)] == ["submit", "accept", "start_review", "approve"]


def test_the_people_used_are_exposed_and_are_of_the_applications_district():
    builder = application().approved()
    app = builder.build()
    organizer, reviewer = builder.people["organizer"], builder.people["reviewer"]
    assert app.created_by == organizer
    assert reviewer.is_police and reviewer.authority == app.district
    actors = dict(app.audit_entries.filter(action=AuditEntry.Action.TRANSITION).values_list("transition", "actor"))
    assert actors["submit"] == organizer.pk
    assert actors["accept"] == actors["start_review"] == reviewer.pk
    assert actors["approve"] == builder.people["decider"].pk


def test_given_actors_are_used_instead_of_picked_ones():
    organizer = factories.OrganizerUserFactory()
    builder = application(organizer).submitted()
    supervisor = factories.SupervisorFactory(authority=builder.build().district)
    app = builder.accepted(by=supervisor).under_review(by=supervisor).approved(by=supervisor).build()
    assert set(app.audit_entries.filter(action=AuditEntry.Action.TRANSITION).exclude(transition="submit")
               .values_list("actor", flat=True)) == {supervisor.pk}
    assert builder.people["organizer"] == organizer and builder.people["decider"] == supervisor


def test_a_city_level_application_is_decided_by_the_city_bureau():
    builder = application(expected_attendance=8000, rated_capacity=12000).submitted()
    assert builder.build().needs_city_decision
    app = builder.approved().build()
    decider = builder.people["decider"]
    assert decider.authority.level == Authority.Level.CITY and decider.authority == app.district.parent
    assert app.audit_entries.get(transition="approve").actor == decider
    assert builder.people["reviewer"].authority == app.district  # the district accepted and reviewed it


def test_accepted_with_deferred_defers_the_missing_documents_and_signs_the_commitment():
    builder = application().filled(skip_deferrable=True).submitted()
    to_defer = builder.missing_documents()
    assert to_defer
    due = (builder.build().event.start_at - timezone.timedelta(days=5)).date()
    app = builder.accepted_with_deferred(due=due).build()
    assert app.state == S.ACCEPTED_DEFERRED
    deferred = app.documents.filter(status=ApplicationDocument.Status.DEFERRED)
    assert sorted(deferred.values_list("document_type__code", flat=True)) == to_defer
    assert set(deferred.values_list("deferred_due_date", flat=True)) == {due}
    (commitment,) = app.deferred_commitments.all()
    assert commitment.signed_by == builder.people["organizer"]
    assert app.audit_entries.filter(event=AuditEntry.Event.COMMITMENT_SIGNED).exists()
    assert transitions(app)[-1][0] == "accept_with_deferred"


def test_accepting_an_application_with_documents_to_defer_walks_through_deferral():
    app = application().filled(skip_deferrable=True).under_review().build()
    assert [t for t, _, _ in transitions(app)] == ["submit", "accept_with_deferred", "start_review"]


def test_delivered_documents_allow_a_plain_acceptance():
    app = application().filled(skip_deferrable=True).submitted().delivered().accepted().build()
    assert app.state == S.ACCEPTED
    assert not app.documents.filter(status=ApplicationDocument.Status.TO_BE_DEFERRED).exists()


def test_vetting_strikes_what_is_named_and_approves_the_rest():
    builder = application(has_performances=True).with_lineup(performers=[
        {"name": "晴天乐队", "songs": ["湖边的晚风", "午夜狂嚣"]}, {"name": "铁锈", "songs": ["钢铁洪流"]},
    ]).submitted()
    app = builder.vetted(struck={"午夜狂嚣": "歌词内容不适宜公开演出", "铁锈": "演出风格激烈"}).build()
    band, rust = builder.lineup
    assert app.culture_official == builder.people["culture"]
    assert band.songs.get(title="午夜狂嚣").vetting_status == VettingStatus.STRUCK
    assert band.songs.get(title="湖边的晚风").vetting_status == VettingStatus.APPROVED
    rust.refresh_from_db()
    assert (rust.vetting_status, rust.vetting_reason) == (VettingStatus.STRUCK, "演出风格激烈")
    assert rust.songs.get().vetting_status == VettingStatus.PENDING  # a struck band's songs need no vetting
    assert app.vetting_blockers() == []
    assert app.audit_entries.filter(event=AuditEntry.Event.VETTED).count() == 4


def test_with_lineup_makes_bands_of_songs():
    builder = application().with_lineup(bands=2, songs=3)
    assert [p.songs.count() for p in builder.lineup] == [3, 3]


@pytest.mark.parametrize("state", sorted(set(S.values) - {S.PROVISIONALLY_APPROVED}))
def test_reach_walks_the_workflow_to_every_state(state):
    # 容缺 needs documents left to defer; every other path starts from a complete application.
    # Only a city-level application is reported to the city bureau (Order 505 Art. 12).
    city_level = {"expected_attendance": 6000, "rated_capacity": 8000} if state == S.REPORTED_TO_CITY else {}
    app = application(**city_level).filled(skip_deferrable=state == S.ACCEPTED_DEFERRED).reach(state).build()
    assert app.state == state
    if state != S.DRAFT:
        assert_walked(app)


def test_with_sections_saves_each_value_in_the_section_that_has_it():
    builder = application()
    app = builder.with_sections(security_staff_total=40, parking_spaces_arranged=300).build()
    data = {e.section.code: e.data for e in app.sections.select_related("section")}
    assert data["security_staff"]["security_staff_total"] == 40
    assert data["traffic"]["parking_spaces_arranged"] == 300


# ------------------------------------------------------------------------------ the older helpers, on top


def test_the_core_factories_still_return_a_draft_a_filled_draft_and_a_submission():
    from tests.factories import complete_application, create_application, submitted_application

    draft = create_application()
    assert draft.state == S.DRAFT and not draft.audit_entries.filter(action=AuditEntry.Action.TRANSITION)
    filled = complete_application(draft, draft.created_by)
    assert filled.state == S.DRAFT
    assert all(e.data for e in filled.sections.all())
    submitted = submitted_application()
    assert submitted.state == S.SUBMITTED
    assert submitted.documents.filter(status=ApplicationDocument.Status.TO_BE_DEFERRED).exists()


def test_the_workflow_helpers_still_return_their_states():
    from tests.approvals import workflow_helpers as helpers

    submitted = helpers.submitted()
    assert submitted.state == S.SUBMITTED
    assert not submitted.documents.filter(status=ApplicationDocument.Status.TO_BE_DEFERRED).exists()
    assert helpers.submitted(upload_deferrable=False).documents.filter(
        status=ApplicationDocument.Status.TO_BE_DEFERRED).exists()
    reviewer = helpers.reviewer_of(submitted)
    assert helpers.under_review(submitted, reviewer).state == S.UNDER_REVIEW
    other = helpers.submitted()
    deciding = helpers.reviewer_of(other)
    approved = helpers.approved(other, deciding)
    assert approved.state == S.APPROVED
    assert approved.audit_entries.get(transition="approve").actor == deciding
    assert_walked(approved)
    (band,) = helpers.lineup(approved, bands=1, songs=2)
    assert len(helpers.songs_of(band)) == 2


def test_a_completed_history_is_reached_through_the_workflow():
    from tests.approvals.workflow_helpers import with_completed_history

    organisation = factories.OrganisationFactory()
    past = with_completed_history(organisation)
    assert past.state == S.COMPLETED and past.organisation == organisation
    assert_walked(past)


def test_the_plans_factory_still_returns_an_approved_vetted_application_and_its_people():
    from tests.plans.factories import STRUCK_SONG, approved_application

    app, people = approved_application()
    assert app.state == S.APPROVED
    assert set(people) == {"organizer", "supervisor", "culture"}
    assert app.audit_entries.get(transition="approve").actor == people["supervisor"]
    assert app.event.performers.get(name="晴天乐队").songs.get(title=STRUCK_SONG).vetting_status == \
        VettingStatus.STRUCK
    assert app.documents.filter(status=ApplicationDocument.Status.DEFERRED).exists()
    assert_walked(app)


def test_the_eventday_factory_approves_through_the_workflow_and_runs_the_event_now():
    from tests.eventday.factories import approved_application, live_event

    app = approved_application()
    assert app.state == S.APPROVED and app.event.start_at <= timezone.now() <= app.event.end_at
    assert_walked(app)
    suspended = live_event(state="suspended").application
    assert suspended.state == S.SUSPENDED
    assert_walked(suspended)
