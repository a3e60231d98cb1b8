"""The one test builder for an application in a state, reached through the real services and workflow.

    app = application().filled().submitted().accepted().under_review().approved().build()
    app = application(has_performances=True).with_lineup(bands=2, songs=3).filled().submitted() \
        .accepted().vetted(struck={"午夜狂嚣": "歌词内容不适宜公开演出"}).under_review().approved().build()
    b = application().filled(skip_deferrable=True).submitted().accepted_with_deferred(due=some_date)

Convention: every step returns the builder; `.build()` returns the application, freshly read from the database.
A step walks the steps before it that were not taken (`application().approved()` fills, submits, accepts and
starts the review first), and picks the actors it needs unless given `by=`: a reviewer of the application's
district, a supervisor there when the level needs a leader's signature, a supervisor of the city bureau for a
city-level application, a culture official for the lineup, the organizer for the organizer's part.
`.people` holds who was used ("organizer", "reviewer", "decider", "supervisor", "city", "culture").

No step writes a state: every state change is a workflow service, so each leaves its audit row. The only direct
writes are test set-up of what is not workflow: the lineup rows (factories, as the event's data), and the clock
(`running_now()`, `event_over()` move the event's dates, as time passing would).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta

from django.utils import timezone

from approvals import workflow
from approvals.applications import services
from approvals.applications.requirements import requirements_for
from approvals.models import Application, ApplicationDocument
from approvals.models import ApplicationState as S
from events import sessions as event_sessions
from events.models import Event, EventSession, Performer, Song, VettingStatus
from tests import factories

# A plan a reviewer would accept for the default event (3,000 people): enough staff and posts.
REALISTIC_FIGURES = {"security_staff_total": 200, "fixed_posts": 12, "patrol_posts": 8, "mobile_points": 5,
                     "stewards": 60, "parking_spaces_arranged": 800, "screening_lanes": 12}
NARRATIVE = "按方案执行。"
PARTY = {"organisation_name": "某单位", "responsible_person": "张三", "phone": "13800000000"}
STRIKE_REASON = "歌词内容不适宜公开演出"


# ------------------------------------------------------------------------------------------------------- people


def reviewer_for(application, **kwargs):
    """A police reviewer of the application's district bureau (sees and reviews it once submitted)."""
    return factories.ReviewerFactory(authority=application.district, **kwargs)


def supervisor_for(application, **kwargs):
    """A leader (supervisor) of the application's district bureau: signs off the levels that need it."""
    return factories.SupervisorFactory(authority=application.district, **kwargs)


def city_supervisor_for(application, **kwargs):
    """A leader of the city bureau above the district: decides city-level applications."""
    return factories.SupervisorFactory(authority=application.district.parent, **kwargs)


def culture_official(**kwargs):
    return factories.CultureOfficialFactory(**kwargs)


_PEOPLE = {"reviewer": reviewer_for, "supervisor": supervisor_for, "city": city_supervisor_for,
           "culture": lambda application: culture_official()}


# ------------------------------------------------------------------------------------------------------ builder


def application(organizer=None, *, venue=None, **facts) -> ApplicationBuilder:
    """A builder on a new draft, created through application_create as the organizer would (an event 40 days
    ahead at a venue of the organizer's organisation unless `venue`; `facts` override tests.factories.event_facts)."""
    organizer = organizer or factories.OrganizerUserFactory()
    venue = venue or factories.VenueFactory(owner=organizer.organisation)
    created = services.application_create(user=organizer, facts=factories.event_facts(venue, **facts))
    return ApplicationBuilder(created, organizer=organizer, filled=False)


def builder_for(existing, organizer=None) -> ApplicationBuilder:
    """A builder on an application made elsewhere (a draft counts as not yet filled)."""
    return ApplicationBuilder(existing, organizer=organizer or existing.created_by,
                              filled=existing.state != S.DRAFT)


