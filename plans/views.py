"""Pages of the plan: status with every version, regenerate, download (through Django only), HTML preview."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET, require_POST


from . import services
from .rendering import plan_html
from .selectors import plan_application_for_user, plan_panel, plan_version_for_user, plan_versions


def _panel_context(request, application, versions=None):
    panel = plan_panel(application, versions)
    return {
        "application": application,
        "plan_panel": panel,
        "plan_may_regenerate": services.plan_may_regenerate(request.user, application),
        "plan_renderable": application.state in services.RENDERABLE_STATES,
    }


@login_required
@require_GET
def plan_status(request, application_pk):
    application = plan_application_for_user(request.user, application_pk)
    versions = plan_versions(application)
    context = _panel_context(request, application, versions)
    context["versions"] = versions
    return render(request, "plans/plan_status.html", context)


@login_required
@require_GET
def plan_panel_partial(request, application_pk):
    """The panel alone: polled by htmx while a version is queued or rendering."""
    application = plan_application_for_user(request.user, application_pk)
    return render(request, "plans/includes/plan_panel_body.html", _panel_context(request, application))


@login_required
@require_POST
def plan_regenerate(request, application_pk):
    application = plan_application_for_user(request.user, application_pk)
    if not services.plan_may_regenerate(request.user, application):
        raise PermissionDenied
    try:
        version = services.plan_request(application=application, user=request.user, trigger="regenerate")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, translation.gettext("安全工作方案第 %(n)s 版：%(status)s。")
                         % {"n": version.number, "status": version.get_status_display()})
    if request.htmx:
        return render(request, "plans/includes/plan_panel_body.html", _panel_context(request, application))
    return redirect("plans:status", application_pk=application.pk)


@login_required
@require_GET
def plan_download(request, application_pk, number=None):
    version = plan_version_for_user(request.user, application_pk, number)
    response = FileResponse(version.file.open("rb"), as_attachment=True, filename=version.download_name,
                            content_type="application/pdf")
    response["X-Content-SHA256"] = version.sha256
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def plan_preview(request, application_pk):
    """The plan as HTML, from the same template and stylesheet as the PDF (current data, not a stored version)."""
    application = plan_application_for_user(request.user, application_pk)
    _application, content, key = services.plan_build(application.pk)
    with translation.override(settings.LANGUAGE_CODE):
        html = plan_html(content, preview=True, content_key=key,
                         back_url=reverse("plans:status", kwargs={"application_pk": application.pk}))
    response = HttpResponse(html)
    response["Cache-Control"] = "private, no-store"
    return response

