"""Pages of the application journey (organizer) and the reviewer inbox.

Thin: forms shape the input, services do the work and hold the rules, selectors read (already filtered to what
the user may see: other organisations' ids are 404). htmx requests get the saved fragment back and an
HX-Trigger that refreshes the checklist; without JavaScript every form still works by POST and redirect.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import dossier as dossier_parts
from .. import access, clocks
from ..risk import bridge as risk
from . import selectors, services
from .checklist import application_checklist, blocking_gaps
from .requirements import requirements_for
from .filters import ApplicationFilter
from .forms import (
    ApplicationCopyForm, DocumentUploadForm, EventFactsForm, PartyForm, PerformerForm, SectionForm, SongForm, VenueForm,
    add_service_errors, exit_formset, section_initial, session_formset,
)
from events.models import Event

from ..models import ApplicationDocument, ApplicationState, DocumentVersion
from ..workflow import corrections
from .sections import field_label

LIST_PAGE_SIZE = 20
INBOX_PAGE_SIZE = 25
CHECKLIST_CHANGED = "checklist-changed"


def _page(request, queryset, per_page, paginator=Paginator):
    return paginator(queryset, per_page).get_page(request.GET.get("page"))


def _editable(request, pk):
    """The application for an edit page: 404 if the user may not see it, 403 if it may see but not edit."""
    application = selectors.application_for_user(request.user, pk)
    if not application.user_may(request.user, access.CHANGE):
        raise PermissionDenied(_("您无权修改此申请。"))
    return application


def _saved_response(request, template, context, *, anchor=""):
    """After a successful save: the fragment and a checklist refresh for htmx, else a redirect."""
    if request.htmx:
        response = render(request, template, {**context, "saved": True})
        response["HX-Trigger"] = CHECKLIST_CHANGED
        return response
    messages.success(request, _("已保存。"))
    return redirect(request.path + (f"#{anchor}" if anchor else ""))


def _application_context(application, **extra) -> dict:
    return {"application": application, "event": application.event,
            "editable": application.is_editable_by_organizer, **extra}


# ---------------------------------------------------------------------------------------------- organizer


@login_required
@require_GET
def application_list(request):
    page = _page(request, selectors.with_latest_fuse_flags(selectors.application_list_queryset(request.user)),
                 LIST_PAGE_SIZE,
                 selectors.BoundedCountPaginator)
    return render(request, "approvals/application_list.html", {
        "page": page, "can_create": request.user.is_organizer and request.user.organisation_id is not None})


def _venue_forms(request, form_data):
    """The new-venue form and its exits, bound only when the organizer chose to register a new venue."""
    new_venue = form_data is not None and not form_data.get("venue")
    data = form_data if new_venue else None
    return VenueForm(data, prefix="venue"), exit_formset(data), new_venue


def _limit_to_correction(form, application) -> None:
    """While a correction is open: the fields it names highlighted, every other one read-only (the service
    refuses a change to those all the same: corrections.refuse_fields)."""
    if corrections.scope(application) is None:
        return
    for name, field in form.fields.items():
        if corrections.is_requested(application, corrections.Kind.FIELD, name):
            field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} border-warning border-2".strip()
            field.widget.attrs["data-correction-item"] = ""
        elif not corrections.may_edit(application, corrections.Kind.FIELD, name):
            field.disabled = True


def _limit_sessions_to_correction(sessions, application) -> None:
    """The same for the session rows: row n is session n (corrections.refuse_sessions refuses the rest)."""
    if corrections.scope(application) is None:
        return
    for position, row in enumerate(sessions.forms, start=1):
        requested = corrections.is_requested(application, corrections.Kind.SESSION, position)
        for field in row.fields.values():
            if requested:
                field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} border-warning border-2".strip()
                field.widget.attrs["data-correction-item"] = ""
            elif not corrections.may_edit(application, corrections.Kind.SESSION, position):
                field.disabled = True


def _route_venue_errors(error, form, venue_form, exits, sessions=None):
    if sessions is not None and hasattr(error, "error_dict"):
        rest = sessions.add_service_errors(error.message_dict)  # sessions[1].end_at → row 2's end
        if not rest:
            return
        error = ValidationError(rest)
    if hasattr(error, "error_dict") and set(error.message_dict) & (set(venue_form.fields) | {"exits"}):
        for key, messages_ in error.message_dict.items():
            venue_form.add_error(key if key in venue_form.fields else None, messages_)
    else:
        add_service_errors(form, error)


def _facts_page(request, *, application=None):
    """Create (application None) or edit the event facts, optionally registering a new venue."""
    user = request.user
    organisation = application.organisation if application else user.organisation
    data = request.POST if request.method == "POST" else None
    initial = None
    if application is not None:
        event = application.event
        initial = {key: getattr(event, key) for key in services.EVENT_FACT_FIELDS
                   if key not in services.SPAN_FIELDS}
        initial["co_organisers"] = list(event.co_organisers.all())
    form = EventFactsForm(data, initial=initial, organisation=organisation)
    sessions = session_formset(data, event=application.event if application else None)
    if application is not None:
        _limit_to_correction(form, application)
        _limit_sessions_to_correction(sessions, application)
    # A venue the correction leaves as it is cannot be replaced by a new one either.
    venue_form, exits, new_venue = _venue_forms(request, None if form.fields["venue"].disabled else data)
    context = {"form": form, "sessions": sessions, "venue_form": venue_form, "exits": exits, "no_permit": None,
               "catalogue": application.catalogue if application else selectors.current_catalogue()}
    if application is not None:
        context.update(_application_context(application))
    template = "approvals/application_facts.html" if application else "approvals/application_create.html"
    if data is None:
        return render(request, template, context)

    valid = form.is_valid() & sessions.is_valid()
    if new_venue:
        valid = venue_form.is_valid() & exits.is_valid() & valid
    if not valid:
        return render(request, template, context)
    threshold = (application.catalogue if application else selectors.current_catalogue()).permit_threshold
    if sessions.largest_attendance() < threshold:  # the largest session decides
        # Not an error of the organizer: a smaller event simply needs no permit (Order No. 505, Art. 2).
        context["no_permit"] = threshold
        return render(request, template, context)
    try:
        with transaction.atomic():  # a venue registered here is kept only if the application is saved too
            venue = form.cleaned_data["venue"]
            if venue is None:
                venue = services.venue_create(organisation=organisation, exits=exits.exits(),
                                              **venue_form.cleaned_data)
            facts = {**form.facts(), "venue": venue, "sessions": sessions.sessions()}
            if application is None:
                application = services.application_create(
                    user=user, facts=facts, co_organisers=form.cleaned_data["co_organisers"])
                messages.success(request, _("申请 %(ref)s 已创建，请继续填写方案章节、五方责任并上传材料。")
                                 % {"ref": application.reference})
            else:
                services.application_update_facts(application=application, user=user, facts=facts,
                                                  co_organisers=form.cleaned_data["co_organisers"])
                messages.success(request, _("活动信息已保存。"))
    except ValidationError as error:
        _route_venue_errors(error, form, venue_form, exits, sessions)
        return render(request, template, context)
    return redirect("approvals:detail", pk=application.pk)


@login_required
@require_http_methods(["GET", "POST"])
def application_create(request):
    if not request.user.is_organizer or request.user.organisation_id is None:
        raise PermissionDenied(_("只有主办/承办单位的用户可以创建申请。"))
    return _facts_page(request)


@login_required
@require_http_methods(["GET", "POST"])
def application_edit_facts(request, pk):
    return _facts_page(request, application=_editable(request, pk))


def _section_rows(application):
    rows = []
    for entry in application.sections.all():
        values = [(field_label(spec), entry.data.get(spec["key"]), spec.get("type"))
                  for spec in entry.section.fields]
        rows.append({"entry": entry, "values": values})
    return rows


@login_required
@require_GET
def application_detail(request, pk):
    application = selectors.application_for_user(request.user, pk)
    return render(request, "approvals/application_detail.html", _detail_context(request, application))


def _checklist_context(request, application) -> dict:
    """Expects the application's contents loaded (selectors.application_with_contents). The checklist names
    every document and section: only for those who read the whole plan (approvals.dossier.PLAN)."""
    can_change = application.user_may(request.user, access.CHANGE)
    if dossier_parts.PLAN not in dossier_parts.dossier_for(request.user, application):
        return {"checklist": None, "gaps": [], "done_count": 0, "can_change": can_change}
    items = application_checklist(application)
    return {"checklist": items, "gaps": blocking_gaps(items), "done_count": sum(item.done for item in items),
            "can_change": can_change}


AUDIT_RECENT = 8  # the rest of the history is folded away


def _audit_summary(entry, names: dict) -> str:
    """A short human description of what an audit row's snapshot says was touched."""
    snapshot = entry.snapshot or {}
    if "section" in snapshot:
        return names["section"].get(snapshot["section"], snapshot["section"])
    if "party" in snapshot:
        return names["party"].get(snapshot["party"], snapshot["party"])
    if "document" in snapshot:
        return f"{names['document'].get(snapshot['document'], snapshot['document'])} v{snapshot.get('version', '')}"
    if "lineup" in snapshot:
        return snapshot.get("name") or snapshot.get("title") or ""
    if snapshot.get("changed"):
        fields = {f.name: str(f.verbose_name) for f in Event._meta.fields}
        fields["sessions"] = _("场次")
        return _("、").join(fields.get(name, name) for name in snapshot["changed"])
    return ""


