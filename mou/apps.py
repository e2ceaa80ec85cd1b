from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MouConfig(AppConfig):
    """Cohorts, signing events and MoUs between the ministry and a regency (built in the membership issue)."""

    name = "mou"
    verbose_name = _("Memoranda of understanding")
