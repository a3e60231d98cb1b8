"""The access matrix, generated from the URLconf: every pattern, its path arguments filled from the victim's
objects, every role, every method; plus how to send a request and judge the answer."""
import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import timedelta
from itertools import product
from urllib.parse import urlparse

from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django.utils import timezone

from approvals.models import Application, ApplicationDocument, DocumentVersion, PartyAssignment, SectionEntry
from approvals.workflow.views import ACTIONS as REVIEW_ACTIONS
from eventday.models import Alert, Gate, GateDevice, Incident, IncidentKind, Zone
from events.models import Event, Organisation, Performer, Song, Venue
from plans.models import PlanVersion
from tests import factories

from . import fingerprint
from .world import (
    ALL_ROLES, COMPANY_NAMED, CULTURE_ASSIGNED, DEPARTMENT_ASKED, OTHER_REVIEWER, OTHER_SUPERVISOR, OWNER, POLICE,
    World,
)

METHODS = ("get", "post", "put", "patch", "delete")
# Answers an outsider may get; a redirect only to a sign-in page.
REFUSALS = frozenset({401, 403, 404, 405})
LOGIN_PATHS = ("/accounts/login/", "/admin/login/")


# ---------------------------------------------------------------------------------------------- the URLconf


@dataclass(frozen=True)
class Route:
    name: str            # namespaced name ("approvals:detail"); the route text when unnamed
    namespace: str
    segments: tuple      # the patterns from the root, to build a URL
    kwargs: tuple        # names of the path arguments

    @property
    def text(self) -> str:
        return "".join(str(s) for s in self.segments)

    @property
    def is_api(self) -> bool:
        return self.text.startswith("api/")

    def url(self, values: dict) -> str:
        return "/" + "".join(_fill_segment(s, values) for s in self.segments)


def _fill_segment(pattern, values: dict) -> str:
    if isinstance(pattern, RoutePattern):
        return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), str(pattern))
    text = str(pattern).lstrip("^").rstrip("$")
    out, i = "", 0
    while i < len(text):
        if text.startswith("(?P<", i):
            name = text[i + 4:text.index(">", i)]
            depth, j = 0, i
            while True:  # to the group's closing parenthesis
                depth += {"(": 1, ")": -1}.get(text[j], 0) if text[j - 1:j] != "\\" else 0
                j += 1
                if depth == 0:
                    break
            out += str(values[name])
            i = j
        else:
            out += text[i]
            i += 1
    return out.replace("\\", "")


def walk(resolver=None, segments=(), namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}:{entry.namespace}".strip(":") if entry.namespace else namespace
            yield from walk(entry, segments + (entry.pattern,), ns)
        elif isinstance(entry, URLPattern):
            route_segments = segments + (entry.pattern,)
            text = "".join(str(s) for s in route_segments)
            name = f"{namespace}:{entry.name}".strip(":") if entry.name else text
            kwargs = tuple(n for s in route_segments for n in s.regex.groupindex)
            yield Route(name, namespace, route_segments, kwargs)


ROUTES = sorted({r.name: r for r in walk()}.values(), key=lambda r: r.text)

# ---------------------------------------------------------------------------------------------- filling the path

# What each path argument names. By URL name first (where the argument's name alone does not say), then by the
# argument's name, then the namespace's convention for `pk`. A pattern none of these fills is "unfillable":
# test_every_pattern_is_filled fails until it is added here, so a new endpoint cannot escape the matrix.
ROUTE_KINDS = {
    **{f"review:{n}": {"pk": "application"} for n in ("act", "permit", "refusal", "history", "vetting_detail",
                                                   "vetting_approve_all")},
    "review:commitment_sign": {"pk": "commitment"},
    **{f"review:{n}": {"pk": "opinion"} for n in ("opinion_answer", "opinion_withdraw")},
    **{f"workflow_api:{n}": {"pk": "opinion"} for n in ("opinion-answer", "opinion-withdraw")},
    "review:performer_vet": {"pk": "performer"},
    "review:song_vet": {"pk": "song"},
    **{f"eventday:{n}": {"pk": "event"} for n in ("dashboard", "live", "alert-acknowledge", "suspend", "incidents",
                                                    "incident-resolve", "session-tickets", "review")},
    **{f"eventday:{n}": {"pk": "company"} for n in ("company", "drill-create", "accountability-create")},
    "notifications:read": {"pk": "notification"},
    "notifications_api:read": {"pk": "notification"},
    "events_api:venue-detail": {"pk": "venue"},
    "approvals_api:organisation-detail": {"pk": "organisation"},
    "approvals_api:document-download": {"code": "document_code", "number": "document_number"},
    "approvals_api:section-detail": {"code": "section_code"},
    "approvals_api:party-detail": {"code": "party_code"},
    "plans:download_version": {"number": "plan_number"},
    "workflow_api:performer-vet": {"item_id": "performer"},
    "workflow_api:song-vet": {"item_id": "song"},
    "verification:decision": {"token": "verification_token"},
}
KWARG_KINDS = {"application_pk": "application", "event_pk": "event", "performer_id": "performer", "song_id": "song",
               "version_pk": "document_version", "alert_pk": "alert", "incident_pk": "incident",
               "commitment_id": "commitment", "action": "review_action"}
