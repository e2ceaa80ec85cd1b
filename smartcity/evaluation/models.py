"""The yearly evaluation (monitoring dan evaluasi, monev) of the programme's members.

A ``Weighting`` is one versioned edition of the achievement index (Indeks Pencapaian): five parts with weights
that sum to 100, and criteria under each part with weights of their own. A ``Round`` evaluates one year with one
weighting; each member in it has an ``Assessment``: the regency's self-assessment (``Answer.value``, a note and
``Evidence``), then an assessor's confirmed values. A finalised assessment gets a ``Score``, computed in SQL from
the confirmed values and stored with the weighting it was computed with (``smartcity.evaluation.scores``).
Once a round using a weighting is published, that weighting can no longer change: a new edition is a new version.

Before a member writes its master plan, the ministry guides it through the four stages of technical guidance
(bimtek, ``BimtekStage``); a ``BimtekSession`` records when one stage ran for a member and who guided it.
"""

import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from masterplans.choices import BimtekStage
from masterplans.models import LAST_YEAR, BilingualName, Programme, officer_regencies
from masterplans.schedule import due_date
from mou.models import FIRST_PROGRAMME_YEAR, MoU, long_text
from regencies.models import Regency
from smartcity.evaluation.choices import AssessmentStatus, EvidenceStatus, PartKind, RoundStatus, Scale

TOTAL_WEIGHT = 100
SCORE = {"max_digits": 5, "decimal_places": 2, "validators": [MinValueValidator(0), MaxValueValidator(100)]}
EVIDENCE_SUFFIXES = {".pdf", ".png", ".jpg", ".jpeg"}


def weight_field(verbose_name, minimum=0):
    return models.PositiveSmallIntegerField(
        verbose_name, validators=[MinValueValidator(minimum), MaxValueValidator(TOTAL_WEIGHT)]
    )


class WeightingQuerySet(models.QuerySet):
    def locked(self):
        """Weightings that a published round has used: their parts and criteria stay as they were scored."""
        return self.filter(rounds__status=RoundStatus.PUBLISHED).distinct()


