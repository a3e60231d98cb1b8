"""补正 / 补充材料 at any stage before the decision (Administrative Licensing Law Art. 32: tell the applicant at
once and in full what to correct, 一次性告知).

The one place that knows
- what a reviewer may ask to have corrected (`correctable_items`: event fields, sessions, plan sections, documents,
  parties, performers and songs, each an item {"kind", "key", "label"} of CorrectionRequest.ItemKind);
- what the organizer may change while a correction is open (`may_edit`, `ensure_may_edit`, `refuse_fields`),
  which the application services call before every write (the pages and the API go through them);
- what the application looked like when the correction was requested (`snapshot_of`, kept on the
  CorrectionRequest) and what changed since (`revision_changes`, over the pure approvals.workflow.revisions.diff).

Rules: a return from a stage after acceptance lists at least one item, and the organizer may change only those;
a return before acceptance (已提交) without items keeps the earlier behaviour, everything editable (the
application had not been examined yet, so there is nothing to protect). Resubmission goes back to the stage the
application left (CorrectionRequest.stage; the states a return starts from are the `return_for_correction`
transition's sources on the model, approvals.workflow.fsm reads them).
"""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.models import Event, EventSession, Performer, Song, VettingStatus
from events.sessions import session_key

from ..applications.models import Application, ApplicationDocument, ApplicationState, PartyAssignment
from . import fsm, revisions
from .models import CorrectionRequest

Kind = CorrectionRequest.ItemKind
NEW = "new"  # the key of "add a performer" (PERFORMER) and of "add a song" to a performer under correction
# A default for the form only (the reviewer sets the date); no statute fixes the applicant's correction period.
DEFAULT_DUE_DAYS = 5
FACT_EXTRA_FIELDS = ("co_organisers",)
SESSION_SUMMARY_FIELDS = ("start_at", "end_at", "expected_attendance")  # the summary of the stored sessions


@dataclass(frozen=True)
class Item:
    kind: str
    key: str
    label: str

    def as_dict(self) -> dict:
        return {"kind": self.kind, "key": self.key, "label": self.label}

    @property
    def code(self) -> str:
        """The form's value for this item ("kind:key")."""
        return f"{self.kind}:{self.key}"


@dataclass
class ItemGroup:
    kind: str
    label: str
    items: list = field(default_factory=list)


# ---------------------------------------------------------------------------------------------- the catalogue


def _fact_names() -> tuple[str, ...]:
    from ..applications.services import EVENT_FACT_FIELDS

    return (*EVENT_FACT_FIELDS, *FACT_EXTRA_FIELDS)


def _field_label(name: str) -> str:
    return str(Event._meta.get_field(name).verbose_name)


def _stored_sessions(event) -> list:
    return list(event.sessions.all())


def _session_label(position: int, session) -> str:
    when = timezone.localtime(session.start_at).strftime("%Y-%m-%d %H:%M")
    if session.name:
        return _("第%(n)s场 %(name)s（%(when)s）") % {"n": position, "name": session.name, "when": when}
    return _("第%(n)s场（%(when)s）") % {"n": position, "when": when}


def _song_label(song, performer) -> str:
    return _("《%(title)s》（%(performer)s）") % {"title": song.title, "performer": performer.name}


