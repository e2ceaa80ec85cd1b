"""Progress reports: figures against a hand-computed dataset, one row per scope and period, files that open, the
pages with "generate now", the schedule, the sweeper and the attempt guard, and the subscribers' email."""

import csv
import datetime
import io
import os
import re

import openpyxl
import psycopg
import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import formats, timezone, translation
from django_celery_beat.models import PeriodicTask
from pypdf import PdfReader

from masterplans.choices import EvidenceStatus
from masterplans.models import Programme, ProgressUpdate
from regencies.models import Province, Regency
from smartcity import roles
from smartcity.reports import jobs, services, tasks
from smartcity.reports.choices import ReportStatus
from smartcity.reports.figures import Scope, compute
from smartcity.reports.models import ProgressReport, ReportFile, ReportSubscription
from smartcity.reports.periods import Period
from smartcity.reports.sections import sections
from smartcity.reports.tasks import generate_report
from tests.factories import UserFactory
from tests.smartcity.reportdata import approve_palembang_on, member_regencies

PERIOD = Period.parse("2026-10")
TODAY = datetime.date(2026, 11, 28)
QUERIES_PER_REPORT = 14  # with the latest published evaluation round (none here)
LIST_QUERIES = 11
DETAIL_QUERIES = 8

pytestmark = pytest.mark.usefixtures("tasks_in_process")  # the report job runs here; a worker has its own tests


def test_national_figures_match_the_hand_computed_dataset(dataset):
    figures = compute(Scope(), PERIOD, today=TODAY)

    assert figures["members"] == {"real": 3, "demo": 1, "total": 4}
    assert figures["has_demo"] is True
    assert figures["complete_period"] is True
    (goal,) = figures["goals"]
    assert (goal["target"], goal["percent"], goal["remaining"]) == (100, 4.0, 96)
    assert [(c["year"], c["target"], c["members"]) for c in figures["cohorts"]] == [
        (2017, 25, 0),
        (2018, 50, 2),
        (2019, 25, 1),
        (2026, 10, 1),
    ]
    assert [(row["regency_code"], row["signed_on"]) for row in figures["signed"]] == [("32.73", "2026-10-20")]
    # Muara Enim submitted only in November: on 31 October its plan was a draft.
    assert figures["plans_by_status"] == {
        "draft": 2,
        "submitted": 0,
        "in_review": 0,
        "revision_requested": 0,
        "approved": 1,
        "superseded": 0,
    }
    assert [(row["regency_code"], row["approved_on"]) for row in figures["approved"]] == [("16.71", "2026-10-10")]
    assert [(row["regency_code"], row["months"], row["is_demo"]) for row in figures["without_plan"]] == [
        ("16.03", 101, False),
        ("73.71", 101, True),
        ("32.73", 0, False),
    ]

    assert figures["quarter"] == {"key": "2026 Q3", "year": 2026, "quarter": 3, "due": "2026-10-15", "due_passed": True}
    totals = figures["totals"]
    assert (totals["programmes"], totals["budget"], totals["spent"]) == (4, 12_000_000_000, 2_400_000_000)
    # Budget-weighted: (50 x 1 + 90 x 3) / 4 = 80; spent over the reporting programmes' budget: 2.4 / 4 = 60.
    assert (totals["physical"], totals["financial"]) == (80.0, 60.0)
    assert (totals["due"], totals["on_time"], totals["late"], totals["missing"]) == (3, 1, 1, 1)

    by_dimension = {d["code"]: d for d in figures["dimensions"]}
    assert (by_dimension["governance"]["budget"], by_dimension["governance"]["spent"]) == (1_000_000_000, 400_000_000)
    assert by_dimension["living"]["horizons"] == {"long": 1, "medium": 1}
    assert by_dimension["living"]["programmes"] == 2
    assert by_dimension["society"]["programmes"] == 0
    by_source = {row["source"]: (row["programmes"], row["budget"], row["spent"]) for row in figures["funding"]}
    assert by_source == {
        "apbd": (2, 3_000_000_000, 400_000_000),
        "apbn": (1, 3_000_000_000, 2_000_000_000),
        "kpbu": (1, 6_000_000_000, 0),
    }

    table = {row["code"]: row for row in figures["table"]}
    assert len(table) == Province.objects.count() == 38
    south_sumatra = table["16"]
    assert (south_sumatra["members"], south_sumatra["approved_plans"], south_sumatra["without_plan"]) == (2, 1, 1)
    assert (south_sumatra["programmes"], south_sumatra["due"], south_sumatra["missing"]) == (4, 3, 1)
    assert south_sumatra["physical"] == 80.0
    assert (table["32"]["members"], table["32"]["signed"]) == (1, 1)
    aceh = table["11"]
    assert (aceh["members"], aceh["programmes"], aceh["budget"], aceh["physical"]) == (0, 0, 0, None)