NAMESPACE_PK = {ns: "application" for ns in ("approvals", "risk", "approvals_api", "workflow_api", "risk_api",
                                             "siteplan_api", "siteplan")}
ADMIN_KINDS = {"object_id": "application", "object_pk": "application", "app_label": "app_label",
               "content_type_id": "application_type", "url": "admin_unknown_page", "id": "admin_user",
               "user_id": "admin_user", "group_id": "admin_group"}
# Patterns the matrix cannot fill (should stay empty; a new entry needs a reason).
KNOWN_UNFILLABLE: set = set()


def kind_of(route: Route, kwarg: str) -> str | None:
    if kwarg in ROUTE_KINDS.get(route.name, {}):
        return ROUTE_KINDS[route.name][kwarg]
    if kwarg in KWARG_KINDS:
        return KWARG_KINDS[kwarg]
    if route.namespace == "admin":
        return ADMIN_KINDS.get(kwarg)
    if kwarg == "pk":
        return NAMESPACE_PK.get(route.namespace)
    return None


def unfillable(route: Route) -> bool:
    return any(kind_of(route, k) is None for k in route.kwargs)


@dataclass(frozen=True)
class Target:
    """One object the outsiders aim at: its label, the path values by kind, and who may legitimately see it."""

    label: str
    values: dict      # kind → list of values (empty: not applicable to this target)
    legit: frozenset


def _first(queryset):
    return queryset.order_by("pk").first()


def targets(world: World) -> list[Target]:
    if "_targets" not in world.__dict__:
        world.__dict__["_targets"] = _targets(world)
    return world.__dict__["_targets"]


def _constants(world: World) -> dict:
    return {"review_action": sorted(REVIEW_ACTIONS), "app_label": ["approvals"],
            "application_type": [ContentType.objects.get_for_model(Application).pk],
            "admin_unknown_page": ["no-such-page/"], "admin_user": [world.users[OWNER].pk],
            "admin_group": [world.organisation.group_id]}


def application_target(world: World, label: str, application: Application, legit: frozenset) -> Target:
    """The path values of one application's objects (its event, first performer, song, document version, ...)."""
    version = _first(DocumentVersion.objects.filter(document__application=application)
                     .select_related("document__document_type"))
    plan = _first(PlanVersion.objects.filter(application=application))
    section = _first(SectionEntry.objects.filter(application=application).select_related("section"))
    party = _first(PartyAssignment.objects.filter(application=application).select_related("party"))
    event = application.event
    values = {
        "application": [application.pk], "event": [event.pk],
        "performer": [p.pk for p in Performer.objects.filter(event=event)[:1]],
        "song": [s.pk for s in Song.objects.filter(performer__event=event)[:1]],
        "alert": [a.pk for a in Alert.objects.filter(zone__event=event)[:1]],
        "incident": [i.pk for i in Incident.objects.filter(event=event)[:1]],
        "commitment": [c.pk for c in application.deferred_commitments.all()[:1]],
        "opinion": list(application.opinion_requests.values_list("pk", flat=True)[:1]),
        "document_version": [version.pk] if version else [],
        "document_code": [version.document.document_type.code] if version else [],
        "document_number": [version.number] if version else [],
        "plan_number": [plan.number] if plan else [],
        "section_code": [section.section.code], "party_code": [party.party.code],
    }
    return Target(label, {**_constants(world), **values}, legit)


