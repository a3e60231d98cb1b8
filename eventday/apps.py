from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventdayConfig(AppConfig):
    name = "eventday"
    verbose_name = _("活动现场")

    def ready(self):
        from approvals.signals import application_transitioned

        from . import services

        # A suspension reaches the security company's guards too (the workflow tells the organizer and police).
        application_transitioned.connect(services.suspension_on_transition,
                                         dispatch_uid="eventday.suspension_command_post")
