"""Transactional outbox: background work is written in the same transaction as the change that causes it."""
from django.db import models


class OutboxMessage(models.Model):
    """One Celery task to publish. Written atomically with the business change; published after commit, or by
    the relay once the broker is reachable again. Tasks are idempotent, so publishing twice is harmless."""

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    queue = models.CharField(max_length=50, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["published_at", "id"], name="outbox_pending_idx")]

    def __str__(self):
        return f"{self.task_name}#{self.pk}"

    @property
    def task_id(self) -> str:
        """The same for every publish of this message (a worker sees a re-publish as the same task), and unique
        across databases: a restored or fresh database reuses row ids, while Redis may still hold the results of
        the old ones, and Celery would take an old "success" for this task."""
        return f"outbox-{self.pk}-{self.created_at:%Y%m%d%H%M%S%f}"
