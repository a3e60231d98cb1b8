"""Writes on applications for the organizer's journey (create, edit facts, upload, sections, parties, submit) and the
reviewer's 已查验 marks on documents.

Every function: keyword-only arguments, one transaction, validation before writing, an audit row.
"""
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events import sessions as event_sessions
from events.models import Event
from events.services import venue_create  # noqa: F401  (re-exported for the pages)

from .. import access, signals
from ..workflow import corrections
from ..models import (
    Application, ApplicationDocument, AuditEntry, DocumentVersion, PartyAssignment, SectionDraft, SectionEntry,
)
from .sections import clean_section_data
from .uploads import check_upload
from .selectors import current_catalogue

EVENT_FACT_FIELDS = (
    "name", "kind", "venue", "start_at", "end_at", "expected_attendance", "rated_capacity", "ticketed",
    "temporary_structures", "has_performances", "alcohol_served", "description", "security_company",
)
# The event's summary of its sessions (events.sessions.summary): derived, never typed besides the sessions —
# except as the one-session shorthand of API clients that predate sessions.
SPAN_FIELDS = ("start_at", "end_at", "expected_attendance")


def audit(application, *, actor, action="", reason="", snapshot=None, transition="", from_state="", to_state="",
          event=""):
    """One audit entry (approvals.audit: the typed event, derived from the action when not given)."""
    from ..audit import audit_record

    return audit_record(application, actor=actor, action=action, event=event, reason=reason, snapshot=snapshot,
                        transition=transition, from_state=from_state, to_state=to_state)


def _ensure_editable(application: Application, user) -> None:
    if not application.user_may(user, access.CHANGE):
        raise PermissionDenied(_("您无权修改此申请。"))
    if not application.is_editable_by_organizer:
        raise ValidationError(_("申请已提交（%(state)s），不能再修改；如需更正请等待退回。")
                              % {"state": application.get_state_display()})


def notify_changed(application: Application, *, actor, what: str) -> None:
    """The facts the risk model reads changed: the re-assessment is enqueued in this transaction (through the
    outbox, run after commit: approvals.risk.bridge.reassess_after_commit), and listeners are told after commit."""
    from ..risk.bridge import reassess_after_commit

    reassess_after_commit(application, trigger=what)
    if what in ("facts", "document"):  # the event's date (the lead clock), a deferred document's due date
        from .. import clocks

        clocks.store_next_deadline(application)
    transaction.on_commit(partial(signals.application_changed.send, sender=Application,
                                  application=application, actor=actor, what=what, reassessed=True))


def _lock(application: Application) -> Application:
    """Re-read the row under a lock so concurrent edits of one application serialise."""
    return Application.objects.select_for_update().select_related("event", "catalogue").get(pk=application.pk)


def _follow_venue_district(application: Application, *, actor) -> None:
    """The application is handled by the bureau of its venue's district: when the venue moved to another
    district, re-target it, and release an assigned officer who belongs to no bureau above the new district
    (the grants follow in access.application_sync_access)."""
    district = application.event.venue.district
    if district.pk == application.district_id:
        return
    previous = application.district_id
    application.district = district
    fields = ["district", "updated_at"]
    reviewer = application.assigned_reviewer
    if reviewer is not None:
        chain, authority = set(), district
        while authority is not None:
            chain.add(authority.pk)
            authority = authority.parent
        if reviewer.authority_id not in chain:
            application.assigned_reviewer = None
            fields.append("assigned_reviewer")
    application.save(update_fields=fields)
    audit(application, actor=actor, action=AuditEntry.Action.EDITED,
          snapshot={"district": district.pk, "previous_district": previous,
                    "assigned_reviewer_released": "assigned_reviewer" in fields})


