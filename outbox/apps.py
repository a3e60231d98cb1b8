from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "outbox"
    verbose_name = _("任务发件箱")

    def ready(self):
        from celery.signals import worker_ready

        from .services import publish_pending

        # A worker that (re)connects publishes whatever piled up while the broker was away.
        worker_ready.connect(lambda **kwargs: publish_pending(), weak=False, dispatch_uid="outbox.worker_ready")
