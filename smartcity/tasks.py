from celery import shared_task
from django.conf import settings

from smartcity.reports import notifications, services


@shared_task(bind=True)
def ping(self):
    """Health ping: answers with the name of the worker that ran it, so a caller can tell who did the work."""
    return {"pong": True, "worker": self.request.hostname}


@shared_task(
    bind=True,
    # Acknowledged only when done, and handed back to the broker if the worker process dies, so a killed worker
    # loses no report; the attempt counter on the row (services.start) stops a report that kills every worker.
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
    exponential backoff.
    """
    try:
        return services.run(scope, period)
    except services.TRANSIENT_ERRORS as error:
        if self.request.is_eager or self.request.retries >= self.max_retries:
            services.give_up(scope, period, error)
            return None
        raise self.retry(exc=error, countdown=10 * 2**self.request.retries) from error


@shared_task
def run_monthly_reports():
    """On the 1st (beat, 07:00 WIB): last month's national report, then each province's."""
    return services.monthly()


@shared_task
def sweep_stuck_reports():
    """Every few minutes (beat): reports still running long after any worker could be are marked failed."""
    return services.sweep()


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def send_report_email(self, report_id):
    """Tell subscribed staff that a scheduled report is done, with its summary and a link."""
    return notifications.report_done(report_id)
