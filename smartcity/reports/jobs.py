"""The progress-report job's body, which ``tasks.generate_report`` runs: one row per scope and period, safe to run
again, and never lost. ``claim`` marks the row queued (for a request or the schedule); ``run`` reloads it, guards
against endless re-delivery (``start``), computes the figures, writes the files, and swaps them in at once
(``finish``). ``sweep`` fails what no worker will finish.

Nothing here queues a task: the tasks call this module, and the requests (``services``) and the schedule
(``tasks.monthly``) queue them, so the imports run one way.
"""

import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from regencies.models import Province
from smartcity.reports.choices import NATIONAL, ReportStatus
from smartcity.reports.figures import Scope, compute
from smartcity.reports.files import WRITERS
from smartcity.reports.models import ProgressReport, ReportFile
from smartcity.reports.periods import Period

logger = logging.getLogger(__name__)

ACTIVE_STATUSES = (ReportStatus.QUEUED, ReportStatus.RUNNING)
LANGUAGES = [code for code, name in settings.LANGUAGES]
# Database errors that a later try may not meet (a restart, a dropped connection, a lock timeout).
TRANSIENT_ERRORS = (OperationalError, InterfaceError)


# Why a request is refused: bad input (``field`` names it), the report is already being made, or the broker is down.
INVALID, RUNNING, QUEUE_UNAVAILABLE = "invalid", "running", "queue_unavailable"


class ReportError(Exception):
    """A request that cannot be met: the message is for the user; ``field`` names the input at fault, ``report``
    the report concerned."""

    def __init__(self, message, field=None, report=None, code=INVALID):
        super().__init__(message)
        self.message, self.field, self.report, self.code = message, field, report, code


def parse_scope(key):
    """``national`` or the code of a province in the register: the province, or None for national."""
    if key == NATIONAL:
        return None
    province = Province.objects.filter(code=key).first() if isinstance(key, str) else None
    if province is None:
        raise ReportError(_("There is no province with the code “%(code)s”.") % {"code": key}, "scope")
    return province


def row_key(province, period):
    return {"province": province, "period_kind": period.kind, "year": period.year, "number": period.number}


def reports_for(province, period):
    return ProgressReport.objects.filter(**row_key(province, period))


def claim(province, period, user=None, scheduled=False, replace_done=True):
    """Lock the row of a scope and period (made if missing) and mark it queued; call inside a transaction.

    A report already queued or running is not queued again (a ``ReportError``). One that is done is queued again
    (its figures and files will be replaced) or, without ``replace_done``, left alone: None.
    """
    report = reports_for(province, period).select_for_update(of=("self",)).first()
    if report is None:
        try:
            with transaction.atomic():
                report = ProgressReport.objects.create(**row_key(province, period))
        except IntegrityError:  # another request made it a moment ago: decide on that one
            return claim(province, period, user, scheduled, replace_done)
    elif report.status in ACTIVE_STATUSES:
        raise ReportError(_("This report is already being prepared; wait for it to finish."), None, report, RUNNING)
    elif report.status == ReportStatus.DONE and not replace_done:
        return None
    report.status, report.progress, report.attempts, report.error = ReportStatus.QUEUED, 0, 0, ""
    report.requested_by, report.scheduled, report.requested_at = user, scheduled, timezone.now()
    report.started_at = report.finished_at = report.notified_at = None
    report.task_id = report.worker = ""
    report.save()
    return report


def set_progress(report, percent):
    ProgressReport.objects.filter(pk=report.pk).update(progress=percent)


def start(province, period, task_id="", worker=""):
    """Take the report up for a delivery of its job (``task_id`` on ``worker``), or return None if there is nothing
    to do.

    Each delivery counts an attempt on the row. A job whose worker died (SIGKILL, out of memory) is delivered
    again by the broker; after ``REPORT_MAX_ATTEMPTS`` deliveries the report is marked failed instead.
    """
    with transaction.atomic():
        report = reports_for(province, period).select_for_update(of=("self",)).first()
        if report is None:  # queued directly (a script or the shell): make the row
            report = ProgressReport.objects.create(**row_key(province, period))
        if report.status not in ACTIVE_STATUSES:
            return None
        if report.attempts >= settings.REPORT_MAX_ATTEMPTS:
            report.status, report.finished_at = ReportStatus.FAILED, timezone.now()
            report.error = _("Stopped after %(attempts)s attempts: the worker was lost each time.") % {
                "attempts": report.attempts
            }
            report.save(update_fields=["status", "finished_at", "error"])
            return None
        report.attempts += 1
        report.status, report.started_at, report.progress = ReportStatus.RUNNING, timezone.now(), 5
        report.task_id, report.worker = task_id or "", worker or ""
        report.save(update_fields=["attempts", "status", "started_at", "progress", "task_id", "worker"])
        logger.info("Report %s taken up by task %s on %s (attempt %s)", report.pk, task_id, worker, report.attempts)
        return report


