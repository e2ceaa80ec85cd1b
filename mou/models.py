import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mou.choices import MoUStatus
from regencies.models import Regency

FIRST_PROGRAMME_YEAR = 2017
MAX_TEXT_LENGTH = 10_000  # characters of a note, summary or description: pages of text, never megabytes
# An MoU's document numbers and signatories: edited, imported, exported and published alike.
DOCUMENT_FIELDS = [
    "ministry_number",
    "regency_number",
    "ministry_signatory_name",
    "ministry_signatory_title",
    "regency_signatory_name",
    "regency_signatory_title",
]


def long_text(verbose_name, **kwargs):
    """A text people write (a note, a source, a summary): optional, at most ``MAX_TEXT_LENGTH`` characters. Forms
    and the API take the limit from ``max_length``, ``clean_fields`` (imports) from the validator."""
    return models.TextField(
        verbose_name,
        blank=True,
        max_length=MAX_TEXT_LENGTH,
        validators=[MaxLengthValidator(MAX_TEXT_LENGTH)],
        **kwargs,
    )


class Cohort(models.Model):
    """The regencies/cities that join in one year, with the number the programme aimed for that year."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(FIRST_PROGRAMME_YEAR), MaxValueValidator(2100)]
    )
    target = models.PositiveIntegerField(_("target"), help_text=_("How many members this cohort aimed for."))
    label = models.CharField(_("label"), max_length=100)
    source = long_text(_("source"), help_text=_("Where these figures come from."))

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["year"]

    def __str__(self):
        return self.label or str(self.year)

    def get_absolute_url(self):
        return reverse("mou:cohort-detail", kwargs={"year": self.year})


class SigningEvent(models.Model):
    """A ceremony at which members of a cohort signed their MoUs."""

    cohort = models.ForeignKey(Cohort, models.PROTECT, related_name="events", verbose_name=_("cohort"))
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    note = long_text(_("note"))
    source = long_text(_("source"))

    class Meta:
        verbose_name = _("signing event")
        verbose_name_plural = _("signing events")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["cohort", "date", "title"], name="unique_signing_event")]

    def __str__(self):
        return f"{self.title} ({self.date:%Y-%m-%d})"


def mou_document_path(instance, filename):
    """Scans (always PDFs) get an unguessable name; they are served only through a view that checks permission."""
    return f"mou/documents/{uuid.uuid4().hex}.pdf"


def in_force(day, prefix=""):
    """A Q for MoUs in force on ``day``: signed by then, not ended, and not past their ``valid_until`` date.

    ``prefix`` reaches the MoUs through a relation. An MoU past ``valid_until`` that staff have not yet ended
    no longer counts, so a forgotten expiry does not inflate the membership.
    """
    return (
        Q(**{f"{prefix}signed_on__lte": day})
        & (Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gt": day}))
        & (Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": day}))
    )


def member_count_expressions(day, prefix=""):
    """Counts of members on ``day`` (distinct regencies with an MoU in force), real and demo apart so that demo
    never passes for real; ``prefix`` reaches the MoUs through a relation, e.g. ``"regencies__mous__"``."""
    in_force_then = in_force(day, prefix)
    regency = f"{prefix}regency"
    return {
        "real": Count(regency, distinct=True, filter=in_force_then & Q(**{f"{prefix}is_demo": False})),
        "demo": Count(regency, distinct=True, filter=in_force_then & Q(**{f"{prefix}is_demo": True})),
    }


class MoUQuerySet(models.QuerySet):
    def member_counts(self, day):
        """``{"real": n, "demo": m}`` members on ``day``, in one SQL aggregate."""
        return self.aggregate(**member_count_expressions(day))


class MoU(models.Model):
    """A memorandum of understanding (nota kesepahaman) between the ministry and one regency/city."""

    regency = models.ForeignKey(Regency, models.PROTECT, related_name="mous", verbose_name=_("regency/city"))
    cohort = models.ForeignKey(Cohort, models.PROTECT, related_name="mous", verbose_name=_("cohort"))
    event = models.ForeignKey(
        SigningEvent,
        models.PROTECT,
        related_name="mous",
        null=True,
        blank=True,
        verbose_name=_("signing event"),
    )
    signed_on = models.DateField(_("signed on"))
    ministry_number = models.CharField(_("ministry's document number"), max_length=100, blank=True)
    regency_number = models.CharField(_("regency's document number"), max_length=100, blank=True)
    ministry_signatory_name = models.CharField(_("ministry signatory"), max_length=150, blank=True)
    ministry_signatory_title = models.CharField(_("ministry signatory's title"), max_length=150, blank=True)
    regency_signatory_name = models.CharField(_("regency signatory"), max_length=150, blank=True)
    regency_signatory_title = models.CharField(_("regency signatory's title"), max_length=150, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=MoUStatus.choices, default=MoUStatus.ACTIVE)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    document = models.FileField(_("scanned document (PDF)"), upload_to=mou_document_path, blank=True)
    note = long_text(_("note"))
    source = long_text(_("source"), help_text=_("Where this record comes from."))
    is_demo = models.BooleanField(
        _("demo data"), default=False, help_text=_("Generated for demonstration; never a real MoU.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MoUQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("MoU")
        verbose_name_plural = _("MoUs")
        ordering = ["-signed_on", "regency__code"]
        permissions = [
            ("end_mou", _("Can end an MoU")),
            ("import_mou", _("Can import MoUs from a file")),
            ("view_mou_document", _("Can download scanned MoU documents")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["regency"],
                condition=Q(status=MoUStatus.ACTIVE),
                name="one_active_mou_per_regency",
                violation_error_message=_("This regency/city already has an active MoU."),
            ),
            models.CheckConstraint(condition=Q(status__in=MoUStatus.values), name="mou_status_valid"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("signed_on")),
                name="mou_valid_until_after_signing",
            ),
            models.CheckConstraint(
                condition=(Q(status=MoUStatus.ACTIVE) & Q(ended_on__isnull=True))
                | (~Q(status=MoUStatus.ACTIVE) & Q(ended_on__isnull=False) & Q(ended_on__gte=models.F("signed_on"))),
                name="mou_ended_on_matches_status",
            ),
        ]
        indexes = [models.Index(fields=["signed_on"], name="mou_signed_on_idx")]

    def __str__(self):
        return f"{self.regency} – {self.cohort.year}"

    def get_absolute_url(self):
        return reverse("mou:mou-detail", kwargs={"pk": self.pk})

    @property
    def is_active(self):
        return self.status == MoUStatus.ACTIVE

    def document_filename(self):
        """The name the scan is downloaded under (the stored name is random, the uploaded one is not kept)."""
        return f"mou-{self.regency.code}-{self.signed_on:%Y%m%d}.pdf"

    def clean(self):
        """The rules every way in (form, import, admin) must pass; the database enforces the key ones again."""
        errors = self.rule_errors()
        if self.status == MoUStatus.ACTIVE and self.regency_id and "regency" not in errors:
            others = MoU.objects.filter(regency_id=self.regency_id, status=MoUStatus.ACTIVE).exclude(pk=self.pk)
            if others.exists():
                errors["regency"] = self.second_active_message()
        if errors:
            raise ValidationError(errors)

    def second_active_message(self):
        return _("%(regency)s already has an active MoU; end it before recording another.") % {"regency": self.regency}

    def rule_errors(self):
        """The rules that need no query beyond this MoU's cohort and event, by field name."""
        errors = {}
        today = timezone.localdate()
        if self.signed_on:
            if self.signed_on > today:
                errors["signed_on"] = _("The signing date cannot be in the future.")
            elif self.cohort_id and self.cohort.year != self.signed_on.year:
                errors["cohort"] = _("The %(year)s cohort does not match a signing date in %(signed)s.") % {
                    "year": self.cohort.year,
                    "signed": self.signed_on.year,
                }
            if self.valid_until and self.valid_until < self.signed_on:
                errors["valid_until"] = _("An MoU cannot expire before it is signed.")
        if self.event_id and self.cohort_id and self.event.cohort_id != self.cohort_id:
            errors["event"] = _("This signing event belongs to another cohort.")
        if self.status == MoUStatus.ACTIVE:
            self.ended_on = None
        elif not self.ended_on:
            errors["ended_on"] = _("Give the date on which the MoU ended.")
        elif self.ended_on > today:
            errors["ended_on"] = _("The end date cannot be in the future.")
        elif self.signed_on and self.ended_on < self.signed_on:
            errors["ended_on"] = _("An MoU cannot end before it is signed.")
        return errors


class Goal(models.Model):
    """A headline target for the number of members, e.g. "Gerakan Menuju 100 Smart City": 100."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    target = models.PositiveIntegerField(_("target number of members"), validators=[MinValueValidator(1)])
    deadline_year = models.PositiveSmallIntegerField(
        _("deadline year"), null=True, blank=True, validators=[MinValueValidator(FIRST_PROGRAMME_YEAR)]
    )
    is_active = models.BooleanField(_("active"), default=True)
    source = long_text(_("source"))

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["target"]

    def __str__(self):
        return self.name
