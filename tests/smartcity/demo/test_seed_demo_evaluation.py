"""The demo evaluation rounds of seed_demo: last year's published with every member scored, this year's open with
Muara Enim's self-assessment left to the demo officer and assigned to the demo reviewer; marked demo; once."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from smartcity.evaluation import services
from smartcity.evaluation.choices import AssessmentStatus, RoundStatus
from smartcity.evaluation.models import Round, Score
from smartcity.evaluation.scores import stored_differences


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_last_years_round_is_published_and_this_years_open_for_the_demo_officer(demo):
    year = timezone.localdate().year
    last, this = Round.objects.get(year=year - 1), Round.objects.get(year=year)

    assert (last.status, this.status, last.is_demo, this.is_demo) == (
        RoundStatus.PUBLISHED,
        RoundStatus.OPEN,
        True,
        True,
    )
    assert last.assessments.count() == last.assessments.filter(status=AssessmentStatus.FINALISED).count() == 100
    muara_enim = this.assessments.get(regency__code="16.03")
    assert (muara_enim.status, muara_enim.assessor.username) == (AssessmentStatus.DRAFT, "demo-reviewer")
    assert muara_enim.answers.filter(value__isnull=False).count() == 0
    assert this.assessments.exclude(pk=muara_enim.pk).exclude(status=AssessmentStatus.FINALISED).count() == 0
    assert this.accepts_submissions(timezone.localdate())
    assert stored_differences() == []  # every demo score is what its confirmed values give
    assert Score.objects.filter(assessment__round=last, assessment__regency__code="16.03").exists()


def test_the_demo_admin_can_publish_once_muara_enim_is_finalised_and_a_second_run_adds_nothing(demo):
    this = Round.objects.get(year=timezone.localdate().year)
    out = io.StringIO()

    call_command("seed_demo", stdout=out)

    assert "DEMO evaluation rounds: 0 created" in out.getvalue()
    assert Round.objects.count() == 2
    # Muara Enim's draft does not hold the round back: only submitted assessments must be finalised first.
    services.publish(get_user_model().objects.get(username="demo-admin"), this.pk)
    assert Round.objects.get(pk=this.pk).status == RoundStatus.PUBLISHED
