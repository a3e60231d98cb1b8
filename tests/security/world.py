"""A small city for the security tests: the victim organisation's applications in every interesting state, and
people on both sides of every fence (another organisation, another district, an unassigned official, a company
not named on the event, anonymous), plus the legitimate users as a control."""
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.test import Client
from django.utils import timezone
from knox.models import AuthToken

from accounts import roles
from approvals.applications import services as approval_services
from approvals import workflow
from approvals import access
from approvals.models import Application, ApplicationDocument, DeferredCommitment, OpinionRequest
from eventday import services as eventday_services
from eventday.models import Alert, IncidentKind
from events.models import AccountabilityRecord, Event, VettingStatus
from notifications.models import Notification
from tests import factories
from tests.plans.factories import fill_application, ready_version

# Every name the victim owns carries this mark: an outsider's response must never contain it.
MARK = "甲秘"

# Roles of the matrix. The first group may see (some of) the victim's objects; the second never may.
OWNER, DISTRICT_REVIEWER, DISTRICT_SUPERVISOR, CITY_REVIEWER, CULTURE_ASSIGNED, COMPANY_NAMED = (
    "owner organizer", "district reviewer", "district supervisor", "city reviewer", "assigned culture official",
    "named security company")
OTHER_ORGANIZER, OTHER_REVIEWER, OTHER_SUPERVISOR, CULTURE_OTHER, COMPANY_OTHER, ANONYMOUS = (
    "organizer of another organisation", "reviewer of another district", "supervisor of another district",
    "culture official not assigned", "security company not named", "anonymous")
# Department opinions (approvals.opinions): the department asked about the approved victim, and one not asked.
DEPARTMENT_ASKED, DEPARTMENT_OTHER = "department asked for an opinion", "department not asked"
INSIDERS = (OWNER, DISTRICT_REVIEWER, DISTRICT_SUPERVISOR, CITY_REVIEWER, CULTURE_ASSIGNED, COMPANY_NAMED,
            DEPARTMENT_ASKED)
OUTSIDERS = (OTHER_ORGANIZER, OTHER_REVIEWER, OTHER_SUPERVISOR, CULTURE_OTHER, COMPANY_OTHER, DEPARTMENT_OTHER,
             ANONYMOUS)
ALL_ROLES = INSIDERS + OUTSIDERS
POLICE = frozenset({DISTRICT_REVIEWER, DISTRICT_SUPERVISOR, CITY_REVIEWER})


@dataclass
class Victim:
    """One victim application and the roles that legitimately see it (everyone else is an outsider to it)."""

    label: str
    application: Application
    legit: frozenset


@dataclass
class World:
    users: dict                       # role → User (None for anonymous)
    victims: dict                     # label → Victim: draft, submitted, approved, suspended, rejected
    own_application: Application      # the other organisation's, in the other district (lists are not empty)
    company: object                   # the security company named on the victim's events
    other_company: object
    district: object
    other_district: object
    culture_department: object
    venue: object
    organisation: object
    performer: object
    song: object
    commitment: DeferredCommitment
    alert: Alert
    owner_notification: Notification
    marks: list = field(default_factory=list)   # strings that identify the victim's objects in a response
    sessions: dict = field(default_factory=dict)  # role → session key of a signed-in session
    tokens: dict = field(default_factory=dict)    # role → API token key
    device_token: str = ""                        # the live event's gate counter
    public_permit: object = None                  # another organisation's permit: its verification page is public

    def victim(self, label: str) -> Victim:
        return self.victims[label]

    @property
    def live(self) -> Application:
        return self.victims["approved"].application


def _accept(application, *, owner, supervisor, deferred: bool):
    """受理 (with deferred documents and the organizer's signed commitment, or after uploading them)."""
    missing = [d.document_type.code for d in application.documents.select_related("document_type")
               if d.status == ApplicationDocument.Status.TO_BE_DEFERRED]
    if deferred and missing:
        due = (application.event.start_at - timedelta(days=5)).date()
        application = workflow.application_accept_with_deferred(application=application, actor=supervisor,
                                                                 documents=missing, due_date=due)
        for commitment in application.deferred_commitments.all():
            workflow.deferred_commitment_sign(commitment=commitment, actor=owner)
    else:
        for code in missing:
            approval_services.document_upload(application=application, user=owner, document_type_code=code,
                                              uploaded=factories.pdf_upload(f"{code}.pdf"))
        application = workflow.application_accept(application=application, actor=supervisor)
    return application


def _approve(application, *, owner, supervisor, culture, deferred: bool):
    """Walk one submitted application to an approved permit through the real workflow."""
    application = _accept(application, owner=owner, supervisor=supervisor, deferred=deferred)
    workflow.application_set_supervising_party(application=application, actor=supervisor,
                                               organisation_name="甲区公安分局（甲秘）", responsible_person="周副局长",
                                               phone="0571-88880000")
    event = application.event
    if event.has_performances:
        workflow.application_assign_culture_vetting(application=application, actor=supervisor, official=culture)
        for performer in event.performers.all():
            workflow.performer_vet(performer=performer, actor=culture, decision=VettingStatus.APPROVED)
            for song in performer.songs.all():
                workflow.song_vet(song=song, actor=culture, decision=VettingStatus.APPROVED)
    application = workflow.application_start_review(application=application, actor=supervisor)
    return workflow.application_approve(application=application, actor=supervisor)


