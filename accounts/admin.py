from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("anbao"), {"fields": ("full_name", "phone", "organisation", "authority")}),
    )
    list_display = ("username", "full_name", "organisation", "authority", "is_staff", "is_active")
    list_filter = BaseUserAdmin.list_filter + ("groups", "authority")
    list_select_related = ("organisation", "authority")
