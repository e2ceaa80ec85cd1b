from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "smartcity.dashboards"
    label = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self):
        from smartcity.dashboards import figures_cache

        figures_cache.connect()
