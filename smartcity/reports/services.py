"""Requesting progress reports: ``request`` is what the pages, the API and ``generate_report`` (the command) call:
it validates, marks the row queued (``jobs.claim``) and queues the job after commit. The job's body is ``jobs``; the
schedule's run is ``tasks.monthly``.
"""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from smartcity.reports.choices import ReportStatus
from smartcity.reports.jobs import QUEUE_UNAVAILABLE, ReportError, claim, parse_scope
from smartcity.reports.models import ProgressReport
from smartcity.reports.periods import Period
from smartcity.reports.tasks import generate_report

logger = logging.getLogger(__name__)


def parse_period(key, today=None):
    try:
        period = Period.parse(key)
    except ValueError as error:
        raise ReportError(str(error), "period") from None
    if not period.has_started(today or timezone.localdate()):
        raise ReportError(
            _("%(period)s has not begun: a report covers a past or current period.") % {"period": period.label},
            "period",
        )
    return period


def request(scope_key, period_key, user=None):
    """Queue the report of a scope and period for ``user``; returns the report row.

    The job is queued when the transaction commits. When the broker cannot be reached, the row is marked failed
    with that reason and a ``ReportError`` says so: the request is never dropped in silence.
    """
    province, period = parse_scope(scope_key), parse_period(period_key)
    try:
        with transaction.atomic():
            report = claim(province, period, user)
            generate_report.delay_on_commit(report.scope, period.key)
    except BrokerError as error:
        logger.error("Could not queue the report %s %s: %s", scope_key, period_key, error)
        message = _("The report could not be queued: the job queue is not answering. Nothing was lost; try again.")
        ProgressReport.objects.filter(pk=report.pk).update(
            status=ReportStatus.FAILED, error=message, finished_at=timezone.now()
        )
        raise ReportError(message, None, report, QUEUE_UNAVAILABLE) from error
    return report
