"""Admin of the clocks: the holiday calendar and each bureau's clock policy are edited here; extensions and
overdue notices are records of the workflow (read-only)."""
from django.contrib import admin

from ..workflow.admin import ReadOnlyAdmin
from .models import CalendarDay, ClockExtension, ClockPolicy, OverdueNotice


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "name", "kind", "provisional", "source")
    list_filter = ("kind", "provisional", "name")
    date_hierarchy = "date"
    search_fields = ("name", "source")


@admin.register(ClockPolicy)
class ClockPolicyAdmin(admin.ModelAdmin):
    list_display = ("authority", "acceptance_days", "decision_days", "decision_days_are_working_days",
                    "promised_decision_days", "extension_days")
    list_select_related = ("authority",)


@admin.register(ClockExtension)
class ClockExtensionAdmin(ReadOnlyAdmin):
    list_display = ("application", "days", "requested_by", "requested_at", "approved_by", "approved_at")
    list_select_related = ("application", "requested_by", "approved_by")


@admin.register(OverdueNotice)
class OverdueNoticeAdmin(ReadOnlyAdmin):
    list_display = ("application", "kind", "due", "sent_at")
    list_select_related = ("application",)
    list_filter = ("kind",)
