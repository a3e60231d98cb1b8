"""Writes of plans: queue a render of an application's current content, render one version, record failures.

Idempotent by content: a version is the sha256 of everything the plan prints (plans.content), so the same
content is rendered once; new content gets the next version number and supersedes the older ones. Rendering
runs in a Celery task on the "pdf" queue; a task delivered twice (acks_late, a worker killed mid-render)
finds the version already READY and does nothing, or renders it again into the same file name.
"""
import hashlib
import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from approvals import access
from approvals.models import Application, AuditEntry
from approvals.workflow.states import with_trait
from outbox.services import enqueue

from .content import FORMAL_STATES, load_application, plan_content, plan_content_key
from .models import PlanVersion
from .rendering import html_to_pdf, plan_html

logger = logging.getLogger(__name__)

# The PDF is the approved document: it is generated from approval on (the preview works in any state).
RENDERABLE_STATES = FORMAL_STATES
# Transitions that generate the plan on their own (approvals.signals.application_transitioned).
TRIGGER_STATES = with_trait("permit_in_force")
# A version queued or rendering for longer than this was lost (the broker or a worker died): requeue it.
STALE_AFTER = timedelta(seconds=getattr(settings, "PLAN_RENDER_TIME_LIMIT", 180) * 2)


def plan_build(application_id: int) -> tuple[Application, dict, str]:
    """The application, its plan content and content key, in the site's language (the formal text)."""
    with translation.override(settings.LANGUAGE_CODE):
        application = load_application(application_id)
        content = plan_content(application)
    return application, content, plan_content_key(content)


def plan_may_regenerate(user, application: Application) -> bool:
    """Police reviewers and the applicant organisation; other readers (culture, security company) may not."""
    return application.user_may(user, access.REVIEW) or application.user_may(user, access.CHANGE)


def _enqueue(version: PlanVersion) -> None:
    from .tasks import plan_render_task

    # Through the outbox: published after commit (the worker must find the row, never a rolled-back one), or by
    # the relay once the broker is reachable again. The task routes to the "pdf" queue.
    enqueue(plan_render_task, version.pk)


@transaction.atomic
def plan_request(*, application: Application, user=None, trigger: str = "regenerate") -> PlanVersion:
    """Queue a render of the current content and return its version; no new render when it exists already.

    `user` is None for system triggers (an approval); a user must be allowed to regenerate.
    """
    # One request at a time per application: the version number and the content key stay unique.
    application = Application.objects.select_for_update().get(pk=application.pk)
    if user is not None and not plan_may_regenerate(user, application):
        raise PermissionDenied(_("您无权生成此申请的安全工作方案。"))
    if application.state not in RENDERABLE_STATES:
        raise ValidationError({"application": _("申请当前状态为“%(state)s”，许可后才能生成安全工作方案PDF。")
                                              % {"state": application.get_state_display()}})
    _application, _content, key = plan_build(application.pk)
    now = timezone.now()
    version = PlanVersion.objects.select_for_update().filter(application=application, content_key=key).first()
    if version is not None:
        return _plan_revive(version, now=now)
    number = (PlanVersion.objects.filter(application=application).aggregate(n=Max("number"))["n"] or 0) + 1
    version = PlanVersion(application=application, number=number, content_key=key, trigger=trigger[:40],
                          requested_by=user)
    version.full_clean()
    version.save()
    # Older versions not yet printed will never be: the newer content supersedes them.
    PlanVersion.objects.filter(application=application, number__lt=number).exclude(
        status=PlanVersion.Status.READY).update(status=PlanVersion.Status.SUPERSEDED)
    AuditEntry.objects.create(application=application, actor=user, action=AuditEntry.Action.OTHER,
                              event=AuditEntry.Event.PLAN_REQUESTED,
                              reason=_("生成安全工作方案第 %(n)s 版") % {"n": number},
                              snapshot={"plan_version": number, "content_key": key, "trigger": trigger})
    _enqueue(version)
    return version


def _plan_revive(version: PlanVersion, *, now) -> PlanVersion:
    """The content was seen before: reuse that version; queue it again only if it never finished."""
    Status = PlanVersion.Status
    newer = PlanVersion.objects.filter(application_id=version.application_id, number__gt=version.number)
    if version.status == Status.SUPERSEDED and version.file:
        # The content went back to what this version printed: it is current again, its PDF still valid.
        newer.update(status=Status.SUPERSEDED)
        version.status = Status.READY
        version.save(update_fields=["status"])
        return version
    stale = version.is_pending and (version.started_at or version.requested_at) < now - STALE_AFTER
    if version.status in (Status.FAILED, Status.SUPERSEDED) or stale:
        newer.exclude(status=Status.READY).update(status=Status.SUPERSEDED)
        version.status = Status.QUEUED
        version.save(update_fields=["status"])
        _enqueue(version)
    return version


