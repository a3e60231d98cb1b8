"""Department opinions (并联审批), the standard permit conditions and the decision templates.

An OpinionRequest asks one department (an events.Authority of kind DEPARTMENT) for its opinion on one
application by a due date; the department answers 同意 / 附条件同意 / 不同意 with its reasons and conditions. A
request is withdrawn (never deleted) by the reviewer; a supervisor may override a pending or negative opinion
with a reason (the approval is then no longer blocked by it). The audit log records every step.
"""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from events.models import Event
from events.validators import validate_single_line


class OpinionRequest(models.Model):
    class Verdict(models.TextChoices):
        AGREE = "agree", _("同意")
        CONDITIONAL = "conditional", _("附条件同意")
        DISAGREE = "disagree", _("不同意")

    application = models.ForeignKey("approvals.Application", on_delete=models.PROTECT,
                                    related_name="opinion_requests")
    department = models.ForeignKey("events.Authority", verbose_name=_("征求意见部门"), on_delete=models.PROTECT,
                                   related_name="opinion_requests", limit_choices_to={"kind": "department"})
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("征求人"))
    requested_at = models.DateTimeField(_("征求时间"), auto_now_add=True)
    due_date = models.DateField(_("答复期限"))
    note = models.TextField(_("征求说明"), blank=True, max_length=2000)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    # The answer.
    verdict = models.CharField(_("意见"), max_length=20, choices=Verdict.choices, blank=True)
    reasons = models.TextField(_("理由"), blank=True, max_length=4000)
    conditions = models.JSONField(_("附加条件"), default=list, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("答复人"))
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    # A supervisor's override of a pending or negative opinion (audited).
    overridden_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", verbose_name=_("决定不受此意见约束的领导"))
    overridden_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    override_reason = models.TextField(_("理由（领导）"), blank=True, max_length=2000)

    class Meta:
        app_label = "approvals"
        verbose_name = _("部门意见")
        verbose_name_plural = _("部门意见")
        ordering = ["requested_at", "id"]
        # One open request per department and application (a withdrawn one may be asked again).
        constraints = [models.UniqueConstraint(fields=["application", "department"],
                                               condition=models.Q(withdrawn_at__isnull=True),
                                               name="opinion_request_open_once")]

    def __str__(self):
        return f"{self.department} · {self.application_id}"

    @property
    def is_open(self) -> bool:
        return self.withdrawn_at is None

    @property
    def answered(self) -> bool:
        return bool(self.verdict)

    @property
    def blocks_approval(self) -> bool:
        """Pending or 不同意, not overridden by a supervisor."""
        return (self.is_open and self.overridden_at is None
                and self.verdict in ("", self.Verdict.DISAGREE))

    def clean(self):
        if self.verdict == self.Verdict.CONDITIONAL and not [c for c in self.conditions if str(c).strip()]:
            raise ValidationError({"conditions": _("附条件同意须写明条件。")})
        if self.verdict == self.Verdict.DISAGREE and not self.reasons.strip():
            raise ValidationError({"reasons": _("不同意须写明理由。")})


class ConditionTemplate(models.Model):
    """A standard permit condition (许可条件库), offered to the reviewer at approval by event kind and level
    (empty: every kind / every level)."""

    text = models.TextField(_("条件"), max_length=1000)
    event_kind = models.CharField(_("活动类型"), max_length=30, choices=Event.Kind.choices, blank=True,
                                  help_text=_("留空表示适用于所有活动类型"))
    security_level = models.CharField(_("安保等级"), max_length=10, blank=True,
                                      help_text=_("如“一级”；留空表示适用于所有等级"))
    ordering = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        app_label = "approvals"
        verbose_name = _("标准许可条件")
        verbose_name_plural = _("标准许可条件")
        ordering = ["ordering", "id"]

    def __str__(self):
        return self.text[:40]


class DecisionTemplate(models.Model):
    """The text blocks of a decision (许可决定书 / 不予许可决定书) as data, with placeholders filled from the
    application: {event} {organisation} {venue} {start} {end} {attendance} {number} {authority} {reason}."""

    class Kind(models.TextChoices):
        PERMIT = "permit", _("许可决定书")
        REFUSAL = "refusal", _("不予许可决定书")

    class Block(models.TextChoices):
        OPENING = "opening", _("正文开头")
        CLOSING = "closing", _("正文结尾（救济途径等）")

    PLACEHOLDERS = ("event", "organisation", "venue", "start", "end", "attendance", "number", "authority",
                    "reason")

    kind = models.CharField(_("文书"), max_length=10, choices=Kind.choices)
    block = models.CharField(_("段落"), max_length=10, choices=Block.choices)
    text = models.TextField(_("文本"), max_length=4000)

    class Meta:
        app_label = "approvals"
        verbose_name = _("决定书模板")
        verbose_name_plural = _("决定书模板")
        ordering = ["kind", "block"]
        constraints = [models.UniqueConstraint(fields=["kind", "block"], name="decision_template_once")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.get_block_display()}"

    def clean(self):
        try:
            self.text.format(**{name: "" for name in self.PLACEHOLDERS})
        except (KeyError, IndexError, ValueError):
            raise ValidationError({"text": _("只能使用以下占位符：%(names)s。") % {
                "names": "、".join("{%s}" % n for n in self.PLACEHOLDERS)}})

    def render(self, values: dict) -> str:
        return self.text.format(**{name: values.get(name, "") for name in self.PLACEHOLDERS})
