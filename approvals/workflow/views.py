"""Pages of the review workflow: the action forms (posted from the actions panel), permit and refusal,
the audit log, the culture-tourism vetting list and page. Thin: parse, call a workflow service, redirect.
The action forms, their services and messages are the registry's (approvals.workflow.registry)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from events.models import Performer, Song, VettingStatus

from .. import access, dossier, workflow
from ..applications import selectors
from ..audit import event_label
from . import registry
from .states import state_has
from ..models import Application, ApplicationState, DeferredCommitment, Permit, Refusal
from ..verification.services import verification_mark


# The page actions (review:act <name>): the registry's entries offered on pages, each with its form fields,
# service and success message.
ACTIONS = registry.page_actions()


def _back(request, application):
    target = request.POST.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect("approvals:detail", application.pk)


def _report(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
@require_POST
def application_act(request, pk, action):
    """One panel action. A refusal (wrong state, missing reason, someone else was faster) comes back as a
    message on the page; a role that may not act at all gets 403."""
    entry = ACTIONS.get(action)
    if entry is None:
        raise Http404
    application = selectors.application_for_user(request.user, pk)
    try:
        values = {name: parse(request.POST) for name, parse in entry.form.items()}
        entry.perform(application=application, actor=request.user,
                      expected_revision=request.POST.get("expected_revision"), **values)
    except workflow.ApplicationConflict as conflict:
        messages.error(request, conflict.message)
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(request, entry.success)
    return _back(request, application)


@login_required
@require_POST
def commitment_sign(request, pk):
    commitment = get_object_or_404(DeferredCommitment.objects.select_related("application"), pk=pk)
    application = selectors.application_for_user(request.user, commitment.application_id)
    try:
        workflow.deferred_commitment_sign(commitment=commitment, actor=request.user)
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(request, _("容缺承诺书已签署。"))
    return _back(request, application)


@login_required
@require_GET
def permit_detail(request, pk):
    """许可决定书, printable."""
    application = selectors.application_for_user(request.user, pk)
    dossier.require(request.user, application, dossier.PERMIT)
    from events.sessions import sessions_of

    permit = get_object_or_404(Permit.objects.select_related("issued_by", "signed_by", "authority"),
                               application=application)
    from ..opinions.services import decision_text

    return render(request, "approvals/permit.html", {
        "application": application, "event": application.event, "permit": permit,
        "decision_text": decision_text(application, kind="permit", number=permit.number),
        "sessions": sessions_of(application.event), "copies": workflow.decision_copies(application),
        "verification_mark": verification_mark(permit)})


@login_required
@require_GET
def refusal_detail(request, pk):
    """不予许可决定书, printable."""
    application = selectors.application_for_user(request.user, pk)
    dossier.require(request.user, application, dossier.PERMIT)
    if application.state != ApplicationState.REJECTED:
        raise Http404
    decision = application.audit_entries.select_related("actor").filter(transition="reject").order_by("-id").first()
    refusal = Refusal.objects.select_related("authority").filter(application=application).first()
    from ..opinions.services import decision_text

    return render(request, "approvals/permit_refusal.html", {
        "application": application, "event": application.event, "decision": decision, "refusal": refusal,
        "decision_text": decision_text(application, kind="refusal", number=refusal.number if refusal else "",
                                       reason=decision.reason if decision else ""),
        "copies": workflow.decision_copies(application), "verification_mark": verification_mark(refusal)})


@login_required
@require_GET
def audit_log(request, pk):
    """The whole history of one application, oldest first, with the snapshot of each step: the police's; the
    organizer reads its view without the internal entries (approvals.dossier); anyone else gets 404."""
    application = selectors.application_for_user(request.user, pk)
    parts = dossier.require(request.user, application, dossier.AUDIT, dossier.APPLICANT_AUDIT)
    labels = dict(ApplicationState.choices)
    entries = parts.audit_entries(application.audit_entries.select_related("actor").order_by("created_at", "id"))
    for entry in entries:
        entry.from_label = labels.get(entry.from_state, entry.from_state)
        entry.to_label = labels.get(entry.to_state, entry.to_state)
        entry.action_label = event_label(entry)
    return render(request, "approvals/review/audit_log.html", {"application": application, "entries": entries})


# ---------------------------------------------------------------------------------------------- vetting


def _culture_only(user) -> None:
    if not (user.is_culture_official or user.is_superuser):
        raise PermissionDenied(_("演出内容审核仅供文旅审核员使用。"))


@login_required
@require_GET
def vetting_list(request):
    """The culture-tourism official's assigned events, with how much is still to decide."""
    _culture_only(request.user)
    pending = Q(event__performers__vetting_status=VettingStatus.PENDING)
    queryset = (selectors.applications_visible_to(request.user, perm=access.VET)
                .select_related("event", "event__venue", "organisation")
                .annotate(performers_total=Count("event__performers", distinct=True),
                          performers_pending=Count("event__performers", filter=pending, distinct=True))
                .order_by("event__start_at", "pk"))
    return render(request, "approvals/review/vetting_list.html", {"applications": queryset})


