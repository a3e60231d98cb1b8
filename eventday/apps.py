from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventdayConfig(AppConfig):
    name = "eventday"
    verbose_name = _("活动现场")
