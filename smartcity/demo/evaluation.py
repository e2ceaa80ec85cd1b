"""Demo evaluation rounds for ``seed_demo``: last year's round published, with every member scored and ranked, and
this year's round open, where the other members' assessments are already finalised by the demo reviewer and
Kabupaten Muara Enim's (16.03) self-assessment is the demo officer's to fill in, with the demo reviewer assigned to
confirm it. Both rounds are marked ``is_demo``. Opening, assigning and publishing go through
``smartcity.evaluation.services`` with the demo accounts; the members' values are written in bulk with their
history and scored as finalising scores them (a hundred members step by step would take make run half a minute).
A round whose year already has one is left alone: a second run adds nothing.
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from smartcity.evaluation import scores, services
from smartcity.evaluation.choices import AssessmentStatus
from smartcity.evaluation.models import Answer, Assessment, Round, Weighting

EDITION = "Indeks Pencapaian Gerakan Menuju 100 Smart City"
DEMO_OFFICER_REGENCY = "16.03"
DEMO_NOTE = "Data demo yang dibuat oleh seed_demo untuk peragaan portal, bukan hasil evaluasi sungguhan."
DEMO_ANSWER = "Demo"
DEMO_REASON = "Demo data"
CENT = Decimal("0.01")


def _score(round_, reviewer, rng, skip=()):
    """Every assessment of ``round_`` (but those of ``skip``) filled in, confirmed by the demo reviewer and finalised,
    written in bulk with its history (a member's level, give or take a few points per criterion; the assessor lowers
    some values the evidence does not bear out), then scored in SQL as finalising does."""
    assessments = list(round_.assessments.exclude(regency__code__in=skip).order_by("pk"))
    answers = list(Answer.objects.filter(assessment__in=assessments).order_by("assessment_id", "pk"))
    levels = {assessment.pk: rng.uniform(45, 85) for assessment in assessments}
    for answer in answers:
        value = min(100.0, max(0.0, levels[answer.assessment_id] + rng.uniform(-8, 8)))
        answer.value, answer.note = Decimal(str(value)).quantize(CENT), DEMO_ANSWER
        answer.confirmed_value = max(Decimal(0), answer.value - Decimal(rng.choice(["0", "0", "2.5", "5"])))
    bulk_update_with_history(
        answers, Answer, ["value", "note", "confirmed_value"], default_user=reviewer, default_change_reason=DEMO_REASON
    )
    now = timezone.now()
    for assessment in assessments:
        assessment.status, assessment.assessor = AssessmentStatus.FINALISED, reviewer
        assessment.submitted_at, assessment.finalised_at, assessment.finalised_by = now, now, reviewer
    bulk_update_with_history(
        assessments,
        Assessment,
        ["status", "assessor", "submitted_at", "finalised_at", "finalised_by"],
        default_user=reviewer,
        default_change_reason=DEMO_REASON,
    )
    scores.store([assessment.pk for assessment in assessments], round_.weighting)


def _open(admin, year, weighting, opens_on, closes_on):
    round_ = Round(year=year, weighting=weighting, opens_on=opens_on, closes_on=closes_on, is_demo=True, note=DEMO_NOTE)
    return services.open_round(admin, round_)


def seed_rounds(today=None):
    """Last year's demo round, published, and this year's, open until six weeks from ``today``. Returns the rounds
    created (none on a second run)."""
    today = today or timezone.localdate()
    users = get_user_model().objects.in_bulk(["demo-admin", "demo-reviewer"], field_name="username")
    admin, reviewer = users["demo-admin"], users["demo-reviewer"]
    weighting = Weighting.objects.filter(title=EDITION).order_by("-version").first()
    rng = random.Random(17)
    created = []
    last, this = today.year - 1, today.year
    if not Round.objects.filter(year=last).exists():
        round_ = _open(admin, last, weighting, datetime.date(last, 9, 1), datetime.date(last, 10, 31))
        _score(round_, reviewer, rng)
        services.publish(admin, round_.pk)
        created.append(round_)
    if not Round.objects.filter(year=this).exists():
        round_ = _open(admin, this, weighting, today - datetime.timedelta(days=30), today + datetime.timedelta(days=42))
        _score(round_, reviewer, rng, skip={DEMO_OFFICER_REGENCY})
        muara_enim = round_.assessments.filter(regency__code=DEMO_OFFICER_REGENCY).first()
        if muara_enim is not None:
            services.assign(admin, muara_enim.pk, reviewer)
        created.append(round_)
    return created


def summary():
    """``{year: (status, finalised, members)}`` of the demo rounds, for seed_demo's report."""
    return {
        round_.year: (
            round_.status,
            round_.assessments.filter(status=AssessmentStatus.FINALISED).count(),
            round_.assessments.count(),
        )
        for round_ in Round.objects.filter(is_demo=True)
    }
