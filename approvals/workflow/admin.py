"""Admin of the workflow's records: read-only."""
from django.contrib import admin

from .models import ChangeRequest, DecisionNumberSequence, DeferredCommitment, Permit, Refusal, Suspension


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
    list_display = ("number", "authority", "application", "kind", "issued_at", "signed_by", "amended_at",
                    "revoked_at")
    list_select_related = ("application", "signed_by", "authority")
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


@admin.register(Refusal)
class RefusalAdmin(ReadOnlyAdmin):
    list_display = ("number", "authority", "application", "decided_at")
    list_select_related = ("application", "authority")
    search_fields = ("number", "application__reference")


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ReadOnlyAdmin):
    list_display = ("application", "status", "deciding_authority", "filed_at", "decided_at")
    list_select_related = ("application", "deciding_authority")
    list_filter = ("status",)


@admin.register(DecisionNumberSequence)
class DecisionNumberSequenceAdmin(ReadOnlyAdmin):
    list_display = ("authority", "year", "kind", "last")
    list_select_related = ("authority",)
