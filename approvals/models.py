"""Applications for an event security permit, and the catalogue (lists and rules) they are checked against.

The catalogue is data: seeded by a migration, edited in the admin, versioned. An application keeps the
catalogue version it was created under, so later edits never change what an old application was asked for.
"""
import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from events.bilingual import pick_language

# ---------------------------------------------------------------------------------------------- catalogue


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


# ---------------------------------------------------------------------------------------------- application


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("退回补正")
    ACCEPTED = "accepted", _("已受理")
    ACCEPTED_DEFERRED = "accepted_deferred", _("容缺受理")
    UNDER_REVIEW = "under_review", _("审查中")
    APPROVED = "approved", _("已许可")
    PROVISIONALLY_APPROVED = "provisionally_approved", _("先批后审")
    REJECTED = "rejected", _("不予许可")
    SUSPENDED = "suspended", _("已熔断")
    REVOKED = "revoked", _("已撤销")
    WITHDRAWN = "withdrawn", _("已撤回")
    COMPLETED = "completed", _("已完成")


class Application(models.Model):
    """活动安全许可申请: one event's request for a security permit."""

    State = ApplicationState

    reference = models.CharField(_("申请编号"), max_length=20, unique=True, editable=False)
    event = models.OneToOneField("events.Event", verbose_name=_("活动"), on_delete=models.PROTECT,
                                 related_name="application")
    organisation = models.ForeignKey("events.Organisation", verbose_name=_("申请单位"), on_delete=models.PROTECT,
                                     related_name="applications")
    district = models.ForeignKey("events.Authority", verbose_name=_("受理公安分局"), on_delete=models.PROTECT,
                                 related_name="applications")
    catalogue = models.ForeignKey(CatalogueVersion, verbose_name=_("目录版本"), on_delete=models.PROTECT,
                                  related_name="applications")
    state = FSMField(_("状态"), default=ApplicationState.DRAFT, choices=ApplicationState.choices,
                     protected=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("承办民警"), null=True,
                                          blank=True, on_delete=models.PROTECT, related_name="assigned_applications")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True, db_index=True)
    # Flags fixed at submission, for the inbox.
    is_late = models.BooleanField(_("逾期申请"), default=False)
    needs_city_decision = models.BooleanField(_("需市级决定"), default=False, db_index=True)
    security_level = models.CharField(_("安保等级"), max_length=10, blank=True, db_index=True)
    # Optimistic concurrency: bumped on every state change.
    revision = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("安全许可申请")
        verbose_name_plural = _("安全许可申请")
        ordering = ["-created_at"]
        default_permissions = ("add", "change", "delete", "view")
        permissions = [
            ("review_application", _("审查申请（公安）")),
            ("vet_application", _("审核演出内容（文旅）")),
            ("staff_application", _("确认安保人员（保安公司）")),
        ]
        indexes = [models.Index(fields=["state", "submitted_at"], name="application_inbox_idx")]

    def __str__(self):
        return f"{self.reference} {self.event.name}" if self.event_id else self.reference

    def save(self, *args, **kwargs):
        if not self.reference:
            self.reference = self._next_reference()
        super().save(*args, **kwargs)

    def refresh_from_db(self, *args, **kwargs):
        # The protected FSM field refuses re-assignment; reloading from the database is not a transition.
        self.__dict__.pop("state", None)
        super().refresh_from_db(*args, **kwargs)

    @staticmethod
    def _next_reference() -> str:
        import secrets

        from django.utils import timezone

        return f"AB{timezone.localdate():%Y}{secrets.token_hex(4).upper()}"

    # Transitions: fired only from services (approvals/services.py, approvals/workflow.py) inside atomic().
    @transition(field=state, source=[ApplicationState.DRAFT, ApplicationState.RETURNED],
                target=ApplicationState.SUBMITTED)
    def submit(self):
        """Organizer hands the application in (again, after a return for correction)."""

    @property
    def is_editable_by_organizer(self) -> bool:
        return self.state in (ApplicationState.DRAFT, ApplicationState.RETURNED)


class ApplicationUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Application, on_delete=models.CASCADE)


class ApplicationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Application, on_delete=models.CASCADE)


class ApplicationDocument(models.Model):
    """One required document of one application: its status and the versions uploaded."""

    class Status(models.TextChoices):
        MISSING = "missing", _("未提交")
        PROVIDED = "provided", _("已上传")
        TO_BE_DEFERRED = "to_be_deferred", _("拟容缺")
        DEFERRED = "deferred", _("容缺待补")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    document_type = models.ForeignKey(DocumentType, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.MISSING)
    deferred_due_date = models.DateField(_("容缺补交期限"), null=True, blank=True)
    current_version = models.ForeignKey("DocumentVersion", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+")

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["application", "document_type__number"]
        constraints = [
            models.UniqueConstraint(fields=["application", "document_type"], name="one_slot_per_document_type"),
        ]

    def __str__(self):
        return f"{self.application.reference} {self.document_type}"


def document_upload_path(instance, filename):
    # Never the user's file name on disk: the hash, under the application, with the checked extension.
    return f"applications/{instance.document.application_id}/{instance.document.document_type.code}/" \
           f"v{instance.number}-{instance.sha256[:16]}{instance.extension}"


class DocumentVersion(models.Model):
    """Every uploaded version is kept; the document's current_version points at the newest."""

    document = models.ForeignKey(ApplicationDocument, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("版本"))
    file = models.FileField(upload_to=document_upload_path, max_length=300)
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(max_length=100)
    extension = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("材料版本")
        verbose_name_plural = _("材料版本")
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_number_unique"),
        ]

    @staticmethod
    def hash_file(uploaded) -> str:
        digest = hashlib.sha256()
        for chunk in uploaded.chunks():
            digest.update(chunk)
        uploaded.seek(0)
        return digest.hexdigest()


class SectionEntry(models.Model):
    """The organizer's content for one plan section: structured values and free text."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="sections")
    section = models.ForeignKey(PlanSection, on_delete=models.PROTECT, related_name="+")
    data = models.JSONField(default=dict, blank=True)
    narrative = models.TextField(_("文字说明"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("方案章节内容")
        verbose_name_plural = _("方案章节内容")
        ordering = ["application", "section__number"]
        constraints = [
            models.UniqueConstraint(fields=["application", "section"], name="one_entry_per_section"),
        ]


class PartyAssignment(models.Model):
    """Who answers for one of the five parties on one application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="parties")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+")
    organisation_name = models.CharField(_("单位名称"), max_length=200, blank=True)
    responsible_person = models.CharField(_("责任人"), max_length=100, blank=True)
    responsible_title = models.CharField(_("职务"), max_length=100, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    acknowledged_items = models.ManyToManyField(ResponsibilityItem, blank=True, related_name="+",
                                                verbose_name=_("已确认的责任项"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("五方责任")
        verbose_name_plural = _("五方责任")
        ordering = ["application", "party__number"]
        constraints = [
            models.UniqueConstraint(fields=["application", "party"], name="one_assignment_per_party"),
        ]

    @property
    def is_named(self) -> bool:
        return bool(self.organisation_name.strip() and self.responsible_person.strip() and self.phone.strip())


class AuditEntry(models.Model):
    """Append-only history of everything done to an application: never edited, never deleted."""

    class Action(models.TextChoices):
        CREATED = "created", _("创建申请")
        EDITED = "edited", _("修改内容")
        DOCUMENT_UPLOADED = "document_uploaded", _("上传材料")
        TRANSITION = "transition", _("状态变更")
        LEVEL_OVERRIDDEN = "level_overridden", _("调整安保等级")
        VETTED = "vetted", _("演出审核")
        ASSIGNED = "assigned", _("分派")
        OTHER = "other", _("其他")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="audit_entries")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    action = models.CharField(max_length=30, choices=Action.choices)
    transition = models.CharField(max_length=50, blank=True)
    from_state = models.CharField(max_length=30, blank=True)
    to_state = models.CharField(max_length=30, blank=True)
    reason = models.TextField(blank=True)
    snapshot = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["application", "created_at", "id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit entries are never deleted.")