def test_a_province_report_counts_only_its_regencies_and_has_no_demo_flag_without_demo(dataset):
    figures = compute(Scope(Province.objects.get(code="16")), PERIOD, today=TODAY)
    assert figures["members"] == {"real": 2, "demo": 0, "total": 2}
    assert figures["has_demo"] is False
    assert figures["goals"] == []
    assert [c["members"] for c in figures["cohorts"]] == [0, 1, 1, 0]
    rows = {row["code"]: row for row in figures["table"]}
    assert set(rows) == set(Regency.objects.filter(province__code="16").values_list("code", flat=True))
    assert rows["16.71"]["approved_plans"] == 1 and rows["16.03"]["without_plan"] == 1


def test_a_province_without_members_gets_a_report_of_zeros(dataset):
    figures = compute(Scope(Province.objects.get(code="11")), PERIOD, today=TODAY)
    assert figures["members"]["total"] == 0
    assert figures["totals"]["programmes"] == 0 and figures["totals"]["physical"] is None
    assert figures["without_plan"] == [] and figures["has_demo"] is False


def test_before_the_due_date_no_update_counts_as_missing(dataset):
    figures = compute(Scope(), PERIOD, today=datetime.date(2026, 10, 12))
    assert figures["complete_period"] is False and figures["period"]["end"] == "2026-10-12"
    assert figures["quarter"]["due_passed"] is False
    assert figures["totals"]["missing"] is None


@pytest.mark.parametrize(
    ("approved", "counts"),
    [
        (datetime.date(2026, 10, 14), (3, 1, 1, 1)),
        (datetime.date(2026, 10, 15), (3, 2, 0, 1)),
        (datetime.date(2026, 10, 18), (3, 2, 0, 1)),
    ],
    ids=["the-day-before-the-due-day", "on-the-due-day", "after-the-due-day"],
)
def test_updates_count_late_only_for_a_plan_approved_before_their_due_day(dataset, approved, counts):
    """2026 Q3 fell due on 15 October; the update of the 20th is late only if the plan owed it by then. The living
    programme that never reported is missing either way ("not reported")."""
    approve_palembang_on(approved)
    totals = compute(Scope(), PERIOD, today=TODAY)["totals"]
    assert (totals["due"], totals["on_time"], totals["late"], totals["missing"]) == counts
    assert compute(Scope(Province.objects.get(code="16")), PERIOD, today=TODAY)["totals"]["late"] == counts[2]


def test_a_kept_report_keeps_the_figures_it_was_made_with(
    dataset, client, reviewer, django_capture_on_commit_callbacks
):
    report = request("national", "2026-10", django_capture_on_commit_callbacks)
    approve_palembang_on(datetime.date(2026, 10, 18))  # made again now, the report would count no update late
    assert compute(Scope(), PERIOD, today=TODAY)["totals"]["late"] == 0

    client.force_login(reviewer)
    page = client.get(report.get_absolute_url())

    (completeness,) = [section for section in page.context["sections"] if section.slug == "completeness"]
    assert list(completeness.displayed())[0][:4] == ["3", "1", "1", "1"]
    report.refresh_from_db()
    assert report.figures["totals"]["late"] == 1


@pytest.mark.parametrize("members", [5, 100])
def test_a_report_runs_the_same_number_of_queries_for_5_and_100_members(programme, members, django_assert_num_queries):
    member_regencies(members)
    with django_assert_num_queries(QUERIES_PER_REPORT):
        figures = compute(Scope(), PERIOD, today=TODAY)
    assert figures["members"]["total"] >= members
    assert figures["totals"]["programmes"] == 3 * members


