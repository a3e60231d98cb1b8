from django.contrib import admin

from .models import BlackoutWindow


@admin.register(BlackoutWindow)
class BlackoutWindowAdmin(admin.ModelAdmin):
    list_display = ("name", "start_at", "end_at", "authority")
    list_select_related = ("authority",)
    search_fields = ("name",)
