from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MasterplansConfig(AppConfig):
    """Master plans, their programmes and progress (built in the master plan issue)."""

    name = "masterplans"
    verbose_name = _("Master plans")
