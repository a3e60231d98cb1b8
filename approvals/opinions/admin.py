from django.contrib import admin

from .models import ConditionTemplate, DecisionTemplate, OpinionRequest


@admin.register(ConditionTemplate)
class ConditionTemplateAdmin(admin.ModelAdmin):
    list_display = ("text", "event_kind", "security_level", "ordering", "active")
    list_filter = ("event_kind", "security_level", "active")


@admin.register(DecisionTemplate)
class DecisionTemplateAdmin(admin.ModelAdmin):
    list_display = ("kind", "block")


@admin.register(OpinionRequest)
class OpinionRequestAdmin(admin.ModelAdmin):
    """Read-only: requests, answers and overrides go through the services (audited)."""

    list_display = ("application", "department", "due_date", "verdict", "withdrawn_at", "overridden_at")
    list_filter = ("verdict",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