def _targets(world: World) -> list[Target]:
    constants = _constants(world)
    found = [application_target(world, label, victim.application, victim.legit)
             for label, victim in world.victims.items()]
    police = POLICE | {OTHER_REVIEWER, OTHER_SUPERVISOR}
    found += [
        # The company registry is open to all police by design (eventday.selectors.companies_visible_to).
        Target("company", {**constants, "company": [world.company.pk]}, frozenset(police | {COMPANY_NAMED})),
        Target("notification", {**constants, "notification": [world.owner_notification.pk]}, frozenset({OWNER})),
        Target("venue", {**constants, "venue": [world.venue.pk]}, frozenset(POLICE | {OWNER})),
        Target("organisation", {**constants, "organisation": [world.organisation.pk]}, frozenset(POLICE | {OWNER})),
        # Public by design (approvals.verification): everyone, anonymous too, reads another organisation's permit
        # by its token; the victims' tokens are nowhere an outsider could read them.
        Target("verification", {**constants, "verification_token": [world.public_permit.verification_token]},
               frozenset(ALL_ROLES)),
    ]
    return found


def path_values(route: Route, world: World, labels=("approved", "company", "notification", "venue",
                                                      "organisation", "verification")) -> dict | None:
    """Path values of real objects for the route, from the first of the targets (in this order) that has them."""
    kinds = {k: kind_of(route, k) for k in route.kwargs}
    by_label = {t.label: t for t in targets(world)}
    for label in labels:
        values = by_label[label].values
        if all(values.get(kind) for kind in kinds.values()):
            return {k: values[kind][0] for k, kind in kinds.items()}
    return None


@dataclass(frozen=True)
class Case:
    route: Route
    target: Target
    values: dict      # kwarg → value
    url: str

    @property
    def label(self) -> str:
        return f"{self.url} [{self.target.label}]"

    def legit(self) -> frozenset:
        if self.route.namespace == "admin":
            return frozenset()
        return self.target.legit - NOT_THEIR_PART.get(self.route.name, frozenset())


# Parts of the dossier an insider of the application may not read (approvals.dossier, issue 10): on these routes
# the culture official and the security company are outsiders, refused like anyone else. (The matrix fills a
# document with the first one uploaded, the event plan; a section and a party with the first, not theirs.)
_CULTURE, _COMPANY, _BOTH = frozenset({CULTURE_ASSIGNED}), frozenset({COMPANY_NAMED}), \
    frozenset({CULTURE_ASSIGNED, COMPANY_NAMED})
NOT_THEIR_PART = {
    **{name: _BOTH for name in (
        "approvals:document_download", "approvals_api:document-download", "workflow_api:audit", "review:history",
        "workflow_api:correction",
        "approvals:checklist", "approvals_api:application-checklist", "approvals_api:section-detail",
        "approvals_api:party-detail")},
    **{name: _CULTURE for name in (
        "risk:detail", "risk_api:detail", "approvals_api:section-list", "approvals_api:party-list",
        "workflow_api:permit", "review:permit", "review:refusal", "plans:status", "plans:panel", "plans:regenerate",
        "plans:download", "plans:download_version", "plans:preview", "plans_api:status", "plans_api:regenerate",
        "plans_api:download")},
    **{name: _COMPANY for name in (
        "approvals_api:document-list", "approvals_api:performer-list", "approvals_api:performer-detail")},
}
# A department asked for an opinion reads the facts, the plan sections and its own opinion (approvals.dossier):
# everything else of the dossier is refused to it, as to an outsider.
_PLAN_ROUTES = {"approvals:checklist", "approvals_api:application-checklist", "approvals_api:section-detail",
                "approvals_api:section-list"}
for _name, _roles in list(NOT_THEIR_PART.items()):
    if _name not in _PLAN_ROUTES:
        NOT_THEIR_PART[_name] = _roles | {DEPARTMENT_ASKED}
# The opinions: the police's and the department's (its own), not the organizer's, culture's or company's; the
# answer is the department's alone, the withdrawal the police's.
NOT_THEIR_PART["workflow_api:opinions"] = frozenset({OWNER, CULTURE_ASSIGNED, COMPANY_NAMED})
for _name in ("review:opinion_answer", "workflow_api:opinion-answer"):
    NOT_THEIR_PART[_name] = frozenset(ALL_ROLES) - {DEPARTMENT_ASKED}
