"""The progress-report API (/api/v1/reports/): ministry staff only, the list and a report as the job left them,
their files in every format and language, requests that queue a job (and say so when they cannot), fixed query
counts."""

import csv
import datetime
import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from pypdf import PdfReader

from smartcity.accounts.choices import TokenScope
from smartcity.reports import jobs, services
from smartcity.reports.choices import ReportStatus
from smartcity.reports.models import ProgressReport
from smartcity.reports.sections import title
from tests.api import assert_json_error, client_for, issue_token

pytestmark = pytest.mark.django_db

REPORTS = reverse("api:report-list")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def detail_url(report):
    return reverse("api:report-detail", args=[report.pk])


def file_url(report, file_format, lang=None):
    url = reverse("api:report-file", kwargs={"pk": report.pk, "file_format": file_format})
    return f"{url}?lang={lang}" if lang else url


@pytest.fixture(autouse=True)
def report_jobs_in_process(tasks_in_process):
    """Report jobs run here when their request commits; no throttle counts from earlier tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def generate(django_capture_on_commit_callbacks):
    """Request a report as the pages do and let its job run; returns it done."""

    def generate(scope, period):
        with django_capture_on_commit_callbacks(execute=True):
            report = services.request(scope, period)
        report.refresh_from_db()
        assert report.status == ReportStatus.DONE, report.error
        return report

    return generate


@pytest.fixture
def national(programme, generate):
    return generate("national", "2019-12")


@pytest.fixture
def staff(reviewer, request):
    return client_for("reviewer", request)


def english(client):
    client.cookies["django_language"] = "en"
    return client


# Who may read ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, status",
    [("anonymous", 401), ("partner", 403), ("officer", 403), ("reviewer", 200), ("ministry_admin", 200)],
)
def test_only_ministry_staff_read_reports_and_their_files(persona, status, national, request):
    client = client_for(persona, request)
    for url in (REPORTS, detail_url(national), file_url(national, "pdf")):
        response = client.get(url)
        if status == 200:
            assert response.status_code == 200, (url, response.content)
        else:
            assert_json_error(response, status, "not_authenticated" if status == 401 else "permission_denied")
    if status == 401:
        assert response["WWW-Authenticate"] == "Bearer"


def test_a_partner_token_gets_403_even_with_read_write_scope(national, partner):
    client = client_for("anonymous", None)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(partner, TokenScope.READ_WRITE)}")
    assert_json_error(client.get(REPORTS), 403, "permission_denied")
    assert_json_error(client.post(REPORTS, {"scope": "national", "period": "2019-11"}, format="json"), 403)
    assert ProgressReport.objects.count() == 1


def test_a_staff_token_reads_reports(national, ministry_admin):
    client = client_for("anonymous", None)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(ministry_admin)}")
    assert [row["id"] for row in client.get(REPORTS).json()["results"]] == [national.pk]


# The list and a report ---------------------------------------------------------------------------------------------


def test_the_list_shows_each_report_with_its_files(national, generate, staff):
    province = generate("16", "2019-Q4")
    body = staff.get(REPORTS).json()
    assert body["count"] == 2
    first, second = body["results"]
    assert first["id"] == national.pk
    assert first["url"] == f"http://testserver/reports/{national.pk}/"
    assert (first["scope"], first["period"], first["period_kind"], first["status"]) == (
        "national",
        "2019-12",
        "month",
        "done",
    )
    assert first["progress"] == 100 and first["error"] == "" and first["has_demo"] is False
    assert first["scheduled"] is False and first["requested_at"] and first["started_at"] and first["finished_at"]
    assert "figures" not in first  # the list stays light; a report's own address has them
    assert [(item["format"], item["language"]) for item in first["files"]] == [
        ("csv", "id"),
        ("csv", "en"),
        ("xlsx", "id"),
        ("xlsx", "en"),
        ("pdf", "id"),
        ("pdf", "en"),
    ]
    pdf = first["files"][4]
    assert pdf["url"] == f"http://testserver/api/v1/reports/{national.pk}/files/pdf/?lang=id"
    assert pdf["size"] == national.files.get(format="pdf", language="id").size > 0

    assert (second["id"], second["scope"], second["period"], second["period_kind"]) == (
        province.pk,
        "16",
        "2019-Q4",
        "quarter",
    )
    assert second["scope_name"] == province.province.name


def test_names_and_labels_follow_the_callers_language(national, staff):
    assert staff.get(detail_url(national)).json()["period_label"] == "Desember 2019"
    body = english(staff).get(detail_url(national)).json()
    assert (body["scope_name"], body["period_label"]) == ("National", "December 2019")


def test_a_report_shows_its_figures(national, staff):
    body = staff.get(detail_url(national)).json()
    assert body["id"] == national.pk and len(body["files"]) == 6
    assert body["figures"] == national.figures
    assert body["figures"]["has_demo"] is False


def test_the_list_runs_newest_period_first_months_before_their_quarter_national_first(programme, staff):
    for scope, period in [
        ("16", "2019-Q4"),
        ("national", "2019-11"),
        ("16", "2019-12"),
        ("national", "2019-Q3"),
        ("national", "2019-12"),
        ("national", "2018-12"),
    ]:
        services.request(scope, period)  # the jobs never run: queued reports list like any other
    listed = [(row["scope"], row["period"]) for row in staff.get(REPORTS).json()["results"]]
    assert listed == [
        ("national", "2019-12"),
        ("16", "2019-12"),
        ("16", "2019-Q4"),
        ("national", "2019-11"),
        ("national", "2019-Q3"),
        ("national", "2018-12"),
    ]


def test_a_report_being_prepared_lists_no_files(national, staff):
    services.request("national", "2019-12")  # computed again: queued, its old files not yet replaced
    body = staff.get(detail_url(national)).json()
    assert (body["status"], body["progress"], body["files"]) == ("queued", 0, [])
    assert_json_error(staff.get(file_url(national, "csv")), 404, "not_found")


def test_the_list_filters_by_scope_period_kind_status_and_year(national, generate, staff):
    province = generate("16", "2019-Q4")
    queued = services.request("national", "2018-12")

    def ids(**parameters):
        response = staff.get(REPORTS, parameters)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert ids(scope="national") == [national.pk, queued.pk]
    assert ids(scope="16") == [province.pk]
    assert ids(scope="31") == []
    assert ids(period_kind="quarter") == [province.pk]
    assert ids(status="queued") == [queued.pk]
    assert ids(year=2018) == [queued.pk]
    assert ids(scope="national", status="done", period_kind="month", year=2019) == [national.pk]


@pytest.mark.parametrize(
    "parameters, field",
    [
        ({"scope": "99"}, "scope"),  # well-formed, but no such province
        ({"scope": "jakarta"}, "scope"),
        ({"scope": "1603"}, "scope"),
        ({"period_kind": "week"}, "period_kind"),
        ({"status": "lost"}, "status"),
        ({"year": "last"}, "year"),
        ({"ordering": "figures"}, "ordering"),
        ({"provinsi": "16"}, "provinsi"),
    ],
)
def test_a_bad_filter_is_a_400_naming_it(national, staff, parameters, field):
    body = assert_json_error(staff.get(REPORTS, parameters), 400)
    assert list(body["fields"]) == [field]


def test_the_list_is_offered_as_csv(national, staff):
    rows = list(csv.DictReader(io.StringIO(staff.get(REPORTS, {"format": "csv"}).content.decode())))
    assert [(row["id"], row["scope"], row["period"], row["status"]) for row in rows] == [
        (str(national.pk), "national", "2019-12", "done")
    ]


def test_the_list_runs_a_fixed_number_of_queries(national, generate, staff, django_assert_num_queries):
    # The session and its user, the reviewer's permissions (2), the count, the page, the page's files.
    with django_assert_num_queries(7):
        assert len(staff.get(REPORTS).json()["results"]) == 1
    generate("16", "2019-Q4")
    generate("16", "2019-12")
    generate("national", "2019-Q3")
    with django_assert_num_queries(7):
        body = staff.get(REPORTS).json()
    assert len(body["results"]) == 4
    assert all(len(row["files"]) == 6 for row in body["results"])


def test_a_report_runs_a_fixed_number_of_queries(national, staff, django_assert_num_queries):
    with django_assert_num_queries(6):  # the session and its user, the permissions (2), the report, its files
        assert staff.get(detail_url(national)).status_code == 200


def test_an_unknown_report_is_a_json_404(national, staff):
    assert_json_error(staff.get(reverse("api:report-detail", args=[national.pk + 1])), 404, "not_found")
    assert_json_error(staff.get("/api/v1/reports/latest/"), 404, "not_found")


# Files -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_csv_opens_with_the_reports_title_in_its_language(national, staff, lang):
    response = staff.get(file_url(national, "csv", lang))
    assert response.status_code == 200
    assert response["Content-Type"] == MEDIA_TYPES["csv"]
    assert response["Content-Disposition"] == (f'attachment; filename="laporan-kemajuan-national-2019-12-{lang}.csv"')
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")  # a byte-order mark, for spreadsheets
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    with translation.override(lang):
        assert rows[0] == [title(national)]
    assert len(rows) > 10


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_xlsx_is_a_workbook_with_the_reports_title_in_its_language(national, staff, lang):
    response = staff.get(file_url(national, "xlsx", lang))
    assert response.status_code == 200
    assert response["Content-Type"] == MEDIA_TYPES["xlsx"]
    assert response["Content-Disposition"] == (f'attachment; filename="laporan-kemajuan-national-2019-12-{lang}.xlsx"')
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert len(workbook.sheetnames) > 1  # a cover, then one sheet per section
    with translation.override(lang):
        assert workbook.worksheets[0]["A1"].value == title(national)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_pdf_is_a_document_with_the_reports_title_in_its_language(national, staff, lang):
    response = staff.get(file_url(national, "pdf", lang))
    assert response.status_code == 200
    assert response["Content-Type"] == MEDIA_TYPES["pdf"]
    assert response["Content-Disposition"] == (f'attachment; filename="laporan-kemajuan-national-2019-12-{lang}.pdf"')
    document = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    with translation.override(lang):
        expected = title(national)
    assert document.metadata.title == expected
    assert (" December 2019" if lang == "en" else " Desember 2019") in document.pages[0].extract_text()


def test_a_download_is_in_indonesian_unless_asked_otherwise(national, staff):
    response = english(staff).get(file_url(national, "pdf"))
    assert response["Content-Disposition"] == 'attachment; filename="laporan-kemajuan-national-2019-12-id.pdf"'


def test_a_province_reports_file_is_named_by_its_code(programme, generate, staff):
    report = generate("16", "2019-Q4")
    response = staff.get(file_url(report, "xlsx", "en"))
    assert response["Content-Disposition"] == 'attachment; filename="laporan-kemajuan-16-2019-Q4-en.xlsx"'


def test_a_download_takes_any_accept_header(national, staff):
    response = staff.get(file_url(national, "pdf"), HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == MEDIA_TYPES["pdf"]


@pytest.mark.parametrize(
    "path, parameters, status, field",
    [
        ("files/pdf/", {"lang": "fr"}, 400, "lang"),
        ("files/pdf/", {"lang": "id", "download": "1"}, 400, "download"),
        ("files/docx/", {}, 404, None),
        ("files/PDF/", {}, 404, None),
    ],
)
def test_a_bad_language_or_format_is_a_json_error(national, staff, path, parameters, status, field):
    body = assert_json_error(staff.get(f"{detail_url(national)}{path}", parameters), status)
    assert list(body.get("fields", {})) == ([field] if field else [])


def test_a_file_of_an_unknown_report_is_a_json_404(national, staff):
    assert_json_error(staff.get(file_url(ProgressReport(pk=national.pk + 1), "pdf")), 404, "not_found")


def test_a_file_missing_from_storage_is_a_json_404(national, staff, caplog):
    item = national.files.get(format="pdf", language="en")
    item.file.storage.delete(item.file.name)
    assert_json_error(staff.get(file_url(national, "pdf", "en")), 404, "not_found")
    assert "missing from storage" in caplog.text
    assert staff.get(file_url(national, "pdf", "id")).status_code == 200


def test_a_failed_report_has_no_files_to_download(programme, staff):
    report = services.request("national", "2019-12")
    jobs.fail(report, "ZeroDivisionError: division by zero")
    body = staff.get(detail_url(report)).json()
    assert (body["status"], body["error"], body["files"]) == ("failed", "ZeroDivisionError: division by zero", [])
    assert_json_error(staff.get(file_url(report, "csv")), 404, "not_found")


# Requesting a report -----------------------------------------------------------------------------------------------


def test_staff_request_a_report_which_is_queued_and_then_done(
    programme, ministry_admin, django_capture_on_commit_callbacks
):
    client = client_for("anonymous", None)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(ministry_admin, TokenScope.READ_WRITE)}")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(REPORTS, {"scope": "16", "period": "2019-Q4"}, format="json")
    assert response.status_code == 202, response.content
    assert callbacks[0].args == ("16", "2019-Q4")  # the job, queued once the request committed
    report = ProgressReport.objects.get()
    body = response.json()
    assert response["Location"] == f"http://testserver{detail_url(report)}"
    assert (body["id"], body["scope"], body["period"], body["status"], body["files"]) == (
        report.pk,
        "16",
        "2019-Q4",
        "queued",
        [],
    )
    assert (report.requested_by, report.scheduled) == (ministry_admin, False)

    done = client.get(response["Location"]).json()
    assert (done["status"], done["progress"], len(done["files"])) == ("done", 100, 6)
    assert done["figures"] == report.figures != {}


def test_requesting_a_report_again_while_it_is_queued_is_a_409(programme, staff):
    first = staff.post(REPORTS, {"scope": "national", "period": "2019-12"}, format="json")
    assert first.status_code == 202, first.content
    body = assert_json_error(staff.post(REPORTS, {"scope": "national", "period": "2019-12"}, format="json"), 409)
    assert body["code"] == "report_running"
    assert body["report"] == first.json()["id"]
    report = ProgressReport.objects.get()
    assert report.status == ReportStatus.QUEUED


def test_requesting_a_done_report_again_computes_it_again(national, staff):
    response = staff.post(REPORTS, {"scope": "national", "period": "2019-12"}, format="json")
    assert response.status_code == 202
    assert (response.json()["id"], response.json()["status"]) == (national.pk, "queued")
    assert ProgressReport.objects.count() == 1


@pytest.mark.parametrize(
    "data, field",
    [
        ({"scope": "99", "period": "2019-12"}, "scope"),
        ({"scope": "jakarta", "period": "2019-12"}, "scope"),
        ({"scope": "", "period": "2019-12"}, "scope"),
        ({"scope": "national", "period": "2019-13"}, "period"),
        ({"scope": "national", "period": "2019-Q5"}, "period"),
        ({"scope": "national", "period": "Desember 2019"}, "period"),
        ({"scope": "national", "period": "2016-12"}, "period"),  # before the programme
        ({"scope": "national", "period": f"{timezone.localdate().year + 1}-01"}, "period"),  # not begun
        ({"scope": "national", "period": f"{timezone.localdate().year + 1}-Q1"}, "period"),
        ({"scope": "national"}, "period"),
        ({"scope": "national", "period": "2019-12", "province": "16"}, "province"),
        ({"scope": ["national"], "period": "2019-12"}, "scope"),
    ],
)
def test_a_bad_request_is_a_400_naming_the_field(programme, staff, data, field):
    body = assert_json_error(english(staff).post(REPORTS, data, format="json"), 400)
    assert list(body["fields"]) == [field], body
    assert ProgressReport.objects.count() == 0


def test_a_future_period_is_refused_with_a_reason(programme, staff):
    tomorrow = timezone.localdate() + datetime.timedelta(days=40)
    period = f"{tomorrow.year}-{tomorrow.month:02d}"
    body = assert_json_error(english(staff).post(REPORTS, {"scope": "national", "period": period}, format="json"), 400)
    assert "has not begun" in body["fields"]["period"][0]


@pytest.mark.parametrize("persona, status", [("anonymous", 401), ("partner", 403), ("officer", 403)])
def test_only_ministry_staff_request_reports(programme, persona, status, request):
    response = client_for(persona, request).post(REPORTS, {"scope": "national", "period": "2019-12"}, format="json")
    assert_json_error(response, status)
    assert ProgressReport.objects.count() == 0


def test_a_read_only_token_cannot_request_a_report(programme, ministry_admin):
    client = english(client_for("anonymous", None))
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(ministry_admin, TokenScope.READ)}")
    body = assert_json_error(client.post(REPORTS, {"scope": "national", "period": "2019-12"}, format="json"), 403)
    assert "read-only" in body["detail"]
    assert ProgressReport.objects.count() == 0
    assert client.get(REPORTS).status_code == 200  # it reads all the same


def test_reports_take_no_other_writes(national, staff):
    for method in ("put", "patch", "delete"):
        assert_json_error(getattr(staff, method)(detail_url(national), {}, format="json"), 405)


# When the job queue is down ----------------------------------------------------------------------------------------


# Real commits: the job is sent when the request's transaction commits, inside the service, which records the
# failure. (In a test transaction the sending would wait for a commit that never comes.)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("down", ["broker_down", "broker_and_backend_down"])
def test_a_request_while_the_job_queue_is_down_is_a_503_and_the_report_is_marked_failed(reviewer, down, request):
    request.getfixturevalue(down)
    client = english(client_for("anonymous", None))
    client.force_login(reviewer)
    response = client.post(REPORTS, {"scope": "national", "period": "2019-12"}, format="json")
    body = assert_json_error(response, 503, "queue_unavailable")
    assert "job queue is not answering" in body["detail"]
    report = ProgressReport.objects.get()
    assert body["report"] == report.pk
    assert report.status == ReportStatus.FAILED
    assert "job queue is not answering" in report.error and report.finished_at
    listed = client.get(REPORTS).json()["results"][0]
    assert (listed["id"], listed["status"]) == (report.pk, "failed")
