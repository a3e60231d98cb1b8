"""Admin for the event day: thresholds and incident kinds (data), zones with gates, counter devices."""
from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext, gettext_lazy as _

from .models import (
    Alert, EventTally, Gate, GateDevice, HeadcountAlert, HeadcountThreshold, Incident, IncidentKind, OccupancyPolicy,
    SessionTally, SessionTickets, Zone,
)


@admin.register(OccupancyPolicy)
class OccupancyPolicyAdmin(admin.ModelAdmin):
    list_display = ("__str__", "is_current", "warning_percent", "stop_admission_percent", "rearm_margin_percent",
                    "default_safe_density", "live_margin_minutes")
    list_editable = ("is_current",)


@admin.register(HeadcountThreshold)
class HeadcountThresholdAdmin(admin.ModelAdmin):
    """The lines of the approved headcount (Art. 18) and their re-arm margin (hysteresis)."""

    list_display = ("percent", "rearm_margin_percent", "instruction_zh", "is_active")
    list_editable = ("rearm_margin_percent", "is_active")


@admin.register(HeadcountAlert)
class HeadcountAlertAdmin(admin.ModelAdmin):
    list_display = ("event", "session", "percent", "raised_at", "occupancy", "approved_headcount", "rearmed_at")
    list_filter = ("percent",)
    list_select_related = ("event", "session")
    readonly_fields = [f.name for f in HeadcountAlert._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(SessionTally)
class SessionTallyAdmin(admin.ModelAdmin):
    list_display = ("session", "entries", "exits", "peak_occupancy", "peak_at")
    list_select_related = ("session", "session__event")
    readonly_fields = ("session", "base_entries", "base_exits", "entries", "exits", "peak_occupancy", "peak_at")


@admin.register(SessionTickets)
class SessionTicketsAdmin(admin.ModelAdmin):
    list_display = ("session", "tickets_issued", "recorded_by", "recorded_at")
    list_select_related = ("session", "session__event", "recorded_by")
    raw_id_fields = ("session", "recorded_by")


@admin.register(IncidentKind)
class IncidentKindAdmin(admin.ModelAdmin):
    list_display = ("code", "name_zh", "name_en", "is_violation", "order", "is_active")
    list_editable = ("order", "is_active")


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ("name", "event", "kind", "usable_area_m2", "safe_density", "safe_capacity", "occupancy",
                    "alert_state", "exits_discarded")
    list_filter = ("kind",)
    list_select_related = ("event",)
    search_fields = ("name", "event__name")
    readonly_fields = ("entries", "exits", "alert_state", "exits_discarded")
    raw_id_fields = ("event",)


@admin.register(Gate)
class GateAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "event", "zone", "from_zone")
    list_select_related = ("event", "zone", "from_zone")
    raw_id_fields = ("event", "zone", "from_zone")
    search_fields = ("code", "name", "event__name")


@admin.action(description=_("签发新令牌（旧令牌立即失效）"))
def issue_new_token(modeladmin, request, queryset):
    for device in queryset:
        raw = device.set_new_token()
        device.save(update_fields=["token_hash", "token_prefix"])
        modeladmin.message_user(request, gettext("%(device)s 的新令牌（只显示一次）：%(token)s") % {
            "device": device.name, "token": raw}, messages.WARNING)


class GateDeviceForm(forms.ModelForm):
    class Meta:
        model = GateDevice
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        event, gates = cleaned.get("event"), cleaned.get("gates") or []
        if event is not None and any(gate.event_id != event.pk for gate in gates):
            self.add_error("gates", _("只能绑定本活动的闸口。"))
        return cleaned


@admin.register(GateDevice)
class GateDeviceAdmin(admin.ModelAdmin):
    form = GateDeviceForm
    list_display = ("name", "event", "token_prefix", "is_active", "last_seen_at")
    list_select_related = ("event",)
    raw_id_fields = ("event",)
    filter_horizontal = ("gates",)  # a device counts only for the gates bound here
    readonly_fields = ("token_prefix", "last_seen_at")
    actions = [issue_new_token]

    def save_model(self, request, obj, form, change):
        if not obj.token_hash:
            raw = obj.set_new_token()
            self.message_user(request, gettext("设备令牌（只显示一次）：%(token)s") % {"token": raw}, messages.WARNING)
        super().save_model(request, obj, form, change)


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("zone", "level", "raised_at", "occupancy", "safe_capacity", "acknowledged")
    list_filter = ("level", "acknowledged")
    list_select_related = ("zone", "zone__event")
    readonly_fields = ("zone", "level", "raised_at", "occupancy", "safe_capacity", "acknowledged_by",
                       "acknowledged_at")


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "event", "kind", "place", "recorded_by")
    list_filter = ("kind",)
    list_select_related = ("event", "kind", "recorded_by")
    raw_id_fields = ("event", "zone", "recorded_by")


@admin.register(EventTally)
class EventTallyAdmin(admin.ModelAdmin):
    list_display = ("event", "entries", "exits", "peak_occupancy", "peak_at")
    list_select_related = ("event",)
    readonly_fields = ("event", "entries", "exits", "peak_occupancy", "peak_at")
