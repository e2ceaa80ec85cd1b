from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegenciesConfig(AppConfig):
    """The official Kemendagri register of provinces and regencies/cities, and which officers belong where."""

    name = "regencies"
    verbose_name = _("Regions")
