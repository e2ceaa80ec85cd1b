"""Pages run a fixed number of SQL queries whatever the size of the plan or the queue (two sizes each)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from masterplans.choices import EvidenceStatus, PlanStatus
from masterplans.models import Dimension, MasterPlan, Programme, ProgressUpdate
from mou.models import Cohort
from regencies.models import Regency
from tests.factories import complete_plan, mous_for


@pytest.fixture(params=[5, 80], ids=lambda n: f"{n}-programmes")
def big_plan(request, complete_draft):
    """A complete plan with 5 or 80 programmes, a progress update for each, and an attachment."""
    complete_draft.programmes.all().delete()
    programmes = complete_plan(complete_draft, programmes_per_dimension=-(-request.param // 6))
    kept, surplus = programmes[: request.param], programmes[request.param :]  # the quick win comes first
    Programme.objects.filter(pk__in=[p.pk for p in surplus]).delete()
    complete_draft.not_applicable.set(Dimension.objects.exclude(pk__in={p.dimension_id for p in kept}))
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(programme=p, year=2023, quarter=4, physical_percent=50, spent=1, status="on_track") for p in kept
    )
    complete_draft.attachments.create(title="Peta", file="masterplans/attachments/peta.pdf")
    assert complete_draft.programmes.count() == request.param
    return complete_draft


@pytest.fixture(params=[2, 30])
def queue(request, programme):
    """``request.param`` submitted plans of as many regencies."""
    cohort = Cohort.objects.get(year=2019)
    regencies = Regency.objects.exclude(code="16.03").order_by("code")[: request.param]
    mous = mous_for(regencies, cohort)
    now = timezone.now()
    MasterPlan.objects.bulk_create(
        MasterPlan(
            regency_id=mou.regency_id,
            mou=mou,
            title=f"Masterplan {n}",
            start_year=2020,
            end_year=2024,
            status=PlanStatus.SUBMITTED,
            submitted_at=now - datetime.timedelta(days=n),
        )
        for n, mou in enumerate(mous)
    )
    return request.param


def test_the_review_page_of_a_plan_runs_a_fixed_number_of_queries(
    client, reviewer, big_plan, django_assert_num_queries
):
    client.force_login(reviewer)
    with django_assert_num_queries(15):
        response = client.get(reverse("masterplans:plan-detail", args=[big_plan.pk]))
    assert len(response.context["groups"]) == 6


def test_the_officers_plan_page_runs_a_fixed_number_of_queries(client, officer, big_plan, django_assert_num_queries):
    client.force_login(officer)
    with django_assert_num_queries(15):
        response = client.get(reverse("masterplans:plan-detail", args=[big_plan.pk]))
    assert response.context["problems"] == []


def test_the_progress_page_runs_a_fixed_number_of_queries(client, officer, big_plan, django_assert_num_queries):
    MasterPlan.objects.filter(pk=big_plan.pk).update(status=PlanStatus.APPROVED)
    client.force_login(officer)
    with django_assert_num_queries(11):
        response = client.get(reverse("masterplans:plan-progress", args=[big_plan.pk]), {"quarter": "2023 Q4"})
    assert response.context["missing"] == 0


@pytest.mark.parametrize(("persona", "queries"), [("officer", 11), ("reviewer", 11)])
def test_the_progress_page_with_checked_evidence_runs_a_fixed_number_of_queries(
    client, big_plan, persona, queries, request, django_assert_num_queries
):
    """Every update with evidence, checked by a reviewer: the officer reads each finding, the reviewer gets a form
    per update; neither adds a query per update."""
    MasterPlan.objects.filter(pk=big_plan.pk).update(status=PlanStatus.APPROVED)
    reviewer = request.getfixturevalue("reviewer")
    ProgressUpdate.objects.filter(programme__plan=big_plan).update(
        evidence="masterplans/evidence/bukti.pdf",
        evidence_status=EvidenceStatus.REJECTED,
        evidence_reason="Buram.",
        evidence_checked_by=reviewer,
        evidence_checked_at=timezone.now(),
    )
    client.force_login(request.getfixturevalue(persona))
    with django_assert_num_queries(queries):
        response = client.get(reverse("masterplans:plan-progress", args=[big_plan.pk]), {"quarter": "2023 Q4"})
    assert len(response.context["with_evidence"]) == big_plan.programmes.count()
    assert response.text.count("Buram.") == big_plan.programmes.count()


def test_the_review_queue_runs_a_fixed_number_of_queries(client, reviewer, queue, django_assert_num_queries):
    client.force_login(reviewer)
    with django_assert_num_queries(11):
        response = client.get(reverse("masterplans:review-queue"), {"cohort": "2019"})
    plans = list(response.context["plans"])
    assert len(plans) == queue
    assert plans[0].age_days == queue - 1  # oldest first


def test_the_plan_list_runs_a_fixed_number_of_queries(client, reviewer, queue, django_assert_num_queries):
    client.force_login(reviewer)
    with django_assert_num_queries(10):
        response = client.get(reverse("masterplans:plan-list"))
    assert response.context["paginator"].count == queue


def test_my_regency_runs_a_fixed_number_of_queries(client, officer, big_plan, django_assert_num_queries):
    client.force_login(officer)
    with django_assert_num_queries(11):
        assert client.get(reverse("masterplans:my-regency")).status_code == 200


def test_the_programme_export_runs_a_fixed_number_of_queries(client, officer, big_plan, django_assert_num_queries):
    client.force_login(officer)
    with django_assert_num_queries(8):
        response = client.get(reverse("masterplans:programme-export", args=[big_plan.pk, "xlsx"]))
    assert response.status_code == 200


def test_the_programme_import_preview_runs_a_fixed_number_of_queries(
    client, officer, big_plan, django_assert_num_queries
):
    """The plan's own export, uploaded again: as many rows as the plan has programmes."""
    client.force_login(officer)
    content = client.get(reverse("masterplans:programme-export", args=[big_plan.pk, "csv"])).content
    upload = SimpleUploadedFile("program.csv", content)
    with django_assert_num_queries(14):
        response = client.post(reverse("masterplans:programme-import", args=[big_plan.pk]), {"file": upload})
    assert response.context["preview"].counts["unchanged"] == big_plan.programmes.count()