def _audit_rows(application):
    """Newest first, with state labels and a summary; expects the application's contents loaded."""
    labels = dict(ApplicationState.choices)
    names = {
        "section": {e.section.code: e.section.title for e in application.sections.all()},
        "party": {a.party.code: a.party.name for a in application.parties.all()},
        "document": {d.document_type.code: d.document_type.name for d in application.documents.all()},
    }
    entries = list(selectors.application_audit_history(application))
    for entry in entries:
        entry.from_label = labels.get(entry.from_state, entry.from_state)
        entry.to_label = labels.get(entry.to_state, entry.to_state)
        entry.summary = _audit_summary(entry, names)
    return entries


def _mark_applicable_documents(application) -> None:
    requirements_for(application)  # sets .applies on each (prefetched) document


def _detail_context(request, application, **extra):
    """Only the parts of the dossier the user may see (approvals.dossier): the rest is not even loaded into
    the template."""
    dossier = dossier_parts.dossier_for(request.user, application)
    selectors.application_panel_contents(selectors.application_detail_contents(application))
    _mark_applicable_documents(application)
    audit_entries = dossier.audit_entries(_audit_rows(application)) if dossier.any_audit else []
    section_rows = [row for row in _section_rows(application) if dossier.may_see_section(row["entry"].section.code)]
    documents = dossier.documents(application.documents.all())
    # Reviewers read the whole dossier (sections open, documents to view and mark); the organizer's
    # pre-submit checklist is not theirs: they get what is left to review instead.
    reviewing = services.may_check_documents(application, request.user)
    if reviewing:
        aside = {"review_points": _review_points(application, documents, section_rows),
                 "can_change": application.user_may(request.user, access.CHANGE), "checklist": None, "gaps": []}
    else:
        aside = _checklist_context(request, application)
    return _application_context(
        application, dossier=dossier, documents=documents, reviewing=reviewing, may_check=reviewing,
        section_rows=section_rows, parties=dossier.parties(application.parties.all()),
        audit_recent=audit_entries[:AUDIT_RECENT], audit_older=audit_entries[AUDIT_RECENT:],
        **aside, **extra)


