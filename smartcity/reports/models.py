import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartcity.reports.choices import NATIONAL, PeriodKind, ReportFormat, ReportStatus
from smartcity.reports.periods import Period


def report_file_path(instance, filename):
    """Reports are for ministry staff only: unguessable names, served only by an access-checked view."""
    return f"reports/{uuid.uuid4().hex}.{instance.format}"


# Newest period first: by the month a period ends in (a month before the quarter that ends with it), national
# before the provinces in code order. Needs ``ProgressReportQuerySet.newest_first``'s annotations.
NEWEST_FIRST = ["-year", "-last_month", "period_kind", "scope_order", "-id"]


class ProgressReportQuerySet(models.QuerySet):
    def newest_first(self):
        return self.annotate(
            last_month=models.Case(
                models.When(period_kind=PeriodKind.QUARTER, then=models.F("number") * 3),
                default=models.F("number"),
                output_field=models.PositiveSmallIntegerField(),
            ),
            scope_order=Coalesce("province__code", models.Value("")),
        ).order_by(*NEWEST_FIRST)


class ProgressReport(models.Model):
    """The programme's progress over one month or quarter, nationally (no province) or for one province.

    There is one report per scope and period: generating it again replaces its figures and files. ``figures`` holds
    what the job computed, free of language, so the page and every file read the same numbers.
    """

    province = models.ForeignKey(
        "regencies.Province",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("province"),
        help_text=_("Empty for the national report."),
    )
    period_kind = models.CharField(_("period"), max_length=7, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("month or quarter"))
    status = models.CharField(_("status"), max_length=7, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    scheduled = models.BooleanField(_("scheduled"), default=False)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(
        _("attempts"), default=0, help_text=_("Deliveries of the current request to a worker.")
    )
    # Which delivery of the job took the report up, and where: a report left running by a worker host that died
    # names the worker and the task to look for. The database keeps the default, so older code can still add rows.
    task_id = models.CharField(_("task"), max_length=155, blank=True, default="", db_default="")
    worker = models.CharField(_("worker"), max_length=255, blank=True, default="", db_default="")
    error = models.TextField(_("error"), blank=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    has_demo = models.BooleanField(_("includes demo data"), default=False)
    notified_at = models.DateTimeField(_("subscribers notified at"), null=True, blank=True)

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        db_table = "smartcity_progressreport"  # the project app's table: kept when the model moved here
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["period_kind", "year", "number"],
                condition=models.Q(province__isnull=True),
                name="one_national_report_per_period",
            ),
            models.UniqueConstraint(
                fields=["province", "period_kind", "year", "number"],
                condition=models.Q(province__isnull=False),
                name="one_province_report_per_period",
            ),
            models.CheckConstraint(
                condition=(models.Q(period_kind="month") & models.Q(number__gte=1, number__lte=12))
                | (models.Q(period_kind="quarter") & models.Q(number__gte=1, number__lte=4)),
                name="report_period_number_valid",
            ),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="report_progress_at_most_100"),
        ]
        permissions = [
            ("request_progressreport", _("Can request a progress report")),
            # The dashboard reads the same figures as the reports, so its permission lives beside theirs.
            ("view_dashboard", _("Can open the ministry's dashboard")),
        ]

    def __str__(self):
        return f"{self.scope_label} – {self.period.label}"

    def get_absolute_url(self):
        return reverse("report-detail", kwargs={"pk": self.pk})

    @property
    def period(self):
        return Period(self.period_kind, self.year, self.number)

    @property
    def scope(self):
        """``national`` or the province's code: how addresses, the API and the job name a scope."""
        return self.province.code if self.province_id else NATIONAL

    @property
    def scope_label(self):
        return self.province.name if self.province_id else _("National")

    def _running_for(self, seconds):
        """When a running report will have run ``seconds`` (None if it is not running)."""
        if self.status != ReportStatus.RUNNING or self.started_at is None:
            return None
        return self.started_at + timezone.timedelta(seconds=seconds)

    @property
    def overdue_at(self):
        """When a running report has taken longer than any run may: its worker is likely lost."""
        return self._running_for(settings.REPORT_TIME_LIMIT)

    @property
    def swept_at(self):
        """When the sweeper marks a running report failed, if no worker finishes it first."""
        return self._running_for(settings.REPORT_STUCK_AFTER)

    @property
    def is_finished(self):
        return self.status in (ReportStatus.DONE, ReportStatus.FAILED)


class ReportFile(models.Model):
    """One generated file of a report, in one language."""

    report = models.ForeignKey(ProgressReport, models.CASCADE, related_name="files", verbose_name=_("report"))
    format = models.CharField(_("format"), max_length=4, choices=ReportFormat.choices)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    file = models.FileField(_("file"), upload_to=report_file_path)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)

    class Meta:
        verbose_name = _("report file")
        verbose_name_plural = _("report files")
        db_table = "smartcity_reportfile"  # the project app's table: kept when the model moved here
        constraints = [
            models.UniqueConstraint(fields=["report", "format", "language"], name="one_report_file_per_format")
        ]

    def __str__(self):
        return f"{self.report} ({self.format}, {self.language})"


class ReportSubscription(models.Model):
    """A staff member who wants an email when a scheduled report of a scope is done (no province: national)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="report_subscriptions", verbose_name=_("user")
    )
    province = models.ForeignKey(
        "regencies.Province", models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("province")
    )

    class Meta:
        verbose_name = _("report subscription")
        verbose_name_plural = _("report subscriptions")
        db_table = "smartcity_reportsubscription"  # the project app's table: kept when the model moved here
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(province__isnull=True), name="one_national_subscription"
            ),
            models.UniqueConstraint(
                fields=["user", "province"],
                condition=models.Q(province__isnull=False),
                name="one_province_subscription",
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.province or _('National')}"
