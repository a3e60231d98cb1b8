"""Blackout windows: spans of major state events (重大国事活动) in which large public events are not approved."""
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from events.validators import validate_single_line


class BlackoutWindow(models.Model):
    name = models.CharField(_("名称"), max_length=120, validators=[validate_single_line])
    start_at = models.DateTimeField(_("开始时间"))
    end_at = models.DateTimeField(_("结束时间"))
    authority = models.ForeignKey("events.Authority", verbose_name=_("适用机关"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="blackout_windows",
                                  help_text=_("留空表示适用于所有机关"))
    refusal_ground = models.TextField(_("不予许可理由"), max_length=2000, blank=True)

    class Meta:
        app_label = "approvals"
        verbose_name = _("禁办时段")
        verbose_name_plural = _("禁办时段")
        ordering = ["start_at", "id"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.start_at and self.end_at and self.end_at <= self.start_at:
            raise ValidationError({"end_at": _("结束时间必须晚于开始时间。")})
