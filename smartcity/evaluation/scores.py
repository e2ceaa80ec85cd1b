"""The achievement index, computed in SQL from the confirmed values and stored with its weighting.

A part's score is the mean of its criteria's confirmed values weighted by the criteria's weights (which sum to
100); the index is the mean of the parts weighted by the parts' weights (which sum to 100), computed from the
unrounded parts: ``index = sum(value * criterion weight * part weight) / 10000``. Both are rounded half away from
zero to two decimals by the database. ``stored_differences`` computes every stored score again the same way, with
the weighting it was stored with, so a score can always be reproduced from what the portal keeps.
"""

from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum, Window
from django.db.models.functions import Rank, Round
from django.utils import timezone

from smartcity.evaluation.choices import PART_ORDER, AssessmentStatus, RoundStatus
from smartcity.evaluation.models import Assessment, Score

EXACT = DecimalField(max_digits=24, decimal_places=8)
STORED = DecimalField(max_digits=5, decimal_places=2)
FIGURES = [*PART_ORDER, "index"]
CENT = Decimal("0.01")


def _weighted(*weights):
    product = F("answers__confirmed_value")
    for weight in weights:
        product = product * F(weight)
    return ExpressionWrapper(product, output_field=EXACT)


def figure_expressions():
    """The five parts and the index of each assessment, as aggregates over its answers."""
    criterion = "answers__criterion__weight"
    part = "answers__criterion__part__weight"
    expressions = {
        kind: Round(
            ExpressionWrapper(
                Sum(_weighted(criterion), filter=Q(answers__criterion__part__kind=kind)) / 100, output_field=EXACT
            ),
            2,
            output_field=STORED,
        )
        for kind in PART_ORDER
    }
    expressions["index"] = Round(
        ExpressionWrapper(Sum(_weighted(criterion, part)) / 10000, output_field=EXACT), 2, output_field=STORED
    )
    return expressions


def computed(assessments):
    """``assessments`` with their figures computed afresh, as ``{assessment id: {figure: Decimal}}``, one query."""
    rows = assessments.order_by().values("pk").annotate(**figure_expressions())
    # The database rounded them; quantize only states the two places (SQLite gives 68.6500000000000).
    return {row.pop("pk"): {name: _two_places(value) for name, value in row.items()} for row in rows}


def _two_places(value):
    return None if value is None else Decimal(value).quantize(CENT)


def store(assessment_ids, weighting):
    """Compute and store the scores of finalised assessments, in one query to compute and one to write."""
    figures = computed(Assessment.objects.filter(pk__in=assessment_ids, status=AssessmentStatus.FINALISED))
    now = timezone.now()
    Score.objects.bulk_create(
        [Score(assessment_id=pk, weighting=weighting, computed_at=now, **values) for pk, values in figures.items()],
        update_conflicts=True,
        unique_fields=["assessment"],
        update_fields=[*FIGURES, "weighting", "computed_at"],
    )
    return figures


def stored_differences(scores=None):
    """Every stored score whose figures differ from the same figures computed again from the stored confirmed
    values with the score's own weighting: ``[(score, {figure: (stored, computed)})]``."""
    scores = list((scores or Score.objects.all()).select_related("assessment__regency", "assessment__round"))
    again = computed(Assessment.objects.filter(pk__in=[score.assessment_id for score in scores]))
    differences = []
    for score in scores:
        fresh = again.get(score.assessment_id, {})
        changed = {
            name: (getattr(score, name), fresh.get(name)) for name in FIGURES if getattr(score, name) != fresh.get(name)
        }
        if score.weighting_id != score.assessment.round.weighting_id:
            changed["weighting"] = (score.weighting_id, score.assessment.round.weighting_id)
        if changed:
            differences.append((score, changed))
    return differences


def previous_index(prefix="assessment__"):
    """The same regency's published index in the latest earlier round, as a subquery (the change from last year)."""
    return Subquery(
        Score.objects.filter(
            assessment__regency=OuterRef(f"{prefix}regency"),
            assessment__round__status=RoundStatus.PUBLISHED,
            assessment__round__year__lt=OuterRef(f"{prefix}round__year"),
        )
        .order_by("-assessment__round__year")
        .values("index")[:1],
        output_field=STORED,
    )


def ranked(scores):
    """``scores`` with their rank in the round (of ``ranked_in_round``), in their cohort and in their province, and
    last year's index: all in the one query that reads them (window functions). Equal indexes share a rank."""
    order = [F("index").desc()]
    return scores.annotate(
        rank=Window(Rank(), partition_by=[F("assessment__round")], order_by=order),
        ranked_in_round=Window(Count("pk"), partition_by=[F("assessment__round")]),
        cohort_rank=Window(Rank(), partition_by=[F("assessment__round"), F("assessment__mou__cohort")], order_by=order),
        province_rank=Window(
            Rank(), partition_by=[F("assessment__round"), F("assessment__regency__province")], order_by=order
        ),
        previous=previous_index(),
    ).annotate(change=ExpressionWrapper(F("index") - F("previous"), output_field=STORED))
