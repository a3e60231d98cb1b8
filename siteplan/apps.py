from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteplanConfig(AppConfig):
    name = "siteplan"
    verbose_name = _("场地平面图")
    default_auto_field = "django.db.models.BigAutoField"