@transaction.atomic
def application_create(*, user, facts: dict, co_organisers=()) -> Application:
    """A new draft with its event, one slot per document type, an entry per section and per party."""
    organisation = user.organisation
    if organisation is None or not user.is_organizer:
        raise PermissionDenied(_("只有主办/承办单位的用户可以创建申请。"))
    catalogue = current_catalogue()
    venue = facts["venue"]
    if venue.owner_id not in (None, organisation.pk):
        raise ValidationError({"venue": _("请选择本单位登记的场所。")})
    facts = dict(facts)
    sessions, shorthand = _stated_sessions(facts, stored=())
    event = Event(organisation=organisation, **{k: v for k, v in facts.items()
                                                if k in EVENT_FACT_FIELDS and k not in SPAN_FIELDS})
    _apply_sessions(event, sessions, shorthand=shorthand, stored=(), threshold=catalogue.permit_threshold)
    event.save()
    event_sessions.replace_sessions(event, sessions)
    event.co_organisers.set(co_organisers)
    application = Application.objects.create(
        event=event, organisation=organisation, district=venue.district, catalogue=catalogue, created_by=user,
    )
    ApplicationDocument.objects.bulk_create(
        [ApplicationDocument(application=application, document_type=t) for t in catalogue.document_types.all()])
    SectionEntry.objects.bulk_create(
        [SectionEntry(application=application, section=s, updated_by=user) for s in catalogue.plan_sections.all()])
    PartyAssignment.objects.bulk_create(
        [PartyAssignment(application=application, party=p) for p in catalogue.parties.all()])
    access.application_sync_access(application, actor=user, audit=False)  # CREATED says the organisation holds it
    audit(application, actor=user, action=AuditEntry.Action.CREATED, to_state=application.state)
    return application


@transaction.atomic
def application_update_facts(*, application: Application, user, facts: dict, co_organisers=None) -> Application:
    application = _lock(application)
    _ensure_editable(application, user)
    event = application.event
    venue = facts.get("venue", event.venue)
    if venue.owner_id not in (None, application.organisation_id):
        raise ValidationError({"venue": _("请选择本单位登记的场所。")})
    facts = dict(facts)
    stored = event_sessions.session_values(event_sessions.sessions_of(event))
    sessions, shorthand = _stated_sessions(facts, stored=stored)
    changed = []
    for key, value in facts.items():
        if key in EVENT_FACT_FIELDS and key not in SPAN_FIELDS and getattr(event, key) != value:
            setattr(event, key, value)
            changed.append(key)
    if sessions is not None and event_sessions.ordered(sessions) != stored:
        changed += ["sessions", *(key for key, value in event_sessions.summary(sessions).items()
                                  if getattr(event, key) != value)]
    else:
        sessions = None
    if co_organisers is not None and {o.pk for o in co_organisers} != set(
            event.co_organisers.values_list("pk", flat=True)):
        changed.append("co_organisers")
    # While returned: only the fields and sessions the correction names (the summary follows the sessions).
    corrections.refuse_fields(application, [name for name in changed
                                            if name != "sessions" and not (stored and name in SPAN_FIELDS)])
    if sessions is not None:
        corrections.refuse_sessions(application, stored, event_sessions.ordered(sessions))
    _apply_sessions(event, sessions, shorthand=shorthand, stored=stored,
                    threshold=application.catalogue.permit_threshold)
    event.save()
    if sessions is not None:
        event_sessions.replace_sessions(event, sessions)
    if co_organisers is not None:
        event.co_organisers.set(co_organisers)
    _follow_venue_district(application, actor=user)
    audit(application, actor=user, action=AuditEntry.Action.EDITED, snapshot={"changed": sorted(changed)})
    # Co-organisers, the security company and the district (through the venue) decide who sees it.
    access.application_sync_access(application, actor=user)
    notify_changed(application, actor=user, what="facts")
    return application


def _stated_sessions(facts: dict, *, stored: list[dict]) -> tuple[list[dict] | None, bool]:
    """The sessions the input states (removed from `facts`) and whether they came as the one-span shorthand.
    None: the input says nothing about them (an edit of other facts)."""
    sessions = facts.pop("sessions", None)
    span = {key: facts.pop(key) for key in SPAN_FIELDS if key in facts}
    if sessions is not None:
        if span:
            raise ValidationError({key: _("活动时间和人数由场次得出，请只填写场次。") for key in span})
        return event_sessions.session_values(sessions), False
    if not span:
        return None, False
    if len(stored) > 1:
        raise ValidationError({key: _("本活动有多个场次，请修改场次列表（sessions）。") for key in span})
    one = {"name": "", **(stored[0] if stored else {}), **span}
    missing = [key for key in SPAN_FIELDS if one.get(key) is None]
    if missing:
        raise ValidationError({key: _("此项为必填项。") for key in missing})
    return [one], True


def _apply_sessions(event: Event, sessions, *, shorthand: bool, stored: list[dict], threshold: int) -> None:
    """Check the stated sessions (all problems at once), put their summary on the event and check the event.
    Errors name the session's field (sessions[1].end_at), or the plain field for the one-span shorthand."""
    if sessions is not None:
        errors = event_sessions.session_errors(
            sessions, stored_starts=[s["start_at"] for s in stored], rated_capacity=event.rated_capacity)
        if shorthand:
            prefix = event_sessions.session_key(0) + "."
            errors = {key.removeprefix(prefix) if key != "sessions" else "start_at": value
                      for key, value in errors.items()}
        if errors:
            raise ValidationError(errors)
        for key, value in event_sessions.summary(sessions).items():
            setattr(event, key, value)
    event.full_clean()
    if event.expected_attendance < threshold:
        # The largest session decides (Order No. 505 Art. 2 counts people per session).
        raise ValidationError({"expected_attendance" if shorthand or sessions is None else "sessions": _(
            "预计人数不足 %(n)s 人的活动无需申请大型群众性活动安全许可。") % {"n": threshold}})


