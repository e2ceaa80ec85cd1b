"""The email that tells subscribed staff a scheduled report is done: its summary and a link, in both languages."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from masterplans.notifications import bilingual, portal_url
from smartcity.reports.choices import ReportStatus
from smartcity.reports.models import ProgressReport
from smartcity.reports.sections import sections, title


def subscribers(report):
    """Active staff who subscribed to the report's scope and may still read reports (permissions as the model
    backend grants them: with django-axes' backend also configured, ``with_perm`` must be told which to ask)."""
    return (
        get_user_model()
        .objects.with_perm("reports.view_progressreport", backend="django.contrib.auth.backends.ModelBackend")
        .filter(report_subscriptions__province=report.province)
        .exclude(email="")
        .distinct()
    )


def report_done(report_id):
    """Send the email once per run (``notified_at`` records it); returns how many addresses it went to."""
    with transaction.atomic():
        report = ProgressReport.objects.select_for_update(of=("self",)).select_related("province").get(pk=report_id)
        if report.status != ReportStatus.DONE or report.notified_at is not None:
            return 0
        recipients = list(subscribers(report).values_list("email", flat=True))
        report.notified_at = timezone.now()
        report.save(update_fields=["notified_at"])
        if not recipients:
            return 0
        url = portal_url(report.get_absolute_url())

        def context():
            return {"title": title(report), "summary": next(iter(sections(report.figures))), "url": url}

        subject, body = bilingual("reports/email/report_done.txt", context)
        return send_mass_mail([(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in recipients])