def correctable_items(application: Application) -> list[ItemGroup]:
    """Everything a reviewer may ask to have corrected, grouped by kind, in the order the application shows it."""
    from ..applications.requirements import requirements_for
    from ..applications.selectors import application_with_contents

    application_with_contents(application)  # a no-op where the page loaded them (the detail page)
    event = application.event
    sessions = _stored_sessions(event)
    groups = {kind: ItemGroup(kind, str(kind.label)) for kind in Kind}
    summary = set(SESSION_SUMMARY_FIELDS) if sessions else set()
    groups[Kind.FIELD].items = [Item(Kind.FIELD, name, _field_label(name)) for name in _fact_names()
                                if name not in summary]
    groups[Kind.SESSION].items = [Item(Kind.SESSION, str(n), _session_label(n, s))
                                  for n, s in enumerate(sessions, start=1)]
    groups[Kind.SECTION].items = [
        Item(Kind.SECTION, e.section.code, f"{e.section.number}. {e.section.title}")
        for e in sorted(application.sections.all(), key=lambda e: e.section.number)]
    groups[Kind.DOCUMENT].items = [
        Item(Kind.DOCUMENT, d.document_type.code, f"{d.document_type.number}. {d.document_type.name}")
        for d in sorted(requirements_for(application).to_upload, key=lambda d: d.document_type.number)]
    groups[Kind.PARTY].items = [
        Item(Kind.PARTY, a.party.code, a.party.name)
        for a in sorted(application.parties.all(), key=lambda a: a.party.number) if a.party.named_by_organizer]
    performers = sorted(event.performers.all(), key=lambda p: (p.order, p.pk))
    if event.has_performances or performers:
        groups[Kind.PERFORMER].items = [Item(Kind.PERFORMER, str(p.pk), p.name) for p in performers] + [
            Item(Kind.PERFORMER, NEW, _("新增演出者"))]
        groups[Kind.SONG].items = [Item(Kind.SONG, str(s.pk), _song_label(s, p))
                                   for p in performers for s in p.songs.all()]
    return [group for group in groups.values() if group.items]


def _catalogue_by_key(application: Application) -> dict[tuple[str, str], Item]:
    return {(item.kind, item.key): item for group in correctable_items(application) for item in group.items}


def chosen_items(application: Application, raw) -> list[dict]:
    """The items the reviewer selected ("kind:key" strings from the page, {"kind", "key"} from the API), as
    stored on the request, each named as the catalogue names it. Anything not in the catalogue is refused on
    the field "items"."""
    catalogue = _catalogue_by_key(application)
    chosen, unknown = {}, []
    for value in raw or ():
        if isinstance(value, dict):
            kind, key = str(value.get("kind", "")), str(value.get("key", ""))
        else:
            kind, _sep, key = str(value).partition(":")
        item = catalogue.get((kind, key.strip()))
        if item is None:
            unknown.append(f"{kind}:{key}")
        else:
            chosen[(item.kind, item.key)] = item.as_dict()
    if unknown:
        raise ValidationError({"items": _("所选事项不属于本申请：%(items)s") % {"items": _("、").join(unknown)}})
    return list(chosen.values())


def returnable_stages() -> frozenset:
    """The states a correction may be requested from (the transition's sources on the model)."""
    return fsm.sources("return_for_correction")


def default_due_date(application: Application, today: date | None = None) -> date:
    today = today or timezone.localdate()
    return max(today, min(today + timedelta(days=DEFAULT_DUE_DAYS), latest_due_date(application)))


def latest_due_date(application: Application) -> date:
    """The day before the event starts: a correction later than that is of no use."""
    return timezone.localtime(application.event.start_at).date() - timedelta(days=1)


def _clean_due_date(application: Application, due_date) -> date:
    if due_date in (None, ""):
        return default_due_date(application)
    if isinstance(due_date, datetime):
        due_date = due_date.date()
    if not isinstance(due_date, date):
        raise ValidationError({"due_date": _("请填写有效日期（YYYY-MM-DD）。")})
    if due_date < timezone.localdate():
        raise ValidationError({"due_date": _("补正期限不能早于今天。")})
    latest = latest_due_date(application)
    if due_date > latest:
        raise ValidationError({"due_date": _("补正期限最迟为活动开始前一天（%(latest)s）。") % {
            "latest": latest.isoformat()}})
    return due_date


def request_correction(application: Application, *, actor, note: str, items, due_date) -> CorrectionRequest:
    """The request, recorded before the application leaves its stage (the caller fires the transition):
    the items chosen, the note, the due date, and a snapshot of the application to diff the resubmission
    against. After acceptance at least one item is required (一次性告知 names what to correct)."""
    chosen = chosen_items(application, items)
    if not chosen and application.state != ApplicationState.SUBMITTED:
        raise ValidationError({"items": _("受理后退回补正须逐项列明需补正的事项（一次性告知）。")})
    correction = CorrectionRequest(
        application=application, stage=application.state, items=chosen, note=note,
        due_date=_clean_due_date(application, due_date), requested_by=actor, requested_at=timezone.now(),
        snapshot=snapshot_of(application))
    correction.full_clean()
    correction.save()
    return correction


