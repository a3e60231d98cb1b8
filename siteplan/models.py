"""A site plan: the venue's drawing in venue metres (GeoJSON in a simple plane, x east and y north from the
background's lower-left corner), its background and scale, and the figures computed from it."""
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class SitePlan(models.Model):
    class Background(models.TextChoices):
        GRID = "grid", _("空白网格")
        IMAGE = "image", _("图片")
        PDF = "pdf", _("PDF（第一页）")

    venue = models.ForeignKey("events.Venue", verbose_name=_("场所"), null=True, blank=True,
                              on_delete=models.CASCADE, related_name="site_plans")
    application = models.OneToOneField("approvals.Application", verbose_name=_("申请"), null=True, blank=True,
                                       on_delete=models.CASCADE, related_name="site_plan")
    copied_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    background_kind = models.CharField(_("底图"), max_length=10, choices=Background.choices,
                                       default=Background.GRID)
    # The background as an image (a PDF's first page is rendered to PNG on upload).
    background = models.FileField(_("底图文件"), upload_to="siteplans/%Y/", blank=True)
    background_width_px = models.PositiveIntegerField(null=True, blank=True)
    background_height_px = models.PositiveIntegerField(null=True, blank=True)
    # How the scale was set: {"a": [x, y], "b": [x, y] in background pixels (y down, as image editors count),
    # "distance_m": …, "metres_per_px": …}; empty when the extent was typed.
    scale = models.JSONField(_("比例尺"), default=dict, blank=True)
    # The drawing's extent in metres (from the scale for an image, typed for a grid).
    width_m = models.FloatField(_("宽度（米）"), default=200, validators=[MinValueValidator(1)])
    height_m = models.FloatField(_("高度（米）"), default=150, validators=[MinValueValidator(1)])
    features = models.JSONField(_("图层"), default=dict, blank=True)
    figures = models.JSONField(_("计算结果"), default=dict, blank=True)
    revision = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("场地平面图")
        verbose_name_plural = _("场地平面图")
        ordering = ["-updated_at"]
        constraints = [models.CheckConstraint(
            condition=models.Q(venue__isnull=False) | models.Q(application__isnull=False),
            name="siteplan_belongs_to_venue_or_application")]

    def __str__(self):
        owner = self.application or self.venue
        return f"{owner} · {self.get_background_kind_display()}"
