"""Admin: the catalogue is edited here. A version used by a submitted application is frozen; administrators
clone it into a new version (action) and make that current."""
from django.contrib import admin
from django.utils.translation import gettext as _
from guardian.admin import GuardedModelAdmin

from config.versioned_admin import FrozenVersionMixin as BaseFrozenVersionMixin, VersionActionsMixin

from .models import (
    Application, AuditEntry, CatalogueVersion, DeferredCommitment, DocumentType, Party, Permit, PlanSection,
    ResponsibilityItem, Suspension,
)


def version_is_frozen(version) -> bool:
    return version is not None and version.applications.exclude(state="draft").exists()


class FrozenVersionMixin(BaseFrozenVersionMixin):
    version_model = CatalogueVersion
    is_frozen = staticmethod(version_is_frozen)


class DocumentTypeInline(admin.TabularInline):
    model = DocumentType
    extra = 0


class PlanSectionInline(admin.StackedInline):
    model = PlanSection
    extra = 0


@admin.register(CatalogueVersion)
class CatalogueVersionAdmin(FrozenVersionMixin, VersionActionsMixin, admin.ModelAdmin):
    list_display = ("number", "label", "is_current", "created_at", "permit_threshold", "city_level_threshold")
    inlines = [DocumentTypeInline, PlanSectionInline]

    @staticmethod
    def clone_version(version):
        return catalogue_clone(version)


def catalogue_clone(version: CatalogueVersion) -> CatalogueVersion:
    """Copy a version with all its lists; the copy is not current until an administrator makes it so."""
    number = (CatalogueVersion.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    documents = list(version.document_types.all())
    sections = list(version.plan_sections.all())
    parties = list(version.parties.prefetch_related("items"))
    version.pk, version.number, version.is_current = None, number, False
    version.label = f"{version.label} (copy)"
    version.save()
    for row in documents + sections:
        row.pk, row.version = None, version
        row.save()
    for party in parties:
        items = list(party.items.all())
        party.pk, party.version = None, version
        party.save()
        for item in items:
            item.pk, item.party = None, party
            item.save()
    return version


@admin.register(DocumentType)
class DocumentTypeAdmin(FrozenVersionMixin, admin.ModelAdmin):
    list_display = ("number", "name_zh", "name_en", "required_when", "deferrable", "version")
    list_filter = ("version",)


@admin.register(PlanSection)
class PlanSectionAdmin(FrozenVersionMixin, admin.ModelAdmin):
    list_display = ("number", "title_zh", "title_en", "required_by_regulation", "version")
    list_filter = ("version",)


class ResponsibilityItemInline(admin.TabularInline):
    model = ResponsibilityItem
    extra = 0


@admin.register(Party)
class PartyAdmin(FrozenVersionMixin, admin.ModelAdmin):
    list_display = ("number", "name_zh", "name_en", "named_by_organizer", "version")
    list_filter = ("version",)
    inlines = [ResponsibilityItemInline]


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
            from .audit import Event, audit_record

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
                from .access import application_sync_access

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
