from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SmartCityConfig(AppConfig):
    """The programme-wide layer: roles, health, dashboards and reports that read every app."""

    name = "smartcity"
    verbose_name = _("Smart City programme")

    def ready(self):
        from smartcity import figures_cache

        figures_cache.connect()
