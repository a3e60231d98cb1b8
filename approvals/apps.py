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
