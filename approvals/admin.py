"""Django's admin autodiscovery imports this module: each sub-domain registers its own models."""
from .applications import admin as applications_admin  # noqa: F401
from .calendar import admin as calendar_admin  # noqa: F401
from .catalogue import admin as catalogue_admin  # noqa: F401
from .clocks import admin as clocks_admin  # noqa: F401
from .opinions import admin as opinions_admin  # noqa: F401
from .workflow import admin as workflow_admin  # noqa: F401
