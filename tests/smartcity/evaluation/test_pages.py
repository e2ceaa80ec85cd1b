"""The evaluation pages: who sees what, each step from the browser's side, and fixed query counts."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from smartcity import roles
from smartcity.evaluation import services
from smartcity.evaluation.choices import AssessmentStatus, EvidenceStatus
from smartcity.evaluation.models import Answer, Evidence
from tests.factories import CohortFactory, MoUFactory, UserFactory, pdf_bytes
from tests.smartcity.evaluation.conftest import open_round
from tests.smartcity.evaluation.test_services import finalised, officer_of

pytestmark = pytest.mark.django_db


def step(assessment, name):
    return reverse("evaluation:assessment-step", args=[assessment.pk, name])


@pytest.fixture
def today_in_round(monkeypatch):
    """Pages act on the local date; the round of 2019 is open on 1 October 2019."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args: datetime.date(2019, 10, 1))


def test_an_officer_fills_in_saves_and_submits_the_self_assessment(client, evaluation_round, today_in_round):
    assessment = evaluation_round.assessments.first()
    client.force_login(officer_of(assessment))
    page = client.get(assessment.get_absolute_url())
    assert page.status_code == 200
    answers = list(assessment.answers.order_by("pk"))
    data = {f"answer-{a.pk}-value": "72,5" for a in answers} | {f"answer-{a.pk}-note": "ada SK" for a in answers}

    data[f"answer-{answers[0].pk}-value"] = "150"
    refused = client.post(step(assessment, "save"), data)
    assert refused.status_code == 400
    assert (
        "Ensure this value is less than or equal to 100." in refused.content.decode()
        or "100" in refused.content.decode()
    )
    assert not Answer.objects.filter(assessment=assessment, value__isnull=False).exists()

    data[f"answer-{answers[0].pk}-value"] = "72,5"
    assert client.post(step(assessment, "save"), data).status_code == 302
    assert set(Answer.objects.filter(assessment=assessment).values_list("value", flat=True)) == {Decimal("72.5")}
    evidence = client.post(
        step(assessment, "evidence"),
        {"answer": answers[0].pk, "title": "SK Dewan Smart City", "file": SimpleUploadedFile("sk.pdf", pdf_bytes())},
    )
    assert evidence.status_code == 302
    item = answers[0].evidence.get()
    download = client.get(reverse("evaluation:evidence-file", args=[assessment.pk, item.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")

    assert client.post(step(assessment, "submit")).status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
    after = client.get(assessment.get_absolute_url()).content.decode()
    assert "Simpan draf" not in after and "Save draft" not in after


def test_an_officer_of_another_regency_gets_404_for_the_page_and_the_evidence(client, evaluation_round):
    mine, other = evaluation_round.assessments.order_by("pk")
    client.force_login(officer_of(other))
    assert client.get(mine.get_absolute_url()).status_code == 404
    assert client.post(step(mine, "save"), {}).status_code == 404


def test_the_public_and_partners_see_nothing_before_publication(client, evaluation_round):
    assessment = evaluation_round.assessments.first()
    assert client.get(reverse("evaluation:round", args=[2019])).status_code == 404
    assert client.get(assessment.get_absolute_url()).status_code == 302  # to sign in
    client.force_login(UserFactory(username="mitra", role=roles.PARTNER))
    assert client.get(reverse("evaluation:round", args=[2019])).status_code == 404
    assert client.get(assessment.get_absolute_url()).status_code == 404


def test_an_assessor_verifies_confirms_and_finalises_then_the_admin_publishes(
    client, evaluation_round, admin_user, assessor, today_in_round
):
    first, second = evaluation_round.assessments.order_by("pk")
    finalised(second, admin_user, assessor)
    from tests.smartcity.evaluation.test_services import submitted

    submitted(first)
    client.force_login(admin_user)
    assign = client.post(reverse("evaluation:assign", args=[2019, first.pk]), {"assessor": assessor.pk})
    assert assign.status_code == 302
    client.force_login(assessor)
    page = client.get(first.get_absolute_url()).content.decode()
    assert "Nilai terkonfirmasi" in page or "Confirmed values" in page
    evidence = first.answers.first().evidence.get()
    no_reason = client.post(step(first, "check"), {"evidence": evidence.pk, "status": "rejected", "reason": ""})
    assert no_reason.status_code == 302
    evidence.refresh_from_db()
    assert evidence.status == EvidenceStatus.PENDING
    client.post(step(first, "check"), {"evidence": evidence.pk, "status": "verified"})
    data = {f"answer-{a.pk}-confirmed_value": "90" for a in first.answers.all()}
    assert client.post(step(first, "confirm"), data).status_code == 302
    assert client.post(step(first, "finalise")).status_code == 302
    first.refresh_from_db()
    assert first.score.index == Decimal("90.00")

    client.force_login(admin_user)
    assert client.post(reverse("evaluation:round-publish", args=[2019])).status_code == 302
    client.logout()
    ranking = client.get(reverse("evaluation:round", args=[2019])).content.decode()
    assert re.search(
        rf"{first.regency.name}</a>.*?<td class=\"num\">1</td>\s*<td class=\"num\"><strong>90,00", ranking, re.S
    )


def test_an_assessor_not_assigned_cannot_confirm(client, evaluation_round, admin_user, assessor):
    from tests.smartcity.evaluation.test_services import submitted

    assessment = submitted(evaluation_round.assessments.first())
    client.force_login(assessor)
    data = {f"answer-{a.pk}-confirmed_value": "90" for a in assessment.answers.all()}
    assert client.post(step(assessment, "confirm"), data).status_code == 403


@pytest.mark.parametrize("extra_members", [0, 6])
def test_the_round_pages_run_a_fixed_number_of_queries(
    client, members, admin_user, assessor, extra_members, django_assert_num_queries
):
    cohort = CohortFactory(year=2018)
    for _ in range(extra_members):
        MoUFactory(cohort=cohort)
    round_ = open_round(admin_user)
    assessment = round_.assessments.first()
    officer = officer_of(assessment)
    for number in range(extra_members):
        services.add_evidence(
            officer, assessment.answers.first().pk, upload=SimpleUploadedFile(f"{number}.pdf", pdf_bytes())
        )
    client.force_login(admin_user)
    client.get(reverse("evaluation:round", args=[2019]))  # sessions and permission caches warm
    with django_assert_num_queries(QUERIES["round"]):
        assert client.get(reverse("evaluation:round", args=[2019])).status_code == 200
    with django_assert_num_queries(QUERIES["list"]):
        assert client.get(reverse("evaluation:round-list")).status_code == 200
    with django_assert_num_queries(QUERIES["assessment"]):
        assert client.get(assessment.get_absolute_url()).status_code == 200
    client.force_login(officer)
    client.get(assessment.get_absolute_url())
    with django_assert_num_queries(QUERIES["assessment as its officer"]):
        assert client.get(assessment.get_absolute_url()).status_code == 200


QUERIES = {"round": 10, "list": 8, "assessment": 10, "assessment as its officer": 12}


def test_ids_in_forms_and_anchors_are_never_grouped_by_the_language(client, evaluation_round, today_in_round):
    """USE_THOUSAND_SEPARATOR writes 123456 as 123.456 on Indonesian pages: a form sending that back, or an anchor
    built from it, would miss its record."""
    assessment = evaluation_round.assessments.first()
    answer = assessment.answers.order_by("pk").first()
    Evidence.objects.create(pk=123456, answer=answer, title="SK", file="evaluation/evidence/sk.pdf")
    client.force_login(officer_of(assessment))

    html = client.get(assessment.get_absolute_url()).content.decode()

    assert 'name="evidence" value="123456"' in html and "123.456" not in html
