"""Admin of applications (edits that matter to the review are audited) and the read-only audit log."""
from django.contrib import admin
from django.utils.translation import gettext as _
from guardian.admin import GuardedModelAdmin

from .models import Application, AuditEntry


@admin.register(Application)
class ApplicationAdmin(GuardedModelAdmin):
    list_display = ("reference", "event", "organisation", "state", "submitted_at", "security_level")
    list_filter = ("state", "needs_city_decision", "is_late")
    list_select_related = ("event", "organisation")
    search_fields = ("reference", "event__name", "organisation__name")
    readonly_fields = ("state", "reference", "revision")
    # Edits here bypass the services: the ones that matter to the review are written to the audit log.
    AUDITED_FIELDS = ("security_level", "district", "assigned_reviewer", "culture_official")

    def save_model(self, request, obj, form, change):
        changed = [name for name in self.AUDITED_FIELDS if change and name in form.changed_data]
        previous = {name: form.initial.get(name) for name in changed}
        super().save_model(request, obj, form, change)
        if changed:
            from ..audit import Event, audit_record

            def value(name, raw):
                return getattr(raw, "pk", raw)

            audit_record(obj, actor=request.user, event=Event.ADMIN_CHANGE,
                         reason=_("管理后台修改：%(fields)s") % {"fields": "、".join(
                             str(obj._meta.get_field(name).verbose_name) for name in changed)},
                         snapshot={"changed": {name: {"from": value(name, previous[name]),
                                                      "to": value(name, getattr(obj, f"{name}_id", None)
                                                                  if obj._meta.get_field(name).is_relation
                                                                  else getattr(obj, name))}
                                               for name in changed}})
            if {"district", "culture_official"} & set(changed):
                from ..access import application_sync_access

                application_sync_access(obj, actor=request.user)  # the grants follow who it concerns


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log is never edited."""

    list_display = ("created_at", "application", "actor", "action", "from_state", "to_state")
    list_filter = ("action",)
    list_select_related = ("application", "actor")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
