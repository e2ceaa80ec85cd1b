import logging

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class OperationsConfig(AppConfig):
    name = "smartcity.operations"
    label = "operations"
    verbose_name = _("Operations")

    def ready(self):
        from smartcity.operations import metrics  # noqa: F401  (connects the Celery signals it counts)

        if not settings.DEBUG and settings.EMAIL_BACKEND.endswith("console.EmailBackend"):
            logger.warning(
                "Emails, and the error mail to ADMINS, are printed to standard output, not sent: EMAIL_URL is unset "
                "or consolemail://"
            )
