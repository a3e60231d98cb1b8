"""In-app notifications (one row per person told) and the email each one sends after commit."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Priority(models.TextChoices):
    """Three levels: 紧急 (act at once), 普通 (something to do, by a date), 提示 (for information only)."""
    HIGH = "high", _("紧急")
    NORMAL = "normal", _("普通")
    INFO = "info", _("提示")


# Most urgent first (the list's sort by priority).
PRIORITY_RANK = {Priority.HIGH: 0, Priority.NORMAL: 1, Priority.INFO: 2}

# What is urgent, by the kind of event told (the verb): a permit suspended (熔断) or revoked, a deadline that
# suspends, and the approved headcount reached on the day (Order 505 Art. 18). Everything else is routine.
HIGH_PRIORITY_VERBS = frozenset({"suspend", "revoke", "deferred_missed", "headcount_alert", "suspension_notice"})


def priority_for(verb: str, *, has_action: bool = True) -> str:
    """Urgent by the kind of event; otherwise normal when the notice asks something of its reader, else info."""
    if verb in HIGH_PRIORITY_VERBS:
        return Priority.HIGH
    return Priority.NORMAL if has_action else Priority.INFO


# How each kind of notice looks in the list (notices must not all look alike): a symbol and a colour family.
KIND_LOOKS = {
    "approve": ("✔", "success"), "approve_provisionally": ("✔", "success"), "confirm_post_review": ("✔", "success"),
    "resume": ("✔", "success"), "vetting_done": ("✔", "success"),
    "return_for_correction": ("✎", "warning"), "accept_with_deferred": ("⏳", "warning"),
    "deferred_reminder": ("⏳", "warning"), "clock_overdue": ("⏰", "danger"),
    "suspend": ("⛔", "danger"), "revoke": ("⛔", "danger"), "deferred_missed": ("⛔", "danger"),
    "headcount_alert": ("⚠", "danger"), "suspension_notice": ("⛔", "danger"), "reject": ("✘", "secondary"),
    "submit": ("▶", "primary"), "assigned": ("●", "primary"), "vetting_assigned": ("♪", "primary"),
}


class Notification(models.Model):
    Priority = Priority

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    application = models.ForeignKey("approvals.Application", null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="notifications")
    # What happened, as a code (a transition name, "reminder", "vetting_done"...).
    verb = models.CharField(_("事项"), max_length=50)
    message = models.TextField(_("内容"))
    # What the reader is to do, and by when (empty: the notice is for information).
    action = models.TextField(_("需要您做的"), blank=True)
    due_date = models.DateField(_("截止日期"), null=True, blank=True)
    priority = models.CharField(_("优先级"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    # The same event told twice (a task run again) creates nothing new.
    dedupe_key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "dedupe_key"], condition=~Q(dedupe_key=""),
                                    name="notification_once_per_user_and_key"),
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]

    def __str__(self):
        return f"{self.user} {self.verb}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def is_urgent(self) -> bool:
        return self.priority == Priority.HIGH

    @property
    def look(self) -> tuple[str, str]:
        return KIND_LOOKS.get(self.verb, ("ℹ", "info" if self.priority == Priority.INFO else "primary"))

    @property
    def symbol(self) -> str:
        return self.look[0]

    @property
    def tone(self) -> str:
        return self.look[1]

    @property
    def is_info(self) -> bool:
        return self.priority == Priority.INFO

    @property
    def days_left(self) -> int | None:
        if self.due_date is None:
            return None
        from django.utils import timezone

        return (self.due_date - timezone.localdate()).days

    @property
    def days_overdue(self) -> int:
        left = self.days_left
        return -left if left is not None and left < 0 else 0
