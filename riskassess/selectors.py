"""Reads of the risk model and of stored assessments (permission checks happen in approvals before these)."""
from dataclasses import dataclass

from django.db.models import Max, Prefetch, QuerySet

from .models import Assessment, LevelOverride, RiskFactor, RiskLevel, RiskModelVersion


def current_model_version() -> RiskModelVersion:
    """The current model version with its dimensions, factors, levels and weather rules loaded (five queries)."""
    return RiskModelVersion.objects.prefetch_related(
        "dimensions", "levels", "weather_rules", Prefetch("factors", queryset=RiskFactor.objects.select_related("dimension")),
    ).get(is_current=True)


def planning_density() -> float:
    """The safe (planning) density of the current model, persons per m²: the one source for safe capacities."""
    return RiskModelVersion.objects.filter(is_current=True).values_list("planning_density", flat=True).get()


def level_order() -> list[str]:
    """The level codes of the current model, most severe first: the order is data (each level's threshold on
    the total), so comparing two levels reads the rows rather than a list written in code."""
    return list(RiskLevel.objects.filter(version__is_current=True).order_by("-min_total", "id")
                .values_list("code", flat=True))


@dataclass(frozen=True)
class LevelRule:
    """What follows from a level of the current model (RiskLevel rows: data, edited in the admin)."""

    code: str
    name: str
    requires_sign_off: bool
    allows_provisional: bool


def level_rules() -> list[LevelRule]:
    """The levels of the current model with their rules, most severe first (one query)."""
    return [LevelRule(level.code, level.name, level.requires_sign_off, level.allows_provisional)
            for level in RiskLevel.objects.filter(version__is_current=True).order_by("-min_total", "id")]


def _newest_ids(model, application_ids):
    """Ids of the newest row per application. Rows are append-only, so the newest has the highest id."""
    return (model.objects.filter(application_id__in=list(application_ids)).order_by()
            .values("application_id").annotate(newest=Max("id")).values("newest"))


def latest_assessments(application_ids, *, only_forecast: bool = False) -> dict[int, Assessment]:
    """The newest assessment of each application, in one query (`only_forecast`: skip the big JSON columns)."""
    rows = Assessment.objects.filter(pk__in=_newest_ids(Assessment, application_ids))
    rows = rows.only("id", "application_id", "forecast") if only_forecast else rows.select_related("model_version")
    return {row.application_id: row for row in rows}


def latest_overrides(application_ids) -> dict[int, LevelOverride]:
    """The newest level override of each application (an empty level means cleared), in one query."""
    return {row.application_id: row
            for row in LevelOverride.objects.filter(pk__in=_newest_ids(LevelOverride, application_ids))}


def assessment_history(application_id: int) -> QuerySet:
    return (Assessment.objects.filter(application_id=application_id)
            .select_related("model_version", "actor", "override", "override__actor").order_by("-created_at", "-id"))
