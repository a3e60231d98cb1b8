from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskassessConfig(AppConfig):
    name = "riskassess"
    verbose_name = _("风险评估")
