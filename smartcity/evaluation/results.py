"""Published results, as the public overview, the regency pages, the dashboards, the progress reports and the API
read them: which rounds are out on a day, and their scores with every rank (``scores.ranked``), in fixed queries."""

import datetime
from decimal import Decimal

from django.db.models import Avg, Count, F, Max, Q, Window
from django.utils import timezone

from smartcity.evaluation import scores
from smartcity.evaluation.choices import PART_ORDER, AssessmentStatus, RoundStatus
from smartcity.evaluation.models import Round, Score


def published_by(day):
    """Rounds published by the end of ``day``."""
    end = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))
    return Round.objects.filter(status=RoundStatus.PUBLISHED, published_at__lt=end)


def latest_round(day, include_demo=True):
    """The latest round published by the end of ``day`` (a real one, unless ``include_demo``), with its weighting's
    parts prefetched; or None."""
    rounds = published_by(day).select_related("weighting").prefetch_related("weighting__parts")
    if not include_demo:
        rounds = rounds.filter(is_demo=False)
    return rounds.order_by("-year").first()


def part_list(round_):
    """The parts of the round's weighting in the guideline's order (prefetched ones if they are)."""
    return sorted(round_.weighting.parts.all(), key=lambda part: PART_ORDER.index(part.kind))


def ranked_scores(round_):
    """The round's scores, best first, with every rank and last year's index: one query."""
    return scores.ranked(
        Score.objects.filter(assessment__round=round_).select_related(
            "assessment__regency__province", "assessment__mou__cohort"
        )
    ).order_by("-index", "assessment__regency__code")


def regency_scores(regency, day=None):
    """The regency's score in every round published by ``day`` (today by default), latest first, each ranked among
    all of its round's scores, with ``score.parts`` as (part, value) pairs: two queries. The regency is picked by a
    window of one row (its own regency), so that Django filters after the ranks are computed (QUALIFY) rather than
    before (WHERE), which would rank it alone."""
    rounds = published_by(day or timezone.localdate())
    ranked = scores.ranked(
        Score.objects.filter(assessment__round__in=rounds).select_related("assessment__round", "weighting")
    )
    found = list(
        ranked.annotate(row_regency=Window(Max("assessment__regency_id"), partition_by=[F("pk")]))
        .filter(row_regency=regency.pk)
        .order_by("-assessment__round__year")
        .prefetch_related("weighting__parts")
    )
    for score in found:
        parts = sorted(score.weighting.parts.all(), key=lambda part: PART_ORDER.index(part.kind))  # prefetched
        score.parts = list(zip(parts, part_values(score, parts), strict=True))
    return found


def part_values(score, parts):
    """``score``'s value of each of ``parts``, in their order."""
    return [getattr(score, part.kind) for part in parts]


def round_progress(day, province=None):
    """The latest round opened by ``day`` and where its members stand now, nationally by province or, for
    ``province``, by regency/city: ``{"round": Round, "totals": {...}, "rows": [{...}, ...]}``, or None before the
    first round. Each row counts the members by status and averages the finalised members' index: two aggregates."""
    round_ = Round.objects.filter(opens_on__lte=day).select_related("weighting").order_by("-year").first()
    if round_ is None:
        return None
    assessments = round_.assessments.order_by()
    if province is not None:
        assessments = assessments.filter(regency__province=province)
    figures = {
        "members": Count("pk"),
        "drafts": Count("pk", filter=Q(status=AssessmentStatus.DRAFT)),
        "submitted": Count("pk", filter=Q(status=AssessmentStatus.SUBMITTED)),
        "finalised": Count("pk", filter=Q(status=AssessmentStatus.FINALISED)),
        "mean_index": Avg("score__index"),
    }
    group = ["regency__code", "regency__name"] if province is not None else ["regency__province__code"]
    if province is None:
        group.append("regency__province__name")
    rows = list(assessments.values(*group).annotate(**figures).order_by(group[0]))
    return {"round": round_, "totals": assessments.aggregate(**figures), "rows": rows}


def _two(value):
    return None if value is None else float(Decimal(value).quantize(Decimal("0.01")))


def published_summary(day, province=None):
    """The latest round published by ``day`` as a progress report keeps it (plain JSON-ready data): the mean index
    and parts of its scores, nationally or in ``province``, and per province (or per regency/city of ``province``)
    the members scored, their mean and best index; None before the first publication. Three aggregates."""
    round_ = latest_round(day)
    if round_ is None:
        return None
    scored = Score.objects.filter(assessment__round=round_).order_by()
    if province is not None:
        scored = scored.filter(assessment__regency__province=province)
    prefix = "assessment__regency__" if province is not None else "assessment__regency__province__"
    figures = {"scored": Count("pk"), "mean_index": Avg("index"), "best_index": Max("index")}
    parts = part_list(round_)
    totals = scored.aggregate(**figures, **{f"mean_{part.kind}": Avg(part.kind) for part in parts})
    rows = scored.values(code=F(f"{prefix}code"), name=F(f"{prefix}name")).annotate(**figures).order_by("code")
    return {
        "year": round_.year,
        "is_demo": round_.is_demo,
        "weighting": str(round_.weighting),
        "scored": totals["scored"],
        "mean_index": _two(totals["mean_index"]),
        "best_index": _two(totals["best_index"]),
        "parts": [
            {"kind": part.kind, "weight": part.weight, "mean": _two(totals[f"mean_{part.kind}"])} for part in parts
        ],
        "rows": [
            {
                "code": row["code"],
                "name": row["name"],
                "scored": row["scored"],
                "mean_index": _two(row["mean_index"]),
                "best_index": _two(row["best_index"]),
            }
            for row in rows
        ],
    }
