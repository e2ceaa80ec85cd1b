"""The achievement index against hand-computed figures, for both loaded weightings, and its check command."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from smartcity.evaluation import scores
from smartcity.evaluation.choices import AssessmentStatus, PartKind
from smartcity.evaluation.models import Answer, Criterion, Part, Score, Weighting, weight_problems
from tests.smartcity.evaluation.conftest import open_round, weighting

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

# Confirmed values, one per part (the loaded weightings have one criterion a part).
VALUES = {"baseline": "80", "output": "70", "outcome": "65.5", "impact": "50", "quick_win": "90"}


def confirm_all(assessment, values):
    for answer in assessment.answers.select_related("criterion__part"):
        answer.confirmed_value = Decimal(values[answer.criterion.part.kind])
        answer.save()
    assessment.status = AssessmentStatus.FINALISED
    assessment.save()


def test_the_loaded_weightings_are_the_published_ones_with_their_sources():
    first, second = weighting(1), weighting(2)
    assert {p.kind: p.weight for p in first.parts.all()} == {
        "baseline": 10,
        "output": 20,
        "outcome": 30,
        "impact": 30,
        "quick_win": 10,
    }
    assert {p.kind: p.weight for p in second.parts.all()} == {
        "baseline": 10,
        "output": 20,
        "outcome": 30,
        "impact": 20,
        "quick_win": 20,
    }
    assert "2018 evaluation guideline" in first.source and "2022" in second.source
    for edition in (first, second):
        parts = list(edition.parts.all())
        criteria = {p.kind: list(p.criteria.all()) for p in parts}
        assert weight_problems(parts, criteria) == []


@pytest.mark.parametrize(
    ("version", "index"),
    [
        # (80*10 + 70*20 + 65.5*30 + 50*30 + 90*10) / 100
        (1, Decimal("65.65")),
        # (80*10 + 70*20 + 65.5*30 + 50*20 + 90*20) / 100
        (2, Decimal("69.65")),
    ],
)
def test_the_index_is_the_weighted_mean_of_the_parts(members, admin_user, version, index):
    round_ = open_round(admin_user, version=version)
    assessment = round_.assessments.first()
    confirm_all(assessment, VALUES)

    figures = scores.store([assessment.pk], round_.weighting)[assessment.pk]

    assert figures == {
        "baseline": Decimal("80.00"),
        "output": Decimal("70.00"),
        "outcome": Decimal("65.50"),
        "impact": Decimal("50.00"),
        "quick_win": Decimal("90.00"),
        "index": index,
    }
    stored = Score.objects.get(assessment=assessment)
    assert (stored.index, stored.weighting) == (index, round_.weighting)


def test_a_part_is_the_weighted_mean_of_its_criteria(members, admin_user):
    """A weighting with finer output criteria: policy 60%, institutions 25%, budget 15%."""
    edition = Weighting.objects.create(title="Uji", version=1)
    for kind, weight in {"baseline": 10, "output": 40, "outcome": 20, "impact": 20, "quick_win": 10}.items():
        part = Part.objects.create(weighting=edition, kind=kind, weight=weight)
        if kind == PartKind.OUTPUT:
            for code, criterion_weight in (("policy", 60), ("institutions", 25), ("budget", 15)):
                Criterion.objects.create(part=part, code=code, name_id=code, name_en=code, weight=criterion_weight)
        else:
            Criterion.objects.create(part=part, code=kind, name_id=kind, name_en=kind, weight=100)
    round_ = open_round(admin_user, year=2020, edition=edition)
    assessment = round_.assessments.first()
    values = {
        "policy": "70",
        "institutions": "55",
        "budget": "33.33",
        "baseline": "60",
        "outcome": "40",
        "impact": "75",
        "quick_win": "100",
    }
    for answer in assessment.answers.select_related("criterion"):
        answer.confirmed_value = Decimal(values[answer.criterion.code])
        answer.save()
    assessment.status = AssessmentStatus.FINALISED
    assessment.save()

    figures = scores.store([assessment.pk], edition)[assessment.pk]

    # output: (70*60 + 55*25 + 33.33*15) / 100 = (4200 + 1375 + 499.95) / 100 = 60.7495 -> 60.75
    assert figures["output"] == Decimal("60.75")
    # index from the unrounded output: (60*10 + 60.7495*40 + 40*20 + 75*20 + 100*10) / 100 = 63.2998 -> 63.30
    assert figures["index"] == Decimal("63.30")


def finalised_round(admin_user, values=VALUES):
    round_ = open_round(admin_user)
    for assessment in round_.assessments.all():
        confirm_all(assessment, values)
    scores.store(round_.assessments.values_list("pk", flat=True), round_.weighting)
    return round_


def test_the_check_command_finds_every_stored_score_computed_again_identically(members, admin_user):
    finalised_round(admin_user)
    out = io.StringIO()

    call_command("check_scores", stdout=out)

    assert "All 2 stored score(s) computed again identically." in out.getvalue()


def test_the_check_command_detects_a_tampered_score(members, admin_user):
    round_ = finalised_round(admin_user)
    tampered = Score.objects.filter(assessment__round=round_).first()
    Score.objects.filter(pk=tampered.pk).update(index=Decimal("99.99"))
    err = io.StringIO()

    with pytest.raises(CommandError, match="1 of 2 stored score"):
        call_command("check_scores", stderr=err, stdout=io.StringIO())

    assert "index 99.99 ≠ 65.65" in err.getvalue()


def test_the_check_command_detects_a_changed_confirmed_value(members, admin_user):
    round_ = finalised_round(admin_user)
    answer = Answer.objects.filter(assessment__round=round_, criterion__part__kind="impact").first()
    Answer.objects.filter(pk=answer.pk).update(confirmed_value=Decimal("60"))
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command("check_scores", stderr=err, stdout=io.StringIO())

    # impact 50 -> 60 moves the index by 10 * 30% = 3 points
    assert "impact 50.00 ≠ 60.00" in err.getvalue() and "index 65.65 ≠ 68.65" in err.getvalue()


def test_rankings_share_a_rank_on_equal_indexes_and_give_last_years_index(members, admin_user):
    from smartcity.evaluation.choices import RoundStatus

    first = finalised_round(admin_user)
    first.status = RoundStatus.PUBLISHED
    first.save()
    later = open_round(admin_user, year=2020)
    one, two = later.assessments.order_by("regency__code")
    confirm_all(one, {**VALUES, "impact": "60"})
    confirm_all(two, VALUES)
    scores.store([one.pk, two.pk], later.weighting)

    ranked = {s.assessment_id: s for s in scores.ranked(Score.objects.filter(assessment__round=later))}

    assert (ranked[one.pk].rank, ranked[one.pk].index, ranked[one.pk].previous) == (
        1,
        Decimal("68.65"),
        Decimal("65.65"),
    )
    assert (ranked[two.pk].rank, ranked[two.pk].cohort_rank) == (2, 2)
    first_ranks = scores.ranked(Score.objects.filter(assessment__round=first))
    assert [s.rank for s in first_ranks] == [1, 1]