# ---------------------------------------------------------------------------------------------- documents

@transaction.atomic
def document_upload(*, application: Application, user, document_type_code: str, uploaded) -> DocumentVersion:
    """Store a new version of one document; older versions stay. A refused file changes nothing."""
    application = _lock(application)
    if not application.user_may(user, access.CHANGE):
        raise PermissionDenied(_("您无权修改此申请。"))
    try:
        document = application.documents.select_for_update().select_related("document_type").get(
            document_type__code=document_type_code)
    except ApplicationDocument.DoesNotExist:
        raise ValidationError({"document_type": _("没有这种材料类型。")})
    # Deferred documents may be delivered after submission; everything else only while editable.
    delivering_deferred = document.status in (ApplicationDocument.Status.DEFERRED,
                                              ApplicationDocument.Status.TO_BE_DEFERRED)
    if not application.is_editable_by_organizer and not delivering_deferred:
        raise ValidationError(_("申请已提交，不能再上传此材料。"))
    if not delivering_deferred:
        corrections.ensure_may_edit(application, corrections.Kind.DOCUMENT, document_type_code,
                                    label=document.document_type.name)
    if document.document_type.filled_online:
        raise ValidationError({"document_type": _("安全工作方案在线填写，无需上传。")})
    checked = check_upload(uploaded)
    number = (document.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = DocumentVersion(
        document=document, number=number, original_name=(uploaded.name or "upload")[:255],
        content_type=checked.content_type, extension=checked.extension, size=uploaded.size,
        sha256=DocumentVersion.hash_file(uploaded), uploaded_by=user,
    )
    version.file.save("upload", uploaded, save=False)
    version.save()
    previous_status = document.status
    document.current_version = version
    document.status = ApplicationDocument.Status.PROVIDED
    document.save(update_fields=["current_version", "status"])
    audit(application, actor=user, action=AuditEntry.Action.DOCUMENT_UPLOADED, snapshot={
        "document": document.document_type.code, "version": number, "sha256": version.sha256,
        "size": version.size, "previous_status": previous_status})
    # A delivered deferred document clears its overdue flag: the stored flags follow after commit.
    notify_changed(application, actor=user, what="document")
    return version


def may_check_documents(application: Application, user) -> bool:
    """已查验 marks are the reviewing police's: those who review this application (not the organizer, not a
    culture official who may read document 9)."""
    return bool(user is not None and user.is_authenticated and user.is_police
                and application.user_may(user, access.REVIEW))


@transaction.atomic
def document_version_check(*, application: Application, user, version_id: int, checked: bool = True) -> DocumentVersion:
    """Mark (or unmark) the current version of one document as read by a reviewer: who and when, audited.
    Only the current version: an older one was replaced, and a new upload starts unmarked."""
    application = _lock(application)
    if not may_check_documents(application, user):
        raise PermissionDenied(_("只有审查本申请的公安民警可以标记材料已查验。"))
    try:
        version = (DocumentVersion.objects.select_for_update(of=("self",))
                   .select_related("document__document_type").get(pk=version_id, document__application=application))
    except DocumentVersion.DoesNotExist:
        raise ValidationError({"version": _("没有这个材料版本。")})
    if version.document.current_version_id != version.pk:
        raise ValidationError({"version": _("该版本已被新上传的版本取代，请查验最新版本。")})
    if checked == (version.checked_at is not None):
        return version  # already so: nothing to write (a double click, two tabs)
    version.checked_by, version.checked_at = (user, timezone.now()) if checked else (None, None)
    version.save(update_fields=["checked_by", "checked_at"])
    audit(application, actor=user,
          event=AuditEntry.Event.DOCUMENT_CHECKED if checked else AuditEntry.Event.DOCUMENT_UNCHECKED,
          snapshot={"document": version.document.document_type.code, "version": version.number})
    return version


# ---------------------------------------------------------------------------------------------- sections & parties


@transaction.atomic
def section_save(*, application: Application, user, section_code: str, raw_data: dict, narrative: str) -> SectionEntry:
    """Save one section. Type errors refuse the save with field messages; empty required fields are allowed
    in a draft (the checklist shows them)."""
    application = _lock(application)
    _ensure_editable(application, user)
    entry = application.sections.select_related("section").get(section__code=section_code)
    corrections.ensure_may_edit(application, corrections.Kind.SECTION, section_code, label=entry.section.title)
    cleaned, errors = clean_section_data(entry.section.fields, raw_data)
    if errors:
        raise ValidationError(errors)
    entry.data = cleaned
    entry.narrative = (narrative or "").strip()
    entry.clean_fields(exclude=["application", "section", "updated_by"])  # the model's limits (narrative length)
    entry.updated_by = user
    entry.save(update_fields=["data", "narrative", "updated_by", "updated_at"])
    SectionDraft.objects.filter(entry=entry, user=user).delete()  # saved for real: the autosaved copy is done
    audit(application, actor=user, action=AuditEntry.Action.EDITED, snapshot={"section": section_code})
    notify_changed(application, actor=user, what="section")
    return entry


@transaction.atomic
def section_draft_autosave(*, application: Application, user, section_code: str, raw_data: dict,
                           narrative: str) -> SectionDraft | None:
    """Keep what the user typed into a section, as typed, without saving the section: no validation of the
    values (an unfinished number is kept too), no audit row, no re-assessment, the section untouched. The same
    checks as a save decide whether the user may edit it. Typed back to what is saved: the draft is dropped
    (None)."""
    _ensure_editable(application, user)
    entry = application.sections.select_related("section").get(section__code=section_code)
    corrections.ensure_may_edit(application, corrections.Kind.SECTION, section_code, label=entry.section.title)
    keys = {spec["key"] for spec in entry.section.fields}
    data = {key: str(value)[:2000] for key, value in raw_data.items() if key in keys and value not in (None, "")}
    narrative = (narrative or "")[:entry._meta.get_field("narrative").max_length]
    cleaned, errors = clean_section_data(entry.section.fields, data)
    def typed(values: dict) -> dict:
        return {k: v for k, v in values.items() if v not in (None, "", False)}

    if not errors and typed(cleaned) == typed(entry.data or {}) and narrative.strip() == entry.narrative:
        SectionDraft.objects.filter(entry=entry, user=user).delete()
        return None
    draft, _created = SectionDraft.objects.update_or_create(entry=entry, user=user,
                                                            defaults={"data": data, "narrative": narrative})
    return draft


@transaction.atomic
def party_save(*, application: Application, user, party_code: str, organisation_name: str, responsible_person: str,
               phone: str, responsible_title: str = "", acknowledged_item_ids=()) -> PartyAssignment:
    application = _lock(application)
    _ensure_editable(application, user)
    assignment = application.parties.select_related("party").get(party__code=party_code)
    if not assignment.party.named_by_organizer:
        raise PermissionDenied(_("监管部门由公安机关填写。"))
    corrections.ensure_may_edit(application, corrections.Kind.PARTY, party_code, label=assignment.party.name)
    assignment.organisation_name = organisation_name.strip()
    assignment.responsible_person = responsible_person.strip()
    assignment.responsible_title = responsible_title.strip()
    assignment.phone = phone.strip()
    assignment.full_clean()
    assignment.save()
    valid_items = assignment.party.items.filter(pk__in=list(acknowledged_item_ids))
    assignment.acknowledged_items.set(valid_items)
    audit(application, actor=user, action=AuditEntry.Action.EDITED, snapshot={"party": party_code})
    return assignment


# ---------------------------------------------------------------------------------------------- submit


def submission_flags(application: Application, *, now=None) -> dict:
    from ..workflow import submission_flags as flags

    return flags(application, now=now)


def application_submit(*, application: Application, user) -> Application:
    """Hand the application in: the organizer's name for the one submit service, approvals.workflow's
    `application_submit` (state, checklist, flags, audit, the bureau told, re-assessment after commit)."""
    from ..workflow import application_submit as submit

    return submit(application=application, actor=user)


# ---------------------------------------------------------------------------------------------- lineup
# (Imported here so this section can be appended without touching the module's header.)
from events.models import Performer, Song, VettingStatus

PERFORMER_FIELDS = ("name", "genre", "genre_intensity", "audience_interaction", "order")


def _reset_vetting(item) -> None:
    # A changed act or song is a new thing to vet: an earlier decision no longer covers it.
    item.vetting_status = VettingStatus.PENDING
    item.vetting_reason = ""
    item.vetted_by = None
    item.vetted_at = None


def _performer_of(application: Application, performer_id) -> Performer:
    try:
        return application.event.performers.select_for_update().get(pk=performer_id)
    except (Performer.DoesNotExist, ValueError, TypeError):
        raise ValidationError({"performer": _("本申请没有这个演出者。")})


def _song_of(application: Application, song_id) -> Song:
    try:
        return Song.objects.select_for_update().select_related("performer").get(
            pk=song_id, performer__event_id=application.event_id)
    except (Song.DoesNotExist, ValueError, TypeError):
        raise ValidationError({"song": _("本申请没有这首曲目。")})


@transaction.atomic
def performer_save(*, application: Application, user, performer_id=None, name: str, genre: str = "",
                   genre_intensity: int = 2, audience_interaction: int = 2, order: int = 0) -> Performer:
    """Add a performer (performer_id None) or change one; a changed performer goes back to vetting."""
    application = _lock(application)
    _ensure_editable(application, user)
    values = {"name": (name or "").strip(), "genre": (genre or "").strip(), "genre_intensity": genre_intensity,
              "audience_interaction": audience_interaction, "order": order}
    if performer_id is None:
        corrections.ensure_may_edit(application, corrections.Kind.PERFORMER, corrections.NEW)
        performer = Performer(event=application.event, **values)
        changed = list(PERFORMER_FIELDS)
    else:
        performer = _performer_of(application, performer_id)
        corrections.ensure_may_edit(application, corrections.Kind.PERFORMER, performer.pk, label=performer.name)
        changed = [key for key, value in values.items() if getattr(performer, key) != value]
        for key, value in values.items():
            setattr(performer, key, value)
        if set(changed) & {"name", "genre", "genre_intensity", "audience_interaction"}:
            _reset_vetting(performer)
    performer.full_clean()
    performer.save()
    audit(application, actor=user, action=AuditEntry.Action.EDITED, snapshot={
        "lineup": "performer_added" if performer_id is None else "performer_changed",
        "performer": performer.pk, "name": performer.name, "changed": sorted(changed)})
    notify_changed(application, actor=user, what="lineup")
    return performer


@transaction.atomic
def performer_delete(*, application: Application, user, performer_id) -> None:
    application = _lock(application)
    _ensure_editable(application, user)
    performer = _performer_of(application, performer_id)
    corrections.ensure_may_edit(application, corrections.Kind.PERFORMER, performer.pk, label=performer.name)
    snapshot = {"lineup": "performer_removed", "performer": performer.pk, "name": performer.name,
                "songs": list(performer.songs.values_list("title", flat=True))}
    performer.delete()
    audit(application, actor=user, action=AuditEntry.Action.EDITED, snapshot=snapshot)
    notify_changed(application, actor=user, what="lineup")


@transaction.atomic
def song_save(*, application: Application, user, performer_id, song_id=None, title: str, order: int = 0) -> Song:
    """Add a song to a performer's setlist (song_id None) or change one."""
    application = _lock(application)
    _ensure_editable(application, user)
    performer = _performer_of(application, performer_id)
    if song_id is None:
        corrections.ensure_may_edit(application, corrections.Kind.SONG, corrections.NEW, performer=performer.pk,
                                    label=performer.name)
        song = Song(performer=performer)
    else:
        song = _song_of(application, song_id)
        if song.performer_id != performer.pk:
            raise ValidationError({"song": _("本申请没有这首曲目。")})
        corrections.ensure_may_edit(application, corrections.Kind.SONG, song.pk, performer=performer.pk,
                                    label=song.title)
    title = (title or "").strip()
    if song.pk is not None and song.title != title:
        _reset_vetting(song)
    song.title = title
    song.order = order
    song.full_clean()
    song.save()
    audit(application, actor=user, action=AuditEntry.Action.EDITED, snapshot={
        "lineup": "song_added" if song_id is None else "song_changed", "performer": performer.pk,
        "song": song.pk, "title": song.title})
    notify_changed(application, actor=user, what="lineup")
    return song


@transaction.atomic
def song_delete(*, application: Application, user, song_id) -> None:
    application = _lock(application)
    _ensure_editable(application, user)
    song = _song_of(application, song_id)
    corrections.ensure_may_edit(application, corrections.Kind.SONG, song.pk, performer=song.performer_id,
                                label=song.title)
    snapshot = {"lineup": "song_removed", "performer": song.performer_id, "song": song.pk, "title": song.title}
    song.delete()
    audit(application, actor=user, action=AuditEntry.Action.EDITED, snapshot=snapshot)
    notify_changed(application, actor=user, what="lineup")
