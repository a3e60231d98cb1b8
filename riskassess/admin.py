"""Admin: administrators edit weights, thresholds and crowd figures. A version already used by an assessment is
frozen; clone it into a new version (action), edit that, and make it current."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from config.versioned_admin import FrozenVersionMixin as BaseFrozenVersionMixin, VersionActionsMixin

from .models import (
    Assessment, LevelOverride, RiskDimension, RiskFactor, RiskLevel, RiskModelVersion, StaleAssessment, WeatherRule,
)


def version_is_frozen(version) -> bool:
    return version is not None and version.pk is not None and version.assessments.exists()


class FrozenVersionMixin(BaseFrozenVersionMixin):
    version_model = RiskModelVersion
    is_frozen = staticmethod(version_is_frozen)


class FrozenInlineMixin:
    def has_change_permission(self, request, obj=None):
        return not version_is_frozen(obj) and super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return not version_is_frozen(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not version_is_frozen(obj) and super().has_delete_permission(request, obj)


class RiskDimensionInline(FrozenInlineMixin, admin.TabularInline):
    model = RiskDimension
    extra = 0


class RiskLevelInline(FrozenInlineMixin, admin.TabularInline):
    model = RiskLevel
    extra = 0


class WeatherRuleInline(FrozenInlineMixin, admin.StackedInline):
    model = WeatherRule
    extra = 0
    fields = (("code", "enabled"), ("name_zh", "name_en"), ("reading", "threshold", "above"),
              ("event_kinds", "outdoor_only", "waived_by"), "measures_zh", "measures_en")


class RiskFactorInline(FrozenInlineMixin, admin.TabularInline):
    model = RiskFactor
    extra = 0
    fields = ("dimension", "code", "order", "name_zh", "name_en", "weight", "enabled")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "dimension":
            version_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            kwargs["queryset"] = RiskDimension.objects.filter(version_id=version_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(RiskModelVersion)
class RiskModelVersionAdmin(FrozenVersionMixin, VersionActionsMixin, admin.ModelAdmin):
    list_display = ("number", "label", "is_current", "created_at", "planning_density", "egress_limit_high")
    inlines = [RiskDimensionInline, RiskFactorInline, RiskLevelInline, WeatherRuleInline]
    fieldsets = (
        (None, {"fields": ("number", "label", "is_current")}),
        (_("人群密度"), {"fields": ("planning_density", "unstable_density", "terrace_max_density",
                                 "dangerous_density_moving", "dangerous_density_standing")}),
        (_("疏散"), {"fields": ("flow_level", "flow_steps", "flow_level_alcohol", "flow_steps_alcohol",
                              "egress_limit_low", "egress_limit_medium", "egress_limit_high")}),
        (_("交通与部署"), {"fields": ("car_share", "persons_per_car", "patrol_spacing_m", "min_mobile_points",
                                  "attendees_per_mobile_point")}),
        (_("线路型场所（赛道）"), {"fields": ("running_density", "spectator_depth_m")}),
        (_("票务与活动类型"), {"fields": ("ticketing_rules_attendance", "min_public_sale_percent", "kind_severity")}),
    )

    @staticmethod
    def clone_version(version):
        return model_version_clone(version)


def model_version_clone(version: RiskModelVersion) -> RiskModelVersion:
    """Copy a version with its dimensions, factors and levels; not current until an administrator says so."""
    number = (RiskModelVersion.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    dimensions = list(version.dimensions.all())
    factors = list(version.factors.select_related("dimension"))
    levels = list(version.levels.all())
    rules = list(version.weather_rules.all())
    version.pk, version.number, version.is_current = None, number, False
    version.label = f"{version.label} (copy)"
    version.save()
    new_dimensions = {}
    for dimension in dimensions:
        old_pk = dimension.pk
        dimension.pk, dimension.version = None, version
        dimension.save()
        new_dimensions[old_pk] = dimension
    for factor in factors:
        factor.pk, factor.version, factor.dimension = None, version, new_dimensions[factor.dimension_id]
        factor.save()
    for row in (*levels, *rules):
        row.pk, row.version = None, version
        row.save()
    return version


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    """Read-only: assessments are history."""

    list_display = ("created_at", "application", "total", "computed_level", "level", "trigger", "model_version")
    list_filter = ("level", "model_version")
    list_select_related = ("application", "model_version")


@admin.register(LevelOverride)
class LevelOverrideAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "application", "level", "actor", "reason")
    list_select_related = ("application", "actor")


@admin.register(StaleAssessment)
class StaleAssessmentAdmin(ReadOnlyAdmin):
    """Applications waiting for (or failing) their re-assessment after a change: the outbox relay retries."""

    list_display = ("application", "trigger", "requested_at", "attempts", "failed_at", "error")
    list_select_related = ("application",)
