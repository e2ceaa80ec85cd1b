from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    REVISION_REQUESTED = "revision_requested", _("Revision requested")
    APPROVED = "approved", _("Approved")
    SUPERSEDED = "superseded", _("Superseded")


# Officers may change a plan only in these statuses; the ministry has it in the others.
EDITABLE_STATUSES = [PlanStatus.DRAFT, PlanStatus.REVISION_REQUESTED]
# What the public sees: plans the ministry approved, including those a later version has replaced.
PUBLISHED_STATUSES = [PlanStatus.APPROVED, PlanStatus.SUPERSEDED]
# A regency works on at most one version at a time.
WORKING_STATUSES = [PlanStatus.DRAFT, PlanStatus.SUBMITTED, PlanStatus.IN_REVIEW, PlanStatus.REVISION_REQUESTED]
REVIEW_QUEUE_STATUSES = [PlanStatus.SUBMITTED, PlanStatus.IN_REVIEW]


class PlanAction(models.TextChoices):
    CREATED = "created", _("Created")
    SUBMITTED = "submitted", _("Submitted")
    TAKEN_UP = "taken_up", _("Taken up for review")
    REVISION_REQUESTED = "revision_requested", _("Revision requested")
    APPROVED = "approved", _("Approved")
    NEW_VERSION = "new_version", _("New version started")
    SUPERSEDED = "superseded", _("Superseded")


class Horizon(models.TextChoices):
    QUICK_WIN = "quick_win", _("Quick win")
    SHORT = "short", _("Short term")
    MEDIUM = "medium", _("Medium term")
    LONG = "long", _("Long term")


class FundingSource(models.TextChoices):
    APBD = "apbd", _("APBD (regional budget)")
    APBN = "apbn", _("APBN (state budget)")
    KPBU = "kpbu", _("KPBU/PPP")
    CSR = "csr", _("CSR/private")
    OTHER = "other", _("Other")


class BimtekStage(models.IntegerChoices):
    READINESS = 1, _("I: readiness")
    MAPPING = 2, _("II: mapping RPJMD and Renstra OPD programmes")
    INNOVATION = 3, _("III: proposing innovations")
    IMPLEMENTATION = 4, _("IV: implementation plan and quick wins")


class ProgressStatus(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    DELAYED = "delayed", _("Delayed")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class EvidenceStatus(models.TextChoices):
    """What a ministry reviewer found of a progress update's evidence; a new file starts unchecked again."""

    PENDING = "pending", _("Not yet checked")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")