def check_evidence_of_the_dataset():
    """Palembang's 2026 Q3 updates with evidence: governance verified, economy rejected, and a third update (of the
    medium-term living programme, in on time) not yet checked; one more verified flag on an update without a file
    counts nowhere."""
    updates = {
        update.programme.dimension.code: update
        for update in ProgressUpdate.objects.select_related("programme__dimension")
    }
    ProgressUpdate.objects.filter(pk=updates["governance"].pk).update(
        evidence="masterplans/evidence/a.pdf", evidence_status=EvidenceStatus.VERIFIED
    )
    ProgressUpdate.objects.filter(pk=updates["economy"].pk).update(
        evidence="masterplans/evidence/b.png", evidence_status=EvidenceStatus.REJECTED, evidence_reason="Buram."
    )
    living = Programme.objects.get(name="living medium")
    pending = ProgressUpdate.objects.create(
        programme=living, year=2026, quarter=3, physical_percent=10, spent=0, status="on_track", evidence="x/c.pdf"
    )
    ProgressUpdate.objects.filter(pk=pending.pk).update(created_at=timezone.make_aware(datetime.datetime(2026, 10, 9)))
    unchecked = Programme.objects.get(name="living long")  # not due in 2026, reported anyway, without a file
    ProgressUpdate.objects.create(
        programme=unchecked,
        year=2026,
        quarter=3,
        physical_percent=0,
        spent=0,
        status="on_track",
        evidence_status=EvidenceStatus.VERIFIED,
    )
    ProgressUpdate.objects.filter(programme=unchecked).update(
        created_at=timezone.make_aware(datetime.datetime(2026, 10, 9))
    )


def evidence_counts(row):
    return row["evidence_verified"], row["evidence_rejected"], row["evidence_pending"]


def test_the_evidence_checks_are_counted_nationally_per_province_and_per_regency(dataset):
    check_evidence_of_the_dataset()
    figures = compute(Scope(), PERIOD, today=TODAY)
    assert evidence_counts(figures["totals"]) == (1, 1, 1)
    table = {row["code"]: row for row in figures["table"]}
    assert evidence_counts(table["16"]) == (1, 1, 1) and evidence_counts(table["11"]) == (0, 0, 0)
    province = compute(Scope(Province.objects.get(code="16")), PERIOD, today=TODAY)
    assert evidence_counts({row["code"]: row for row in province["table"]}["16.71"]) == (1, 1, 1)

    ProgressUpdate.objects.filter(evidence_status=EvidenceStatus.REJECTED).update(evidence="")  # the file went
    assert evidence_counts(compute(Scope(), PERIOD, today=TODAY)["totals"]) == (1, 0, 1)


def test_the_report_page_and_files_show_the_evidence_counts(
    dataset, client, reviewer, django_capture_on_commit_callbacks
):
    check_evidence_of_the_dataset()
    report = request("national", "2026-10", django_capture_on_commit_callbacks)
    client.force_login(reviewer)
    client.cookies["django_language"] = "en"
    page = client.get(report.get_absolute_url())

    (completeness,) = [section for section in page.context["sections"] if section.slug == "completeness"]
    titles = [column.title for column in completeness.columns]
    assert titles[-3:] == ["Evidence verified", "Evidence rejected", "Evidence not yet checked"]
    assert list(completeness.displayed())[0][-3:] == ["1", "1", "1"]
    assert "Evidence not yet checked" in page.text

    files = {(item.format, item.language): item for item in report.files.all()}
    rows = list(csv.reader(io.StringIO(files["csv", "en"].file.read().decode("utf-8-sig"))))
    header = next(row for row in rows if row[:1] == ["Due"])
    assert header[-3:] == titles[-3:] and rows[rows.index(header) + 1][-3:] == ["1", "1", "1"]
    sheet = openpyxl.load_workbook(files["xlsx", "en"].file.path)["Progress updates for 2026 Q3"]
    assert [cell.value for cell in sheet[2]][-3:] == [1, 1, 1]
    text = "".join(page.extract_text() for page in PdfReader(files["pdf", "en"].file.path).pages)
    assert "Evidence rejected" in text


def test_a_report_kept_from_before_the_evidence_checks_shows_a_dash(dataset):
    figures = compute(Scope(), PERIOD, today=TODAY)
    for status in ("verified", "rejected", "pending"):
        del figures["totals"][f"evidence_{status}"]
    (completeness,) = [section for section in sections(figures) if section.slug == "completeness"]
    assert list(completeness.displayed())[0][-3:] == ["—", "—", "—"]


