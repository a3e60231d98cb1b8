"""Admin pieces shared by the versioned lists (the approvals catalogue, the risk model): a version already used
is read-only, and administrators copy it into a new version and make that one current."""
from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _


class FrozenVersionMixin:
    """Rows of a version already in use are read-only. Set `version_model` and `is_frozen(version)`."""

    version_model = None

    @staticmethod
    def is_frozen(version) -> bool:
        raise NotImplementedError

    def _version_of(self, obj):
        return obj if isinstance(obj, self.version_model) else getattr(obj, "version", None)

    def has_change_permission(self, request, obj=None):
        if obj is not None and self.is_frozen(self._version_of(obj)):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and self.is_frozen(self._version_of(obj)):
            return False
        return super().has_delete_permission(request, obj)


class VersionActionsMixin:
    """"Copy as a new version" and "make current" on the versions' own admin. Set `clone_version(version)`."""

    actions = ["clone_as_new_version", "make_current"]

    @staticmethod
    def clone_version(version):
        raise NotImplementedError

    @admin.action(description=_("复制为新版本"))
    @transaction.atomic
    def clone_as_new_version(self, request, queryset):
        for version in queryset:
            clone = self.clone_version(version)
            self.message_user(request, _("已创建版本 %(n)s。") % {"n": clone.number}, messages.SUCCESS)

    @admin.action(description=_("设为当前版本"))
    @transaction.atomic
    def make_current(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("请只选择一个版本。"), messages.ERROR)
            return
        self.model.objects.update(is_current=False)
        queryset.update(is_current=True)