# ---------------------------------------------------------------------------------------------- what may change


def open_correction(application: Application) -> CorrectionRequest | None:
    """The correction the organizer is working on (only while the application is 退回补正), read once per
    instance (services re-read the row under a lock, so the cache never outlives one write)."""
    if application.state != ApplicationState.RETURNED:
        return None
    if "_open_correction" not in application.__dict__:
        application.__dict__["_open_correction"] = (
            application.correction_requests.filter(resubmitted_at__isnull=True)
            .select_related("requested_by").order_by("-requested_at", "-id").first())
    return application.__dict__["_open_correction"]


def latest_correction(application: Application) -> CorrectionRequest | None:
    """The newest correction request, open or answered."""
    from django.db.models import Prefetch, prefetch_related_objects

    prefetch_related_objects([application], Prefetch(
        "correction_requests", queryset=CorrectionRequest.objects.select_related("requested_by")))
    return max(application.correction_requests.all(), key=lambda c: (c.requested_at, c.pk), default=None)


def scope(application: Application) -> frozenset | None:
    """The (kind, key) pairs the organizer may change; None when nothing restricts it (a draft, a return
    without items)."""
    correction = open_correction(application)
    if correction is None or not correction.items:
        return None
    return frozenset((item["kind"], str(item["key"])) for item in correction.items)


def _added_since(application: Application, kind: str, key: str) -> bool:
    """The item did not exist when the correction was requested (added during it)."""
    correction = open_correction(application)
    return correction is not None and key not in (correction.snapshot or {}).get(kind, {})


def may_edit(application: Application, kind: str, key, *, performer=None) -> bool:
    """May the organizer change this item now? `performer`: the performer a song belongs to (a song is
    editable when it or its performer is under correction; key NEW adds one)."""
    if not application.is_editable_by_organizer:
        return False
    allowed = scope(application)
    if allowed is None:
        return True
    key = str(key)
    if (kind, key) in allowed:
        return True
    if kind == Kind.PERFORMER and key != NEW and (Kind.PERFORMER, NEW) in allowed:
        return _added_since(application, Kind.PERFORMER, key)  # a performer added during this correction
    if kind == Kind.SONG and performer is not None:
        return may_edit(application, Kind.PERFORMER, performer)
    return False


def is_requested(application: Application, kind: str, key) -> bool:
    """The item is named in the open correction (for highlighting it)."""
    allowed = scope(application)
    return allowed is not None and (kind, str(key)) in allowed


def _requested_labels(application: Application) -> str:
    correction = open_correction(application)
    return _("、").join(item["label"] for item in describe_items(application, correction.items))


def ensure_may_edit(application: Application, kind: str, key, *, performer=None, label: str = "") -> None:
    """Refuse (403, with the items that may be changed) a change outside the open correction."""
    if may_edit(application, kind, key, performer=performer):
        return
    if scope(application) is None:  # not editable at all: the services' own state check says why
        return
    raise PermissionDenied(_("“%(item)s”不在补正告知所列事项内，不能修改。本次只能修改：%(allowed)s。") % {
        "item": label or str(Kind(kind).label), "allowed": _requested_labels(application)})


def refuse_fields(application: Application, changed) -> None:
    """Refuse, on each field, changes to event fields the open correction does not name (400, field-level)."""
    if scope(application) is None:
        return
    errors = {name: _("此项不在补正告知所列事项内，不能修改。本次只能修改：%(allowed)s。") % {
        "allowed": _requested_labels(application)}
        for name in changed if not may_edit(application, Kind.FIELD, name)}
    if errors:
        raise ValidationError(errors)


def refuse_sessions(application: Application, stored: list[dict], stated: list[dict]) -> None:
    """Refuse changes to sessions (by position: row n is session n) the open correction does not name; adding or
    removing a session changes the rows after it, so those must be named too."""
    if scope(application) is None:
        return
    errors = {}
    for position in range(1, max(len(stored), len(stated)) + 1):
        before = stored[position - 1] if position <= len(stored) else None
        after = stated[position - 1] if position <= len(stated) else None
        if before != after and not may_edit(application, Kind.SESSION, position):
            errors[session_key(position - 1)] = _("此项不在补正告知所列事项内，不能修改。本次只能修改：%(allowed)s。") % {
                "allowed": _requested_labels(application)}
    if errors:
        raise ValidationError(errors)


