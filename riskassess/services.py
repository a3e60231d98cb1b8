"""Writes of riskassess: store assessments (append-only) and reviewers' level overrides.

Results are stored as JSON in the default language, with each message and its parameters kept beside the text
so a page can show it in the reader's language (riskassess.templatetags.risk).
"""
import math
from dataclasses import asdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext, gettext as _

from .facts import ForecastFacts, ModelParameters
from .models import Assessment, LevelOverride, RiskModelVersion
from .scoring import AssessmentResult, Text, density_words


# The crowd figures only a route has (riskassess.scoring.CrowdFigures), stored only for a route.
ROUTE_FIGURES = frozenset({"layout", "course_length_m", "course_width_m", "running_density", "course_capacity",
                           "spectators_along", "start_area_m2", "start_capacity", "finish_area_m2", "finish_capacity"})


def _i18n(value: Text) -> list:
    return [value.message, value.params]


def memoised_gettext():
    """gettext for the active language, remembered per message: a batch renders the same few messages
    thousands of times."""
    cache: dict[str, str] = {}

    def translate(message: str) -> str:
        text = cache.get(message)
        if text is None:
            text = cache[message] = gettext(message)
        return text

    return translate


def _number(value):
    """JSON has no infinity (PostgreSQL's jsonb refuses it): an impossible figure is stored as null."""
    if isinstance(value, float):
        if math.isinf(value) or math.isnan(value):
            return None
        return round(value, 2)
    return value


def result_as_json(result: AssessmentResult, params: ModelParameters, translate=None) -> dict:
    """The stored form of a result: plain dicts and lists, texts rendered in the default language.
    `translate`: a memoised_gettext() made under that language, shared by a batch."""
    dimensions = {d.code: d for d in params.dimensions}
    levels = {lv.code: lv for lv in params.levels}
    with translation.override(settings.LANGUAGE_CODE):
        translate = translate or memoised_gettext()

        def _text(value: Text) -> str:
            return value.render(translate)

        factors = [{
            "dimension": f.dimension, "dimension_label": dimensions[f.dimension].label_zh,
            "dimension_label_en": dimensions[f.dimension].label_en,
            "code": f.code, "label": f.label_zh, "label_en": f.label_en,
            "value": _text(f.value), "severity": round(f.severity, 3), "weight": f.weight,
            "contribution": round(f.contribution, 2), "explanation": _text(f.explanation),
            "value_i18n": _i18n(f.value), "explanation_i18n": _i18n(f.explanation),
        } for f in result.factors]
        crowd = {key: _number(value) for key, value in asdict(result.crowd).items()
                 if result.crowd.is_route or key not in ROUTE_FIGURES}  # an area has no course figures
        if result.crowd.is_route:
            crowd.update(is_route=True, finish_over_capacity=result.crowd.finish_over_capacity)
        crowd.update(over_capacity=result.crowd.over_capacity, egress_over_limit=result.crowd.egress_over_limit,
                     parking_short=result.crowd.parking_short,
                     density_band_label=translate(density_words(result.crowd.density_band)),
                     density_band_label_i18n=[density_words(result.crowd.density_band), {}])
        d = result.deployment
        level, computed = levels[result.level], levels[result.computed_level]
        deployment = {
            "level": d.level, "level_name_zh": level.name_zh, "level_name_en": level.name_en,
            "computed_level_name_zh": computed.name_zh, "computed_level_name_en": computed.name_en,
            "command_posts": d.command_posts,
            "control_groups": [{"code": g.code, "name": _text(g.name), "zone": _text(g.zone), "area_m2": g.area_m2,
                                "name_i18n": _i18n(g.name), "zone_i18n": _i18n(g.zone)}
                               for g in d.control_groups],
            "mobile_points": d.mobile_points, "fixed_posts": d.fixed_posts, "patrol_posts": d.patrol_posts,
            "min_security_staff": d.min_security_staff, "attendees_per_guard": d.attendees_per_guard,
            "planned": {"security_staff": d.planned_security_staff, "fixed_posts": d.planned_fixed_posts,
                        "patrol_posts": d.planned_patrol_posts, "mobile_points": d.planned_mobile_points},
            "shortfalls": [{"code": s.code, "label": _text(s.label), "label_i18n": _i18n(s.label),
                            "required": s.required, "planned": s.planned, "missing": s.missing}
                           for s in d.shortfalls],
        }
        flags = [{"code": f.code, "reason": _text(f.reason), "reason_i18n": _i18n(f.reason)}
                 for f in result.fuse_flags]
    return {
        "total": result.total, "computed_level": result.computed_level, "level": result.level,
        "dimension_scores": dict(result.dimension_scores), "factors": factors, "crowd": crowd,
        "deployment": deployment, "fuse_flags": flags,
    }


