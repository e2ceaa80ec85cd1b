from django.db import models
from django.utils.translation import gettext_lazy as _


class MoUStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    TERMINATED = "terminated", _("Terminated")


ENDED_STATUSES = [MoUStatus.EXPIRED, MoUStatus.TERMINATED]
