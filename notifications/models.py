"""In-app notifications (one row per person told) and the email each one sends after commit."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Priority(models.TextChoices):
    NORMAL = "normal", _("普通")
    HIGH = "high", _("紧急")


# What is urgent, by the kind of event told (the verb): a permit suspended (熔断) or revoked, a deadline that
# suspends, and the approved headcount reached on the day (Order 505 Art. 18). Everything else is routine.
HIGH_PRIORITY_VERBS = frozenset({"suspend", "revoke", "deferred_missed", "headcount_alert", "suspension_notice"})


def priority_for(verb: str) -> str:
    return Priority.HIGH if verb in HIGH_PRIORITY_VERBS else Priority.NORMAL


class Notification(models.Model):
    Priority = Priority

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    application = models.ForeignKey("approvals.Application", null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="notifications")
    # What happened, as a code (a transition name, "reminder", "vetting_done"...).
    verb = models.CharField(_("事项"), max_length=50)
    message = models.TextField(_("内容"))
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
