"""Copy a past application into a new draft (issue 16, 以此为模板新建).

The new application is made by `services.application_create` (its rules, grants, audit and notifications), then
the chosen parts are copied onto it. What belongs to the source's review is never copied: state, decisions,
permits, refusals, audit, corrections, documents and their review, risk assessments, reviewer and officials,
clocks; the lineup comes back pending (culture vetting happens again).
"""
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events import sessions as event_sessions
from events.models import Performer, Song

from .. import access
from ..models import Application, AuditEntry, PartyAssignment, SectionEntry
from . import services
from .sections import clean_section_data

FACTS, SECTIONS, PARTIES, LINEUP, SITEPLAN = "facts", "sections", "parties", "lineup", "siteplan"
PARTS = {
    FACTS: gettext_lazy("活动信息（名称、类型、场所、人数、容量、标记、说明）"),
    SECTIONS: gettext_lazy("安全工作方案（11 个章节）"),
    PARTIES: gettext_lazy("五方责任（单位、责任人、联系方式）"),
    LINEUP: gettext_lazy("演出阵容与曲目（须重新审核）"),
    SITEPLAN: gettext_lazy("场地平面图"),
}
# The event facts copied (the dates are given anew; the sessions' attendance and names follow).
COPIED_FACTS = ("name", "kind", "venue", "rated_capacity", "ticketed", "temporary_structures", "has_performances",
                "alcohol_served", "description", "security_company")
MAX_SHIFT_DAYS = 3650


def may_copy(source: Application, user) -> bool:
    """Only the organisation that holds the source (its change grant) starts from it."""
    return bool(user.is_authenticated and getattr(user, "is_organizer", False)
                and source.user_may(user, access.CHANGE))


def shifted_sessions(source_sessions: list[dict], *, first_start=None, first_end=None, shift_days=None):
    """The new sessions and the field each session's error belongs to: given a new first start (and end), every
    session moves by the first one's shift and the first ends at first_end; given days, all move by them."""
    first = source_sessions[0]
    if shift_days is not None:
        delta = timedelta(days=shift_days)
        new = [{**s, "start_at": s["start_at"] + delta, "end_at": s["end_at"] + delta} for s in source_sessions]
    else:
        delta = first_start - first["start_at"]
        new = [{**s, "start_at": s["start_at"] + delta, "end_at": s["end_at"] + delta} for s in source_sessions]
        new[0]["end_at"] = first_end if first_end is not None else first["end_at"] + delta
    return new


def _date_errors(errors: dict, *, by_days: bool) -> dict:
    """Session errors (sessions[i].field) named by the copy form's date fields."""
    mapped: dict = {}
    first = event_sessions.session_key(0) + "."
    for key, messages in errors.items():
        messages = messages if isinstance(messages, list) else [messages]
        if by_days:
            field = "shift_days"
        elif key == first + "end_at":
            field = "first_end"
        else:
            field = "first_start"
        if key.startswith("sessions[") and not key.startswith(first):
            index = int(key[len("sessions["):key.index("]")])
            messages = [_("第 %(n)s 场：%(message)s") % {"n": index + 1, "message": m} for m in messages]
        mapped.setdefault(field, []).extend(str(m) for m in messages)
    return mapped


def _remap(error: ValidationError, *, by_days: bool) -> ValidationError:
    if not hasattr(error, "error_dict"):
        return error
    dates, other = {}, {}
    for key, errors in error.message_dict.items():
        if key.startswith("sessions") or key in ("start_at", "end_at", "expected_attendance"):
            dates[key] = errors
        else:
            other[key] = errors
    return ValidationError({**other, **_date_errors(dates, by_days=by_days)})


