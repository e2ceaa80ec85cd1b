"""The progress-report jobs. Their names are the ones they had in ``smartcity.tasks``, which the schedules in the
database (django-celery-beat) and any message still in the queue carry: moving the code does not rename a task."""

import logging

from celery import chain, group, shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from regencies.models import Province
from smartcity.reports import jobs, notifications
from smartcity.reports.choices import NATIONAL
from smartcity.reports.periods import Period

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    name="smartcity.tasks.generate_report",
    # Acknowledged only when done, and handed back to the broker if the worker process dies, so a killed worker
    # loses no report; the attempt counter on the row (jobs.start) stops a report that kills every worker.
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.REPORT_SOFT_TIME_LIMIT,
    time_limit=settings.REPORT_TIME_LIMIT,
    max_retries=3,
)
def generate_report(self, scope, period):
    """Compute the report of ``scope`` (``national`` or a province code) for ``period`` (``2026-10``, ``2026-Q3``).

    Idempotent: it works on the one row of that scope and period, and does nothing unless the row is queued (or
    running, when the broker delivers it again after a lost worker). Transient database errors are retried with
    exponential backoff. A scheduled report, once done, is announced to its subscribers.
    """
    try:
        report_pk = jobs.run(scope, period, self.request.id, self.request.hostname)
    except jobs.TRANSIENT_ERRORS as error:
        if self.request.is_eager or self.request.retries >= self.max_retries:
            jobs.give_up(scope, period, error)
            return None
        raise self.retry(exc=error, countdown=10 * 2**self.request.retries) from error
    announce(scope, period)
    return report_pk


def announce(scope, period):
    """Queue the email of a done scheduled report not yet announced. Also on a delivery that finds the report done
    already (its worker died between finishing and announcing); a broker that is down is logged, not raised, so the
    done report's job still ends."""
    report = jobs.reports_for(jobs.parse_scope(scope), Period.parse(period)).first()
    if report is None or not jobs.awaits_notice(report.pk):
        return
    try:
        send_report_email.delay(report.pk)
    except BrokerError as error:
        logger.error("Could not queue the email of report %s: %s", report.pk, error)


@shared_task(name="smartcity.tasks.run_monthly_reports")
def run_monthly_reports():
    """On the 1st (beat, 07:00 WIB): last month's national report, then each province's."""
    return monthly()


@shared_task(name="smartcity.tasks.sweep_stuck_reports")
def sweep_stuck_reports():
    """Every few minutes (beat): reports still running long after any worker could be are marked failed."""
    return jobs.sweep()


@shared_task(
    bind=True, name="smartcity.tasks.send_report_email", autoretry_for=(OSError,), retry_backoff=60, max_retries=5
)
def send_report_email(self, report_id):
    """Tell subscribed staff that a scheduled report is done, with its summary and a link."""
    return notifications.report_done(report_id)


def monthly(today=None):
    """The schedule's run: the national report of the previous month, then each province's, queued in one go."""
    period = Period.month_before(today or timezone.localdate())
    keys = [NATIONAL] + list(Province.objects.order_by("code").values_list("code", flat=True))
    queued = []
    with transaction.atomic():
        for key in keys:
            try:
                if jobs.claim(jobs.parse_scope(key), period, scheduled=True, replace_done=False):
                    queued.append(key)
            except jobs.ReportError:  # already being made
                continue
        national = [generate_report.si(key, period.key) for key in queued if key == NATIONAL]
        provinces = group(generate_report.si(key, period.key) for key in queued if key != NATIONAL)
        if queued:
            transaction.on_commit((chain(*national, provinces) if national else provinces).delay)
    return queued