def _review_points(application, documents, section_rows) -> dict:
    """What a reviewer still has to read, from the loaded contents (no query): the documents not yet marked
    已查验, the sections left empty, the performers and songs culture-tourism has not decided."""
    from events.models import VettingStatus

    uploaded = [d for d in documents if d.current_version_id]
    unchecked = [d for d in uploaded if d.current_version.checked_at is None]
    empty_sections = [row["entry"].section for row in section_rows
                      if not row["entry"].narrative.strip() and not any(
                          value not in (None, "", []) for _label, value, _kind in row["values"])]
    pending = 0
    for performer in application.event.performers.all():
        if performer.vetting_status == VettingStatus.PENDING:
            pending += 1
        if performer.vetting_status != VettingStatus.STRUCK:
            pending += sum(song.vetting_status == VettingStatus.PENDING for song in performer.songs.all())
    return {"uploaded": len(uploaded), "checked": len(uploaded) - len(unchecked), "unchecked": unchecked,
            "sections": len(section_rows), "empty_sections": empty_sections, "vetting_pending": pending,
            "has_performances": application.event.has_performances}


@login_required
@require_GET
def application_checklist_partial(request, pk):
    application = selectors.application_for_user(request.user, pk)
    dossier_parts.require(request.user, application, dossier_parts.PLAN)
    application = selectors.application_with_contents(application)
    return render(request, "approvals/includes/checklist.html", _application_context(
        application, **_checklist_context(request, application)))