@login_required
@require_GET
def vetting_detail(request, pk):
    """The lineup and setlist of one assigned event, with a decision form for each performer and song."""
    application = selectors.application_for_user(request.user, pk, perm=access.VET)
    return _vetting_page(request, application)


def _vetting_page(request, application, *, errors=None, status=200):
    """The vetting page; `errors` maps ("performer"|"song", id) to (message, the reason typed) for its row."""
    from .. import clocks

    performers = list(application.event.performers.prefetch_related("songs").select_related("vetted_by"))
    can_vet = state_has(application.state, "vetting_open") and request.user.is_culture_official
    errors = errors or {}
    pending = 0
    for performer in performers:
        performer.row_error = errors.get(("performer", performer.pk))
        if performer.vetting_status == VettingStatus.PENDING:
            pending += 1
        for song in performer.songs.all():
            song.row_error = errors.get(("song", song.pk))
            # A struck performer's songs are off the programme with it: not "pending".
            song.with_performer_struck = performer.vetting_status == VettingStatus.STRUCK
            pending += song.vetting_status == VettingStatus.PENDING and not song.with_performer_struck
    # The vetting has no clock of its own: it must be settled before the police's decision is due (a pending
    # item blocks the permit), so that deadline is shown; before acceptance, the acceptance deadline.
    deadline = next((c for c in clocks.application_clocks(application) if c.kind in ("decision", "acceptance")),
                    None)
    # Document 9 (the commercial performance approval, with the approved setlist and lyrics) is the official's
    # to read (approvals.dossier.SECTOR_APPROVAL).
    sector_approval = (application.documents.select_related("document_type", "current_version")
                       .filter(document_type__code=dossier.SECTOR_APPROVAL_DOCUMENT, current_version__isnull=False)
                       .first())
    return render(request, "approvals/review/vetting_detail.html", {
        "application": application, "event": application.event, "performers": performers, "can_vet": can_vet,
        "pending_count": pending, "deadline": deadline, "sector_approval": sector_approval}, status=status)


def _vet(request, item, service, application):
    kind = "performer" if isinstance(item, Performer) else "song"
    try:
        service(actor=request.user, decision=request.POST.get("decision", ""), reason=request.POST.get("reason", ""),
                **{kind: item})
    except ValidationError as error:
        # The refusal on the row it is about, with what was typed (not a banner at the top of the page).
        return _vetting_page(request, application, status=400, errors={
            (kind, item.pk): (" ".join(error.messages), request.POST.get("reason", ""))})
    messages.success(request, _("已记录审核意见：%(item)s") % {"item": item})
    return redirect(f"{reverse('review:vetting_detail', args=[application.pk])}#{kind}-{item.pk}")


@login_required
@require_POST
def performer_vet(request, pk):
    performer = get_object_or_404(Performer, pk=pk)
    application = _application_of_event(request.user, performer.event_id)
    return _vet(request, performer, workflow.performer_vet, application)


@login_required
@require_POST
def song_vet(request, pk):
    song = get_object_or_404(Song.objects.select_related("performer"), pk=pk)
    application = _application_of_event(request.user, song.performer.event_id)
    return _vet(request, song, workflow.song_vet, application)


@login_required
@require_POST
def vetting_approve_all(request, pk):
    """全部通过: whatever is still pending on the page, approved in one go by the assigned official."""
    application = selectors.application_for_user(request.user, pk, perm=access.VET)
    _culture_only(request.user)
    try:
        count = workflow.lineup_approve_all(application=application, actor=request.user)
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(request, _("已全部通过（%(n)s 项）。") % {"n": count})
    return redirect("review:vetting_detail", application.pk)


def _application_of_event(user, event_id):
    """The application of the item's event, if the user was assigned to vet it (else 404)."""
    pk = Application.objects.filter(event_id=event_id).values_list("pk", flat=True).first()
    if pk is None:
        raise Http404
    return selectors.application_for_user(user, pk, perm=access.VET)