class Weighting(models.Model):
    """One version of an edition of the index's weighting, with where its figures come from."""

    title = models.CharField(_("title"), max_length=150)
    version = models.PositiveSmallIntegerField(_("version"), default=1, validators=[MinValueValidator(1)])
    source = long_text(_("source"), help_text=_("Where these weights come from."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = WeightingQuerySet.as_manager()

    class Meta:
        verbose_name = _("weighting")
        verbose_name_plural = _("weightings")
        ordering = ["title", "version"]
        constraints = [models.UniqueConstraint(fields=["title", "version"], name="unique_weighting_version")]

    def __str__(self):
        return f"{self.title} v{self.version}"

    @property
    def is_locked(self):
        return self.rounds.filter(status=RoundStatus.PUBLISHED).exists()

    def require_unlocked(self):
        if self.pk and self.is_locked:
            raise ValidationError(
                _("%(weighting)s has published scores, so it can no longer change: make a new version instead.")
                % {"weighting": self},
                code="locked",
            )


def weight_problems(parts, criteria):
    """Messages for weights that do not add up: the parts' weights, and each part's criteria weights, must each sum
    to 100. ``parts`` are ``Part`` objects, ``criteria`` maps a part's kind to its criteria."""
    problems = []
    total = sum(part.weight for part in parts)
    if total != TOTAL_WEIGHT:
        problems.append(_("The parts' weights add up to %(total)d, not 100.") % {"total": total})
    for part in parts:
        subtotal = sum(criterion.weight for criterion in criteria.get(part.kind, []))
        if subtotal != TOTAL_WEIGHT:
            problems.append(
                _("The criteria of %(part)s add up to %(total)d, not 100.")
                % {"part": part.get_kind_display(), "total": subtotal}
            )
    return problems


class Part(models.Model):
    """One of the index's five parts in one weighting, with its weight in percent."""

    weighting = models.ForeignKey(Weighting, models.CASCADE, related_name="parts", verbose_name=_("weighting"))
    kind = models.CharField(_("part"), max_length=12, choices=PartKind.choices)
    weight = weight_field(_("weight (%)"))

    class Meta:
        verbose_name = _("part")
        verbose_name_plural = _("parts")
        constraints = [models.UniqueConstraint(fields=["weighting", "kind"], name="unique_weighting_part")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.weight}%"

    def clean(self):
        if self.weighting_id:
            self.weighting.require_unlocked()


def valid_choices(choices):
    return bool(choices) and all(
        isinstance(choice, dict)
        and isinstance(choice.get("score"), int | float)
        and 0 <= choice["score"] <= 100
        and choice.get("name_id")
        for choice in choices
    )


class Criterion(BilingualName):
    """What is assessed under a part, with its weight within the part and its scale: a score from 0 to 100, or one
    of ``choices`` (``[{"score": 100, "name_id": "Ada", "name_en": "In place"}, ...]``)."""

    part = models.ForeignKey(Part, models.CASCADE, related_name="criteria", verbose_name=_("part"))
    code = models.SlugField(_("code"), max_length=40)
    description = long_text(_("description"))
    weight = weight_field(_("weight within the part (%)"), minimum=1)
    scale = models.CharField(_("scale"), max_length=8, choices=Scale.choices, default=Scale.SCORE)
    choices = models.JSONField(_("choices"), default=list, blank=True)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["part__weighting", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["part", "code"], name="unique_criterion_code")]

    def clean(self):
        if self.part_id:
            self.part.weighting.require_unlocked()
        if self.scale == Scale.CHOICE and not valid_choices(self.choices):
            raise ValidationError(
                {
                    "choices": _("List each choice with a score from 0 to 100 and a name: %(example)s")
                    % {"example": '[{"score": 100, "name_id": "Ada", "name_en": "In place"}]'}
                }
            )

    def choice_list(self):
        """``(score, name)`` pairs in the active language, for a choice scale."""
        english = (get_language() or "id").startswith("en")
        return [
            (
                Decimal(str(choice["score"])),
                choice.get("name_en") if english and choice.get("name_en") else choice["name_id"],
            )
            for choice in self.choices
        ]

    def value_problem(self, value):
        """Why ``value`` cannot be a value of this criterion, or None."""
        if value is None:
            return None
        if not Decimal(0) <= value <= Decimal(100):
            return _("Give a score from 0 to 100.")
        if self.scale == Scale.CHOICE and value not in {score for score, _name in self.choice_list()}:
            return _("Choose one of the listed choices.")
        return None


class Round(models.Model):
    """The evaluation of one year, with the weighting its scores are computed with."""

    year = models.PositiveSmallIntegerField(
        _("year"),
        unique=True,
        validators=[MinValueValidator(FIRST_PROGRAMME_YEAR), MaxValueValidator(LAST_YEAR)],
        error_messages={"unique": _("There is already an evaluation round for this year.")},
    )
    weighting = models.ForeignKey(Weighting, models.PROTECT, related_name="rounds", verbose_name=_("weighting"))
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(
        _("self-assessments due"),
        help_text=_("A weekend or holiday moves the deadline to the next working day."),
    )
    status = models.CharField(_("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    note = long_text(_("note"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")
        ordering = ["-year"]
        permissions = [
            ("manage_round", "Can open and publish evaluation rounds and assign assessors"),
            ("assess_assessment", "Can confirm the self-assessments assigned to them"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="round_closes_after_opening")
        ]

    def __str__(self):
        return str(_("Evaluation %(year)s") % {"year": self.year})

    def clean(self):
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": _("The deadline cannot be before the round opens.")})

    @property
    def due(self):
        """The deadline as it applies: ``closes_on``, or the next working day."""
        return due_date(self.closes_on)

    @property
    def is_published(self):
        return self.status == RoundStatus.PUBLISHED

    def accepts_submissions(self, day):
        return not self.is_published and day <= self.due.date


class AssessmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The access policy for assessments, for pages, files and the API alike: ministry staff see all; a
        regency's officers their own; everyone else only the assessments of published rounds."""
        if user.is_active and user.has_perm("evaluation.view_assessment"):
            return self
        published = Q(round__status=RoundStatus.PUBLISHED)
        if not user.is_authenticated:
            return self.filter(published)
        return self.filter(published | Q(regency__in=officer_regencies(user)))


class Assessment(models.Model):
    """One member's evaluation in one round: its self-assessment, then the assessor's confirmation."""

    round = models.ForeignKey(Round, models.CASCADE, related_name="assessments", verbose_name=_("round"))
    regency = models.ForeignKey(Regency, models.PROTECT, related_name="assessments", verbose_name=_("regency/city"))
    mou = models.ForeignKey(MoU, models.PROTECT, related_name="+", verbose_name=_("MoU"))
    status = models.CharField(
        _("status"), max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="assessments_to_confirm",
        verbose_name=_("assessor"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AssessmentQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["round", "regency__code"]
        constraints = [models.UniqueConstraint(fields=["round", "regency"], name="unique_assessment_per_round")]

    def __str__(self):
        return f"{self.regency.name} · {self.round}"

    def get_absolute_url(self):
        return reverse("evaluation:assessment", args=[self.pk])


class Answer(models.Model):
    """One criterion of an assessment: the regency's value and note, and the assessor's confirmed value."""

    assessment = models.ForeignKey(Assessment, models.CASCADE, related_name="answers", verbose_name=_("assessment"))
    criterion = models.ForeignKey(Criterion, models.PROTECT, related_name="answers", verbose_name=_("criterion"))
    value = models.DecimalField(_("self-assessed value"), null=True, blank=True, **SCORE)
    note = long_text(_("note"))
    confirmed_value = models.DecimalField(_("confirmed value"), null=True, blank=True, **SCORE)
    assessor_note = long_text(_("assessor's note"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["criterion__part__kind", "criterion__order", "criterion__pk"]
        constraints = [models.UniqueConstraint(fields=["assessment", "criterion"], name="unique_answer")]

    def __str__(self):
        return f"{self.assessment} · {self.criterion}"


def evidence_path(instance, filename):
    suffix = PurePath(filename).suffix.lower()
    return f"evaluation/evidence/{uuid.uuid4().hex}{suffix if suffix in EVIDENCE_SUFFIXES else '.bin'}"


class Evidence(models.Model):
    """What backs an answer: a file (PDF or image), or an approved plan's programme, whose progress updates the
    assessor reads. An assessor marks it verified or rejected, with the reason."""

    answer = models.ForeignKey(Answer, models.CASCADE, related_name="evidence", verbose_name=_("answer"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    file = models.FileField(
        _("file"), upload_to=evidence_path, blank=True, help_text=_("PDF, PNG or JPEG, at most 20 MB.")
    )
    programme = models.ForeignKey(
        Programme, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("programme")
    )
    status = models.CharField(
        _("verification"), max_length=10, choices=EvidenceStatus.choices, default=EvidenceStatus.PENDING
    )
    reason = long_text(_("reason"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("checked by")
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("added by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(file="") & Q(programme__isnull=False)) | (~Q(file="") & Q(programme__isnull=True)),
                name="evidence_is_a_file_or_a_programme",
            )
        ]

    def __str__(self):
        return self.title or (self.programme.name if self.programme_id else PurePath(self.file.name).name)


class Score(models.Model):
    """A finalised assessment's index and its five parts, as computed from the confirmed values with
    ``weighting``; ``manage.py check_scores`` recomputes every one and reports any difference."""

    assessment = models.OneToOneField(Assessment, models.CASCADE, related_name="score", verbose_name=_("assessment"))
    weighting = models.ForeignKey(Weighting, models.PROTECT, related_name="scores", verbose_name=_("weighting"))
    baseline = models.DecimalField(PartKind.BASELINE.label, **SCORE)
    output = models.DecimalField(PartKind.OUTPUT.label, **SCORE)
    outcome = models.DecimalField(PartKind.OUTCOME.label, **SCORE)
    impact = models.DecimalField(PartKind.IMPACT.label, **SCORE)
    quick_win = models.DecimalField(PartKind.QUICK_WIN.label, **SCORE)
    index = models.DecimalField(_("achievement index"), **SCORE)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")

    def __str__(self):
        return f"{self.assessment}: {self.index}"


class BimtekSessionQuerySet(models.QuerySet):
    def completed_by(self, day):
        """Sessions that had ended by ``day``: the stage was done then."""
        return self.filter(ended_on__lte=day)


class BimtekSession(models.Model):
    """One stage of a member's technical guidance (bimtek) as it ran under one MoU: its first and last day, who
    guided it, and a note. Each stage is recorded once per MoU: a stage held over several meetings is one record from
    the first day to the last (staff widen the dates rather than add a second record), and a regency that signs a
    new MoU goes through the stages again under that one. Bimtek stages are public programme facts."""

    regency = models.ForeignKey(Regency, models.PROTECT, related_name="bimtek_sessions", verbose_name=_("regency/city"))
    mou = models.ForeignKey(MoU, models.PROTECT, related_name="bimtek_sessions", verbose_name=_("MoU"))
    stage = models.PositiveSmallIntegerField(_("bimtek stage"), choices=BimtekStage.choices)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"))
    guide = models.CharField(
        _("guide"), max_length=150, help_text=_("Who ran the stage, with their institution if useful.")
    )
    guide_account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("guide's portal account"),
        help_text=_("If the guide is ministry staff with an account on the portal."),
    )
    note = long_text(_("note"))
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = BimtekSessionQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("bimtek session")
        verbose_name_plural = _("bimtek sessions")
        ordering = ["regency__code", "mou__signed_on", "stage"]
        constraints = [
            models.UniqueConstraint(
                fields=["mou", "stage"],
                name="unique_bimtek_stage_per_mou",
                violation_error_message=_("This stage is already recorded for this MoU."),
            ),
            models.CheckConstraint(condition=Q(stage__in=BimtekStage.values), name="bimtek_stage_valid"),
            models.CheckConstraint(
                condition=Q(ended_on__gte=models.F("started_on")), name="bimtek_ends_on_or_after_start"
            ),
        ]
        indexes = [models.Index(fields=["regency", "stage", "ended_on"], name="bimtek_regency_stage_idx")]

    def __str__(self):
        return f"{self.regency.name} · {self.get_stage_display()}"

    def clean(self):
        errors = {}
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            errors["ended_on"] = _("A stage cannot end before it starts.")
        elif self.ended_on and self.ended_on > timezone.localdate():
            errors["ended_on"] = _("The end date cannot be in the future: record a stage once it has been held.")
        if self.mou_id:
            if self.regency_id and self.mou.regency_id != self.regency_id:
                errors[NON_FIELD_ERRORS] = _("This MoU is another regency's.")
            elif self.started_on and self.started_on < self.mou.signed_on:
                errors["started_on"] = _(
                    "Technical guidance runs under the MoU: a stage cannot start before it was signed (%(day)s)."
                ) % {"day": formats.date_format(self.mou.signed_on, "j F Y")}
        if errors:
            raise ValidationError(errors)

    def status_on(self, day):
        """``"done"`` if the stage had ended by ``day``, ``"under_way"`` if it had started, else ``"not_yet"``."""
        if self.ended_on <= day:
            return "done"
        return "under_way" if self.started_on <= day else "not_yet"