@transaction.atomic
def application_copy(*, source: Application, user, parts: set[str], first_start=None, first_end=None,
                     shift_days: int | None = None) -> Application:
    """A new draft of the user's organisation from `source`, with the chosen parts copied (facts always: an
    application needs them) and new dates: a first session start/end, or every session shifted by days.
    Bad dates: field errors (first_start, first_end, shift_days) and nothing created."""
    if not may_copy(source, user):
        raise PermissionDenied(_("只有申请单位的用户可以以此为模板新建申请。"))
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise ValidationError({"parts": _("没有这些可复制的部分：%(parts)s") % {"parts": ", ".join(sorted(unknown))}})
    parts = set(parts) | {FACTS}
    by_days = shift_days is not None
    if by_days == (first_start is not None):
        raise ValidationError({"first_start": _("请填写新的第一场开始时间，或选择整体顺延的天数（二选一）。")})
    if by_days and not (-MAX_SHIFT_DAYS <= shift_days <= MAX_SHIFT_DAYS):
        raise ValidationError({"shift_days": _("顺延天数须在 %(n)s 天以内。") % {"n": MAX_SHIFT_DAYS}})
    event = source.event
    stored = event_sessions.session_values(event_sessions.sessions_of(event))
    sessions = shifted_sessions(stored, first_start=first_start, first_end=first_end, shift_days=shift_days)
    errors = event_sessions.session_errors(sessions, rated_capacity=event.rated_capacity)
    if errors:
        raise ValidationError(_date_errors(errors, by_days=by_days))

    facts = {name: getattr(event, name) for name in COPIED_FACTS}
    facts["sessions"] = sessions
    try:
        with transaction.atomic():
            application = services.application_create(user=user, facts=facts,
                                                      co_organisers=list(event.co_organisers.all()))
    except ValidationError as refused:
        raise _remap(refused, by_days=by_days)
    if SECTIONS in parts:
        _copy_sections(source, application, user=user)
    if PARTIES in parts:
        _copy_parties(source, application)
    if LINEUP in parts:
        _copy_lineup(source, application)
    plan = _copy_plan(source, application, user=user) if SITEPLAN in parts else None
    services.audit(application, actor=user, action=AuditEntry.Action.OTHER,
                   reason=_("复制自 %(reference)s") % {"reference": source.reference},
                   snapshot={"copied_from": source.reference, "copied_from_id": source.pk, "parts": sorted(parts),
                             "site_plan": plan is not None})
    services.notify_changed(application, actor=user, what="facts")
    return application


def _copy_sections(source: Application, application: Application, *, user) -> None:
    """Each section's fields and text, matched by section code (a newer catalogue keeps what still fits)."""
    given = {entry.section.code: entry for entry in source.sections.select_related("section")}
    entries = list(application.sections.select_related("section"))
    for entry in entries:
        old = given.get(entry.section.code)
        if old is None:
            continue
        cleaned, errors = clean_section_data(entry.section.fields, old.data)
        entry.data = {key: value for key, value in cleaned.items() if key not in errors}
        entry.narrative = old.narrative
        entry.updated_by = user
    SectionEntry.objects.bulk_update(entries, ["data", "narrative", "updated_by"])


def _copy_parties(source: Application, application: Application) -> None:
    """Names and contacts of the parties the organizer names, with the responsibilities the organizer
    acknowledged (the organizer's own statement, not a review matter); the police party is filled by the police."""
    given = {a.party.code: a for a in source.parties.select_related("party").prefetch_related("acknowledged_items")}
    assignments = [a for a in application.parties.select_related("party").prefetch_related("party__items")
                   if a.party.named_by_organizer and a.party.code in given]
    through = PartyAssignment.acknowledged_items.through
    links = []
    for assignment in assignments:
        old = given[assignment.party.code]
        for name in ("organisation_name", "responsible_person", "responsible_title", "phone"):
            setattr(assignment, name, getattr(old, name))
        acknowledged = {item.number for item in old.acknowledged_items.all()}
        links += [through(partyassignment_id=assignment.pk, responsibilityitem_id=item.pk)
                  for item in assignment.party.items.all() if item.number in acknowledged]
    PartyAssignment.objects.bulk_update(
        assignments, ["organisation_name", "responsible_person", "responsible_title", "phone"])
    through.objects.bulk_create(links)


def _copy_lineup(source: Application, application: Application) -> None:
    """Performers and setlists, pending again: the culture-tourism vetting covers one event."""
    old = list(source.event.performers.prefetch_related("songs").order_by("order", "pk"))
    new = Performer.objects.bulk_create([
        Performer(event=application.event, name=p.name, genre=p.genre, genre_intensity=p.genre_intensity,
                  audience_interaction=p.audience_interaction, order=p.order) for p in old])
    Song.objects.bulk_create([Song(performer=made, title=song.title, order=song.order)
                              for performer, made in zip(old, new) for song in performer.songs.all()])


def _copy_plan(source: Application, application: Application, *, user):
    from siteplan import services as siteplan

    plan = siteplan.plan_for(source)
    if plan is None:
        return None
    return siteplan.copy_plan(application, source=plan, actor=user)
