"""Admin of plan versions: read-only history (PDFs are produced by the workers, never edited by hand)."""
from django.contrib import admin

from .models import PlanVersion


@admin.register(PlanVersion)
class PlanVersionAdmin(admin.ModelAdmin):
    list_display = ("application", "number", "status", "pages", "size", "requested_at", "finished_at")
    list_filter = ("status",)
    search_fields = ("application__reference", "application__event__name", "sha256")
    list_select_related = ("application", "application__event")
    readonly_fields = [f.name for f in PlanVersion._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
