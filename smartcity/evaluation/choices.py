from django.db import models
from django.utils.translation import gettext_lazy as _


class PartKind(models.TextChoices):
    """The five parts of the achievement index (Indeks Pencapaian), in the order the guideline gives them."""

    BASELINE = "baseline", _("Baseline")
    OUTPUT = "output", _("Output")
    OUTCOME = "outcome", _("Outcome")
    IMPACT = "impact", _("Impact")
    QUICK_WIN = "quick_win", _("Quick win")


PART_ORDER = [kind.value for kind in PartKind]


class Scale(models.TextChoices):
    SCORE = "score", _("A score from 0 to 100")
    CHOICE = "choice", _("One of a fixed list of choices")


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PUBLISHED = "published", _("Published")


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    FINALISED = "finalised", _("Finalised")


class EvidenceStatus(models.TextChoices):
    PENDING = "pending", _("Not checked yet")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")