def run(scope_key, period_key, task_id="", worker=""):
    """The job: compute the figures, write every file in every language, then swap them in one transaction."""
    province, period = parse_scope(scope_key), Period.parse(period_key)
    report = start(province, period, task_id, worker)
    if report is None:
        return None
    try:
        figures = compute(Scope(province), period)
        set_progress(report, 40)
        report.figures = figures
        contents, progress, step = [], 40, 55 // (len(WRITERS) * len(LANGUAGES))
        for language in LANGUAGES:
            with translation.override(language):
                for format, write in WRITERS.items():
                    contents.append((format, language, write(report)))
                    progress += step
                    set_progress(report, progress)
        finish(report, figures, contents)
    except SoftTimeLimitExceeded:
        fail(
            report,
            _("Stopped: the report took longer than %(seconds)s seconds.")
            % {"seconds": settings.REPORT_SOFT_TIME_LIMIT},
        )
    except TRANSIENT_ERRORS:
        # The task retries: the row goes back to queued, and a retry is not a lost worker, so no attempt counts.
        ProgressReport.objects.filter(pk=report.pk).update(status=ReportStatus.QUEUED, progress=0, attempts=0)
        raise
    except Exception as error:  # any other fault is recorded on the row for staff to see, not lost in a log
        logger.exception("Report %s %s failed", scope_key, period_key)
        fail(report, f"{error.__class__.__name__}: {error}")
    return report.pk


def finish(report, figures, contents):
    """Store the new figures and files and mark the report done, all at once; old files go after commit."""
    with transaction.atomic():
        locked = ProgressReport.objects.select_for_update().get(pk=report.pk)
        old = list(locked.files.all())
        ReportFile.objects.filter(pk__in=[item.pk for item in old]).delete()
        for format, language, content in contents:
            item = ReportFile(report=locked, format=format, language=language, size=len(content))
            item.file.save(f"report.{format}", ContentFile(content), save=False)
            item.save()
        locked.figures, locked.has_demo = figures, figures["has_demo"]
        locked.status, locked.progress, locked.error = ReportStatus.DONE, 100, ""
        locked.finished_at = timezone.now()
        locked.save()
        transaction.on_commit(lambda: [item.file.delete(save=False) for item in old])


def awaits_notice(report_pk):
    """Whether subscribers are still to hear of this report: a scheduled one, done, not yet announced."""
    return ProgressReport.objects.filter(
        pk=report_pk, status=ReportStatus.DONE, scheduled=True, notified_at__isnull=True
    ).exists()


def fail(report, message):
    ProgressReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.FAILED, error=message, finished_at=timezone.now()
    )


def give_up(scope_key, period_key, error):
    """After the last retry of a transient error: the report is marked failed, with the reason."""
    reports_for(parse_scope(scope_key), Period.parse(period_key)).filter(status__in=ACTIVE_STATUSES).update(
        status=ReportStatus.FAILED,
        finished_at=timezone.now(),
        error=_("Stopped after repeated database errors: %(error)s") % {"error": error},
    )


def sweep(now=None):
    """Mark reports failed that have been running, or waiting in the queue, for longer than any worker could take
    (its worker or its message was lost); returns how many. Staff can then request them again."""
    now = now or timezone.now()
    cutoff = now - timezone.timedelta(seconds=settings.REPORT_STUCK_AFTER)
    stuck = Q(status=ReportStatus.RUNNING, started_at__lt=cutoff) | Q(
        status=ReportStatus.QUEUED, requested_at__lt=cutoff
    )
    return ProgressReport.objects.filter(stuck).update(
        status=ReportStatus.FAILED,
        finished_at=now,
        error=_("Stopped without finishing: no worker completed it in time. Request the report again."),
    )
