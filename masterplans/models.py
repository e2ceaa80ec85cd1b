import datetime
import hashlib
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from masterplans.choices import (
    EDITABLE_STATUSES,
    PUBLISHED_STATUSES,
    WORKING_STATUSES,
    BimtekStage,
    EvidenceStatus,
    FundingSource,
    Horizon,
    PlanAction,
    PlanStatus,
    ProgressStatus,
)
from mou.models import FIRST_PROGRAMME_YEAR, MoU, long_text
from regencies.models import Regency

MIN_PLAN_YEARS = 5
MAX_PLAN_YEARS = 10
LAST_YEAR = 2100


EVIDENCE_SUFFIXES = {".pdf", ".png", ".jpg"}
MAX_RUPIAH = 10**15  # Rp1.000 triliun: far above any programme, far below what the database sums safely
MAX_COMMENT_LENGTH = 5000  # a reviewer's comment on a decision


def private_file_path(folder, suffix):
    """Uploads get a random name under ``folder``; they are served only through views that check access."""
    return f"masterplans/{folder}/{uuid.uuid4().hex}{suffix}"


def plan_document_path(instance, filename):
    return private_file_path("documents", ".pdf")  # the content was checked to be a PDF, whatever its name


def attachment_path(instance, filename):
    return private_file_path("attachments", ".pdf")


def evidence_path(instance, filename):
    suffix = PurePath(filename).suffix.lower()
    return private_file_path("evidence", suffix if suffix in EVIDENCE_SUFFIXES else ".bin")