@login_required
@require_POST
def application_submit(request, pk):
    application = _editable(request, pk)
    try:
        application = services.application_submit(application=application, user=request.user)
    except ValidationError as error:
        # Re-read: the refused transaction may have left the instance half-loaded.
        application = selectors.application_for_user(request.user, pk)
        context = _detail_context(request, application, submit_errors=error.messages)
        return render(request, "approvals/application_detail.html", context)
    messages.success(request, _("申请 %(ref)s 已提交，状态：%(state)s。")
                     % {"ref": application.reference, "state": application.get_state_display()})
    return redirect("approvals:detail", pk=application.pk)


# ---------------------------------------------------------------------------------------------- sections


@login_required
@require_http_methods(["GET", "POST"])
def application_sections(request, pk):
    application = selectors.application_with_contents(_editable(request, pk))
    entries = list(application.sections.all())
    forms_ = {entry.section.code: SectionForm(initial=section_initial(entry), section=entry.section)
              for entry in entries}
    if request.method == "POST":
        code = request.POST.get("section", "")
        entry = next((e for e in entries if e.section.code == code), None)
        if entry is None:
            raise Http404("No such section.")
        form = forms_[code] = SectionForm(request.POST, section=entry.section)
        if form.is_valid():
            try:
                services.section_save(application=application, user=request.user, section_code=code,
                                      raw_data=form.raw_data(), narrative=form.cleaned_data["narrative"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return _saved_response(request, "approvals/includes/section_form.html",
                                       _application_context(application, form=form, entry=entry), anchor=code)
        if request.htmx:
            return render(request, "approvals/includes/section_form.html",
                          _application_context(application, form=form, entry=entry))
    drafts = _section_drafts(request, application, entries, forms_)
    sections = [{"entry": entry, "form": forms_[entry.section.code], "draft": drafts.get(entry.pk)}
                for entry in entries]
    return render(request, "approvals/sections.html", _application_context(application, sections=sections))


def _draft_initial(draft) -> dict:
    return {**draft.data, "narrative": draft.narrative}


def _section_drafts(request, application, entries, forms_) -> dict:
    """The user's autosaved drafts newer than what is saved: shown in the form in place of it (by entry pk)."""
    if request.method != "GET" or not application.is_editable_by_organizer:
        return {}
    from ..models import SectionDraft

    by_entry = {e.pk: e for e in entries}
    drafts = {}
    for draft in SectionDraft.objects.filter(entry__application=application, user=request.user):
        entry = by_entry.get(draft.entry_id)
        if entry is not None and draft.saved_at > entry.updated_at:
            drafts[entry.pk] = draft
            forms_[entry.section.code] = SectionForm(initial=_draft_initial(draft), section=entry.section)
    return drafts


@login_required
@require_POST
def application_section_autosave(request, pk):
    """The periodic autosave of a section while it is typed (htmx, from the section's form): kept as a draft of
    this user, the section itself untouched (services.section_draft_autosave). Answers a one-line status."""
    application = _editable(request, pk)
    code = request.POST.get("section", "")
    entry = application.sections.select_related("section").filter(section__code=code).first()
    if entry is None:
        raise Http404("No such section.")
    raw = {spec["key"]: request.POST.get(f"{code}-{spec['key']}") for spec in entry.section.fields}
    try:
        draft = services.section_draft_autosave(application=application, user=request.user, section_code=code,
                                                raw_data=raw, narrative=request.POST.get(f"{code}-narrative", ""))
    except ValidationError as refused:
        return render(request, "approvals/includes/autosave_status.html", {"refused": " ".join(refused.messages)})
    return render(request, "approvals/includes/autosave_status.html", {"draft": draft, "code": code})


# ---------------------------------------------------------------------------------------------- parties


@login_required
@require_http_methods(["GET", "POST"])
def application_parties(request, pk):
    application = selectors.application_with_contents(_editable(request, pk))
    assignments = list(application.parties.all())
    forms_ = {a.party.code: PartyForm(initial=PartyForm.initial_for(a), assignment=a)
              for a in assignments if a.party.named_by_organizer}
    if request.method == "POST":
        code = request.POST.get("party", "")
        assignment = next((a for a in assignments if a.party.code == code), None)
        if assignment is None:
            raise Http404("No such party.")
        if not assignment.party.named_by_organizer:
            raise PermissionDenied(_("监管部门由公安机关填写。"))
        form = forms_[code] = PartyForm(request.POST, assignment=assignment)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.party_save(
                    application=application, user=request.user, party_code=code,
                    organisation_name=data["organisation_name"], responsible_person=data["responsible_person"],
                    responsible_title=data["responsible_title"], phone=data["phone"],
                    acknowledged_item_ids=[int(i) for i in data["acknowledged_items"]])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return _saved_response(request, "approvals/includes/party_form.html",
                                       _application_context(application, form=form, assignment=assignment),
                                       anchor=code)
        if request.htmx:
            return render(request, "approvals/includes/party_form.html",
                          _application_context(application, form=form, assignment=assignment))
    parties = [{"assignment": a, "form": forms_.get(a.party.code)} for a in assignments]
    return render(request, "approvals/parties.html", _application_context(application, parties=parties))


# ---------------------------------------------------------------------------------------------- documents


def _document_uploadable(application, document) -> bool:
    if document.document_type.filled_online:
        return False
    if document.status in (ApplicationDocument.Status.DEFERRED, ApplicationDocument.Status.TO_BE_DEFERRED):
        return True  # deferred documents may be delivered at any time
    return corrections.may_edit(application, corrections.Kind.DOCUMENT, document.document_type.code)


@login_required
@require_http_methods(["GET", "POST"])
def application_documents(request, pk):
    application = selectors.application_detail_contents(_editable(request, pk))
    _mark_applicable_documents(application)
    documents = list(application.documents.all())
    forms_ = {d.document_type.code: DocumentUploadForm(document=d) for d in documents}
    if request.method == "POST":
        code = request.POST.get("document_type", "")
        document = next((d for d in documents if d.document_type.code == code), None)
        if document is None:
            raise Http404("No such document type.")
        form = forms_[code] = DocumentUploadForm(request.POST, request.FILES, document=document)
        if form.is_valid():
            try:
                services.document_upload(application=application, user=request.user, document_type_code=code,
                                         uploaded=form.cleaned_data["file"])
            except ValidationError as error:
                add_service_errors(form, error, field_map={"document_type": None})
            else:
                if not request.htmx:
                    messages.success(request, _("已上传。"))
                    return redirect(f"{request.path}#{code}")
                # Re-read this document so the fragment lists the new version.
                fresh = selectors.application_detail_contents(selectors.application_for_user(request.user, pk))
                _mark_applicable_documents(fresh)
                document = next(d for d in fresh.documents.all() if d.pk == document.pk)
                return _saved_response(request, "approvals/includes/document_form.html", _application_context(
                    fresh, form=DocumentUploadForm(document=document), document=document,
                    uploadable=_document_uploadable(fresh, document)))
        if request.htmx:
            return render(request, "approvals/includes/document_form.html", _application_context(
                application, form=form, document=document, uploadable=_document_uploadable(application, document)))
    rows = [{"document": d, "form": forms_[d.document_type.code], "uploadable": _document_uploadable(application, d)}
            for d in documents]
    return render(request, "approvals/documents.html", _application_context(
        application, documents=rows, max_mb=_max_upload_mb()))


def _max_upload_mb() -> int:
    from django.conf import settings

    return settings.DOCUMENT_MAX_BYTES // (1024 * 1024)


@login_required
@require_GET
def document_download(request, pk, version_pk):
    """Documents are never served from a public URL: only to users who may see the application."""
    application = selectors.application_for_user(request.user, pk)
    try:
        version = DocumentVersion.objects.select_related("document__document_type").get(
            pk=version_pk, document__application=application)
    except DocumentVersion.DoesNotExist:
        raise Http404("No such document version.")
    if not dossier_parts.dossier_for(request.user, application).may_see_document(
            version.document.document_type.code):
        raise Http404("No such document version.")
    return FileResponse(version.file.open("rb"), as_attachment=True, filename=version.original_name,
                        content_type=version.content_type)


@login_required
@require_POST
def document_check(request, pk, version_pk):
    """已查验: a reviewer marks (checked=1) or unmarks (checked=0) the current version of a document. htmx gets
    the document's row back (with a refusal on the row), a plain form a redirect to it."""
    application = selectors.application_for_user(request.user, pk)
    if not services.may_check_documents(application, request.user):
        raise PermissionDenied(_("只有审查本申请的公安民警可以标记材料已查验。"))
    error = None
    try:
        version = services.document_version_check(application=application, user=request.user,
                                                  version_id=version_pk,
                                                  checked=request.POST.get("checked", "1") != "0")
    except ValidationError as refused:
        if not DocumentVersion.objects.filter(pk=version_pk, document__application=application).exists():
            raise Http404("No such document version.")
        error = " ".join(refused.messages)
        version = DocumentVersion.objects.select_related("document__document_type").get(pk=version_pk)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(reverse("approvals:detail", args=[application.pk])
                        + f"#doc-{version.document.document_type.code}")
    fresh = selectors.application_detail_contents(selectors.application_for_user(request.user, pk))
    _mark_applicable_documents(fresh)
    document = next(d for d in fresh.documents.all() if d.pk == version.document_id)
    return render(request, "approvals/includes/document_row.html", _application_context(
        fresh, document=document, reviewing=True, may_check=True, check_error=error))


# ---------------------------------------------------------------------------------------------- lineup


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_http_methods(["GET", "POST"])
def application_lineup(request, pk):
    """Performers and their songs. One POST endpoint; `action` says what to do."""
    application = _editable(request, pk)
    bound: dict = {}  # forms with errors to show again, by key
    if request.method == "POST":
        action = request.POST.get("action", "")
        performer_id = _int_or_none(request.POST.get("performer"))
        song_id = _int_or_none(request.POST.get("song"))
        user = request.user
        form = None
        if (action in ("performer_edit", "performer_delete", "song_add") and performer_id is None) or (
                action in ("song_edit", "song_delete") and song_id is None):
            raise Http404("No such performer or song.")
        try:
            if action in ("performer_add", "performer_edit"):
                key = "new" if action == "performer_add" else f"p{performer_id}"
                form = bound[key] = PerformerForm(request.POST, prefix=key)
                if form.is_valid():
                    services.performer_save(application=application, user=user,
                                            performer_id=None if action == "performer_add" else performer_id,
                                            **form.cleaned_data)
            elif action == "performer_delete":
                services.performer_delete(application=application, user=user, performer_id=performer_id)
            elif action in ("song_add", "song_edit"):
                key = f"song-new-{performer_id}" if action == "song_add" else f"s{song_id}"
                form = bound[key] = SongForm(request.POST, prefix=key)
                if form.is_valid():
                    services.song_save(application=application, user=user, performer_id=performer_id,
                                       song_id=None if action == "song_add" else song_id,
                                       title=form.cleaned_data["title"], order=form.cleaned_data["order"] or 0)
            elif action == "song_delete":
                services.song_delete(application=application, user=user, song_id=song_id)
            else:
                raise Http404("No such action.")
        except ValidationError as error:
            if form is None:
                messages.error(request, " ".join(error.messages))
                return redirect(reverse("approvals:lineup", args=[application.pk]))
            add_service_errors(form, error, field_map={"performer": None, "song": None})
        if form is None or not form.errors:
            messages.success(request, _("演出阵容已更新。"))
            return redirect(reverse("approvals:lineup", args=[application.pk]))
    application = selectors.application_with_contents(application)
    performers = []
    for performer in application.event.performers.all():
        key = f"p{performer.pk}"
        songs = [{"song": song, "form": bound.get(f"s{song.pk}") or SongForm(
            initial={"title": song.title, "order": song.order}, prefix=f"s{song.pk}")} for song in performer.songs.all()]
        performers.append({
            "performer": performer, "songs": songs,
            "form": bound.get(key) or PerformerForm(instance=performer, prefix=key),
            "song_form": bound.get(f"song-new-{performer.pk}") or SongForm(prefix=f"song-new-{performer.pk}"),
            "open": key in bound or f"song-new-{performer.pk}" in bound,
        })
    new_form = bound.get("new") or PerformerForm(prefix="new", initial={"order": len(performers) + 1})
    return render(request, "approvals/lineup.html", _application_context(
        application, performers=performers, new_form=new_form))


# ---------------------------------------------------------------------------------------------- reviewer inbox


BOOLEAN_FILTER_CHOICES = [("", gettext_lazy("全部")), ("true", gettext_lazy("是")), ("false", gettext_lazy("否"))]


def _style_filter_form(form) -> None:
    """The shared ApplicationFilter's form, drawn for this page: date pickers, state checkboxes, Bootstrap."""
    for name, field in form.fields.items():
        if name == "state":
            field.widget = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})
            field.widget.choices = [c for c in field.choices if c[0] != ApplicationState.DRAFT]
        elif name == "security_level":
            # The model's levels to choose from, not a free-text box (the filter itself stays the API's).
            from riskassess.models import level_name
            from riskassess.selectors import level_order

            field.widget = forms.Select(choices=[("", gettext_lazy("全部"))] + [
                (code, level_name(code)) for code in level_order()], attrs={"class": "form-select form-select-sm"})
        elif name in ("is_late", "needs_city_decision"):
            field.widget = forms.Select(choices=BOOLEAN_FILTER_CHOICES, attrs={"class": "form-select form-select-sm"})
        elif isinstance(field, forms.DateField):
            field.widget = forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"})
        else:
            field.widget.attrs["class"] = "form-control form-control-sm"
    form.fields["q"].widget.attrs["placeholder"] = gettext_lazy("编号、活动、单位或场所")