@pytest.mark.parametrize("members", [5, 100])
def test_the_evidence_counts_add_no_query(programme, members, django_assert_num_queries):
    member_regencies(members)
    ProgressUpdate.objects.update(
        evidence="masterplans/evidence/a.pdf",
        evidence_status=EvidenceStatus.VERIFIED,
        created_at=timezone.make_aware(datetime.datetime(2026, 10, 5)),  # in before the report's day
    )
    with django_assert_num_queries(QUERIES_PER_REPORT):
        figures = compute(Scope(), PERIOD, today=TODAY)
    assert evidence_counts(figures["totals"]) == (3 * members, 0, 0)


# The job, its row and its files ----------------------------------------------------------------------------------


def request(scope, period, capture, user=None):
    with capture(execute=True):
        return services.request(scope, period, user=user)


def test_requesting_the_same_report_twice_keeps_one_row_and_replaces_its_files(
    dataset, django_capture_on_commit_callbacks
):
    first = request("national", "2026-10", django_capture_on_commit_callbacks)
    first.refresh_from_db()
    assert first.status == ReportStatus.DONE and first.progress == 100 and first.attempts == 1
    old_paths = {item.file.path for item in first.files.all()}
    assert len(old_paths) == 6

    second = request("national", "2026-10", django_capture_on_commit_callbacks)
    assert second.pk == first.pk
    assert ProgressReport.objects.count() == 1
    assert ReportFile.objects.filter(report=first).count() == 6
    new_paths = {item.file.path for item in ReportFile.objects.filter(report=first)}
    assert not new_paths & old_paths
    assert not any(os.path.exists(path) for path in old_paths)


def test_the_files_open_and_say_what_the_page_says(dataset, django_capture_on_commit_callbacks):
    report = request("national", "2026-10", django_capture_on_commit_callbacks)
    files = {(item.format, item.language): item for item in report.files.all()}

    workbook = openpyxl.load_workbook(files["xlsx", "id"].file.path)
    assert workbook.sheetnames[0] == "Laporan"
    assert "Ringkasan" in workbook.sheetnames and "Per provinsi" in workbook.sheetnames
    assert len(workbook.sheetnames) == 13  # the cover and one sheet per section
    summary = workbook["Ringkasan"]
    values = {row[0]: row[1] for row in summary.iter_rows(min_row=2, values_only=True)}
    assert values["Anggota"] == 4
    assert values["Anggaran terencana"] == 12_000_000_000
    assert summary["B9"].number_format == '"Rp"#,##0'

    text = "".join(page.extract_text() for page in PdfReader(files["pdf", "id"].file.path).pages)
    assert "Laporan kemajuan nasional – Oktober 2026" in text
    assert "DEMO" in text and "Rp12.000.000.000" in text and "80,0%" in text
    english = "".join(page.extract_text() for page in PdfReader(files["pdf", "en"].file.path).pages)
    assert "National progress report – October 2026" in english and "80.0%" in english

    rows = list(csv.reader(io.StringIO(files["csv", "id"].file.read().decode("utf-8-sig"))))
    assert rows[0] == ["Laporan kemajuan nasional – Oktober 2026"]
    assert any(row and row[0].startswith("DEMO") for row in rows)
    assert ["Anggaran terencana", "Rp12.000.000.000"] in rows
    assert ["Kemajuan fisik (Triwulan 3 2026)", "80,0%"] in rows


