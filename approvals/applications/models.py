"""Applications for an event security permit: the facts, their documents and versions, plan sections, the
five parties, object permissions and the append-only audit log. The transition table lives on Application
(django-fsm); the services that fire it are in approvals.workflow.
"""
import hashlib

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from events.validators import SECTION_NARRATIVE_MAX_LENGTH, validate_phone, validate_single_line

from ..catalogue.models import CatalogueVersion, DocumentType, Party, PlanSection, ResponsibilityItem


class ApplicationState(models.TextChoices):
    # A context keeps the state names apart from the same words used as actions on buttons ("Refused" / "Refuse").
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", pgettext_lazy("application state", "退回补正")
    ACCEPTED = "accepted", _("已受理")
    ACCEPTED_DEFERRED = "accepted_deferred", pgettext_lazy("application state", "容缺受理")
    UNDER_REVIEW = "under_review", _("审查中")
    # Order 505 Art. 12: ≥ 5,000 people per session — the district reviewed it and reported it to the city bureau.
    REPORTED_TO_CITY = "reported_to_city", pgettext_lazy("application state", "待市局决定")
    APPROVED = "approved", _("已许可")
    PROVISIONALLY_APPROVED = "provisionally_approved", pgettext_lazy("application state", "先批后审")
    REJECTED = "rejected", pgettext_lazy("application state", "不予许可")
    SUSPENDED = "suspended", _("已熔断")
    REVOKED = "revoked", _("已撤销")
    WITHDRAWN = "withdrawn", _("已撤回")
    COMPLETED = "completed", _("已完成")
    # Order 505 Art. 20: the organizer's cancellation notice withdrew the permit.
    CANCELLED = "cancelled", pgettext_lazy("application state", "已取消")


# Who may fire a transition (django-fsm `permission=`): role AND object permission on this application.


def _may_review(application, user) -> bool:
    return bool(user and user.is_police and application.user_may(user, "approvals.review_application"))


def _may_decide(application, user) -> bool:
    """High levels need a supervisor's signature; city-level applications the city bureau (decision_refusal)."""
    return _may_review(application, user) and application.decision_refusal(user) is None


def _may_resume(application, user) -> bool:
    """Resuming is a new approval, by at least the authority that suspended (resume_refusal)."""
    return _may_review(application, user) and application.resume_refusal(user) is None


def _may_report_to_city(application, user) -> bool:
    """The district bureau that reviewed a city-level application reports it (the city does not report to
    itself)."""
    return (_may_review(application, user) and application.city_level
            and not application.decided_by_city(user))


def _may_act_as_organizer(application, user) -> bool:
    return bool(user and user.is_organizer and application.user_may(user, "approvals.change_application"))


def _may_submit(application, user) -> bool:
    """Whoever may change the application hands it in (its organisation's staff)."""
    return bool(user and application.user_may(user, "approvals.change_application"))


# Security levels. Their order and their rules are data (riskassess RiskLevel rows: threshold on the total,
# requires_sign_off, allows_provisional); no level code is written here.


def level_is_at_least(level: str, threshold: str, order: list[str]) -> bool:
    """`level` is as severe as `threshold` or more, by `order` (most severe first). No level (not assessed) is
    below every threshold; a level or threshold the model does not know counts as the most severe (fail safe)."""
    if not level:
        return False
    rank = order.index(level) if level in order else -1
    return rank <= (order.index(threshold) if threshold in order else len(order))


def more_severe_level(first: str, second: str, order: list[str]) -> str:
    """The more severe of two level codes (either may be empty)."""
    if not first or not second:
        return first or second
    return first if level_is_at_least(first, second, order) else second


def _authority_covers(authority, of_authority) -> bool:
    """`authority` is `of_authority` or one of the authorities above it."""
    while of_authority is not None:
        if authority is not None and of_authority.pk == authority.pk:
            return True
        of_authority = of_authority.parent
    return False


