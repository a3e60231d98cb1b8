"""The catalogue: the lists and rules applications are checked against (documents, plan sections, the five
parties and their duties, thresholds and deadlines).

The catalogue is data: seeded by a migration (approvals.catalogue.seed), edited in the admin, versioned. An
application keeps the catalogue version it was created under, so later edits never change what an old
application was asked for.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _

from events.bilingual import pick_language


class CatalogueVersion(models.Model):
    """One published set of lists and thresholds. Exactly one is current; old ones stay for old applications."""

    number = models.PositiveIntegerField(_("版本号"), unique=True)
    label = models.CharField(_("说明"), max_length=200, blank=True)
    is_current = models.BooleanField(_("当前版本"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Thresholds of State Council Order No. 505 (2007) and this bureau's rules.
    permit_threshold = models.PositiveIntegerField(_("需许可的人数下限"), default=1000)
    city_level_threshold = models.PositiveIntegerField(_("市级决定的人数下限"), default=5000)
    submission_lead_days = models.PositiveIntegerField(_("提前申请天数"), default=20)
    decision_days = models.PositiveIntegerField(_("受理后决定期限（天）"), default=7)
    decision_days_are_working_days = models.BooleanField(_("决定期限按工作日计算"), default=True)
    deferred_due_days_before_event = models.PositiveIntegerField(_("容缺材料最迟于活动前（天）"), default=3)
    deferred_reminder_days = models.PositiveIntegerField(_("容缺材料到期前提醒（天）"), default=2)
    post_review_days_before_event = models.PositiveIntegerField(_("先批后审最迟于活动前完成（天）"), default=3)
    # Order 505 Art. 20: a change of time, place or scale is asked for this many working days before the event.
    change_notice_working_days = models.PositiveIntegerField(_("变更申请最迟于活动前（工作日）"), default=5)

    class Meta:
        verbose_name = _("目录版本")
        verbose_name_plural = _("目录版本")
        ordering = ["-number"]

    def __str__(self):
        return f"v{self.number} {self.label}".strip()


class DocumentType(models.Model):
    class RequiredWhen(models.TextChoices):
        ALWAYS = "always", _("始终需要")
        MULTIPLE_ORGANISERS = "multiple_organisers", _("两个及以上承办单位")
        HAS_PERFORMANCES = "has_performances", _("有演出活动")

    version = models.ForeignKey(CatalogueVersion, on_delete=models.CASCADE, related_name="document_types")
    number = models.PositiveSmallIntegerField(_("序号"))
    code = models.SlugField(_("代码"), max_length=40)
    name_zh = models.CharField(_("名称（中文）"), max_length=200)
    name_en = models.CharField(_("名称（英文）"), max_length=200, blank=True)
    required_when = models.CharField(_("何时需要"), max_length=30, choices=RequiredWhen.choices,
                                     default=RequiredWhen.ALWAYS)
    deferrable = models.BooleanField(_("可容缺"), default=False)
    filled_online = models.BooleanField(_("在线填写（无需上传）"), default=False)

    class Meta:
        verbose_name = _("必备材料类型")
        verbose_name_plural = _("必备材料类型")
        ordering = ["version", "number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="document_type_code_per_version"),
            models.UniqueConstraint(fields=["version", "number"], name="document_type_number_per_version"),
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"

    @property
    def name(self) -> str:
        return pick_language(self.name_zh, self.name_en)


class PlanSection(models.Model):
    """One of the 11 sections of the security work plan; `fields` lists its structured fields.

    Each field: {"key": str, "label_zh": str, "label_en": str, "type": "int"|"decimal"|"text"|"bool",
    "required": bool, "min": number?}. Numbers entered here are read by the risk model.
    """

    version = models.ForeignKey(CatalogueVersion, on_delete=models.CASCADE, related_name="plan_sections")
    number = models.PositiveSmallIntegerField(_("序号"))
    code = models.SlugField(_("代码"), max_length=40)
    title_zh = models.CharField(_("标题（中文）"), max_length=200)
    title_en = models.CharField(_("标题（英文）"), max_length=200, blank=True)
    required_by_regulation = models.BooleanField(_("条例规定内容"), default=True)
    fields = models.JSONField(_("结构化字段"), default=list, blank=True)
    narrative_required = models.BooleanField(_("需填写文字说明"), default=True)

    class Meta:
        verbose_name = _("安全工作方案章节")
        verbose_name_plural = _("安全工作方案章节")
        ordering = ["version", "number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="plan_section_code_per_version"),
            models.UniqueConstraint(fields=["version", "number"], name="plan_section_number_per_version"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    @property
    def title(self) -> str:
        return pick_language(self.title_zh, self.title_en)


class Party(models.Model):
    """One of the five responsible parties (五方责任)."""

    version = models.ForeignKey(CatalogueVersion, on_delete=models.CASCADE, related_name="parties")
    number = models.PositiveSmallIntegerField(_("序号"))
    code = models.SlugField(_("代码"), max_length=40)
    name_zh = models.CharField(_("名称（中文）"), max_length=100)
    name_en = models.CharField(_("名称（英文）"), max_length=100, blank=True)
    # The supervising authorities are named by the bureau, not by the organizer.
    named_by_organizer = models.BooleanField(_("由申请单位填写"), default=True)

    class Meta:
        verbose_name = _("责任方")
        verbose_name_plural = _("责任方")
        ordering = ["version", "number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="party_code_per_version"),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return pick_language(self.name_zh, self.name_en)


class ResponsibilityItem(models.Model):
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveSmallIntegerField(_("序号"))
    text_zh = models.CharField(_("责任内容（中文）"), max_length=300)
    text_en = models.CharField(_("责任内容（英文）"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("安保责任清单项")
        verbose_name_plural = _("安保责任清单项")
        ordering = ["party", "number"]

    def __str__(self):
        return self.text

    @property
    def text(self) -> str:
        return pick_language(self.text_zh, self.text_en)