@login_required
@require_GET
def reviewer_inbox(request):
    user = request.user
    if not (user.is_police or user.is_superuser):
        raise PermissionDenied(_("待办审批仅供公安审批民警和分局领导使用。"))
    filterset = ApplicationFilter(request.GET)  # for the form only; inbox_queryset() does the filtering
    _style_filter_form(filterset.form)
    sort = selectors.inbox_sort_key(request.GET)
    page = _page(request, selectors.inbox_queryset(user, request.GET), INBOX_PAGE_SIZE,
                 selectors.BoundedCountPaginator)
    tabs = selectors.inbox_tab_counts(user)
    asked_states = set(request.GET.getlist("state"))
    for tab in tabs:
        tab["active"] = asked_states == set(tab["states"])
    clocks.attach_clocks(page.object_list)
    return render(request, "approvals/inbox.html", {
        "page": page, "filter_form": filterset.form, "sort": sort,
        "sorts": selectors.INBOX_SORT_CHOICES, "tabs": tabs})


def _police_only(user) -> None:
    if not (user.is_police or user.is_superuser):
        raise PermissionDenied(_("待办审批仅供公安审批民警和分局领导使用。"))


@login_required
@require_http_methods(["GET", "POST"])
def inbox_saved_views(request):
    """GET: the user's saved views as extra tabs (loaded by htmx after the queue, which so reads nothing more).
    POST: save the current filter set under a name (`name`, `query`: the queue's query string)."""
    from django.http import QueryDict

    from . import saved_views

    _police_only(request.user)
    if request.method == "GET":
        current = saved_views.kept_query(QueryDict(request.GET.get("current", "")))
        return render(request, "approvals/includes/saved_views.html", {
            "views": saved_views.saved_views_of(request.user), "current": current})
    params = QueryDict(request.POST.get("query", ""))
    try:
        view = saved_views.saved_view_save(user=request.user, name=request.POST.get("name", ""), params=params)
    except ValidationError as refused:
        for message in refused.messages:
            messages.error(request, message)
        return redirect(reverse("approvals:inbox") + (f"?{params.urlencode()}" if params else ""))
    messages.success(request, _("已保存视图“%(name)s”。") % {"name": view.name})
    return redirect(reverse("approvals:inbox") + (f"?{view.query}" if view.query else ""))