def _make_live(application) -> None:
    now = timezone.now().replace(microsecond=0)
    Event.objects.filter(pk=application.event_id).update(start_at=now - timedelta(hours=1),
                                                         end_at=now + timedelta(hours=5))
    application.event.refresh_from_db()


def build_world() -> World:
    city = factories.CityBureauFactory()
    district = factories.DistrictBureauFactory(parent=city, name="甲区分局")
    other_district = factories.DistrictBureauFactory(parent=city, name="乙区分局")
    culture_department = factories.CultureDepartmentFactory(name="市文旅局")
    # Not marked: organisation names are a registry (the co-organiser picker lists every organizer organisation).
    organisation = factories.OrganisationFactory(name="甲方演出有限公司")
    other_organisation = factories.OrganisationFactory(name="乙方演出有限公司")
    company = factories.SecurityCompanyFactory(name="安盾保安服务公司")
    other_company = factories.SecurityCompanyFactory(name="乙盾保安服务公司")

    users = {
        OWNER: factories.OrganizerUserFactory(organisation=organisation, full_name="甲秘主办人"),
        DISTRICT_REVIEWER: factories.ReviewerFactory(authority=district),
        DISTRICT_SUPERVISOR: factories.SupervisorFactory(authority=district),
        CITY_REVIEWER: factories.ReviewerFactory(authority=city),
        CULTURE_ASSIGNED: factories.CultureOfficialFactory(authority=culture_department),
        COMPANY_NAMED: factories.UserFactory(organisation=company, role=roles.SECURITY_COMPANY),
        OTHER_ORGANIZER: factories.OrganizerUserFactory(organisation=other_organisation),
        OTHER_REVIEWER: factories.ReviewerFactory(authority=other_district),
        OTHER_SUPERVISOR: factories.SupervisorFactory(authority=other_district),
        CULTURE_OTHER: factories.CultureOfficialFactory(authority=culture_department),
        COMPANY_OTHER: factories.UserFactory(organisation=other_company, role=roles.SECURITY_COMPANY),
        DEPARTMENT_ASKED: factories.DepartmentOfficialFactory(authority=factories.DepartmentFactory(
            name="甲区消防救援大队", area=district)),
        DEPARTMENT_OTHER: factories.DepartmentOfficialFactory(authority=factories.DepartmentFactory(
            name="甲区交警大队", area=district, department_kind=factories.department_kind("traffic"))),
        ANONYMOUS: None,
    }
    owner, supervisor = users[OWNER], users[DISTRICT_SUPERVISOR]
    culture = users[CULTURE_ASSIGNED]
    venue = factories.VenueFactory(owner=organisation, district=district, name="甲秘湖滨草坪")

    # draft
    draft = factories.create_application(owner, venue=venue, name="甲秘草稿音乐节")
    # submitted
    submitted = factories.create_application(owner, venue=venue, name="甲秘待审马拉松", kind=Event.Kind.SPORTS)
    fill_application(submitted, owner)
    submitted = approval_services.application_submit(application=submitted, user=owner)
    # approved: performances vetted by the assigned official, deferred documents committed, permit, plan PDF,
    # the named security company, and an event day under way (zones, gates, a device, an alert, an incident).
    approved = factories.create_application(owner, venue=venue, name="甲秘草莓音乐节", has_performances=True,
                                            security_company=company)
    performer = factories.PerformerFactory(event=approved.event, name="甲秘晴天乐队", genre="流行", order=1)
    song = factories.SongFactory(performer=performer, title="甲秘湖边的晚风", order=1)
    fill_application(approved, owner)
    approved = approval_services.application_submit(application=approved, user=owner)
    approved = _approve(approved, owner=owner, supervisor=supervisor, culture=culture, deferred=True)
    ready_version(approved)
    _make_live(approved)
    # The fire department was asked (and answered) before the approval: set up as data, the request still open.
    OpinionRequest.objects.create(application=approved, department=users[DEPARTMENT_ASKED].authority,
                                  requested_by=supervisor, due_date=timezone.localdate(), verdict="agree",
                                  answered_by=users[DEPARTMENT_ASKED], answered_at=timezone.now())
    access.application_sync_access(approved)
    event = approved.event
    outer = eventday_services.zone_create(event=event, kind="warning", name="甲秘警戒区", usable_area_m2=200,
                                          safe_density=Decimal("2.00"), order=1)
    core = eventday_services.zone_create(event=event, kind="core", name="甲秘舞台前区", usable_area_m2=50,
                                         safe_density=Decimal("2.00"), order=0)
    eventday_services.gate_create(zone=outer, code="east", name="东门")
    eventday_services.gate_create(zone=core, code="stage", name="舞台前区入口", from_zone=outer)
    device, device_token = eventday_services.device_register(event=event, name="计数器1", gates=event.gates.all())
    now = timezone.now()
    eventday_services.readings_ingest(device=device, readings=[
        eventday_services.Reading("east", now, 200, 0, 1), eventday_services.Reading("stage", now, 99, 0, 2)])
    eventday_services.incident_record(event=event, user=users[DISTRICT_REVIEWER], kind=IncidentKind.objects.first(),
                                      occurred_at=now - timedelta(minutes=5), place="甲秘东门",
                                      description="甲秘翻越围栏", outcome="已劝离")
    # Company records are a registry all police read (eventday.selectors): not marked, but they name the event.
    eventday_services.drill_record(user=users[DISTRICT_REVIEWER], company=company, event=event,
                                   held_on=timezone.localdate(), scenario="消防疏散演练", guards_trained=30)
    eventday_services.accountability_record(user=users[DISTRICT_REVIEWER], company=company, event=event,
                                            decided_on=timezone.localdate(),
                                            severity=AccountabilityRecord.Severity.WARNING,
                                            description="东门值守缺岗")
    # suspended (熔断)
    suspended = factories.create_application(owner, venue=venue, name="甲秘灯会", kind=Event.Kind.LANTERN_FESTIVAL,
                                             security_company=company)
    fill_application(suspended, owner)
    suspended = approval_services.application_submit(application=suspended, user=owner)
    suspended = _approve(suspended, owner=owner, supervisor=supervisor, culture=culture, deferred=False)
    suspended = workflow.application_suspend(application=suspended, actor=supervisor, reasons="甲秘人数严重超员",
                                             required_changes="限流")

    # rejected (不予许可)
    rejected = factories.create_application(owner, venue=venue, name="甲秘露营节", kind=Event.Kind.CAMPING)
    fill_application(rejected, owner)
    rejected = approval_services.application_submit(application=rejected, user=owner)
    rejected = _accept(rejected, owner=owner, supervisor=supervisor, deferred=False)
    rejected = workflow.application_start_review(application=rejected, actor=supervisor)
    rejected = workflow.application_reject(application=rejected, actor=supervisor, reason="甲秘场地不符合要求")

    # The other organisation's own application, in the other district, secured by the other company.
    other_venue = factories.VenueFactory(owner=other_organisation, district=other_district, name="乙方体育馆")
    own = factories.create_application(users[OTHER_ORGANIZER], venue=other_venue, name="乙方篮球赛",
                                       security_company=other_company)
    fill_application(own, users[OTHER_ORGANIZER])
    own = approval_services.application_submit(application=own, user=users[OTHER_ORGANIZER])
    # A permit whose verification page is public by design (approvals.verification): not the victim's, so what
    # anyone reads there names none of the victim's objects.
    public = factories.create_application(users[OTHER_ORGANIZER], venue=other_venue, name="乙方公开音乐会",
                                          kind=Event.Kind.LANTERN_FESTIVAL, security_company=other_company)
    fill_application(public, users[OTHER_ORGANIZER])
    public = approval_services.application_submit(application=public, user=users[OTHER_ORGANIZER])
    public = _approve(public, owner=users[OTHER_ORGANIZER], supervisor=users[OTHER_SUPERVISOR], culture=culture,
                      deferred=False)

    police = {OWNER, DISTRICT_REVIEWER, DISTRICT_SUPERVISOR, CITY_REVIEWER}
    victims = {
        "draft": Victim("draft", Application.objects.get(pk=draft.pk), frozenset({OWNER})),
        "submitted": Victim("submitted", Application.objects.get(pk=submitted.pk), frozenset(police)),
        "approved": Victim("approved", Application.objects.get(pk=approved.pk),
                           frozenset(police | {CULTURE_ASSIGNED, COMPANY_NAMED, DEPARTMENT_ASKED})),
        "suspended": Victim("suspended", Application.objects.get(pk=suspended.pk),
                            frozenset(police | {COMPANY_NAMED})),
        "rejected": Victim("rejected", Application.objects.get(pk=rejected.pk), frozenset(police)),
    }
    marks = [MARK] + [v.application.reference for v in victims.values()]
    sessions, tokens = {}, {}
    for role, user in users.items():
        if user is not None:
            client = Client()
            client.force_login(user)
            sessions[role] = client.cookies["sessionid"].value
            tokens[role] = AuthToken.objects.create(user=user)[1]
    return World(
        users=users, victims=victims, own_application=own, company=company, other_company=other_company,
        district=district, other_district=other_district, culture_department=culture_department, venue=venue,
        organisation=organisation, performer=performer, song=song,
        commitment=DeferredCommitment.objects.filter(application=approved).first(),
        alert=Alert.objects.filter(zone__event=event).first(),
        owner_notification=Notification.objects.filter(user=owner).first(),
        marks=marks, sessions=sessions, tokens=tokens, device_token=device_token,
        public_permit=public.permit,
    )
