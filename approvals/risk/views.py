"""The risk page of one application: scores, crowd figures, factors, deployment, fuse flags, history, and the
police reviewer's forecast and level-override forms. Thin: the bridge (approvals.risk) does the work."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from riskassess.forms import ForecastForm, LevelOverrideForm
from riskassess.selectors import assessment_history, current_model_version

from .. import dossier as dossier_parts
from .. import access
from . import bridge as risk
from ..applications.selectors import application_for_user

CHART_BAR_HEIGHT, CHART_GAP, CHART_LABEL_WIDTH, CHART_BAR_WIDTH = 22, 10, 170, 300
# Bar colours by the levels' severity, most severe first (the thresholds are the model's levels, not code).
LEVEL_COLOURS = ("#dc3545", "#fd7e14", "#ffc107", "#198754")


def _level_bands(version) -> list[tuple[float, str]]:
    """(threshold, colour) per level of the model version, most severe first."""
    levels = sorted(version.levels.all(), key=lambda level: -level.min_total) if version else []
    return [(level.min_total, LEVEL_COLOURS[min(rank, len(LEVEL_COLOURS) - 1)])
            for rank, level in enumerate(levels)]


def _colour(score, bands) -> str:
    return next((colour for threshold, colour in bands if score >= threshold), LEVEL_COLOURS[-1])


def dimension_chart(assessment, version) -> dict:
    """Geometry of the server-side SVG bar chart of the dimension scores (no script needed to draw it)."""
    dimensions = {d.code: d for d in version.dimensions.all()} if version else {}
    bands = _level_bands(version)
    bars = []
    for index, (code, score) in enumerate(assessment.dimension_scores.items()):
        dimension = dimensions.get(code)
        y = index * (CHART_BAR_HEIGHT + CHART_GAP)
        bars.append({
            "code": code, "label": dimension.name if dimension else code, "score": score,
            "y": y, "text_y": y + CHART_BAR_HEIGHT * 0.7, "width": round(CHART_BAR_WIDTH * score / 100, 1),
            "colour": _colour(score, bands),
        })
    height = len(bars) * (CHART_BAR_HEIGHT + CHART_GAP)
    return {"bars": bars, "height": height, "label_width": CHART_LABEL_WIDTH, "bar_width": CHART_BAR_WIDTH,
            "bar_height": CHART_BAR_HEIGHT, "width": CHART_LABEL_WIDTH + CHART_BAR_WIDTH + 50,
            "ticks": [{"x": CHART_LABEL_WIDTH + CHART_BAR_WIDTH * t / 100, "value": t} for t in sorted({0, 100, *(round(threshold) for threshold, _colour in bands)})]}


def deployment_rows(deployment: dict) -> list[dict]:
    """Required deployment against what the organizer planned in section 3, with the shortfall named."""
    planned = deployment.get("planned", {})
    rows = [
        ("security_staff", _("安保人员（最少）"), deployment["min_security_staff"]),
        ("fixed_posts", _("固定岗（每个出入口）"), deployment["fixed_posts"]),
        ("patrol_posts", _("巡逻岗（周界）"), deployment["patrol_posts"]),
        ("mobile_points", _("机动兵力配置点位"), deployment["mobile_points"]),
    ]
    return [{"code": code, "label": label, "required": required, "planned": planned.get(code),
             "missing": max(0, required - (planned.get(code) or 0))} for code, label, required in rows]


def _page(request, application, *, forecast_form=None, override_form=None, status=200):
    assessment = risk.latest_assessment(application)
    current = current_model_version()
    # The current version has its dimensions and levels loaded: reuse it when the assessment was made with it.
    version = current if assessment is None or assessment.model_version_id == current.pk else assessment.model_version
    levels = list(current.levels.all())
    can_review = application.user_may(request.user, access.REVIEW)
    initial_forecast = assessment.forecast if assessment else {}
    context = {
        # What of the risk the user reads (the company: the deployment only; the reasons: police only).
        "dossier": dossier_parts.dossier_for(request.user, application),
        "application": application, "event": application.event, "assessment": assessment,
        "chart": dimension_chart(assessment, version) if assessment else None,
        "stale": risk.assessment_staleness(application),
        "deployment_rows": deployment_rows(assessment.deployment) if assessment else [],
        "history": list(assessment_history(application.pk)[:30]),
        "can_review": can_review,
        "forecast_form": forecast_form or ForecastForm(initial=initial_forecast),
        "override_form": override_form or LevelOverrideForm(levels=levels),
    }
    return render(request, "approvals/risk.html", context, status=status)


@login_required
def risk_detail(request, pk):
    application = application_for_user(request.user, pk)
    dossier_parts.require(request.user, application, dossier_parts.RISK, dossier_parts.DEPLOYMENT)
    return _page(request, application)


def _reviewable(request, pk):
    application = application_for_user(request.user, pk)
    if not application.user_may(request.user, access.REVIEW):
        raise PermissionDenied(_("只有审批民警可以进行风险评估。"))
    return application


@login_required
@require_POST
def risk_assess(request, pk):
    """Assess again with the reviewer's forecast (empty fields: not entered)."""
    application = _reviewable(request, pk)
    form = ForecastForm(request.POST)
    if not form.is_valid():
        return _page(request, application, forecast_form=form, status=400)
    risk.assess_application(application=application, actor=request.user, forecast=form.cleaned_data)
    messages.success(request, _("已重新评估。"))
    return redirect("risk:detail", pk=application.pk)


@login_required
@require_POST
def risk_override(request, pk):
    application = _reviewable(request, pk)
    form = LevelOverrideForm(request.POST, levels=list(current_model_version().levels.all()))
    if not form.is_valid():
        return _page(request, application, override_form=form, status=400)
    try:
        risk.override_level(application=application, actor=request.user, level=form.cleaned_data["level"],
                            reason=form.cleaned_data["reason"])
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _page(request, application, override_form=form, status=400)
    messages.success(request, _("安保等级已调整。"))
    return redirect("risk:detail", pk=application.pk)
