from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    AccountabilityRecord, Authority, Event, Organisation, Performer, Song, TrainingDrill, Venue, VenueExit,
)


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "level", "parent", "abbreviation")
    list_filter = ("kind", "level")
    fieldsets = ((None, {"fields": ("name", "kind", "level", "parent")}),
                 (_("决定书文号与印章"), {"fields": ("abbreviation", "permit_number_format", "refusal_number_format",
                                             "seal")}))


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "credit_code", "contact_person")
    list_filter = ("kind",)
    search_fields = ("name", "credit_code")


class VenueExitInline(admin.TabularInline):
    model = VenueExit
    extra = 1


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ("name", "district", "usable_area_m2", "setting")
    list_select_related = ("district",)
    inlines = [VenueExitInline]


class PerformerInline(admin.TabularInline):
    model = Performer
    extra = 0
    fields = ("name", "genre", "genre_intensity", "audience_interaction", "order", "vetting_status")


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "venue", "start_at", "expected_attendance")
    list_select_related = ("venue",)
    inlines = [PerformerInline]


@admin.register(Song)
class SongAdmin(admin.ModelAdmin):
    list_display = ("title", "performer", "vetting_status")


@admin.register(TrainingDrill)
class TrainingDrillAdmin(admin.ModelAdmin):
    list_display = ("company", "held_on", "scenario", "guards_trained")


@admin.register(AccountabilityRecord)
class AccountabilityRecordAdmin(admin.ModelAdmin):
    list_display = ("company", "decided_on", "severity")