def plan_render(*, version_id: int) -> PlanVersion:
    """Render one version to PDF and store it. Safe to run twice: the second run finds it READY."""
    Status = PlanVersion.Status
    with transaction.atomic():
        version = PlanVersion.objects.select_for_update().get(pk=version_id)
        if version.status in (Status.READY, Status.SUPERSEDED):
            return version
        # RENDERING here means a worker died mid-render and the broker redelivered: render again.
        version.status = Status.RENDERING
        version.started_at = timezone.now()
        version.attempts += 1
        version.save(update_fields=["status", "started_at", "attempts"])

    application, content, key = plan_build(version.application_id)
    if key != version.content_key:
        return _plan_content_moved_on(version_id, application=application)

    with translation.override(settings.LANGUAGE_CODE):
        html = plan_html(content, number=version.number, content_key=key,
                         generated_on=timezone.localtime(version.requested_at).strftime("%Y-%m-%d"))
    rendered = html_to_pdf(html)  # outside any transaction: seconds of CPU, no row held

    with transaction.atomic():
        version = PlanVersion.objects.select_for_update().get(pk=version_id)
        if version.status in (Status.READY, Status.SUPERSEDED):
            return version  # a duplicate delivery finished first; keep its file
        name = version.file.field.generate_filename(version, "plan.pdf")
        if version.file.storage.exists(name):
            version.file.storage.delete(name)  # left by a run that died before committing
        version.file.save(name, ContentFile(rendered.pdf), save=False)
        version.sha256 = hashlib.sha256(rendered.pdf).hexdigest()
        version.size = len(rendered.pdf)
        version.pages = rendered.pages
        version.status = Status.READY
        version.error = ""
        version.finished_at = timezone.now()
        version.save()
        PlanVersion.objects.filter(application_id=version.application_id, number__lt=version.number,
                                   status=Status.READY).update(status=Status.SUPERSEDED)
    logger.info("plan v%s of application %s rendered: %s pages, %s bytes", version.number,
                version.application_id, version.pages, version.size)
    return version


def _plan_content_moved_on(version_id: int, *, application: Application) -> PlanVersion:
    """The data changed after queuing: this version would print the wrong content. Queue the current one."""
    with transaction.atomic():
        version = PlanVersion.objects.select_for_update().get(pk=version_id)
        version.status = PlanVersion.Status.SUPERSEDED
        version.error = _("排队期间申请内容已变化，已按最新内容生成新版本。")
        version.save(update_fields=["status", "error"])
    try:
        plan_request(application=application, user=None, trigger="content_changed")
    except ValidationError:
        logger.info("application %s is no longer in a state with a plan; not re-queued", application.pk)
    return version


def plan_render_failed(*, version_id: int, error: str, final: bool) -> None:
    """Record a failed attempt: FAILED with the error when no retry is left, else back to QUEUED."""
    with transaction.atomic():
        version = PlanVersion.objects.select_for_update().filter(pk=version_id).first()
        if version is None or version.status in (PlanVersion.Status.READY, PlanVersion.Status.SUPERSEDED):
            return
        version.status = PlanVersion.Status.FAILED if final else PlanVersion.Status.QUEUED
        version.error = (error if final else _("第 %(n)s 次生成失败，稍后自动重试：%(error)s")
                         % {"n": version.attempts, "error": error})[:2000]
        version.finished_at = timezone.now() if final else None
        version.save(update_fields=["status", "error", "finished_at"])


def plan_on_transition(sender, application, to_state, actor=None, transition="", **kwargs):
    """Receiver of approvals.signals.application_transitioned (sent after commit): render on approval.

    Only queued here (through the outbox, a task on the default queue): working out the plan's content to find
    its version takes a good part of a second, and the approval's click must not wait for it. The task calls
    plan_request, which queues the render itself on the "pdf" queue."""
    if to_state not in TRIGGER_STATES:
        return
    from .tasks import plan_request_task

    try:
        enqueue(plan_request_task, application.pk, trigger=f"transition:{transition}"[:40])
    except Exception:
        # The approval has committed; a failed request must not turn it into an error page. The status page
        # shows no plan and offers "regenerate".
        logger.exception("could not queue the plan of application %s", application.pk)


def plan_on_permit_amended(sender, application, actor=None, **kwargs):
    """Receiver of approvals.signals.permit_amended (sent after commit): an approved change (变更) re-requests
    the plan PDF with the new facts."""
    try:
        plan_request(application=application, user=None, trigger="permit_amended")
    except Exception:
        logger.exception("could not queue the amended plan of application %s", application.pk)

def plan_request_queued(*, application_id: int, trigger: str) -> PlanVersion | None:
    """The queued plan request of a transition: None when the application has left the states with a plan."""
    try:
        return plan_request(application=Application(pk=application_id), user=None, trigger=trigger)
    except ValidationError:
        logger.info("application %s is no longer in a state with a plan; no plan requested", application_id)
        return None
