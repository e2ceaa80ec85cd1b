"""A report followed live in headless Chromium: the page shows queued, then running with its progress, then the
download links, all without a reload; it loads nothing from outside the portal and logs no console error."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from smartcity.reports import jobs
from smartcity.reports.choices import ReportStatus
from smartcity.reports.models import ProgressReport
from tests.browser import needs_chromium, sign_in

SCREENSHOT = Path("/tmp/browser-report.png")

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("tasks_in_process"),
    needs_chromium,
]


def test_the_report_page_follows_the_job_without_a_reload(programme, reviewer, live_server, page):
    report = ProgressReport.objects.create(period_kind="month", year=2026, number=10, requested_by=reviewer)

    sign_in(page, "reviewer")
    page.goto(report.get_absolute_url())
    status = page.locator("#report-status")
    expect(status.locator(".status")).to_have_text("Queued")
    page.evaluate("window.loadedOnce = true")  # gone if the page reloads

    ProgressReport.objects.filter(pk=report.pk).update(status=ReportStatus.RUNNING, progress=60)
    expect(status.locator(".status")).to_have_text("Running")
    expect(status.get_by_role("progressbar", name="Progress of the report")).to_have_attribute("value", "60")

    jobs.run("national", "2026-10")  # the job, as a worker that took up the running report would
    expect(status.locator(".status")).to_have_text("Done")
    expect(status.locator(".downloads a")).to_have_count(6)
    assert page.evaluate("window.loadedOnce") is True

    status.get_by_role("link", name="Show the figures").click()
    expect(page.get_by_role("heading", name="Summary")).to_be_visible()
    page.screenshot(path=SCREENSHOT, full_page=True)
    with page.expect_download() as download:
        page.locator(".downloads a", has_text="PDF (English)").click()
    assert download.value.suggested_filename == "laporan-kemajuan-national-2026-10-en.pdf"