def forecast_as_json(forecast: ForecastFacts) -> dict:
    return {key: value for key, value in asdict(forecast).items() if value is not None}


def forecast_from_json(data: dict | None) -> ForecastFacts:
    data = data or {}
    return ForecastFacts(**{key: float(data[key]) for key in ForecastFacts.__dataclass_fields__
                            if data.get(key) is not None})


def forecast_clean(raw: dict | None) -> ForecastFacts:
    """A reviewer's forecast input, checked field by field; empty fields mean "not entered"."""
    bounds = {"max_temperature_c": (-50, 60, _("最高气温须在 -50 至 60℃ 之间。")),
              "precipitation_mm": (0, 1000, _("降水量须在 0 至 1000 毫米之间。")),
              "wind_speed_ms": (0, 100, _("风速须在 0 至 100 米/秒之间。"))}
    values, errors = {}, {}
    for key, (low, high, message) in bounds.items():
        value = (raw or {}).get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            errors[key] = _("须为数字。")
            continue
        if not (low <= number <= high):
            errors[key] = message
            continue
        values[key] = number
    if errors:
        raise ValidationError(errors)
    return ForecastFacts(**values)


def assessment_build(*, application_id: int, version: RiskModelVersion, stored: dict, forecast: ForecastFacts,
                     actor=None, trigger: str = "", override: LevelOverride | None = None) -> Assessment:
    """An unsaved Assessment (the caller saves one or bulk-creates many)."""
    return Assessment(
        application_id=application_id, model_version=version, actor=actor, trigger=trigger[:30],
        total=stored["total"], computed_level=stored["computed_level"], level=stored["level"],
        override=override if override is not None and override.level else None,
        dimension_scores=stored["dimension_scores"], factors=stored["factors"], crowd=stored["crowd"],
        deployment=stored["deployment"], fuse_flags=stored["fuse_flags"], forecast=forecast_as_json(forecast),
    )


def assessment_is_unchanged(previous: Assessment | None, assessment: Assessment) -> bool:
    """Nothing the reviewer would see differs from the newest stored assessment: no new history row needed."""
    if previous is None:
        return False
    fields = ("total", "computed_level", "level", "dimension_scores", "factors", "crowd", "deployment", "fuse_flags",
              "forecast", "override_id", "model_version_id")
    return all(getattr(previous, f) == getattr(assessment, f) for f in fields)


@transaction.atomic
def level_override_create(*, application_id: int, actor, level: str, reason: str,
                          version: RiskModelVersion) -> LevelOverride:
    """Record a reviewer's level; `level` empty clears the override. The reason is required either way."""
    codes = set(version.levels.values_list("code", flat=True))
    errors = {}
    if level and level not in codes:
        errors["level"] = _("没有这个安保等级。")
    if not (reason or "").strip():
        errors["reason"] = _("调整安保等级须写明理由。")
    if errors:
        raise ValidationError(errors)
    override = LevelOverride(application_id=application_id, actor=actor, level=level or "", reason=reason.strip())
    override.full_clean()
    override.save()
    return override