def describe_items(application: Application, items) -> list[dict]:
    """The stored items with the names they have now (in the reader's language), the stored name when the
    item is gone, and where on the organizer's pages each is edited."""
    from django.urls import reverse

    catalogue = _catalogue_by_key(application)
    pages = {Kind.FIELD: "approvals:edit_facts", Kind.SESSION: "approvals:edit_facts",
             Kind.SECTION: "approvals:sections", Kind.DOCUMENT: "approvals:documents", Kind.PARTY: "approvals:parties",
             Kind.PERFORMER: "approvals:lineup", Kind.SONG: "approvals:lineup"}
    described = []
    for item in items or ():
        kind, key = item["kind"], str(item["key"])
        current = catalogue.get((kind, key))
        anchor = key if kind in (Kind.SECTION, Kind.DOCUMENT, Kind.PARTY) else (
            f"performer-{key}" if kind == Kind.PERFORMER and key != NEW else
            "performer-new" if kind == Kind.PERFORMER else f"song-{key}" if kind == Kind.SONG else f"id_{key}")
        described.append({
            "kind": kind, "key": key, "kind_label": str(Kind(kind).label) if kind in Kind.values else kind,
            "label": current.label if current else item.get("label", key),
            "link": reverse(pages[kind], args=[application.pk]) + f"#{anchor}" if kind in pages else ""})
    return described


# ---------------------------------------------------------------------------------------------- the snapshot


