from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SmartCityConfig(AppConfig):
    """The project's wiring: the roles and their permissions (its migrations), health, and the admin site's titles.
    The programme layer's capabilities are apps of their own under this package."""

    name = "smartcity"
    verbose_name = _("Smart City programme")
