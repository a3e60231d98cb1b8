from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = _("安全许可审批")

    def ready(self):
        from .risk import bridge as risk
        from . import signals

        # Re-assess the risk whenever what the model reads changes (signal sent after commit).
        signals.application_changed.connect(risk.reassess_on_change, dispatch_uid="approvals.risk.reassess")

        # A holiday or a bureau's clock policy edited in the admin moves running clocks: refresh the stored
        # next deadlines in the background (through the outbox, after commit).
        from django.db.models.signals import post_delete, post_save

        from .clocks.models import CalendarDay, ClockPolicy
        from .clocks.signals import clocks_edited

        for model in (CalendarDay, ClockPolicy):
            post_save.connect(clocks_edited, sender=model, dispatch_uid=f"approvals.clocks.{model.__name__}.saved")
            post_delete.connect(clocks_edited, sender=model, dispatch_uid=f"approvals.clocks.{model.__name__}.deleted")
