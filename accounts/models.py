"""Users: each belongs to an organisation (organizers, security companies) or an authority (police, culture)."""
from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import roles


class User(AbstractUser):
    full_name = models.CharField(_("姓名"), max_length=100, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    organisation = models.ForeignKey(
        "events.Organisation", verbose_name=_("所属单位"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="members",
    )
    authority = models.ForeignKey(
        "events.Authority", verbose_name=_("所属机关"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="members",
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.full_name or self.username

    def save(self, *args, **kwargs):
        # set_password() leaves the new raw password in _password until the save: the password changed.
        password_changed = self._password is not None and not self._state.adding
        super().save(*args, **kwargs)
        self.sync_membership_groups()
        if password_changed:
            self.revoke_api_tokens()

    def revoke_api_tokens(self) -> int:
        """Every API token of the user stops working (on a password change, and by `POST /api/auth/logout-all/`)."""
        from knox.models import AuthToken

        deleted, _by_model = AuthToken.objects.filter(user=self).delete()
        return deleted

    def sync_membership_groups(self) -> None:
        """Object permissions are granted to organisation/authority groups: keep the user in exactly its own."""
        from django.contrib.auth.models import Group

        wanted = {owner.group_id for owner in (self.organisation, self.authority) if owner is not None}
        current = set(self.groups.filter(name__regex=r"^(organisation|authority):").values_list("pk", flat=True))
        if wanted - current:
            self.groups.add(*Group.objects.filter(pk__in=wanted - current))
        if current - wanted:
            self.groups.remove(*Group.objects.filter(pk__in=current - wanted))

    @cached_property
    def role_names(self) -> frozenset[str]:
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, *names: str) -> bool:
        return self.is_active and bool(self.role_names.intersection(names))

    @property
    def is_organizer(self) -> bool:
        return self.has_role(roles.ORGANIZER)

    @property
    def is_police(self) -> bool:
        return self.has_role(*roles.POLICE_ROLES)

    @property
    def is_supervisor(self) -> bool:
        return self.has_role(roles.SUPERVISOR)

    @property
    def is_culture_official(self) -> bool:
        return self.has_role(roles.CULTURE_OFFICIAL)

    @property
    def is_department_official(self) -> bool:
        return self.has_role(roles.DEPARTMENT_OFFICIAL)
