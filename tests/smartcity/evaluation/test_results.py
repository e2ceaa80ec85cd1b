"""Published results on the public overview, the regency pages and in the results files: only published rounds,
ranks among every member of the round, demo rounds marked and left out with demo data, and fixed query counts."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from smartcity.evaluation import scores, services
from smartcity.evaluation.models import Score
from tests.factories import CohortFactory, MoUFactory
from tests.smartcity.evaluation.conftest import open_round
from tests.smartcity.evaluation.test_scores import VALUES, confirm_all

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate().isoformat()


def scored_round(admin_user, year=2019, publish=True, **kwargs):
    """A round whose every member is confirmed with ``VALUES`` (the first member ten impact points higher) and scored,
    published unless ``publish`` is false."""
    round_ = open_round(admin_user, year=year, **kwargs)
    for number, assessment in enumerate(round_.assessments.order_by("regency__code")):
        confirm_all(assessment, {**VALUES, "impact": "60"} if number == 0 else VALUES)
    round_.assessments.update(status="finalised")
    scores.store(round_.assessments.values_list("pk", flat=True), round_.weighting)
    if publish:
        services.publish(admin_user, round_.pk)
    return round_


def overview(client, **params):
    return client.get(reverse("overview"), {"as_of": TODAY, **params})


def test_the_overview_ranks_the_latest_published_round_with_its_parts(client, members, admin_user):
    scored_round(admin_user)
    first = members[0].regency if members[0].regency.code < members[1].regency.code else members[1].regency

    page = overview(client, data="all")

    section = page.context["sections"]["evaluation"]
    rows = list(section.rendered())
    assert [row[0][0] for row in rows][0] == first.name
    assert [row[4][0] for row in rows] == ["1", "2"]  # rank
    assert [row[5][0] for row in rows] == ["68,65", "65,65"]  # index, in Indonesian
    assert [column.title for column in section.columns][6:11] == [
        "Baseline (10%)",
        "Keluaran (20%)",
        "Hasil (30%)",
        "Dampak (30%)",
        "Quick win (10%)",
    ]
    assert "Indeks pencapaian 2019" in page.content.decode()
    csv = overview(client, data="all", export="evaluation")
    assert csv.status_code == 200 and "68,65" in csv.content.decode("utf-8-sig")


def test_an_open_rounds_scores_are_on_no_public_page(client, members, admin_user):
    scored_round(admin_user, publish=False)

    page = overview(client, data="all")

    assert page.context["evaluation"] is None and list(page.context["sections"]["evaluation"].rows) == []
    assert "Belum ada periode evaluasi yang diterbitkan pada tanggal ini." in page.content.decode()
    regency = client.get(members[0].regency.get_absolute_url())
    assert regency.context["evaluation_scores"] == []


def test_a_round_is_on_the_overview_from_the_day_it_was_published(client, members, admin_user):
    round_ = scored_round(admin_user)
    day_before = timezone.localtime(round_.published_at).date() - datetime.timedelta(days=1)

    assert overview(client, data="all", as_of=day_before.isoformat()).context["evaluation"] is None


def test_a_demo_round_is_marked_and_left_out_of_real_data(client, members, admin_user):
    scored_round(admin_user, is_demo=True)

    all_data = overview(client, data="all")
    assert all_data.context["evaluation"].is_demo
    assert "Indeks pencapaian 2019 (data demo)" in all_data.content.decode()
    assert overview(client, data="real").context["evaluation"] is None


def test_the_regency_page_shows_the_index_its_parts_and_its_rank_among_all_members(client, members, admin_user):
    scored_round(admin_user)
    later = scored_round(admin_user, year=2020)
    regency = max((mou.regency for mou in members), key=lambda regency: regency.code)  # second in each round

    page = client.get(regency.get_absolute_url())

    assert page.status_code == 200
    shown = page.context["evaluation_scores"]
    assert [(s.assessment.round.year, s.rank, s.index, s.change) for s in shown] == [
        (2020, 2, Decimal("65.65"), Decimal("0.00")),
        (2019, 2, Decimal("65.65"), None),
    ]
    assert [(part.kind, value) for part, value in shown[0].parts][3] == ("impact", Decimal("50.00"))
    html = page.content.decode()
    assert reverse("evaluation:round", args=[later.year]) in html and "65,65" in html


@pytest.mark.parametrize("size", [2, 12])
def test_the_overview_and_a_regency_page_run_fixed_queries_whatever_the_round_size(
    client, members, admin_user, django_assert_num_queries, size
):
    cohort = CohortFactory(year=2017)
    MoUFactory.create_batch(size - 2, cohort=cohort)
    round_ = scored_round(admin_user)
    assert Score.objects.filter(assessment__round=round_).count() == size

    # the overview's own seven, the latest round, its weighting's parts and the ranked scores
    with django_assert_num_queries(10):
        assert overview(client, data="all").status_code == 200
    # the demo marker, the regency, the scores ranked and their weightings' parts
    with django_assert_num_queries(4):
        assert client.get(members[0].regency.get_absolute_url()).status_code == 200


def test_a_published_rounds_results_download_as_pdf_and_xlsx_in_both_languages(client, members, admin_user):
    round_ = scored_round(admin_user)
    first = min((mou.regency for mou in members), key=lambda regency: regency.code)

    pdf = client.get(reverse("evaluation-results-file", args=[round_.year, "pdf", "en"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'attachment; filename="hasil-evaluasi-2019-en.pdf"'
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Results of Evaluation 2019" in text and first.name in text and "68.65" in text

    xlsx = client.get(reverse("evaluation-results-file", args=[round_.year, "xlsx", "id"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[1]
    header = [cell.value for cell in sheet[1]]
    assert header[:6] == ["Kabupaten/kota", "Kode", "Provinsi", "Angkatan", "Peringkat", "Indeks"]
    index = sheet.cell(row=2, column=6)
    assert (sheet.cell(row=2, column=1).value, index.value, index.number_format) == (first.name, 68.65, "0.00")


def test_results_files_exist_only_for_published_rounds_and_known_formats(client, members, admin_user):
    round_ = scored_round(admin_user, publish=False)

    assert client.get(reverse("evaluation-results-file", args=[round_.year, "pdf", "id"])).status_code == 404
    services.publish(admin_user, round_.pk)
    for format, language in [("docx", "id"), ("pdf", "fr"), ("csv", "en")]:
        assert client.get(reverse("evaluation-results-file", args=[round_.year, format, language])).status_code == 404
    assert client.get(reverse("evaluation-results-file", args=[2030, "pdf", "id"])).status_code == 404


def queries(function):
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


def test_the_dashboards_evaluation_figures_and_a_reports_take_fixed_queries_as_members_grow(members, admin_user):
    from smartcity.dashboards import national
    from smartcity.evaluation.results import published_summary, round_progress

    def counts():
        return (
            queries(lambda: round_progress(timezone.localdate())),
            queries(lambda: published_summary(timezone.localdate())),
            queries(lambda: national.build(timezone.localdate())),
        )

    scored_round(admin_user, year=2019)
    small = counts()
    MoUFactory.create_batch(10, cohort=CohortFactory(year=2017))
    scored_round(admin_user, year=2020)

    assert counts() == small
    assert small[:2] == (3, 4)  # the round, the totals, the rows; and the published round's parts as well
    progress = round_progress(timezone.localdate())
    assert (progress["round"].year, progress["totals"]["members"], progress["totals"]["finalised"]) == (2020, 12, 12)
    summary = published_summary(timezone.localdate())
    assert (summary["year"], summary["scored"], summary["best_index"]) == (2020, 12, 68.65)


def test_a_progress_report_has_the_latest_published_round(client, members, admin_user):
    from smartcity.reports.figures import Scope, compute
    from smartcity.reports.periods import Period
    from smartcity.reports.sections import sections

    scored_round(admin_user, year=2019)
    figures = compute(Scope(), Period.parse(timezone.localdate().strftime("%Y-%m")))

    section = sections(figures)[-1]
    assert section.slug == "evaluation" and section.title == "Indeks pencapaian 2019"
    assert list(section.displayed())[-1] == ["", "Semua", "2", "67,15", "68,65"]
