"""What the review workflow records beyond the state: 容缺 commitments, suspensions (熔断), permits and their
number sequence."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..applications.models import Application, ApplicationDocument, ApplicationState
from ..verification.codes import new_verification_code, new_verification_token


def organisation_record_blockers(organisation_id, *, exclude_application=None, now=None) -> list[str]:
    """A clean record: at least one completed event, no suspension (熔断) in the past year."""
    from datetime import timedelta

    from django.utils import timezone
    from django.utils.translation import gettext

    now = now or timezone.now()
    reasons = []
    completed = Application.objects.filter(organisation_id=organisation_id, state=ApplicationState.COMPLETED)
    if not completed.exists():
        reasons.append(gettext("申请单位尚无已完成的活动记录。"))
    suspensions = Suspension.objects.filter(application__organisation_id=organisation_id,
                                            suspended_at__gte=now - timedelta(days=365))
    if exclude_application is not None:
        suspensions = suspensions.exclude(application_id=exclude_application)
    if suspensions.exists():
        reasons.append(gettext("申请单位近一年内有活动被熔断。"))
    return reasons


class DeferredCommitment(models.Model):
    """容缺承诺: the documents the organizer promises to deliver by the due date, and its signature."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="deferred_commitments")
    documents = models.ManyToManyField(ApplicationDocument, related_name="commitments", verbose_name=_("容缺材料"))
    due_date = models.DateField(_("补交期限"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("受理民警"))
    created_at = models.DateTimeField(auto_now_add=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("承诺人"))
    signed_at = models.DateTimeField(_("签署时间"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)
    missed_at = models.DateTimeField(_("逾期处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("容缺承诺书")
        verbose_name_plural = _("容缺承诺书")
        ordering = ["application", "-created_at"]

    def __str__(self):
        return f"{self.application.reference} {self.due_date}"

    def outstanding_documents(self):
        return [d for d in self.documents.all() if d.status != ApplicationDocument.Status.PROVIDED]

    @property
    def is_fulfilled(self) -> bool:
        return not self.outstanding_documents()


class Suspension(models.Model):
    """熔断: why the permit was suspended, what must change, and (later) what changed and who resumed it."""

    class Cause(models.TextChoices):
        REVIEWER = "reviewer", _("民警决定")
        DEFERRED_MISSED = "deferred_missed", _("容缺材料逾期未补交")
        POST_REVIEW_OVERDUE = "post_review_overdue", _("先批后审逾期未完成")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="suspensions")
    from_state = models.CharField(max_length=30, choices=ApplicationState.choices)
    cause = models.CharField(_("熔断来源"), max_length=30, choices=Cause.choices, default=Cause.REVIEWER)
    reasons = models.TextField(_("熔断原因"))
    required_changes = models.TextField(_("恢复须整改事项"))
    automatic = models.BooleanField(_("系统自动熔断"), default=False)
    suspended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    # The bureau that suspended (kept as it was then): only it or an authority above it may resume.
    suspending_authority = models.ForeignKey("events.Authority", verbose_name=_("作出熔断的机关"), null=True,
                                             blank=True, on_delete=models.PROTECT, related_name="+")
    suspended_at = models.DateTimeField(_("熔断时间"), db_index=True)
    changes_made = models.TextField(_("整改情况"), blank=True)
    resumed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    resumed_at = models.DateTimeField(_("恢复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("熔断记录")
        verbose_name_plural = _("熔断记录")
        ordering = ["application", "-suspended_at"]

    def __str__(self):
        return f"{self.application.reference} {self.suspended_at:%Y-%m-%d}"


class CorrectionRequest(models.Model):
    """补正 / 补充材料 (一次性告知): what the reviewer asks to change, at any stage before the decision.

    `items` names exactly what the organizer may change ({"kind", "key", "label"}: kind is one of
    CorrectionRequest.ItemKind); the organizer edits only those. While `resubmitted_at` is empty the statutory
    clocks pause (approvals.clocks reads requested_at → resubmitted_at); resubmission returns the application
    to `stage`, the state it left."""

    class ItemKind(models.TextChoices):
        FIELD = "field", _("活动信息")
        SESSION = "session", _("场次")
        SECTION = "section", _("安保方案章节")
        DOCUMENT = "document", _("申请材料")
        PARTY = "party", _("五方责任")
        PERFORMER = "performer", _("演出者")
        SONG = "song", _("曲目")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="correction_requests")
    stage = models.CharField(_("退回前所处环节"), max_length=30, choices=ApplicationState.choices)
    items = models.JSONField(_("需补正事项"), default=list, blank=True)  # empty: a return before 受理, all editable
    note = models.TextField(_("补正说明"), max_length=5000)
    due_date = models.DateField(_("补正期限"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("经办民警"))
    requested_at = models.DateTimeField(_("告知时间"), db_index=True)
    resubmitted_at = models.DateTimeField(_("补正提交时间"), null=True, blank=True)
    # What the application looked like when the correction was requested, for the revision diff
    # (approvals.workflow.corrections.snapshot_of / revisions.diff).
    snapshot = models.JSONField(_("告知时的申请内容"), default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("补正告知")
        verbose_name_plural = _("补正告知")
        ordering = ["application", "-requested_at"]

    def __str__(self):
        return f"{self.application.reference} {self.requested_at:%Y-%m-%d}"

    @property
    def open(self) -> bool:
        return self.resubmitted_at is None


class DecisionNumberSequence(models.Model):
    """The last number an authority issued in a year for one kind of decision (permit or refusal): the row is
    locked while a number is taken, so an authority's numbers are never duplicated or skipped."""

    class Kind(models.TextChoices):
        PERMIT = "permit", _("许可决定书")
        REFUSAL = "refusal", _("不予许可决定书")

    authority = models.ForeignKey("events.Authority", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("文号序列")
        verbose_name_plural = _("文号序列")
        constraints = [models.UniqueConstraint(fields=["authority", "year", "kind"],
                                               name="one_number_sequence_per_authority_year_kind")]

    def __str__(self):
        return f"{self.authority_id} {self.year} {self.kind}: {self.last}"


class Permit(models.Model):
    """许可决定书: the permit, its number and conditions. Kept when suspended or revoked (revoked_at)."""

    class Kind(models.TextChoices):
        APPROVED = "approved", _("安全许可")
        PROVISIONAL = "provisional", _("先批后审临时许可")

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="permit")
    # The deciding authority, in whose name the permit is issued (the city bureau for a city-level event).
    authority = models.ForeignKey("events.Authority", verbose_name=_("许可机关"), on_delete=models.PROTECT,
                                  related_name="+")
    number = models.CharField(_("许可文号"), max_length=200, unique=True)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices, default=Kind.APPROVED)
    issued_at = models.DateTimeField(_("签发时间"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("承办民警"))
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("签批领导"))
    approved_attendance = models.PositiveIntegerField(_("许可人数"))
    conditions = models.JSONField(_("许可条件"), default=list, blank=True)
    # What the reviewer chose at approval (standard conditions, possibly edited, and free text): part of
    # `conditions`, kept apart so a re-issue (a change, the post-review) keeps them.
    chosen_conditions = models.JSONField(_("审批民警选定的许可条件"), default=list, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    # An approved change (变更, Order 505 Art. 20) amends the permit's facts; a cancellation withdraws it.
    amended_at = models.DateTimeField(_("最近变更时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("注销时间（活动取消）"), null=True, blank=True)
    # The public references of the document (approvals.verification): the QR code's link and the code read out.
    verification_token = models.CharField(_("核验令牌"), max_length=64, unique=True, editable=False,
                                          default=new_verification_token)
    verification_code = models.CharField(_("核验码"), max_length=8, unique=True, editable=False,
                                         default=new_verification_code)

    class Meta:
        verbose_name = _("安全许可决定书")
        verbose_name_plural = _("安全许可决定书")
        ordering = ["-issued_at"]

    def __str__(self):
        return self.number


class Refusal(models.Model):
    """不予许可决定书: the refusal in the deciding authority's name, with its own number series."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="refusal")
    authority = models.ForeignKey("events.Authority", verbose_name=_("决定机关"), on_delete=models.PROTECT,
                                  related_name="+")
    number = models.CharField(_("文号"), max_length=200, unique=True)
    reason = models.TextField(_("不予许可的理由"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("承办民警"))
    decided_at = models.DateTimeField(_("决定时间"))
    # The public references of the document (approvals.verification): the QR code's link and the code read out.
    verification_token = models.CharField(_("核验令牌"), max_length=64, unique=True, editable=False,
                                          default=new_verification_token)
    verification_code = models.CharField(_("核验码"), max_length=8, unique=True, editable=False,
                                         default=new_verification_code)

    class Meta:
        verbose_name = _("不予许可决定书")
        verbose_name_plural = _("不予许可决定书")
        ordering = ["-decided_at"]

    def __str__(self):
        return self.number


class ChangeRequest(models.Model):
    """变更: a change of time (sessions), place (venue) or scale (attendance) after the permit (Order 505
    Art. 20), reviewed and decided by the authority that decided the permit (the city bureau when the largest
    session, before or after the change, reaches the city-level threshold). Until approved the permit's facts
    stand; approving applies `sessions` / `venue` and amends the permit."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审查")
        APPROVED = "approved", _("准予变更")
        REJECTED = "rejected", _("不予变更")
        LAPSED = "lapsed", _("已失效")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="change_requests")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    # The facts asked for ({"name", "start_at", "end_at", "expected_attendance"}, ISO times) and those they
    # replace (kept for the record and the reviewer's comparison).
    sessions = models.JSONField(_("变更后的场次"), default=list)
    previous_sessions = models.JSONField(_("变更前的场次"), default=list)
    venue = models.ForeignKey("events.Venue", verbose_name=_("变更后的场所"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    previous_venue = models.ForeignKey("events.Venue", verbose_name=_("变更前的场所"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("变更理由"), max_length=5000)
    deciding_authority = models.ForeignKey("events.Authority", verbose_name=_("决定机关"),
                                           on_delete=models.PROTECT, related_name="+")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("申请人"))
    filed_at = models.DateTimeField(_("申请时间"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("决定人"))
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decision_reason = models.TextField(_("决定理由"), blank=True)

    class Meta:
        verbose_name = _("变更申请")
        verbose_name_plural = _("变更申请")
        ordering = ["application", "-filed_at"]
        constraints = [models.UniqueConstraint(fields=["application"], condition=models.Q(status="pending"),
                                               name="one_pending_change_request")]

    def __str__(self):
        return f"{self.application.reference} {self.filed_at:%Y-%m-%d}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    def largest_attendance(self, *, previous: bool = False) -> int:
        rows = self.previous_sessions if previous else self.sessions
        return max((int(row["expected_attendance"]) for row in rows), default=0)

    def what_changes(self) -> list[str]:
        """Which of time, place and scale the request changes (for its title and notification)."""
        from django.utils.translation import gettext

        changes = []
        times = [(r["start_at"], r["end_at"]) for r in self.sessions]
        if times != [(r["start_at"], r["end_at"]) for r in self.previous_sessions]:
            changes.append(gettext("时间"))
        if self.venue_id and self.venue_id != self.previous_venue_id:
            changes.append(gettext("地点"))
        if [r["expected_attendance"] for r in self.sessions] != \
                [r["expected_attendance"] for r in self.previous_sessions]:
            changes.append(gettext("规模"))
        return changes
