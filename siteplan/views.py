"""The site-plan page: the drawing (Leaflet, when scripts run), its figures, and the keyboard form."""
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from approvals import dossier as dossier_parts
from approvals.applications.selectors import application_for_user

from . import services
from .forms import FIELD_OF, FeatureForm
from .layers import LAYERS


@login_required
@require_http_methods(["GET", "POST"])
def site_plan(request, pk):
    application = application_for_user(request.user, pk)
    dossier_parts.require(request.user, application, dossier_parts.PLAN, dossier_parts.STAFFING)
    plan = services.plan_for(application)
    features = (plan.features if plan and plan.features else services.EMPTY)["features"]
    form = FeatureForm()
    if request.method == "POST":
        try:
            if "delete" in request.POST:
                kept = [f for f in features if f.get("properties", {}).get("key") != request.POST["delete"]]
                services.application_plan_save(application=application, actor=request.user,
                                               features={"type": "FeatureCollection", "features": kept})
                messages.success(request, _("已删除。"))
                return redirect("siteplan:plan", pk=application.pk)
            form = FeatureForm(request.POST)
            if form.is_valid():
                new = form.feature(key=f"{form.cleaned_data['kind']}-{uuid.uuid4().hex[:6]}")
                try:
                    services.application_plan_save(
                        application=application, actor=request.user,
                        features={"type": "FeatureCollection", "features": [*features, new]})
                except ValidationError as error:
                    _errors_onto(form, error, index=len(features))
                else:
                    messages.success(request, _("已添加到平面图。"))
                    return redirect("siteplan:plan", pk=application.pk)
        except PermissionDenied as refusal:
            messages.error(request, str(refusal))
            return redirect("siteplan:plan", pk=application.pk)
    plan = services.plan_for(application)
    return render(request, "siteplan/plan.html", {
        "application": application, "event": application.event, "plan": plan, "form": form,
        "features": [{"key": f["properties"].get("key"), "name": f["properties"].get("name"),
                      "layer": LAYERS.get(f["properties"].get("kind"))} for f in features],
        "figures": plan.figures if plan else {}, "editable": services.may_edit(application, request.user),
        "data": {"features": plan.features if plan and plan.features else services.EMPTY,
                 "width_m": plan.width_m if plan else 200, "height_m": plan.height_m if plan else 150,
                 "revision": plan.revision if plan else 0,
                 "layers": {k: {"label": str(v.label), "colour": v.colour, "geometry": v.geometry}
                            for k, v in LAYERS.items()},
                 "posts": (plan.figures or {}).get("required_posts", []) if plan else []},
    })


def _errors_onto(form, error, *, index: int):
    """Put the service's errors about the new item (features[index]…) on its form field, the rest on top."""
    prefix = f"features[{index}]"
    for where, messages_ in error.message_dict.items():
        field = FIELD_OF.get(where[len(prefix) + 1:]) if where.startswith(prefix + ".") else None
        for message in messages_:
            form.add_error(field, message)