@login_required
@require_POST
def inbox_saved_view_delete(request):
    from . import saved_views

    _police_only(request.user)
    if not saved_views.saved_view_delete(user=request.user, pk=request.POST.get("view", "")):
        raise Http404("No such view.")
    messages.success(request, _("视图已删除。"))
    return redirect("approvals:inbox")


def _bureau_reviewers(user):
    from django.contrib.auth import get_user_model

    from accounts import roles

    if not user.authority_id:
        return get_user_model().objects.none()
    return (get_user_model().objects.filter(authority_id=user.authority_id, is_active=True,
                                            groups__name__in=roles.POLICE_ROLES).distinct().order_by("full_name", "pk"))


@login_required
@require_http_methods(["GET", "POST"])
def inbox_bulk_assign(request):
    """分派 the rows ticked in the queue to one officer of the supervisor's bureau (GET: the choice of officer,
    loaded by htmx when the bar opens, so the queue itself reads nothing more). All or nothing:
    workflow.applications_assign_reviewer."""
    from .. import workflow

    user = request.user
    if not (user.is_supervisor or user.is_superuser):
        raise PermissionDenied(_("只有分局领导可以分派承办民警。"))
    reviewers = _bureau_reviewers(user)
    if request.method == "GET":
        return render(request, "approvals/includes/bulk_assign.html", {"reviewers": reviewers})
    reviewer = reviewers.filter(pk=request.POST.get("reviewer") or 0).first() \
        if str(request.POST.get("reviewer", "")).isdigit() else None
    back = reverse("approvals:inbox") + (f"?{request.POST['query']}" if request.POST.get("query") else "")
    try:
        done = workflow.applications_assign_reviewer(application_ids=request.POST.getlist("applications"),
                                                     actor=user, reviewer=reviewer)
    except ValidationError as refused:
        for message in refused.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已分派 %(n)s 件给 %(name)s。") % {"n": len(done), "name": reviewer})
    return redirect(back)