for _name in ("review:opinion_withdraw", "workflow_api:opinion-withdraw"):
    NOT_THEIR_PART[_name] = frozenset({OWNER, CULTURE_ASSIGNED, COMPANY_NAMED, DEPARTMENT_ASKED})


def cases_for(route: Route, world: World, among: list[Target] | None = None) -> list[Case]:
    """The route's cases: one per combination of path values of each target (`among`, else the world's)."""
    if not route.kwargs:
        return [Case(route, Target("-", {}, frozenset(ALL_ROLES)), {}, route.url({}))]
    kinds = {k: kind_of(route, k) for k in route.kwargs}
    cases = []
    for target in (targets(world) if among is None else among):
        options = [target.values.get(kind, []) for kind in kinds.values()]
        if route.namespace == "admin" and target.label != "approved":
            continue  # Django's own staff check: one target is enough
        for combination in product(*options):
            values = dict(zip(kinds, combination))
            cases.append(Case(route, target, values, route.url(values)))
    return cases


# ---------------------------------------------------------------------------------------------- who sees what


def forbidden_marks(world: World, role: str) -> list[str]:
    """Strings the role must never read: each victim application it may not see names itself by reference and
    event name; and whoever may see none of them must not meet the victim's mark at all."""
    marks = []
    for victim in world.victims.values():
        if role not in victim.legit:
            marks += [victim.application.reference, victim.application.event.name]
    if not any(role in v.legit for v in world.victims.values()):
        marks += world.marks
    return list(dict.fromkeys(marks))


def victim_ids(world: World) -> dict:
    """Primary keys of everything the victim owns, by model (a new row pointing at one is tampering)."""
    applications = [v.application.pk for v in world.victims.values()]
    events = [v.application.event_id for v in world.victims.values()]
    return {
        Application: set(applications), Event: set(events), Venue: {world.venue.pk},
        Organisation: {world.organisation.pk},
        Performer: set(Performer.objects.filter(event__in=events).values_list("pk", flat=True)),
        Song: set(Song.objects.filter(performer__event__in=events).values_list("pk", flat=True)),
        Zone: set(Zone.objects.filter(event__in=events).values_list("pk", flat=True)),
        Gate: set(Gate.objects.filter(event__in=events).values_list("pk", flat=True)),
        GateDevice: set(GateDevice.objects.filter(event__in=events).values_list("pk", flat=True)),
        Alert: set(Alert.objects.filter(zone__event__in=events).values_list("pk", flat=True)),
        Incident: set(Incident.objects.filter(event__in=events).values_list("pk", flat=True)),
        ApplicationDocument: set(ApplicationDocument.objects.filter(application__in=applications)
                                 .values_list("pk", flat=True)),
        PlanVersion: set(PlanVersion.objects.filter(application__in=applications).values_list("pk", flat=True)),
    }


# ---------------------------------------------------------------------------------------------- requests


def body(route: Route, case: Case, world: World, actor) -> dict:
    """A plausible body for any write: every field some endpoint reads, aimed at the victim's objects."""
    application = next((v.application for v in world.victims.values() if v.label == case.target.label), world.live)
    event = application.event
    today = timezone.localdate()
    start = timezone.now().replace(microsecond=0) + timedelta(days=45)
    zone = Zone.objects.filter(event=world.live.event).first()
    data = {
        "expected_revision": application.revision, "reason": "越权测试", "reasons": "越权测试",
        "required_changes": "越权测试", "changes_made": "越权测试", "decision": "struck",
        "documents": list(application.documents.filter(document_type__deferrable=True)
                          .values_list("document_type__code", flat=True)),
        "due_date": (event.start_at - timedelta(days=5)).date().isoformat(),
        "user": getattr(actor, "pk", 1), "reviewer": getattr(actor, "pk", 1), "official": getattr(actor, "pk", 1),
        "organisation_name": "越权单位", "responsible_person": "越权", "responsible_title": "越权",
        "phone": "13800000000", "acknowledged_item_ids": [], "name": "越权修改", "title": "越权修改",
        "genre": "摇滚", "genre_intensity": 3, "audience_interaction": 3, "order": 1,
        "kind": "music_festival", "venue": world.venue.pk, "start_at": start.isoformat(),
        "end_at": (start + timedelta(hours=6)).isoformat(), "expected_attendance": 3000, "rated_capacity": 5000,
        "ticketed": True, "temporary_structures": 1, "has_performances": True, "description": "越权测试",
        "security_company": world.company.pk, "narrative": "越权测试", "data": {"sessions": 1},
        "level": "一级", "max_temperature_c": 30, "occurred_at": timezone.now().isoformat(), "place": "越权测试",
        "outcome": "越权测试", "zone": zone.pk if zone else None, "people_involved": 1,
        "company": world.company.pk, "event": event.pk, "held_on": today.isoformat(), "scenario": "越权测试",
        "guards_trained": 5, "decided_on": today.isoformat(), "severity": "warning",
        "username": world.users[OWNER].username, "password": "not-the-password", "language": "en", "next": "/",
        "address": "越权路1号", "district": world.district.pk, "usable_area_m2": 1000, "setting": "outdoor",
        "parking_spaces": 10, "exits": [{"name": "北门", "width_m": 4, "kind": "level"}],
        "findings": "越权测试", "organizer_rating": "poor",
    }
    name = route.name
    if "incident" in name:
        data["kind"] = IncidentKind.objects.filter(is_active=True).values_list("code", flat=True).first()
    if name == "approvals:lineup":
        data.update(action="performer_delete", performer=world.performer.pk)
    if name == "approvals:sections":
        data["section"] = case.target.values.get("section_code", [""])[0] if case.target.values else ""
    if name == "approvals:parties":
        data["party"] = "organizer"
    if name == "approvals:documents":
        data["document_type"] = "event_plan"
    return data


