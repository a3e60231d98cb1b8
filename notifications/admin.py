"""Admin of notifications (read-only: they are a record of what people were told)."""
from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "verb", "priority", "application", "read_at", "emailed_at")
    list_filter = ("priority", "verb")
    search_fields = ("message", "user__username")
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
