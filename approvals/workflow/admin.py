"""Admin of the workflow's records: read-only."""
from django.contrib import admin

from .models import DeferredCommitment, Permit, Suspension


class ReadOnlyAdmin(admin.ModelAdmin):
    """Workflow records are written by the workflow services only; the admin shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Permit)
class PermitAdmin(ReadOnlyAdmin):
    list_display = ("number", "application", "kind", "issued_at", "signed_by", "revoked_at")
    list_select_related = ("application", "signed_by")
    search_fields = ("number", "application__reference")


@admin.register(Suspension)
class SuspensionAdmin(ReadOnlyAdmin):
    list_display = ("application", "cause", "automatic", "suspended_at", "resumed_at")
    list_select_related = ("application",)
    list_filter = ("cause", "automatic")


@admin.register(DeferredCommitment)
class DeferredCommitmentAdmin(ReadOnlyAdmin):
    list_display = ("application", "due_date", "signed_at", "reminder_sent_at", "missed_at")
    list_select_related = ("application",)