def test_a_report_of_the_period_under_way_gives_the_figures_so_far_and_says_so(
    dataset, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    report = request("national", f"{today:%Y-%m}", django_capture_on_commit_callbacks)
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE, report.error
    files = {(item.format, item.language): item for item in report.files.all()}
    rows = list(csv.reader(io.StringIO(files["csv", "en"].file.read().decode("utf-8-sig"))))
    with translation.override("en"):
        assert [f"The period had not ended: figures as of {formats.date_format(today, 'j F Y')}."] in rows


@pytest.mark.parametrize(
    ("scope", "period", "field"),
    [
        ("99", "2026-10", "scope"),
        ("national", "2099-01", "period"),
        ("national", "2026-13", "period"),
        ("national", "October", "period"),
        ("national", "2016-12", "period"),
    ],
)
def test_bad_requests_are_refused_with_a_message_and_queue_nothing(
    programme, scope, period, field, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(jobs.ReportError) as refused:
        services.request(scope, period)
    assert refused.value.field == field and refused.value.message
    assert callbacks == [] and not ProgressReport.objects.exists()


def test_a_report_already_queued_is_not_queued_again(programme, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        services.request("national", "2026-10")  # queued, not yet run: its callback is held
    with django_capture_on_commit_callbacks() as again, pytest.raises(jobs.ReportError) as refused:
        services.request("national", "2026-10")
    report = ProgressReport.objects.get()
    assert refused.value.report == report and refused.value.message
    assert len(callbacks) == 1 and again == []
    assert report.status == ReportStatus.QUEUED


def test_a_delivery_past_the_attempt_limit_marks_the_report_failed_without_running_it(programme, settings):
    report = ProgressReport.objects.create(
        period_kind="month", year=2026, number=10, status=ReportStatus.RUNNING, attempts=settings.REPORT_MAX_ATTEMPTS
    )
    generate_report.apply(args=["national", "2026-10"])
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert str(settings.REPORT_MAX_ATTEMPTS) in report.error
    assert not report.files.exists() and report.figures == {}


def test_a_redelivered_running_report_counts_an_attempt_and_finishes(dataset):
    report = ProgressReport.objects.create(
        period_kind="month", year=2026, number=10, status=ReportStatus.RUNNING, attempts=1
    )
    generate_report.apply(args=["national", "2026-10"])
    report.refresh_from_db()
    assert (report.status, report.attempts, report.files.count()) == (ReportStatus.DONE, 2, 6)


def test_a_finished_report_delivered_again_is_left_alone(dataset, django_capture_on_commit_callbacks):
    report = request("national", "2026-10", django_capture_on_commit_callbacks)
    finished_at = ProgressReport.objects.get().finished_at
    generate_report.apply(args=["national", "2026-10"])
    report.refresh_from_db()
    assert report.finished_at == finished_at and report.attempts == 1


def test_the_sweeper_fails_reports_running_or_queued_past_the_bound_only(programme, settings):
    now = timezone.now()
    stuck = ProgressReport.objects.create(
        period_kind="month",
        year=2026,
        number=9,
        status=ReportStatus.RUNNING,
        started_at=now - datetime.timedelta(seconds=settings.REPORT_STUCK_AFTER + 60),
    )
    lost = ProgressReport.objects.create(
        period_kind="month",
        year=2026,
        number=8,
        requested_at=now - datetime.timedelta(seconds=settings.REPORT_STUCK_AFTER + 60),
    )
    busy = ProgressReport.objects.create(
        period_kind="month", year=2026, number=10, status=ReportStatus.RUNNING, started_at=now
    )
    waiting = ProgressReport.objects.create(period_kind="month", year=2026, number=7, requested_at=now)
    assert jobs.sweep(now) == 2
    for report in (stuck, lost, busy, waiting):
        report.refresh_from_db()
    assert stuck.status == lost.status == ReportStatus.FAILED and stuck.error
    assert (busy.status, waiting.status) == (ReportStatus.RUNNING, ReportStatus.QUEUED)


def test_the_time_limits_stay_below_the_visibility_timeout(settings):
    assert settings.REPORT_SOFT_TIME_LIMIT < settings.REPORT_TIME_LIMIT < settings.CELERY_VISIBILITY_TIMEOUT
    assert generate_report.acks_late and generate_report.reject_on_worker_lost
    assert generate_report.time_limit == settings.REPORT_TIME_LIMIT


# The schedule and the email ---------------------------------------------------------------------------------------


def test_the_schedules_are_rows_admins_can_edit(admin_client_of_ministry):
    monthly = PeriodicTask.objects.get(task="smartcity.tasks.run_monthly_reports")
    crontab = monthly.crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_month, str(crontab.timezone)) == (
        "0",
        "7",
        "1",
        "Asia/Jakarta",
    )
    assert PeriodicTask.objects.filter(task="masterplans.tasks.send_progress_reminders").exists()
    assert PeriodicTask.objects.filter(task="smartcity.tasks.sweep_stuck_reports", interval__every=10).exists()
    page = admin_client_of_ministry.get(f"/admin/django_celery_beat/periodictask/{monthly.pk}/change/")
    assert page.status_code == 200


@pytest.fixture
def admin_client_of_ministry(client, ministry_admin):
    client.force_login(ministry_admin)
    return client


def test_the_monthly_run_makes_last_months_national_and_province_reports_once_and_emails_subscribers(
    dataset, reviewer, django_capture_on_commit_callbacks
):
    ReportSubscription.objects.create(user=reviewer, province=None)
    partner = UserFactory(username="partner-subscribed", role=roles.PARTNER)
    ReportSubscription.objects.create(user=partner, province=None)  # no longer allowed to read reports
    with django_capture_on_commit_callbacks(execute=True):
        queued = tasks.monthly(today=datetime.date(2026, 11, 1))
    assert queued[0] == "national" and len(queued) == 39
    reports = ProgressReport.objects.all()
    assert reports.count() == 39
    assert set(reports.values_list("status", "scheduled", "year", "number")) == {(ReportStatus.DONE, True, 2026, 10)}

    (message,) = mail.outbox
    assert message.to == [reviewer.email]
    assert "Laporan kemajuan nasional – Oktober 2026" in message.subject
    assert "National progress report – October 2026" in message.subject
    assert "Anggota: 4" in message.body and "Members: 4" in message.body
    assert reverse("report-detail", kwargs={"pk": reports.get(province=None).pk}) in message.body

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.monthly(today=datetime.date(2026, 11, 1)) == []
    assert ProgressReport.objects.count() == 39 and len(mail.outbox) == 1


def test_a_redelivered_job_of_a_done_scheduled_report_still_announces_it(
    dataset, reviewer, django_capture_on_commit_callbacks
):
    ReportSubscription.objects.create(user=reviewer, province=None)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.monthly(today=datetime.date(2026, 11, 1))
    national = ProgressReport.objects.get(province=None)
    ProgressReport.objects.filter(pk=national.pk).update(notified_at=None)  # its worker died before announcing
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert generate_report("national", "2026-10") is None  # nothing left to compute
    (message,) = mail.outbox
    assert message.to == [reviewer.email]


def test_the_schedules_name_tasks_the_workers_know(programme):
    from smartcity.celery import app

    app.loader.import_default_modules()
    for schedule in PeriodicTask.objects.exclude(task="celery.backend_cleanup"):
        assert schedule.task in app.tasks, schedule.task


def test_a_report_requested_by_hand_sends_no_email(dataset, reviewer, django_capture_on_commit_callbacks):
    ReportSubscription.objects.create(user=reviewer, province=None)
    request("national", "2026-10", django_capture_on_commit_callbacks, user=reviewer)
    assert mail.outbox == []


# Pages -----------------------------------------------------------------------------------------------------------


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def test_staff_generate_a_report_and_follow_it(dataset, client, reviewer, django_capture_on_commit_callbacks):
    client.force_login(reviewer)
    page = client.get(reverse("report-list"))
    assert page.status_code == 200
    assert 'action="/reports/generate/"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("report-request"), {"scope": "16", "period": "2026-10"})
    report = ProgressReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert report.requested_by == reviewer and report.province.code == "16"

    detail = client.get(report.get_absolute_url())
    assert detail.status_code == 200
    assert "Laporan kemajuan Sumatera Selatan – Oktober 2026" in detail.content.decode()
    status = client.get(reverse("report-status", kwargs={"pk": report.pk})).json()
    assert status["status"] == "done" and status["progress"] == 100 and len(status["files"]) == 6

    download = client.get(status["files"][0]["url"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="laporan-kemajuan-16-2026-10-')
    assert b"".join(download.streaming_content)


def test_the_list_shows_the_queued_state_and_the_detail_polls_it(programme, client, reviewer):
    report = ProgressReport.objects.create(period_kind="month", year=2026, number=10, requested_by=reviewer)
    client.force_login(reviewer)
    listing = client.get(reverse("report-list"))
    assert "status-queued" in listing.content.decode()
    detail = client.get(report.get_absolute_url()).content.decode()
    assert 'data-finished="false"' in detail and "js/report-status" in detail
    assert client.get(reverse("report-status", kwargs={"pk": report.pk})).json()["files"] == []


@pytest.mark.parametrize(
    ("data", "field"),
    [({"scope": "99", "period": "2026-10"}, "scope"), ({"scope": "national", "period": "2099-01"}, "period")],
)
def test_bad_input_on_the_page_answers_400_with_the_field_marked(programme, client, reviewer, data, field):
    client.force_login(reviewer)
    response = client.post(reverse("report-request"), data)
    assert response.status_code == 400
    assert response.context["request_form"].errors[field]
    assert not ProgressReport.objects.exists()


def test_a_report_already_running_sends_the_requester_to_it(programme, client, reviewer):
    report = ProgressReport.objects.create(period_kind="month", year=2026, number=10, status=ReportStatus.RUNNING)
    client.force_login(reviewer)
    response = client.post(reverse("report-request"), {"scope": "national", "period": "2026-10"}, follow=True)
    assert response.redirect_chain[-1][0] == report.get_absolute_url()
    assert ProgressReport.objects.count() == 1


def test_a_running_report_names_its_worker_and_says_when_it_is_overdue(programme, client, reviewer, settings):
    started = timezone.now() - timezone.timedelta(seconds=settings.REPORT_TIME_LIMIT + 60)
    report = ProgressReport.objects.create(
        period_kind="month",
        year=2026,
        number=10,
        status=ReportStatus.RUNNING,
        progress=5,
        started_at=started,
        attempts=1,
        task_id="0b6a0c5e-1d2f-4c57-9a4e-2f1f6f0f9a10",
        worker="celery@worker-2.internal",
    )
    client.force_login(reviewer)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "celery@worker-2.internal" in page and "0b6a0c5e-1d2f-4c57-9a4e-2f1f6f0f9a10" in page
    swept = timezone.localtime(started + timezone.timedelta(seconds=settings.REPORT_STUCK_AFTER))
    assert "kemungkinan hilang" in page and formats.date_format(swept, "j F Y H:i") in page
    status = client.get(reverse("report-status", kwargs={"pk": report.pk})).json()
    assert "celery@worker-2.internal" in status["where"] and status["overdue"]

    ProgressReport.objects.filter(pk=report.pk).update(started_at=timezone.now())
    status = client.get(reverse("report-status", kwargs={"pk": report.pk})).json()
    assert status["where"] and status["overdue"] == ""  # running within its time: no alarm


@pytest.mark.parametrize("persona", ["officer", "partner"])
def test_officers_and_partners_cannot_open_reports(dataset, client, request, persona):
    report = ProgressReport.objects.create(period_kind="month", year=2026, number=10)
    client.force_login(request.getfixturevalue(persona))
    for url in (
        reverse("report-list"),
        report.get_absolute_url(),
        reverse("report-status", kwargs={"pk": report.pk}),
        reverse("report-file", kwargs={"pk": report.pk, "format": "pdf", "language": "id"}),
    ):
        assert client.get(url).status_code == 403
    assert client.post(reverse("report-request"), {"scope": "national", "period": "2026-10"}).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(programme, client):
    response = client.get(reverse("report-list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_staff_subscribe_and_unsubscribe(programme, client, reviewer):
    client.force_login(reviewer)
    client.post(reverse("report-subscription"), {"scope": "16"})
    client.post(reverse("report-subscription"), {"scope": "16"})
    assert list(ReportSubscription.objects.values_list("province__code", flat=True)) == ["16"]
    client.post(reverse("report-subscription"), {"scope": "16", "unsubscribe": "1"})
    assert not ReportSubscription.objects.exists()


@pytest.mark.parametrize("count", [2, 40])
def test_the_report_list_runs_a_fixed_number_of_queries(
    programme, client, reviewer, reviewer_subscribed, count, django_assert_num_queries
):
    client.force_login(reviewer)
    ProgressReport.objects.bulk_create(
        ProgressReport(
            province=Province.objects.get(code="16") if n % 2 else None,
            period_kind="month",
            year=2025 - n // 24,
            number=n // 2 % 12 + 1,
            status=ReportStatus.DONE,
            requested_by=reviewer,
        )
        for n in range(count)
    )
    with django_assert_num_queries(LIST_QUERIES):
        assert client.get(reverse("report-list")).status_code == 200


@pytest.fixture
def reviewer_subscribed(reviewer):
    ReportSubscription.objects.create(user=reviewer, province=Province.objects.get(code="16"))


@pytest.mark.parametrize("members", [5, 100])
def test_the_report_page_runs_a_fixed_number_of_queries(
    programme, client, reviewer, members, django_capture_on_commit_callbacks, django_assert_num_queries
):
    member_regencies(members)
    report = request("national", "2026-10", django_capture_on_commit_callbacks)
    client.force_login(reviewer)
    with django_assert_num_queries(DETAIL_QUERIES):
        assert client.get(report.get_absolute_url()).status_code == 200


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("down", ["broker_down", "broker_and_backend_down"])
def test_when_the_broker_is_down_the_page_says_so_and_the_request_is_kept(programme, client, reviewer, down, request):
    """Committed for real, as in production: the job is queued when the request's transaction commits."""
    request.getfixturevalue(down)
    client.force_login(reviewer)
    response = client.post(reverse("report-request"), {"scope": "national", "period": "2026-10"}, follow=True)
    report = ProgressReport.objects.get()
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == report.get_absolute_url()
    assert report.status == ReportStatus.FAILED and report.requested_by == reviewer
    assert report.error in response.content.decode()
    assert "antrean tugas tidak menjawab" in report.error


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_job_that_keeps_meeting_database_errors_ends_failed_with_the_reason(programme):
    """A real transient error: another session holds a lock the job needs, and the job's lock wait times out."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: lock timeouts are a PostgreSQL setting")
    report = ProgressReport.objects.create(period_kind="month", year=2026, number=10)
    other = psycopg.connect(**connection.get_connection_params())
    try:
        other.execute("LOCK TABLE masterplans_programme IN ACCESS EXCLUSIVE MODE")
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '200ms'")
        try:
            generate_report.apply(args=["national", "2026-10"])  # in-process: no retry, so it gives up at once
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")
    finally:
        other.rollback()
        other.close()
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "lock timeout" in report.error
    assert not report.files.exists()


def test_text_a_spreadsheet_would_run_is_defused_in_csv_and_xlsx():
    from smartcity.reports.files import section_csv
    from smartcity.reports.sections import Column, Section

    section = Section("history", "History", [Column("Comment"), Column("Plans", "number")], [["=HYPERLINK(1)", 3]])
    rows = list(csv.reader(io.StringIO(section_csv(section).decode("utf-8-sig"))))
    assert rows[1] == ["'=HYPERLINK(1)", "3"]


def test_the_list_page_has_each_control_id_once_and_picks_the_scope_by_name(programme, client, reviewer):
    """The filter, "generate now" and the subscription each have a scope control: each keeps its own id, so every
    label names its own control; the filter offers the scopes by name, sending the same values the API reads."""
    client.force_login(reviewer)
    page = client.get(reverse("report-list")).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for target in re.findall(r'<label for="([^"]+)"', page):
        assert target in ids
    assert {"id_scope", "id_request_scope", "id_subscription_scope"} <= set(ids)
    assert '<option value="" selected>Nasional dan setiap provinsi</option>' in page
    assert '<option value="national">Nasional</option>' in page
    assert '<option value="16">16 Sumatera Selatan</option>' in page
    filtered = client.get(reverse("report-list"), {"scope": "16"})
    assert filtered.status_code == 200 and 'value="16" selected' in filtered.content.decode()


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Kemajuan per provinsi dan kabupaten/kota", "Kemajuan per provinsi dan…"),
        ("Per provinsi", "Per provinsi"),
        ("Ringkasan: [semua] wilayah?", "Ringkasan semua wilayah"),
        ("Pembaruankemajuanyangterlambatsekali", "Pembaruankemajuanyangterlambat…"),
    ],
)
def test_a_long_sheet_name_is_cut_after_a_word(title, name):
    from openpyxl import Workbook

    from smartcity.reports.files import sheet_title

    assert sheet_title(title, Workbook()) == name
    assert len(name) <= 31


def test_a_repeated_sheet_name_is_numbered_within_excels_limit():
    from openpyxl import Workbook

    from smartcity.reports.files import sheet_title

    workbook = Workbook()
    title = "Kemajuan per provinsi dan kabupaten/kota"
    workbook.active.title = sheet_title(title, workbook)
    second = sheet_title(title, workbook)
    assert second == "Kemajuan per provinsi dan… (2)" and len(second) <= 31