def _primitive(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _item(label: str, **values) -> dict:
    return {"label": label, "values": {name: _primitive(value) for name, value in values.items()}}


def snapshot_of(application: Application) -> dict:
    """What the organizer may change, as JSON (the shape approvals.workflow.revisions reads)."""
    event = Event.objects.select_related("venue", "security_company").get(pk=application.event_id)
    sessions = _stored_sessions(event)
    summary = set(SESSION_SUMMARY_FIELDS) if sessions else set()
    fields = {}
    for name in _fact_names():
        if name in summary:
            continue
        if name == "co_organisers":
            value = sorted(str(org) for org in event.co_organisers.all())
        else:
            value = _primitive(getattr(event, name))
        fields[name] = {"label": _field_label(name), "values": {"value": value}}
    documents = {}
    for document in (application.documents.select_related("document_type", "current_version")
                     .order_by("document_type__number")):
        if document.document_type.filled_online:
            continue
        version = document.current_version
        documents[document.document_type.code] = _item(
            document.document_type.name, version=version.number if version else None,
            file=version.original_name if version else None, status=document.status)
    parties = {}
    for assignment in (application.parties.select_related("party").prefetch_related("acknowledged_items",
                                                                                     "party__items")
                       .order_by("party__number")):
        parties[assignment.party.code] = _item(
            assignment.party.name, organisation_name=assignment.organisation_name,
            responsible_person=assignment.responsible_person, responsible_title=assignment.responsible_title,
            phone=assignment.phone, acknowledged=f"{len(assignment.acknowledged_items.all())} / "
                                                f"{len(assignment.party.items.all())}")
    performers, songs = {}, {}
    for performer in event.performers.prefetch_related("songs").order_by("order", "id"):
        performers[str(performer.pk)] = _item(
            performer.name, name=performer.name, genre=performer.genre, genre_intensity=performer.genre_intensity,
            audience_interaction=performer.audience_interaction, order=performer.order,
            vetting_status=performer.vetting_status)
        for song in performer.songs.all():
            songs[str(song.pk)] = _item(_song_label(song, performer), title=song.title, order=song.order,
                                        vetting_status=song.vetting_status)
    sections = {}
    for entry in application.sections.select_related("section").order_by("section__number"):
        values = {spec["key"]: entry.data.get(spec["key"]) for spec in entry.section.fields}
        sections[entry.section.code] = _item(f"{entry.section.number}. {entry.section.title}", **values,
                                             narrative=entry.narrative)
    return {
        Kind.FIELD.value: fields,
        Kind.SESSION.value: {str(n): _item(_session_label(n, s), name=s.name, start_at=s.start_at, end_at=s.end_at,
                                           expected_attendance=s.expected_attendance)
                             for n, s in enumerate(sessions, start=1)},
        Kind.SECTION.value: sections, Kind.DOCUMENT.value: documents, Kind.PARTY.value: parties,
        Kind.PERFORMER.value: performers, Kind.SONG.value: songs,
    }


# ---------------------------------------------------------------------------------------------- the diff, named


@dataclass(frozen=True)
class ChangeRow:
    """One change as a reviewer reads it (the API's `changes`)."""

    kind: str
    kind_label: str
    key: str
    label: str
    change: str  # revisions.ADDED / REMOVED / CHANGED
    field: str
    field_label: str
    old: str
    new: str

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


_VALUE_LABELS = {
    Kind.SESSION: lambda name: EventSession._meta.get_field(name).verbose_name,
    Kind.PARTY: lambda name: (gettext_lazy("已确认的责任项") if name == "acknowledged"
                              else PartyAssignment._meta.get_field(name).verbose_name),
    Kind.PERFORMER: lambda name: Performer._meta.get_field(name).verbose_name,
    Kind.SONG: lambda name: Song._meta.get_field(name).verbose_name,
    Kind.DOCUMENT: lambda name: {"version": gettext_lazy("当前版本"), "file": gettext_lazy("文件"),
                                 "status": gettext_lazy("状态")}[name],
}
_STATUS_LABELS = {Kind.DOCUMENT: dict(ApplicationDocument.Status.choices), Kind.PERFORMER: dict(VettingStatus.choices),
                  Kind.SONG: dict(VettingStatus.choices)}


def _section_field_labels(application: Application) -> dict:
    from ..applications.sections import field_label

    labels = {}
    for entry in application.sections.select_related("section"):
        labels[entry.section.code] = {spec["key"]: str(field_label(spec)) for spec in entry.section.fields}
    return labels


def _shown(kind: str, name: str, value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, list):
        return _("、").join(map(str, value))
    if name in ("status", "vetting_status") and kind in _STATUS_LABELS:
        return str(_STATUS_LABELS[kind].get(value, value))
    if kind == Kind.DOCUMENT and name == "version":
        return f"v{value}"
    return str(value)


def revision_changes(correction: CorrectionRequest) -> list[ChangeRow]:
    """What changed in the application since `correction` was requested (old → new), named for the reader."""
    application = correction.application
    changes = revisions.diff(correction.snapshot or {}, snapshot_of(application))
    sections = _section_field_labels(application) if any(c.kind == Kind.SECTION for c in changes) else {}
    rows = []
    for change in changes:
        kind = change.kind
        if not change.field:
            field_label = ""
        elif kind == Kind.FIELD:
            field_label = _field_label(change.key)
        elif kind == Kind.SECTION:
            field_label = str(gettext_lazy("文字说明")) if change.field == "narrative" else \
                sections.get(change.key, {}).get(change.field, change.field)
        else:
            field_label = str(_VALUE_LABELS[kind](change.field)) if kind in _VALUE_LABELS else change.field
        rows.append(ChangeRow(
            kind=kind, kind_label=str(Kind(kind).label) if kind in Kind.values else kind, key=change.key,
            label=_field_label(change.key) if kind == Kind.FIELD else change.label, change=change.change,
            field=change.field, field_label=field_label, old=_shown(kind, change.field, change.old),
            new=_shown(kind, change.field, change.new)))
    return rows


def notice_text(correction: CorrectionRequest) -> str:
    """The notification's text: every item, the due date (the note is the audit entry's reason)."""
    items = describe_items(correction.application, correction.items)
    if not items:
        return _("请于 %(due)s 前补正后重新提交。") % {"due": correction.due_date.isoformat()}
    return _("请于 %(due)s 前补正以下事项后重新提交：%(items)s。") % {
        "due": correction.due_date.isoformat(), "items": _("、").join(i["label"] for i in items)}


def resubmission_text(correction: CorrectionRequest, changes: list[ChangeRow]) -> str:
    labels = list(dict.fromkeys(row.label for row in changes))
    if not labels:
        return _("申请单位已重新提交（未作修改）。")
    return _("申请单位已按补正告知重新提交，修改了：%(items)s。") % {"items": _("、").join(labels)}