def _sources_of(declared_transition) -> tuple:
    """The states a transition declared above starts from (django-fsm's table on the decorated method)."""
    return tuple(declared_transition._django_fsm.transitions)


# Conditions (django-fsm `conditions=`): facts of the application itself. The services explain refusals.


def _vetting_settled(application) -> bool:
    return not application.vetting_blockers()


def _provisional_eligible(application) -> bool:
    return not application.provisional_blockers()


def _event_over(application) -> bool:
    from django.utils import timezone

    return application.event.end_at <= timezone.now()


class Application(ConcurrentTransitionMixin, models.Model):
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
    # What the model computed, whatever the override: sign-off follows the more severe of the two.
    computed_security_level = models.CharField(_("模型计算等级"), max_length=10, blank=True)
    # Optimistic concurrency: bumped on every state change.
    revision = models.PositiveIntegerField(default=0, editable=False)
    # Deadlines of the review (approvals/workflow/deadlines.py computes them).
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    decision_due_date = models.DateField(_("决定期限"), null=True, blank=True, db_index=True)
    post_review_due_date = models.DateField(_("先批后审完成期限"), null=True, blank=True)
    # The soonest dated statutory clock (approvals.clocks), stored so the inbox's urgency order walks an index
    # instead of computing every row's clocks: written by every transition and every change that moves a clock
    # (approvals.clocks.store_next_deadline), refreshed daily. None: no dated clock runs.
    next_deadline = models.DateField(_("最近期限"), null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    culture_official = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("文旅审核员"), null=True,
                                         blank=True, on_delete=models.PROTECT, related_name="vetting_applications")

    class Meta:
        verbose_name = _("安全许可申请")
        verbose_name_plural = _("安全许可申请")
        ordering = ["-created_at"]
        default_permissions = ("add", "change", "delete", "view")
        permissions = [
            ("review_application", _("审查申请（公安）")),
            ("vet_application", _("审核演出内容（文旅）")),
            ("staff_application", _("确认安保人员（保安公司）")),
            ("opine_application", _("出具部门意见（征求意见部门）")),
        ]
        indexes = [models.Index(fields=["state", "submitted_at"], name="application_inbox_idx"),
                   # The list endpoint's default order (-created_at, -id), walked backwards to the page.
                   models.Index(fields=["created_at", "id"], name="application_created_idx"),
                   # The inbox's default (urgency) order, walked to the page (NULLs, no clock, last).
                   models.Index(fields=["next_deadline", "id"], name="application_deadline_idx")]

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

    # Transitions: fired only from services (approvals/applications/services.py, approvals/workflow/actions.py)
    # inside atomic(), which check the revision, explain refusals, audit, notify. `permission` says which role
    # may fire each one.
    # The one list of the stages a correction may be requested from (any before the decision); resubmission
    # (submit) returns to the one the application left, so its targets are read from here.
    @transition(field=state, source=[ApplicationState.SUBMITTED, ApplicationState.ACCEPTED,
                                     ApplicationState.ACCEPTED_DEFERRED, ApplicationState.UNDER_REVIEW,
                                     ApplicationState.REPORTED_TO_CITY],
                target=ApplicationState.RETURNED, permission=_may_review)
    def return_for_correction(self):
        """退回补正 (一次性告知): the organizer corrects what the CorrectionRequest names and resubmits (submit)."""

    @transition(field=state, source=[ApplicationState.DRAFT, ApplicationState.RETURNED],
                target=RETURN_VALUE(*_sources_of(return_for_correction)), permission=_may_submit)
    def submit(self, back_to=ApplicationState.SUBMITTED):
        """Organizer hands the application in; after a correction, back to the stage it left (`back_to`,
        CorrectionRequest.stage)."""
        return back_to

    # The rest of the table.

    @transition(field=state, source=ApplicationState.SUBMITTED, target=ApplicationState.ACCEPTED,
                permission=_may_review)
    def accept(self):
        """受理: every applicable document is there."""

    @transition(field=state, source=ApplicationState.SUBMITTED, target=ApplicationState.ACCEPTED_DEFERRED,
                permission=_may_review)
    def accept_with_deferred(self):
        """容缺受理: deferrable documents follow by a due date, on the organizer's commitment."""

    @transition(field=state, source=[ApplicationState.ACCEPTED, ApplicationState.ACCEPTED_DEFERRED],
                target=ApplicationState.UNDER_REVIEW, permission=_may_review)
    def start_review(self):
        """审查: on-site check, risk assessment; culture-tourism vetting runs in parallel."""

    @transition(field=state, source=ApplicationState.UNDER_REVIEW, target=ApplicationState.REPORTED_TO_CITY,
                permission=_may_report_to_city)
    def report_to_city(self):
        """报市局审批: the district's review done, a city-level application goes to the city bureau with the
        district's opinion (Order 505 Art. 12)."""

    @transition(field=state, source=[ApplicationState.UNDER_REVIEW, ApplicationState.REPORTED_TO_CITY],
                target=ApplicationState.APPROVED, conditions=[_vetting_settled], permission=_may_decide)
    def approve(self):
        """许可."""

    @transition(field=state, source=[ApplicationState.ACCEPTED, ApplicationState.ACCEPTED_DEFERRED,
                                     ApplicationState.UNDER_REVIEW, ApplicationState.REPORTED_TO_CITY],
                target=ApplicationState.PROVISIONALLY_APPROVED, conditions=[_provisional_eligible],
                permission=_may_decide)
    def approve_provisionally(self):
        """先批后审: a provisional permit now, the substantive review by the post-review due date."""

    @transition(field=state, source=ApplicationState.PROVISIONALLY_APPROVED, target=ApplicationState.APPROVED,
                conditions=[_vetting_settled], permission=_may_decide)
    def confirm_post_review(self):
        """The post-review passed: the provisional permit becomes a full one."""

    @transition(field=state, source=[ApplicationState.ACCEPTED, ApplicationState.ACCEPTED_DEFERRED,
                                     ApplicationState.UNDER_REVIEW, ApplicationState.REPORTED_TO_CITY],
                target=ApplicationState.REJECTED, permission=_may_decide)
    def reject(self):
        """不予许可."""

    @transition(field=state, source=[ApplicationState.APPROVED, ApplicationState.PROVISIONALLY_APPROVED],
                target=ApplicationState.SUSPENDED, permission=_may_review)
    def suspend(self):
        """熔断: the event may not go ahead until the named changes are made."""

    @transition(field=state, source=ApplicationState.SUSPENDED,
                target=RETURN_VALUE(ApplicationState.APPROVED, ApplicationState.PROVISIONALLY_APPROVED),
                permission=_may_resume)
    def resume(self, back_to):
        """Back to the state the permit had before the suspension."""
        return back_to

    @transition(field=state, source=[ApplicationState.APPROVED, ApplicationState.PROVISIONALLY_APPROVED,
                                     ApplicationState.SUSPENDED],
                target=ApplicationState.REVOKED, permission=_may_decide)
    def revoke(self):
        """撤销许可 (e.g. the post-review of a provisional permit failed)."""

    @transition(field=state, source=[ApplicationState.DRAFT, ApplicationState.SUBMITTED, ApplicationState.RETURNED,
                                     ApplicationState.ACCEPTED, ApplicationState.ACCEPTED_DEFERRED,
                                     ApplicationState.UNDER_REVIEW, ApplicationState.REPORTED_TO_CITY],
                target=ApplicationState.WITHDRAWN, permission=_may_act_as_organizer)
    def withdraw(self):
        """The organizer calls the application off before the decision (after the permit: cancel)."""

    @transition(field=state, source=[ApplicationState.APPROVED, ApplicationState.PROVISIONALLY_APPROVED,
                                     ApplicationState.SUSPENDED],
                target=ApplicationState.CANCELLED, permission=_may_act_as_organizer)
    def cancel(self):
        """取消: the organizer's cancellation notice withdraws the permit (Order 505 Art. 20)."""

    @transition(field=state, source=ApplicationState.APPROVED, target=ApplicationState.COMPLETED,
                conditions=[_event_over], permission=_may_review)
    def complete(self):
        """The event took place under its permit."""

    # ------------------------------------------------------------------------------------------ helpers

    def user_may(self, user, perm: str) -> bool:
        """Object permission (guardian's grants, read in one query per user and cached on this instance:
        services re-read the row under a lock, so the cache never outlives one action)."""
        if user is None or not user.is_authenticated:
            return False
        from .. import access

        held = self.__dict__.setdefault("_perms_held", {})
        if user.pk not in held:
            held[user.pk] = access.perms_held(user, self)
        return perm.split(".", 1)[-1] in held[user.pk]

    def level_order(self) -> list[str]:
        """The risk model's level codes, most severe first (read once per instance)."""
        return list(self.level_rules())  # the rules come most severe first, keyed by code

    @property
    def sign_off_level(self) -> str:
        """The more severe of the computed and the effective (possibly overridden) level."""
        return more_severe_level(self.security_level, self.computed_security_level, self.level_order())

    def level_rules(self) -> dict:
        """The current model's levels by code, with their rules (riskassess LevelRule), read once per instance."""
        rules = self.__dict__.get("_level_rules")
        if rules is None:
            from riskassess.selectors import level_rules

            rules = self.__dict__["_level_rules"] = {rule.code: rule for rule in level_rules()}
        return rules

    @property
    def requires_sign_off(self) -> bool:
        """A city-level decision, or a level whose row says a supervisor signs (RiskLevel.requires_sign_off), by
        the more severe of the computed and the effective level. A level the model does not know counts as
        needing the signature (fail safe); no level (not assessed) does not."""
        if self.city_level:
            return True
        level = self.sign_off_level
        if not level:
            return False
        rule = self.level_rules().get(level)
        return rule is None or rule.requires_sign_off

    @property
    def city_level(self) -> bool:
        """Decided by the city bureau (Order 505 Art. 12): flagged at submission, or its largest session (the
        event's expected_attendance, events.sessions) has reached the catalogue's city-level threshold since."""
        return bool(self.needs_city_decision
                    or self.event.expected_attendance >= self.catalogue.city_level_threshold)

    @property
    def deciding_authority(self):
        """The authority that decides (and in whose name the permit or refusal is issued): the city bureau above
        the district for a city-level application, else the district bureau."""
        if self.city_level and self.district.parent_id is not None:
            return self.district.parent
        return self.district

    def decided_by_city(self, user) -> bool:
        """The user belongs to a city police bureau above the application's district (Order 505 Art. 12)."""
        from events.models import Authority

        authority = getattr(user, "authority", None)
        return bool(authority is not None and authority.kind == Authority.Kind.POLICE
                    and authority.level == Authority.Level.CITY and self.district.parent_id is not None
                    and _authority_covers(authority, self.district.parent))

    def decision_refusal(self, user, action: str = "") -> str | None:
        """Why a police officer who may review this application may not decide it (None: may decide)."""
        from django.utils.translation import gettext

        from ..workflow.states import state_has

        if self.city_level and not self.decided_by_city(user):
            if self.state == ApplicationState.REPORTED_TO_CITY:
                return gettext("已报市局审批，待市公安局决定（%(action)s）。") % {"action": action}
            return gettext("预计人数达到 %(threshold)s 人的申请须由市公安局决定（%(action)s）；分局审查后报市局审批。") % {
                "threshold": self.catalogue.city_level_threshold, "action": action}
        if self.city_level and state_has(self.state, "undecided") and \
                not state_has(self.state, "reported_to_city"):
            return gettext("市级决定的申请由分局受理、审查后报市局审批，市局收到报请后决定（%(action)s）。") % {
                "action": action}
        if self.requires_sign_off and not user.is_supervisor:
            signed = [rule.name for rule in self.level_rules().values() if rule.requires_sign_off]
            return gettext("安保等级为%(levels)s或需市级决定的申请，须由分局领导签批（%(action)s）。") % {
                "levels": "/".join(signed) or gettext("（无）"), "action": action}
        return None

    def resume_refusal(self, user, action: str = "") -> str | None:
        """Resuming is a new approval: the same authority as a decision, and at least the suspending one."""
        from django.utils.translation import gettext

        refusal = self.decision_refusal(user, action)
        if refusal:
            return refusal
        suspension = (self.suspensions.filter(resumed_at__isnull=True).select_related("suspending_authority")
                      .order_by("-suspended_at", "-id").first())
        suspending = suspension.suspending_authority if suspension else None
        if suspending is not None and not _authority_covers(getattr(user, "authority", None), suspending):
            return gettext("该熔断由%(authority)s作出，须由%(authority)s或其上级机关恢复（%(action)s）。") % {
                "authority": suspending.name, "action": action}
        return None

    @property
    def has_permit(self) -> bool:
        from ..workflow.states import state_has

        return state_has(self.state, "permit_held")

    def vetting_blockers(self) -> list[str]:
        """Why culture-tourism vetting still blocks a decision (empty: settled or not needed)."""
        from django.utils.translation import gettext

        from events.models import Song, VettingStatus

        if not self.event.has_performances:
            return []
        if self.culture_official_id is None:
            return [gettext("有演出活动，尚未指派文旅审核员。")]
        pending = [p.name for p in self.event.performers.filter(vetting_status=VettingStatus.PENDING)]
        pending += [gettext("《%(title)s》") % {"title": s.title} for s in Song.objects.filter(
            performer__event_id=self.event_id, vetting_status=VettingStatus.PENDING,
        ).exclude(performer__vetting_status=VettingStatus.STRUCK)]
        if pending:
            return [gettext("文旅审核尚未完成：%(items)s") % {"items": gettext("、").join(pending)}]
        return []

    def provisional_blockers(self) -> list[str]:
        """先批后审 only for a level whose row allows it (RiskLevel.allows_provisional; seeded: 四级) and an
        organizer with a clean record. The effective level counts: only a supervisor may set it below the
        computed one (approvals.risk)."""
        from django.utils.translation import gettext

        from ..workflow.models import organisation_record_blockers

        reasons = []
        rules = self.level_rules()
        rule = rules.get(self.security_level)
        if rule is None or not rule.allows_provisional:
            allowed = [r.name for r in rules.values() if r.allows_provisional]
            reasons.append(gettext("先批后审仅适用于安保等级为%(levels)s的活动（当前：%(level)s）。") % {
                "levels": gettext("、").join(allowed) or gettext("（无）"),
                "level": rule.name if rule else (self.security_level or gettext("未评估"))})
        reasons += organisation_record_blockers(self.organisation_id, exclude_application=self.pk)
        return reasons

    @property
    def is_editable_by_organizer(self) -> bool:
        from ..workflow.states import state_has

        return state_has(self.state, "organizer_may_edit")


class ApplicationUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Application, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        # The probe of access.grant_held, one index-only lookup per listed row (docs/performance.md).
        indexes = [models.Index(fields=["content_object", "permission", "user"], name="application_user_grant_idx")]


class ApplicationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Application, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["content_object", "permission", "group"], name="application_group_grant_idx")]


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
    # 已查验: a reviewer read this version (approvals.applications.services.document_version_check). A new
    # upload is a new version, so the mark never carries over to a file nobody has read.
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("查验人"))
    checked_at = models.DateTimeField(_("查验时间"), null=True, blank=True)

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
    narrative = models.TextField(_("文字说明"), blank=True, max_length=SECTION_NARRATIVE_MAX_LENGTH,
                                 validators=[MaxLengthValidator(SECTION_NARRATIVE_MAX_LENGTH)])
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("方案章节内容")
        verbose_name_plural = _("方案章节内容")
        ordering = ["application", "section__number"]
        constraints = [
            models.UniqueConstraint(fields=["application", "section"], name="one_entry_per_section"),
        ]


class SectionDraft(models.Model):
    """What one user typed into a section and has not saved yet, autosaved while typing (static/js/session.js).

    Not the section: the real save (services.section_save) validates, audits and re-assesses; a draft is kept
    as typed (even an invalid number), writes no audit row, changes nothing anyone else reads, and is deleted by
    the real save. The sections page shows a draft newer than the saved content in place of it, marked as such.
    """

    entry = models.ForeignKey(SectionEntry, on_delete=models.CASCADE, related_name="drafts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    data = models.JSONField(default=dict, blank=True)  # the raw text of each field, by key
    narrative = models.TextField(blank=True, max_length=SECTION_NARRATIVE_MAX_LENGTH)
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("章节草稿（自动保存）")
        verbose_name_plural = _("章节草稿（自动保存）")
        constraints = [models.UniqueConstraint(fields=["entry", "user"], name="one_section_draft_per_user")]


class SavedInboxView(models.Model):
    """A reviewer's named set of queue filters (the inbox's query string), listed as extra tabs; only its owner
    sees or deletes it (approvals/applications/saved_views.py)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_inbox_views")
    name = models.CharField(_("名称"), max_length=40, validators=[validate_single_line])
    query = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("待办视图")
        verbose_name_plural = _("待办视图")
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="one_saved_view_name_per_user")]

    def __str__(self):
        return self.name


class PartyAssignment(models.Model):
    """Who answers for one of the five parties on one application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="parties")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+")
    organisation_name = models.CharField(_("单位名称"), max_length=200, blank=True, validators=[validate_single_line])
    responsible_person = models.CharField(_("责任人"), max_length=100, blank=True, validators=[validate_single_line])
    responsible_title = models.CharField(_("职务"), max_length=100, blank=True, validators=[validate_single_line])
    phone = models.CharField(_("联系电话"), max_length=30, blank=True, validators=[validate_phone])
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
        COMMITMENT_SIGNED = "commitment_signed", _("签署容缺承诺")
        REMINDER = "reminder", _("到期提醒")
        OTHER = "other", _("其他")

    class Event(models.TextChoices):
        """What happened, typed (approvals.audit): every entry has one; `action` is the older, coarser kind."""

        CREATED = "created", _("创建申请")
        EDITED = "edited", _("修改内容")
        DOCUMENT_UPLOADED = "document_uploaded", _("上传材料")
        SUBMITTED = "submitted", pgettext_lazy("audit event", "提交申请")
        RESUBMITTED = "resubmitted", pgettext_lazy("audit event", "补正后重新提交")
        RETURNED = "returned", pgettext_lazy("audit event", "退回补正")
        ACCEPTED = "accepted", pgettext_lazy("audit event", "受理")
        ACCEPTED_WITH_DEFERRED = "accepted_with_deferred", pgettext_lazy("audit event", "容缺受理")
        REVIEW_STARTED = "review_started", pgettext_lazy("audit event", "开始审查")
        APPROVED = "approved", pgettext_lazy("audit event", "许可")
        PROVISIONALLY_APPROVED = "provisionally_approved", pgettext_lazy("audit event", "先批后审")
        POST_REVIEW_CONFIRMED = "post_review_confirmed", pgettext_lazy("audit event", "先批后审确认通过")
        REJECTED = "rejected", pgettext_lazy("audit event", "不予许可")
        SUSPENDED = "suspended", pgettext_lazy("audit event", "熔断")
        RESUMED = "resumed", pgettext_lazy("audit event", "恢复")
        REVOKED = "revoked", pgettext_lazy("audit event", "撤销许可")
        WITHDRAWN = "withdrawn", pgettext_lazy("audit event", "撤回申请")
        COMPLETED = "completed", pgettext_lazy("audit event", "办结")
        PERMIT_ISSUED = "permit_issued", pgettext_lazy("audit event", "签发许可决定书")
        PLAN_REQUESTED = "plan_requested", pgettext_lazy("audit event", "生成安全工作方案")
        LEVEL_OVERRIDDEN = "level_overridden", _("调整安保等级")
        VETTED = "vetted", _("演出审核")
        ASSIGNED = "assigned", _("分派")
        COMMITMENT_SIGNED = "commitment_signed", _("签署容缺承诺")
        REMINDER = "reminder", _("到期提醒")
        ACCESS_GRANTED = "access_granted", pgettext_lazy("audit event", "授予访问权限")
        ACCESS_REVOKED = "access_revoked", pgettext_lazy("audit event", "撤销访问权限")
        ADMIN_CHANGE = "admin_change", pgettext_lazy("audit event", "管理后台修改")
        # City-level decisions, changes and cancellation (Order 505 Art. 12, 20).
        REPORTED_TO_CITY = "reported_to_city", pgettext_lazy("audit event", "报市局审批")
        DECISION_COPIED = "decision_copied", pgettext_lazy("audit event", "决定抄送上级机关")
        CHANGE_REQUESTED = "change_requested", pgettext_lazy("audit event", "申请变更")
        CHANGE_APPROVED = "change_approved", pgettext_lazy("audit event", "准予变更")
        CHANGE_REJECTED = "change_rejected", pgettext_lazy("audit event", "不予变更")
        CANCELLED = "cancelled", pgettext_lazy("audit event", "取消活动")
        OTHER = "other", _("其他")
        # The statutory clocks (approvals.clocks).
        CLOCK_EXTENSION_REQUESTED = "clock_extension_requested", pgettext_lazy("audit event", "申请延长决定期限")
        CLOCK_EXTENDED = "clock_extended", pgettext_lazy("audit event", "批准延长决定期限")
        CLOCK_OVERDUE = "clock_overdue", pgettext_lazy("audit event", "办理时限届满")
        OPINION_REQUESTED = "opinion_requested", pgettext_lazy("audit event", "征求部门意见")
        OPINION_GIVEN = "opinion_given", pgettext_lazy("audit event", "部门出具意见")
        OPINION_WITHDRAWN = "opinion_withdrawn", pgettext_lazy("audit event", "撤回征求意见")
        OPINION_OVERRIDDEN = "opinion_overridden", pgettext_lazy("audit event", "领导决定不受部门意见约束")
        OPINION_OVERDUE = "opinion_overdue", pgettext_lazy("audit event", "部门意见逾期未复")
        # The reviewer's reading of the documents (已查验 marks).
        DOCUMENT_CHECKED = "document_checked", pgettext_lazy("audit event", "查验材料")
        DOCUMENT_UNCHECKED = "document_unchecked", pgettext_lazy("audit event", "撤销查验标记")
        # After the event (eventday.services.after_action_review_record).
        AFTER_ACTION_REVIEWED = "after_action_reviewed", pgettext_lazy("audit event", "活动复盘")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="audit_entries")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    action = models.CharField(max_length=30, choices=Action.choices)
    event = models.CharField(_("事项"), max_length=30, choices=Event.choices, blank=True, db_index=True)
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
        if not self.event:  # written with only the older action: its event follows from it
            from ..audit import event_of

            self.event = event_of(self.action, transition=self.transition, from_state=self.from_state)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit entries are never deleted.")
