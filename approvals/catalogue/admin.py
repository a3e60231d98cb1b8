"""Admin: the catalogue is edited here. A version used by a submitted application is frozen; administrators
clone it into a new version (action) and make that current."""
from django.contrib import admin

from config.versioned_admin import FrozenVersionMixin as BaseFrozenVersionMixin, VersionActionsMixin

from .models import CatalogueVersion, DocumentType, Party, PlanSection, ResponsibilityItem


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