@login_required
def inbox_suspension_candidates(request):
    """Approved events whose fuse flags recommend 熔断: loaded after the inbox (htmx), since the flags are computed
    fresh (a fixed number of queries, but more work than the inbox page itself)."""
    if not (request.user.is_police or request.user.is_superuser):
        raise PermissionDenied(_("仅供公安审批民警和分局领导使用。"))
    return render(request, "riskassess/includes/suspension_candidates.html",
                  {"candidates": risk.suspension_candidates(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def application_copy(request, pk):
    """以此为模板新建: choose the parts and the new dates; a new draft of the organisation, or field errors."""
    from .copying import application_copy as copy, may_copy

    source = selectors.application_for_user(request.user, pk)
    if not may_copy(source, request.user):
        raise PermissionDenied(_("只有申请单位的用户可以以此为模板新建申请。"))
    form = ApplicationCopyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            application = copy(source=source, user=request.user, parts=set(values["parts"]),
                               first_start=values["first_start"], first_end=values["first_end"],
                               shift_days=values["shift_days"])
        except ValidationError as refused:
            add_service_errors(form, refused)
        else:
            messages.success(request, _("已根据 %(reference)s 新建草稿 %(new)s，请核对后提交。") % {
                "reference": source.reference, "new": application.reference})
            return redirect("approvals:detail", pk=application.pk)
    return render(request, "approvals/application_copy.html", {"source": source, "form": form})
