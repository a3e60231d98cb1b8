"""The plans app: renders the approved security plan when an application is approved."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("安全工作方案PDF")

    def ready(self):
        from approvals.signals import application_transitioned, permit_amended

        from . import services

        # Sent after the approval has committed; the receiver queues the render on its own commit.
        application_transitioned.connect(services.plan_on_transition, dispatch_uid="plans.render_on_approval")
        permit_amended.connect(services.plan_on_permit_amended, dispatch_uid="plans.render_on_permit_amended")
