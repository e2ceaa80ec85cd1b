"""The yearly evaluation as the API shows it: rounds, the weightings of the index, and published scores.

Reads name things by stable identifiers beside database ids: a round by its year, a regency and a province by
their Kemendagri codes, a cohort by its year. Scores are decimal strings with two places ("65.65"), as every
decimal in the API; weights are whole percents. Self-assessments, assessors' notes and evidence stay on the pages.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from masterplans.schedule import OFFICIAL_CALENDAR, WEEKENDS_ONLY
from regencies.api.serializers import ProvinceBriefSerializer, RegencyBriefSerializer
from smartcity.evaluation.choices import RoundStatus
from smartcity.evaluation.models import Criterion, Part, Round, Score, Weighting


def score_field(**kwargs):
    return serializers.DecimalField(max_digits=5, decimal_places=2, read_only=True, **kwargs)


class WeightingBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Weighting
        fields = ["id", "title", "version"]
        read_only_fields = fields


class CriterionChoiceSerializer(serializers.Serializer):
    """One choice of a criterion on a choice scale: the value it gives and its name."""

    score = score_field(help_text=_("The value this choice gives, from 0 to 100."))
    name_id = serializers.CharField(read_only=True)
    name_en = serializers.CharField(read_only=True, default="")


class WeightingCriterionSerializer(serializers.ModelSerializer):
    choices = CriterionChoiceSerializer(
        many=True, read_only=True, help_text=_("The choices of a choice scale; empty for a score from 0 to 100.")
    )
    weight = serializers.IntegerField(read_only=True, help_text=_("Percent of its part; a part's criteria sum to 100."))

    class Meta:
        model = Criterion
        fields = ["code", "name_id", "name_en", "description", "weight", "scale", "choices"]
        read_only_fields = fields


class WeightingPartSerializer(serializers.ModelSerializer):
    # A plain string: an enum named "kind" would take the name of the regencies' kinds in the schema.
    kind = serializers.CharField(
        read_only=True, help_text=_("The part of the index: baseline, output, outcome, impact or quick_win.")
    )
    weight = serializers.IntegerField(read_only=True, help_text=_("Percent of the index; the parts sum to 100."))
    criteria = WeightingCriterionSerializer(many=True, read_only=True)

    class Meta:
        model = Part
        fields = ["kind", "weight", "criteria"]
        read_only_fields = fields


class WeightingSerializer(serializers.ModelSerializer):
    """A weighting with its five parts, in the guideline's order, and their criteria."""

    is_locked = serializers.BooleanField(
        source="locked",
        read_only=True,
        help_text=_("A published round used it, so it no longer changes: a new edition is a new version."),
    )
    parts = WeightingPartSerializer(many=True, read_only=True)

    class Meta:
        model = Weighting
        fields = ["id", "title", "version", "source", "is_locked", "created_at", "parts"]
        read_only_fields = fields


class EvaluationRoundSerializer(serializers.ModelSerializer):
    weighting = WeightingBriefSerializer(read_only=True)
    closes_on = serializers.DateField(read_only=True, help_text=_("The deadline for self-assessments as set."))
    due = serializers.DateField(
        source="due.date",
        read_only=True,
        help_text=_("The deadline as it applies: closes_on, or the next working day after a weekend or holiday."),
    )
    due_rule = serializers.ChoiceField(
        source="due.rule",
        read_only=True,
        choices=[
            (OFFICIAL_CALENDAR, _("Weekends, national holidays and cuti bersama skipped")),
            (WEEKENDS_ONLY, _("Weekends only skipped: no official holiday calendar for the year")),
        ],
        help_text=_("How the due date was found."),
    )
    status = serializers.ChoiceField(
        choices=RoundStatus.choices,
        read_only=True,
        help_text=_("open while members and assessors work on it; published once its scores are out."),
    )
    published_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text=_("Empty while the round is open.")
    )
    members = serializers.IntegerField(read_only=True, help_text=_("Members assessed in the round."))
    finalised = serializers.IntegerField(read_only=True, help_text=_("Members whose assessment is finalised."))
    is_demo = serializers.BooleanField(read_only=True, help_text=_("A round of demo data: not a real record."))

    class Meta:
        model = Round
        fields = [
            "year",
            "status",
            "opens_on",
            "closes_on",
            "due",
            "due_rule",
            "published_at",
            "weighting",
            "members",
            "finalised",
            "is_demo",
        ]
        read_only_fields = fields


class ScoreSerializer(serializers.ModelSerializer):
    """A member's published score in a round, with its ranks and the change from its previous published index."""

    round = serializers.IntegerField(source="assessment.round.year", read_only=True, help_text=_("The round's year."))
    regency = RegencyBriefSerializer(source="assessment.regency", read_only=True)
    province = ProvinceBriefSerializer(source="assessment.regency.province", read_only=True)
    cohort = serializers.IntegerField(
        source="assessment.mou.cohort.year", read_only=True, help_text=_("The year of the member's cohort.")
    )
    weighting = WeightingBriefSerializer(read_only=True, help_text=_("The weighting the score was computed with."))
    baseline = score_field(help_text=_("The baseline part, from 0 to 100: the weighted mean of its criteria."))
    output = score_field(help_text=_("The output part, from 0 to 100."))
    outcome = score_field(help_text=_("The outcome part, from 0 to 100."))
    impact = score_field(help_text=_("The impact part, from 0 to 100."))
    quick_win = score_field(help_text=_("The quick-win part, from 0 to 100."))
    index = score_field(help_text=_("The achievement index: the parts' mean weighted by the parts' weights."))
    rank = serializers.IntegerField(read_only=True, help_text=_("Place in the round by index; equal indexes share it."))
    cohort_rank = serializers.IntegerField(
        read_only=True, help_text=_("Place among the round's members of its cohort.")
    )
    province_rank = serializers.IntegerField(
        read_only=True, help_text=_("Place among the round's members of its province.")
    )
    previous = score_field(
        allow_null=True,
        help_text=_("The member's index in the latest earlier published round; empty if there is none."),
    )
    change = score_field(allow_null=True, help_text=_("index minus previous; empty without a previous index."))
    is_demo = serializers.BooleanField(
        source="assessment.round.is_demo", read_only=True, help_text=_("A round of demo data: not a real record.")
    )

    class Meta:
        model = Score
        fields = [
            "id",
            "round",
            "regency",
            "province",
            "cohort",
            "weighting",
            "baseline",
            "output",
            "outcome",
            "impact",
            "quick_win",
            "index",
            "rank",
            "cohort_rank",
            "province_rank",
            "previous",
            "change",
            "is_demo",
            "computed_at",
        ]
        read_only_fields = fields