def _form(data: dict, with_file: bool) -> dict:
    form = {k: v for k, v in data.items() if v is not None and not isinstance(v, dict)
            and not (isinstance(v, list) and v and isinstance(v[0], dict))}
    if with_file:
        form["file"] = factories.pdf_upload("越权.pdf")
    return form


def send(client: Client, method: str, case: Case, data: dict):
    url = case.url
    if method == "get":
        return client.get(url)
    if case.route.is_api:
        return getattr(client, method)(url, data=json.dumps(data), content_type="application/json")
    if method == "post":
        return client.post(url, _form(data, with_file=True))
    return getattr(client, method)(url, data=json.dumps(data), content_type="application/json")


def content_of(response) -> str:
    if getattr(response, "streaming", False):
        raw = b"".join(response.streaming_content)
    else:
        raw = response.content
    if raw[:2] == b"PK":  # a spreadsheet export: its text is in the zipped XML
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                raw = b"".join(archive.read(n) for n in archive.namelist() if n.endswith(".xml"))
        except zipfile.BadZipFile:
            pass
    return raw.decode("utf-8", errors="ignore")


def contains(text: str, marks: list[str]) -> list[str]:
    return [m for m in marks if m in text or json.dumps(m)[1:-1] in text]


def is_login_redirect(response) -> bool:
    return response.status_code in (301, 302, 303) and urlparse(response.get("Location", "")).path in LOGIN_PATHS


@dataclass
class Outcome:
    status: int
    text: str
    login_redirect: bool
    written: set
    changes: fingerprint.Changes | None
    broken: bool = False


def attempt(client: Client, method: str, case: Case, data: dict, *, baseline=None) -> Outcome:
    """Send one request inside a savepoint that is always rolled back; report what it tried to write.

    baseline: a snapshot taken before (then the rows changed and created are listed too)."""
    with transaction.atomic():
        before = fingerprint.write_counters()
        response = send(client, method, case, data)
        text = content_of(response)
        try:
            after = fingerprint.write_counters()
            written = fingerprint.written_tables(before, after)
            changes = None
            if baseline is not None and written:
                changes = fingerprint.diff(baseline, fingerprint.snapshot())
            outcome = Outcome(response.status_code, text, is_login_redirect(response), written, changes)
        except DatabaseError:
            outcome = Outcome(response.status_code, text, False, set(), None, broken=True)
        transaction.set_rollback(True)
    return outcome


class Clients:
    """One client per role, signed in with the role's session made when the world was built (no write per test);
    a request that signed it out gets the session back for the next one (its deletion was rolled back)."""

    def __init__(self, world: World):
        self.world = world
        self.clients: dict[str, Client] = {}

    def get(self, role: str) -> Client:
        client = self.clients.get(role)
        if client is None:
            client = self.clients[role] = Client(raise_request_exception=False)
        key = self.world.sessions.get(role)
        cookie = client.cookies.get("sessionid")
        if key and (cookie is None or cookie.value != key):
            client.cookies["sessionid"] = key
        return client
