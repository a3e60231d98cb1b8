"""The site-plan page: the drawing (Leaflet, when scripts run), its figures, and the keyboard forms (an item,
the background, the scale by two points, accepting the derived deployment, moving a post)."""
import mimetypes
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from approvals import dossier as dossier_parts
from approvals.applications.selectors import application_for_user

from . import services
from .forms import FIELD_OF, BackgroundForm, FeatureForm, PostMoveForm, ScaleForm
from .layers import LAYERS, POST_KINDS


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
    return _page(request, application, form=form)


def _errors_onto(form, error, *, index: int):
    """Put the service's errors about the new item (features[index]…) on its form field, the rest on top."""
    prefix = f"features[{index}]"
    for where, messages_ in error.message_dict.items():
        field = FIELD_OF.get(where[len(prefix) + 1:]) if where.startswith(prefix + ".") else None
        for message in messages_:
            form.add_error(field, message)


def _post_choices(plan):
    features = ((plan.features if plan else None) or services.EMPTY).get("features") or []
    return [(f["properties"]["key"], f"{LAYERS[f['properties']['kind']].label} {f['properties'].get('name') or ''} "
             f"({f['geometry']['coordinates'][0]:g}, {f['geometry']['coordinates'][1]:g})")
            for f in features if (f.get("properties") or {}).get("kind") in POST_KINDS]


def _page(request, application, *, form=None, background_form=None, scale_form=None, move_form=None,
          deployment_errors=(), status=200):
    plan = services.plan_for(application)
    features = (plan.features if plan and plan.features else services.EMPTY)["features"]
    figures = plan.figures if plan else {}
    required = figures.get("required_posts") or []
    drawn = {kind: sum(1 for f in features if f["properties"].get("kind") == kind) for kind in POST_KINDS}
    deployment = [{"kind": kind, "label": LAYERS[kind].label,
                   "required": sum(1 for p in required if p["kind"] == kind), "drawn": drawn[kind],
                   "missing": (figures.get("shortfall") or {}).get(kind, 0)}
                  for kind in POST_KINDS]
    has_background = bool(plan and plan.background and plan.background_width_px)
    return render(request, "siteplan/plan.html", {
        "application": application, "event": application.event, "plan": plan,
        "form": form or FeatureForm(), "background_form": background_form or BackgroundForm(),
        "scale_form": scale_form or ScaleForm(),
        "move_form": move_form or PostMoveForm(posts=_post_choices(plan)),
        "deployment": deployment, "deployment_errors": deployment_errors, "has_background": has_background,
        "features": [{"key": f["properties"].get("key"), "name": f["properties"].get("name"),
                      "layer": LAYERS.get(f["properties"].get("kind"))} for f in features],
        "figures": figures, "editable": services.may_edit(application, request.user),
        "may_place_posts": services.may_place_posts(application, request.user),
        "data": {"features": plan.features if plan and plan.features else services.EMPTY,
                 "width_m": plan.width_m if plan else 200, "height_m": plan.height_m if plan else 150,
                 "revision": plan.revision if plan else 0,
                 "background": (reverse("siteplan:background", args=[application.pk]) + f"?r={plan.revision}"
                                if has_background else ""),
                 "background_px": ([plan.background_width_px, plan.background_height_px] if has_background
                                   else None),
                 "layers": {k: {"label": str(v.label), "colour": v.colour, "geometry": v.geometry}
                            for k, v in LAYERS.items()},
                 "posts": required},
    }, status=status)


def _field_errors(form, error, fields):
    for where, messages_ in error.message_dict.items():
        for message in messages_:
            form.add_error(fields.get(where), message)


@login_required
@require_http_methods(["GET", "POST"])
def site_plan_background(request, pk):
    """GET: the plan's background image, to those who may read the plan (others: 404). POST: upload one."""
    application = application_for_user(request.user, pk)
    dossier_parts.require(request.user, application, dossier_parts.PLAN, dossier_parts.STAFFING)
    plan = services.plan_for(application)
    if request.method == "GET":
        if plan is None or not plan.background:
            raise Http404
        response = FileResponse(plan.background.open("rb"),
                                content_type=mimetypes.guess_type(plan.background.name)[0] or "image/png")
        response["Cache-Control"] = "private, max-age=3600"
        return response
    dossier_parts.require(request.user, application, dossier_parts.PLAN)
    form = BackgroundForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.plan_background_set(application=application, actor=request.user,
                                         uploaded=form.cleaned_data["background"])
        except PermissionDenied as refusal:
            messages.error(request, str(refusal))
            return redirect("siteplan:plan", pk=application.pk)
        except ValidationError as error:
            _field_errors(form, error, {"background": "background"})
        else:
            messages.success(request, _("底图已上传，请用两点设定比例尺。"))
            return redirect("siteplan:plan", pk=application.pk)
    return _page(request, application, background_form=form, status=400)


@login_required
@require_http_methods(["POST"])
def site_plan_scale(request, pk):
    application = application_for_user(request.user, pk)
    dossier_parts.require(request.user, application, dossier_parts.PLAN)
    form = ScaleForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_scale_set(application=application, actor=request.user, a=data["point_a"],
                                    b=data["point_b"], distance_m=data["distance_m"])
        except PermissionDenied as refusal:
            messages.error(request, str(refusal))
            return redirect("siteplan:plan", pk=application.pk)
        except ValidationError as error:
            _field_errors(form, error, {"points": "point_b", "distance_m": "distance_m"})
        else:
            messages.success(request, _("比例尺已设定，平面图已按比例换算。"))
            return redirect("siteplan:plan", pk=application.pk)
    return _page(request, application, scale_form=form, status=400)


@login_required
@require_http_methods(["POST"])
def site_plan_deployment_accept(request, pk):
    application = application_for_user(request.user, pk)
    dossier_parts.require(request.user, application, dossier_parts.PLAN, dossier_parts.STAFFING)
    try:
        _plan, added = services.deployment_accept(application=application, actor=request.user)
    except PermissionDenied as refusal:
        messages.error(request, str(refusal))
    except ValidationError as error:
        return _page(request, application, status=400,
                     deployment_errors=[m for v in error.message_dict.values() for m in v])
    else:
        messages.success(request, _("已接受推算的警力部署，新增 %(n)s 个点位；可拖动或用表单调整位置。") % {"n": added})
    return redirect("siteplan:plan", pk=application.pk)


@login_required
@require_http_methods(["POST"])
def site_plan_post_move(request, pk):
    application = application_for_user(request.user, pk)
    dossier_parts.require(request.user, application, dossier_parts.PLAN, dossier_parts.STAFFING)
    form = PostMoveForm(request.POST, posts=_post_choices(services.plan_for(application)))
    if form.is_valid():
        try:
            services.post_move(application=application, actor=request.user, key=form.cleaned_data["post"],
                               at=form.cleaned_data["coordinates"])
        except PermissionDenied as refusal:
            messages.error(request, str(refusal))
            return redirect("siteplan:plan", pk=application.pk)
        except ValidationError as error:
            _field_errors(form, error, {"post": "post", "coordinates": "coordinates"})
        else:
            messages.success(request, _("警力点位已移动。"))
            return redirect("siteplan:plan", pk=application.pk)
    return _page(request, application, move_form=form, status=400)
