"""The statutory clocks as data: the holiday calendar, each bureau's clock policy, extensions of a clock and the
overdue notices already sent."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """One day that is not as the weekday says: a day off (法定节假日 or a bridging rest day of the State
    Council's notice) or a weekend that is a working day (调休上班). Every other day: Mon–Fri work."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("放假")
        WORKING_WEEKEND = "working_weekend", _("调休上班")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("节日"), max_length=40)
    # Entered from the statutory holidays only (全国年节及纪念日放假办法) until the year's notice is published.
    provisional = models.BooleanField(_("暂定（待国务院办公厅通知）"), default=False)
    source = models.CharField(_("依据"), max_length=200)

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name} {self.get_kind_display()}"

    def clean(self):
        if self.date and self.kind == self.Kind.WORKING_WEEKEND and self.date.weekday() < 5:
            raise ValidationError({"kind": _("调休上班日须为周六或周日。")})


class ClockPolicy(models.Model):
    """A bureau's clocks. A bureau without its own row uses its parent's (the city's), else these defaults."""

    authority = models.OneToOneField("events.Authority", verbose_name=_("公安机关"), on_delete=models.CASCADE,
                                     related_name="clock_policy")
    # 行政许可法 Art. 32: accept, or tell at once and in full what is missing (一次性告知), within 5 days.
    acceptance_days = models.PositiveSmallIntegerField(_("受理时限（工作日）"), default=5)
    # Order 505 Art. 14: decide within 7 days of acceptance.
    decision_days = models.PositiveSmallIntegerField(_("决定时限（天）"), default=7)
    decision_days_are_working_days = models.BooleanField(_("决定时限按工作日计算"), default=True)
    promised_decision_days = models.PositiveSmallIntegerField(
        _("承诺办结时限（天）"), null=True, blank=True, help_text=_("本机关承诺的更短决定时限；为空则按法定时限。"))
    # 行政许可法 Art. 42 allows the head of the organ to extend by 10 days; 0: this bureau does not extend.
    extension_days = models.PositiveSmallIntegerField(_("经批准可延长（天）"), default=0)

    class Meta:
        verbose_name = _("审批时限设置")
        verbose_name_plural = _("审批时限设置")
        ordering = ["authority"]

    def __str__(self):
        return str(self.authority)

    def clean(self):
        if self.promised_decision_days is not None and not 0 < self.promised_decision_days <= self.decision_days:
            raise ValidationError({"promised_decision_days": _("承诺办结时限须大于 0 且不超过法定决定时限。")})
        if self.acceptance_days == 0:
            raise ValidationError({"acceptance_days": _("受理时限须至少 1 个工作日。")})
        if self.decision_days == 0:
            raise ValidationError({"decision_days": _("决定时限须至少 1 天。")})

    @property
    def effective_decision_days(self) -> int:
        return self.promised_decision_days or self.decision_days


class ClockExtension(models.Model):
    """延长决定期限: requested by the officer with a reason, approved by a supervisor (Art. 42); the reason is
    told to the applicant."""

    application = models.ForeignKey("approvals.Application", on_delete=models.PROTECT,
                                    related_name="clock_extensions")
    days = models.PositiveSmallIntegerField(_("延长天数"))
    working_days = models.BooleanField(_("按工作日计算"), default=True)
    reason = models.TextField(_("延长理由"), max_length=2000)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("申请人"))
    requested_at = models.DateTimeField(_("申请时间"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("批准领导"))
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("决定期限延长")
        verbose_name_plural = _("决定期限延长")
        ordering = ["application", "-requested_at"]

    def __str__(self):
        return f"{self.application_id} +{self.days}"

    @property
    def approved(self) -> bool:
        return self.approved_at is not None


class OverdueNotice(models.Model):
    """An overdue clock already told to the officer in charge and the supervisors: once per clock and due
    date (a clock extended and overdue again is a new notice)."""

    application = models.ForeignKey("approvals.Application", on_delete=models.CASCADE,
                                    related_name="overdue_notices")
    kind = models.CharField(_("时限"), max_length=20)
    due = models.DateField(_("到期日"))
    sent_at = models.DateTimeField(_("通知时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("超期通知")
        verbose_name_plural = _("超期通知")
        constraints = [models.UniqueConstraint(fields=["application", "kind", "due"], name="overdue_notice_once")]
