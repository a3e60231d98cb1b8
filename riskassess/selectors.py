"""Reads of the risk model and of stored assessments (permission checks happen in approvals before these)."""
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from .models import Assessment, LevelOverride, RiskFactor, RiskModelVersion


def current_model_version() -> RiskModelVersion:
    """The current model version with its dimensions, factors and levels loaded (four queries)."""
    return RiskModelVersion.objects.prefetch_related(
        "dimensions", "levels", Prefetch("factors", queryset=RiskFactor.objects.select_related("dimension")),
    ).get(is_current=True)


def latest_assessments(application_ids) -> dict[int, Assessment]:
    """The newest assessment of each application, in one query."""
    newest = Assessment.objects.filter(application_id=OuterRef("application_id")).order_by("-created_at", "-id")
    rows = Assessment.objects.filter(application_id__in=list(application_ids),
                                     pk=Subquery(newest.values("pk")[:1])).select_related("model_version")
    return {row.application_id: row for row in rows}


def latest_overrides(application_ids) -> dict[int, LevelOverride]:
    """The newest level override of each application (an empty level means cleared), in one query."""
    newest = LevelOverride.objects.filter(application_id=OuterRef("application_id")).order_by("-created_at", "-id")
    rows = LevelOverride.objects.filter(application_id__in=list(application_ids),
                                        pk=Subquery(newest.values("pk")[:1]))
    return {row.application_id: row for row in rows}


def assessment_history(application_id: int) -> QuerySet:
    return (Assessment.objects.filter(application_id=application_id)
            .select_related("model_version", "actor", "override", "override__actor").order_by("-created_at", "-id"))