class BilingualName(models.Model):
    """A name in Bahasa Indonesia and in English; ``name`` gives the one of the active language."""

    name_id = models.CharField(_("name (Indonesian)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.name_en if (get_language() or "id").startswith("en") else self.name_id


class Dimension(BilingualName):
    """One of the smart-city dimensions (Smart Governance, ...). The taxonomy is data that ministry admins edit."""

    code = models.SlugField(_("code"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")
        ordering = ["order", "code"]


class SubDimension(BilingualName):
    dimension = models.ForeignKey(Dimension, models.PROTECT, related_name="sub_dimensions", verbose_name=_("dimension"))
    code = models.SlugField(_("code"), max_length=60)

    class Meta:
        verbose_name = _("sub-dimension")
        verbose_name_plural = _("sub-dimensions")
        ordering = ["dimension__order", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["dimension", "code"], name="unique_sub_dimension_code")]


class MasterPlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The access policy for plans, used by pages and downloads alike: ministry staff see every plan, a
        regency's officers see their own regency's plans, and everyone sees approved (and superseded) plans."""
        if user.is_active and user.has_perm("masterplans.view_masterplan"):
            return self
        published = Q(status__in=PUBLISHED_STATUSES)
        if not user.is_authenticated:
            return self.filter(published)
        return self.filter(published | Q(regency__in=officer_regencies(user)))

    def published(self):
        return self.filter(status__in=PUBLISHED_STATUSES)


def sees_only_published(user):
    """Whether ``visible_to(user)`` is just the published plans, as for everyone: such callers may share cached
    answers."""
    if not user.is_authenticated:
        return True
    if not user.is_active or user.has_perm("masterplans.view_masterplan"):
        return False
    return not officer_regency_ids(user)


def officer_regencies(user):
    """The regencies ``user`` acts for, as a subquery (no query of its own)."""
    return Regency.objects.filter(memberships__user=user).values("pk")


def officer_regency_ids(user):
    """The ids of the regencies ``user`` acts for, read once per request user."""
    if not (user.is_authenticated and user.is_active):
        return frozenset()
    if not hasattr(user, "_officer_regency_ids"):
        user._officer_regency_ids = frozenset(user.regency_memberships.values_list("regency_id", flat=True))
    return user._officer_regency_ids


class MasterPlan(models.Model):
    """A regency's five-to-ten-year smart-city master plan, in versions; each version goes through review."""

    regency = models.ForeignKey(Regency, models.PROTECT, related_name="plans", verbose_name=_("regency/city"))
    mou = models.ForeignKey(MoU, models.PROTECT, related_name="plans", verbose_name=_("MoU"))
    title = models.CharField(_("title"), max_length=200)
    start_year = models.PositiveSmallIntegerField(
        _("first year"), validators=[MinValueValidator(FIRST_PROGRAMME_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    end_year = models.PositiveSmallIntegerField(
        _("last year"), validators=[MinValueValidator(FIRST_PROGRAMME_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    summary = long_text(_("summary"))
    rpjmd_reference = models.CharField(
        _("RPJMD reference"), max_length=300, blank=True, help_text=_("The regional medium-term development plan.")
    )
    renstra_reference = models.CharField(
        _("Renstra OPD reference"), max_length=300, blank=True, help_text=_("The agencies' strategic plans.")
    )
    regulation_number = models.CharField(
        _("regent/mayor regulation number"), max_length=150, blank=True, help_text=_("Perbup/Perwali that adopts it.")
    )
    main_document = models.FileField(_("main document (PDF)"), upload_to=plan_document_path, blank=True)
    not_applicable = models.ManyToManyField(
        Dimension,
        blank=True,
        related_name="+",
        verbose_name=_("dimensions not applicable"),
        help_text=_("Dimensions this plan deliberately leaves out; every other dimension needs a programme."),
    )
    previous = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="next_versions",
        verbose_name=_("previous version"),
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MasterPlanQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"], m2m_fields=[not_applicable])

    class Meta:
        verbose_name = _("master plan")
        verbose_name_plural = _("master plans")
        ordering = ["regency__code", "-version"]
        permissions = [("review_masterplan", _("Can review master plans"))]
        constraints = [
            models.UniqueConstraint(fields=["regency", "version"], name="unique_plan_version"),
            models.UniqueConstraint(
                fields=["regency"],
                condition=Q(status=PlanStatus.APPROVED),
                name="one_approved_plan_per_regency",
                violation_error_message=_("This regency/city already has an approved plan."),
            ),
            models.UniqueConstraint(
                fields=["regency"],
                condition=Q(status__in=WORKING_STATUSES),
                name="one_working_plan_per_regency",
                violation_error_message=_("This regency/city is already working on a plan."),
            ),
            models.CheckConstraint(condition=Q(status__in=PlanStatus.values), name="plan_status_valid"),
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year") + MIN_PLAN_YEARS - 1)
                & Q(end_year__lte=models.F("start_year") + MAX_PLAN_YEARS - 1),
                name="plan_period_5_to_10_years",
            ),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"], name="plan_status_submitted_idx")]

    def __str__(self):
        return f"{self.title} (v{self.version})"

    def get_absolute_url(self):
        return reverse("masterplans:plan-detail", kwargs={"pk": self.pk})

    def file_stem(self):
        """The start of the names its files are downloaded under (stored names are random)."""
        return f"rencana-induk-{self.regency.code}-v{self.version}"

    @property
    def years(self):
        return range(self.start_year, self.end_year + 1)

    @property
    def is_editable(self):
        return self.status in EDITABLE_STATUSES

    @property
    def is_published(self):
        return self.status in PUBLISHED_STATUSES

    def clean(self):
        errors = {}
        if self.start_year and self.end_year:
            length = self.end_year - self.start_year + 1
            if self.end_year < self.start_year:
                errors["end_year"] = _("The last year cannot come before the first year.")
            elif not MIN_PLAN_YEARS <= length <= MAX_PLAN_YEARS:
                errors["end_year"] = _(
                    "A master plan covers 5 to 10 whole years; %(start)s to %(end)s is %(length)s years."
                ) % {"start": self.start_year, "end": self.end_year, "length": length}
        if self.mou_id and self.regency_id and self.mou.regency_id != self.regency_id:
            errors[NON_FIELD_ERRORS] = _("This MoU belongs to another regency/city.")
        if errors:
            raise ValidationError(errors)


class PlanAttachment(models.Model):
    """A further document of a plan (annexes, maps, decrees): PDF only, served through an access-checked view."""

    plan = models.ForeignKey(MasterPlan, models.CASCADE, related_name="attachments", verbose_name=_("master plan"))
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file (PDF)"), upload_to=attachment_path)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.title


class Programme(models.Model):
    """A programme of a master plan, in one dimension and horizon, with its years, budget and funding."""

    plan = models.ForeignKey(MasterPlan, models.CASCADE, related_name="programmes", verbose_name=_("master plan"))
    dimension = models.ForeignKey(Dimension, models.PROTECT, related_name="programmes", verbose_name=_("dimension"))
    sub_dimension = models.ForeignKey(
        SubDimension,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
        verbose_name=_("sub-dimension"),
    )
    name = models.CharField(_("name"), max_length=200)
    description = long_text(_("description"))
    horizon = models.CharField(_("horizon"), max_length=10, choices=Horizon.choices)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    budget = models.PositiveBigIntegerField(
        _("estimated budget (Rp)"), validators=[MaxValueValidator(MAX_RUPIAH)], help_text=_("Whole rupiah.")
    )
    funding_source = models.CharField(_("funding source"), max_length=10, choices=FundingSource.choices)
    agency = models.CharField(_("responsible agency (OPD)"), max_length=200)
    is_quick_win = models.BooleanField(_("quick win"), default=False)
    bimtek_stage = models.PositiveSmallIntegerField(
        _("bimtek stage"),
        choices=BimtekStage.choices,
        null=True,
        blank=True,
        help_text=_("Where it came from, if known."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["dimension__order", "horizon", "name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end_year__gte=models.F("start_year")), name="programme_years_ordered"),
            models.CheckConstraint(condition=Q(horizon__in=Horizon.values), name="programme_horizon_valid"),
            models.CheckConstraint(
                condition=Q(funding_source__in=FundingSource.values), name="programme_funding_source_valid"
            ),
        ]

    def __str__(self):
        return self.name

    def runs_in(self, year):
        """Whether the programme is planned to run in ``year`` (and so owes a progress update for its quarters)."""
        return self.start_year <= year <= self.end_year

    @property
    def counts_as_quick_win(self):
        return self.is_quick_win or self.horizon == Horizon.QUICK_WIN

    def year_errors(self, plan):
        """Errors for years outside ``plan``'s period, by field; the completeness check uses it too."""
        errors = {}
        if self.start_year is not None and self.end_year is not None and self.end_year < self.start_year:
            errors["end_year"] = _("The last year cannot come before the first year.")
        for name in ("start_year", "end_year"):
            year = getattr(self, name)
            if year is not None and not plan.start_year <= year <= plan.end_year:
                errors[name] = _("%(year)s is outside the plan's period, %(start)s to %(end)s.") % {
                    "year": year,
                    "start": plan.start_year,
                    "end": plan.end_year,
                }
        return errors

    def clean(self):
        errors = self.year_errors(self.plan) if self.plan_id else {}
        if self.sub_dimension_id and self.dimension_id and self.sub_dimension.dimension_id != self.dimension_id:
            errors["sub_dimension"] = _("This sub-dimension belongs to another dimension.")
        if errors:
            raise ValidationError(errors)


class PlanEvent(models.Model):
    """One step of a plan's workflow: who moved it, from which status to which, when, and why."""

    plan = models.ForeignKey(MasterPlan, models.CASCADE, related_name="events", verbose_name=_("master plan"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    action = models.CharField(_("action"), max_length=20, choices=PlanAction.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=PlanStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=PlanStatus.choices)
    comment = models.TextField(
        _("comment"),
        blank=True,
        max_length=MAX_COMMENT_LENGTH,
        validators=[MaxLengthValidator(MAX_COMMENT_LENGTH)],
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("plan event")
        verbose_name_plural = _("plan events")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.plan}: {self.get_action_display()}"


def quarter_start(year, quarter):
    return datetime.date(year, 3 * quarter - 2, 1)


class ProgressUpdate(models.Model):
    """Progress of one programme in one quarter. Physical progress and money spent are separate figures."""

    programme = models.ForeignKey(
        Programme, models.CASCADE, related_name="progress_updates", verbose_name=_("programme")
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(FIRST_PROGRAMME_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    physical_percent = models.DecimalField(
        _("physical progress (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    spent = models.PositiveBigIntegerField(
        _("money spent so far (Rp)"), validators=[MaxValueValidator(MAX_RUPIAH)], help_text=_("Whole rupiah.")
    )
    status = models.CharField(_("status"), max_length=12, choices=ProgressStatus.choices)
    note = long_text(_("note"))
    evidence = models.FileField(
        _("evidence"), upload_to=evidence_path, blank=True, help_text=_("PDF, PNG or JPEG, at most 20 MB.")
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    # A ministry reviewer's check of the evidence (``services.check_evidence``); a new file is unchecked again.
    # Database defaults, so rows written by the previous release's code (which knows no such columns) stay valid.
    evidence_status = models.CharField(
        _("evidence check"),
        max_length=10,
        choices=EvidenceStatus.choices,
        default=EvidenceStatus.PENDING,
        db_default=EvidenceStatus.PENDING,
    )
    evidence_reason = models.TextField(
        _("reason"),
        blank=True,
        default="",
        db_default="",
        max_length=MAX_COMMENT_LENGTH,
        validators=[MaxLengthValidator(MAX_COMMENT_LENGTH)],
    )
    evidence_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("evidence checked by"),
    )
    evidence_checked_at = models.DateTimeField(_("evidence checked at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "year", "quarter"], name="one_update_per_programme_quarter"),
            models.CheckConstraint(condition=Q(quarter__gte=1) & Q(quarter__lte=4), name="progress_quarter_valid"),
            models.CheckConstraint(
                condition=Q(physical_percent__gte=0) & Q(physical_percent__lte=100), name="progress_percent_0_to_100"
            ),
            models.CheckConstraint(condition=Q(status__in=ProgressStatus.values), name="progress_status_valid"),
        ]
        permissions = [("verify_progressupdate", _("Can verify the evidence of progress updates"))]

    def __str__(self):
        return f"{self.programme} – {self.year} Q{self.quarter}"

    @property
    def evidence_check(self):
        """The evidence's check status, or None when the update has no evidence to check."""
        return self.evidence_status if self.evidence else None

    def evidence_version(self):
        """A short fingerprint of the stored evidence file, to tell whether it was replaced since a page showed it
        (the stored name itself stays private)."""
        return hashlib.sha256(self.evidence.name.encode()).hexdigest()[:16] if self.evidence else ""

    def evidence_filename(self):
        """The name the evidence is downloaded under."""
        suffix = self.evidence.name.rsplit(".", 1)[-1] if self.evidence else "pdf"
        return f"{self.programme.plan.file_stem()}-bukti-{self.year}-q{self.quarter}-{self.pk}.{suffix}"

    def clean(self):
        """Period rules, as errors of the whole update: pages take the year and quarter from the address."""
        if not (self.year and self.quarter in (1, 2, 3, 4)):
            return
        if quarter_start(self.year, self.quarter) > timezone.localdate():
            raise ValidationError(
                _("%(year)s Q%(quarter)s has not started yet; report it once it has.")
                % {"year": self.year, "quarter": self.quarter},
                code="future_quarter",
            )
        if self.programme_id:
            plan = self.programme.plan
            if not plan.start_year <= self.year <= plan.end_year:
                raise ValidationError(
                    _("%(year)s is outside the plan's period, %(start)s to %(end)s.")
                    % {"year": self.year, "start": plan.start_year, "end": plan.end_year},
                    code="outside_period",
                )


class ProgressReminder(models.Model):
    """That officers of a plan were reminded of a quarter's update, so the daily job never sends it twice."""

    plan = models.ForeignKey(MasterPlan, models.CASCADE, related_name="reminders", verbose_name=_("master plan"))
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("progress reminder")
        verbose_name_plural = _("progress reminders")
        constraints = [models.UniqueConstraint(fields=["plan", "year", "quarter"], name="one_reminder_per_quarter")]

    def __str__(self):
        return f"{self.plan} – {self.year} Q{self.quarter}"
