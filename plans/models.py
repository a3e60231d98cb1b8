"""The approved security plan rendered as a PDF by Celery workers: one row per content version, every PDF kept."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def plan_upload_path(instance, filename):
    # Deterministic: a redelivered task overwrites its own half-written file instead of leaving orphans.
    return f"plans/{instance.application_id}/v{instance.number}.pdf"


class PlanVersion(models.Model):
    """One content version of one application's security plan and its PDF.

    `content_key` is the sha256 of everything the plan shows (plans.content.plan_content_key): the same content
    is rendered once; different content gets the next `number` and supersedes the older versions.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RENDERING = "rendering", _("生成中")
        READY = "ready", _("已生成")
        FAILED = "failed", _("生成失败")
        SUPERSEDED = "superseded", _("已被新版本取代")

    application = models.ForeignKey("approvals.Application", verbose_name=_("申请"), on_delete=models.PROTECT,
                                    related_name="plan_versions")
    number = models.PositiveIntegerField(_("版本"))
    content_key = models.CharField(_("内容指纹"), max_length=64)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.QUEUED,
                              db_index=True)
    error = models.TextField(_("错误信息"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    trigger = models.CharField(_("触发原因"), max_length=40, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("请求人"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("请求时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始生成"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    file = models.FileField(upload_to=plan_upload_path, max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("页数"), null=True, blank=True)

    class Meta:
        verbose_name = _("安全工作方案PDF")
        verbose_name_plural = _("安全工作方案PDF")
        ordering = ["application", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="plan_version_number_unique"),
            models.UniqueConstraint(fields=["application", "content_key"], name="plan_version_content_unique"),
        ]

    def __str__(self):
        return f"{self.application_id} v{self.number} {self.get_status_display()}"

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RENDERING)

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY and bool(self.file)

    @property
    def download_name(self) -> str:
        return f"安全工作方案-{self.application.reference}-v{self.number}.pdf"