class ApplicationBuilder:
    def __init__(self, application, *, organizer, filled: bool):
        self._application = application
        self._filled = filled
        self.people = {"organizer": organizer}
        self.lineup: list[Performer] = []

    # --------------------------------------------------------------------------------- reading the result

    def build(self):
        """The application as the database has it now."""
        self._application = Application.objects.select_related("event", "district").get(
            pk=self._application.pk)
        return self._application

    @property
    def state(self) -> str:
        return self.build().state

    def person(self, role: str):
        """Who plays `role` (made on first use: see _PEOPLE)."""
        if role not in self.people:
            self.people[role] = _PEOPLE[role](self.build())
        return self.people[role]

    def _actor(self, role: str, by):
        if by is not None:
            self.people[role] = by
            return by
        return self.person(role)

    def _decider(self, by):
        """A city-level application is decided by the city bureau; a level needing a leader's signature by the
        district's supervisor; any other by the reviewer."""
        if by is None:
            current = self.build()
            role = "city" if current.city_level else (
                "supervisor" if current.requires_sign_off else "reviewer")
            by = self.person(role)
        self.people["decider"] = by
        return by

    def _is(self, *states) -> bool:
        return self.state in states

    # ---------------------------------------------------------------------------- the organizer's part

    def filled(self, *, skip_deferrable: bool = False, sections: Mapping[str, dict] | None = None,
               narrative: str | Callable = NARRATIVE, party: Mapping | Callable | None = None,
               by=None) -> ApplicationBuilder:
        """Every plan section saved, every party the organizer names named (all its checklist items
        acknowledged), every applicable document that is not filled in online uploaded (not the deferrable ones
        when `skip_deferrable`: submission records them as "to be deferred").

        `sections` gives a section's data by its code (the others get realistic figures); `narrative` is the
        text of every section (or a function of the section); `party` the fields of every party (or a function
        of the party)."""
        organizer = self._actor("organizer", by)
        current = self.build()
        for entry in current.sections.select_related("section"):
            section = entry.section
            data = (sections or {}).get(section.code)
            if data is None:
                data = {f["key"]: _realistic(f, current) for f in section.fields}
            services.section_save(application=current, user=organizer, section_code=section.code, raw_data=data,
                                  narrative=narrative(section) if callable(narrative) else narrative)
        for assignment in current.parties.select_related("party"):
            if not assignment.party.named_by_organizer:
                continue
            fields = party(assignment.party) if callable(party) else (party or PARTY)
            services.party_save(application=current, user=organizer, party_code=assignment.party.code,
                                acknowledged_item_ids=assignment.party.items.values_list("pk", flat=True), **fields)
        for document in requirements_for(current).to_upload:
            doc_type = document.document_type
            if skip_deferrable and doc_type.deferrable:
                continue
            services.document_upload(application=current, user=organizer, document_type_code=doc_type.code,
                                     uploaded=factories.pdf_upload(f"{doc_type.code}.pdf"))
        self._filled = True
        return self

    def with_sections(self, by=None, **values) -> ApplicationBuilder:
        """Only the given field values saved, each in the plan section that has the field (sections with none
        of them are left as they are)."""
        organizer = self._actor("organizer", by)
        current = self.build()
        for entry in current.sections.select_related("section").order_by("section__number"):
            data = {f["key"]: values[f["key"]] for f in entry.section.fields if f["key"] in values}
            if data:
                services.section_save(application=current, user=organizer, section_code=entry.section.code,
                                      raw_data=data, narrative=NARRATIVE)
        return self

    def with_lineup(self, bands: int = 2, songs: int = 3, *, performers: Iterable[Mapping] | None = None
                    ) -> ApplicationBuilder:
        """Performers and their songs on the event (`performers`: [{"name": ..., "songs": [title or
        {"title": ..., "order": ...}, ...], other Performer fields}], else `bands` bands of `songs` songs).
        Test data of the event, also after submission, so made with the factories; `.lineup` lists them."""
        event = self.build().event
        specs = list(performers) if performers is not None else [{"songs": [{}] * songs} for _ in range(bands)]
        for spec in specs:
            spec = dict(spec)
            song_specs = spec.pop("songs", [])
            performer = factories.PerformerFactory(event=event, **spec)
            for song in song_specs:
                factories.SongFactory(performer=performer, **({"title": song} if isinstance(song, str) else song))
            self.lineup.append(performer)
        return self

    def submitted(self, by=None) -> ApplicationBuilder:
        """Handed in (workflow.application_submit), filled first if it was not."""
        if not self._filled:
            self.filled(by=by)
        workflow.application_submit(application=self.build(), actor=self._actor("organizer", by))
        return self

    def delivered(self, by=None) -> ApplicationBuilder:
        """The organizer uploads the documents still missing (those recorded as to be deferred, or deferred)."""
        organizer = self._actor("organizer", by)
        for code in self.missing_documents():
            services.document_upload(application=self.build(), user=organizer, document_type_code=code,
                                     uploaded=factories.pdf_upload(f"{code}.pdf"))
        return self

    def withdrawn(self, reason: str = "活动取消", by=None) -> ApplicationBuilder:
        workflow.application_withdraw(application=self.build(), actor=self._actor("organizer", by), reason=reason)
        return self

    # -------------------------------------------------------------------------------- the bureau's part

    def _submitted_first(self):
        if self._is(S.DRAFT, S.RETURNED):
            self.submitted()

    def returned(self, reason: str = "请补正材料", *, items=(), due: date | None = None, by=None
                 ) -> ApplicationBuilder:
        """退回补正 from the current stage (submitted first if a draft): `items` as the API takes them
        ({"kind", "key"} or "kind:key"; required after acceptance), due by `due` (default: the service's)."""
        self._submitted_first()
        workflow.application_return(application=self.build(), actor=self._actor("reviewer", by), reason=reason,
                                    items=list(items), due_date=due)
        return self

    def accepted(self, by=None) -> ApplicationBuilder:
        """受理 (every applicable document must be there: see delivered() and accepted_with_deferred())."""
        self._submitted_first()
        workflow.application_accept(application=self.build(), actor=self._actor("reviewer", by))
        return self

    def accepted_with_deferred(self, *, documents: Iterable[str] | None = None, due: date | None = None,
                               sign: bool = True, by=None) -> ApplicationBuilder:
        """容缺受理 of `documents` (default: every document still missing) due by `due` (default: the latest the
        catalogue allows), the organizer signing the commitment unless `sign=False`."""
        self._submitted_first()
        current = self.build()
        workflow.application_accept_with_deferred(
            application=current, actor=self._actor("reviewer", by),
            documents=list(documents) if documents is not None else self.missing_documents(),
            due_date=due or workflow.latest_deferred_due(current))
        if sign:
            for commitment in self.build().deferred_commitments.filter(signed_at__isnull=True):
                workflow.deferred_commitment_sign(commitment=commitment, actor=self.people["organizer"])
        return self

    def _accepted_first(self):
        """Accept as the bureau would: with 容缺 when documents are still missing."""
        self._submitted_first()
        if self._is(S.SUBMITTED):
            if self.missing_documents():
                self.accepted_with_deferred()
            else:
                self.accepted()

    def with_supervising_party(self, *, organisation_name: str = "湖滨区公安分局", responsible_person: str = "周副局长",
                               phone: str = "0571-88880000", by=None) -> ApplicationBuilder:
        """The bureau names the fifth party (监管部门)."""
        workflow.application_set_supervising_party(
            application=self.build(), actor=self._actor("reviewer", by), organisation_name=organisation_name,
            responsible_person=responsible_person, phone=phone)
        return self

    def vetted(self, *, struck: Mapping | Iterable = (), by=None, assigned_by=None) -> ApplicationBuilder:
        """A culture official assigned (by a police officer of the case) and the whole lineup vetted: approved,
        except the performers and songs in `struck` (instances, names or titles; a mapping gives each one's
        reason) which are struck. A struck performer's songs need no vetting and get none."""
        self._accepted_first()
        reasons = dict(struck) if isinstance(struck, Mapping) else {item: STRIKE_REASON for item in struck}
        keys = {_vet_key(item): reason for item, reason in reasons.items()}

        def strike_reason(item):
            return keys.get((type(item), item.pk)) or keys.get(str(item.name if isinstance(item, Performer)
                                                                 else item.title))

        culture = self._actor("culture", by)
        workflow.application_assign_culture_vetting(application=self.build(),
                                                    actor=assigned_by or self.person("reviewer"), official=culture)
        for performer in self.build().event.performers.order_by("order", "id"):
            reason = strike_reason(performer)
            if reason:
                workflow.performer_vet(performer=performer, actor=culture, decision=VettingStatus.STRUCK,
                                       reason=reason)
                continue
            workflow.performer_vet(performer=performer, actor=culture, decision=VettingStatus.APPROVED)
            for song in performer.songs.order_by("order", "id"):
                reason = strike_reason(song)
                workflow.song_vet(song=song, actor=culture, decision=VettingStatus.STRUCK if reason else
                                  VettingStatus.APPROVED, reason=reason or "")
        return self

    def under_review(self, by=None) -> ApplicationBuilder:
        self._accepted_first()
        if not self._is(S.UNDER_REVIEW):
            workflow.application_start_review(application=self.build(), actor=self._actor("reviewer", by))
        return self

    def reported_to_city(self, opinion: str = "经审查，分局同意举办，报请市局审批。", by=None) -> ApplicationBuilder:
        """报市局审批 of a city-level application by the district's reviewer, after its review."""
        self.under_review()
        workflow.application_report_to_city(application=self.build(), actor=self._actor("reviewer", by),
                                            opinion=opinion)
        return self

    def _city_route_first(self, *, review: bool = True):
        """A city-level application is decided by the city once the district has reported it (Art. 12)."""
        current = self.build()
        if current.city_level and current.state != S.REPORTED_TO_CITY:
            self.reported_to_city()
        elif review:
            self.under_review()
        else:
            self._accepted_first()

    def approved(self, by=None) -> ApplicationBuilder:
        """许可 by the decider (_decider), from under review (walked there first; a city-level application
        reported to the city first)."""
        self._city_route_first()
        workflow.application_approve(application=self.build(), actor=self._decider(by))
        return self

    def provisionally_approved(self, by=None) -> ApplicationBuilder:
        """先批后审 (the level and the organizer's record must allow it: see approvals.workflow)."""
        self._city_route_first(review=False)
        workflow.application_approve_provisionally(application=self.build(), actor=self._decider(by))
        return self

    def rejected(self, reason: str = "不符合安全条件", by=None) -> ApplicationBuilder:
        self._city_route_first(review=False)
        workflow.application_reject(application=self.build(), actor=self._decider(by), reason=reason)
        return self

    def cancelled(self, reason: str = "因天气原因取消活动", by=None) -> ApplicationBuilder:
        """取消 by the organizer after the permit (Art. 20)."""
        self._approved_first()
        workflow.application_cancel(application=self.build(), actor=self._actor("organizer", by), reason=reason)
        return self

    def _approved_first(self):
        if not self._is(S.APPROVED, S.PROVISIONALLY_APPROVED, S.SUSPENDED):
            self.approved()

    def suspended(self, reasons: str = "现场超员", required_changes: str = "限流至核定人数", by=None
                  ) -> ApplicationBuilder:
        self._approved_first()
        workflow.application_suspend(application=self.build(), actor=self._actor("reviewer", by), reasons=reasons,
                                     required_changes=required_changes)
        return self

    def revoked(self, reason: str = "存在重大安全隐患", by=None) -> ApplicationBuilder:
        self._approved_first()
        workflow.application_revoke(application=self.build(), actor=self._decider(by), reason=reason)
        return self

    def completed(self, by=None) -> ApplicationBuilder:
        """办结: approved first, then the event is over (time passes), then completed by the reviewer."""
        self._approved_first()
        if self.build().event.end_at > timezone.now():
            self.event_over()
        workflow.application_complete(application=self.build(), actor=self._actor("reviewer", by))
        return self

    def reach(self, state: str) -> ApplicationBuilder:
        """The application taken to `state` by the steps that lead there."""
        steps = {S.DRAFT: lambda: self, S.SUBMITTED: self.submitted, S.RETURNED: self.returned,
                 S.ACCEPTED: self.accepted, S.ACCEPTED_DEFERRED: self.accepted_with_deferred,
                 S.UNDER_REVIEW: self.under_review, S.APPROVED: self.approved,
                 S.PROVISIONALLY_APPROVED: self.provisionally_approved, S.REJECTED: self.rejected,
                 S.SUSPENDED: self.suspended, S.REVOKED: self.revoked, S.WITHDRAWN: self.withdrawn,
                 S.COMPLETED: self.completed, S.REPORTED_TO_CITY: self.reported_to_city,
                 S.CANCELLED: self.cancelled}
        if self.state != state:
            steps[S(state)]()
        return self

    def sessions(self, sessions: Iterable[Mapping], by=None) -> ApplicationBuilder:
        """The organizer replaces the draft's sessions (dicts of start_at, end_at, expected_attendance and an
        optional name; tests.factories.evenings() makes some) through the facts service."""
        services.application_update_facts(application=self.build(), user=by or self.people["organizer"],
                                          facts={"sessions": [dict(s) for s in sessions]})
        return self

    # ------------------------------------------------------------------------------------------ the clock

    def _move_event(self, start_at, end_at, *, align: str = "start") -> None:
        """Time passes: with one session, it runs from `start_at` to `end_at`; with several, they keep their
        distances and the first starts at `start_at` (align "start") or the last ends at `end_at` ("end").
        The event's summary follows its sessions."""
        event = self.build().event
        sessions = event_sessions.sessions_of(event)
        if len(sessions) <= 1:
            EventSession.objects.filter(event=event).update(start_at=start_at, end_at=end_at)
            Event.objects.filter(pk=event.pk).update(start_at=start_at, end_at=end_at)
            return
        shift = start_at - sessions[0].start_at if align == "start" else end_at - sessions[-1].end_at
        for session in sessions:
            EventSession.objects.filter(pk=session.pk).update(start_at=session.start_at + shift,
                                                              end_at=session.end_at + shift)
        event_sessions.sync_summary(event)

    def running_now(self, *, started_hours_ago: int = 1, ends_in_hours: int = 5) -> ApplicationBuilder:
        """Time passes: the event is under way now (after the decision, which refuses a started event)."""
        now = timezone.now().replace(microsecond=0)
        self._move_event(now - timedelta(hours=started_hours_ago), now + timedelta(hours=ends_in_hours))
        return self

    def event_over(self) -> ApplicationBuilder:
        """Time passes: the event took place and ended an hour ago."""
        now = timezone.now().replace(microsecond=0)
        self._move_event(now - timedelta(hours=9), now - timedelta(hours=1), align="end")
        return self

    # -------------------------------------------------------------------------------------------- helpers

    def missing_documents(self) -> list[str]:
        """Codes of the documents recorded as to be deferred or deferred (not yet delivered)."""
        Status = ApplicationDocument.Status
        return sorted(self.build().documents.filter(
            status__in=(Status.TO_BE_DEFERRED, Status.DEFERRED)
        ).values_list("document_type__code", flat=True))


def _vet_key(item):
    if isinstance(item, (Performer, Song)):
        return (type(item), item.pk)
    return str(item)


def _realistic(field: dict, application):
    """A value of a plan field a reviewer would accept for the event."""
    if field["type"] in ("int", "decimal"):
        if field["key"] == "approved_headcount":
            return application.event.expected_attendance
        return REALISTIC_FIGURES.get(field["key"], (field.get("min") or 0) + 10)
    return True if field["type"] == "bool" else "已落实"
