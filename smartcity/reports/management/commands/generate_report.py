from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from smartcity.reports import jobs, services
from smartcity.reports.choices import NATIONAL, ReportStatus
from smartcity.reports.periods import Period


class Command(BaseCommand):
    help = (
        "Request a progress report (by default last month's national report). With no broker configured it is "
        "computed at once, in this process; otherwise a worker computes it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scope", default=NATIONAL, help="national (the default) or a province code, e.g. 16")
        parser.add_argument("--period", help="a month (2026-10) or a quarter (2026-Q3); last month by default")

    def handle(self, scope, period, **options):
        period = period or Period.month_before(timezone.localdate()).key
        try:
            report = services.request(scope, period)
        except jobs.ReportError as error:
            raise CommandError(error.message) from None
        report.refresh_from_db()
        if report.status == ReportStatus.DONE:
            self.stdout.write(f"Progress report {scope} {period}: done, {report.files.count()} files.")
        elif report.status == ReportStatus.FAILED:
            raise CommandError(f"Progress report {scope} {period} failed: {report.error}")
        else:
            self.stdout.write(f"Progress report {scope} {period}: queued for a worker.")
