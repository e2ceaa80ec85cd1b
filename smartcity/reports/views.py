"""Pages for progress reports (ministry staff): the list with "generate now", a report with its live status, and
its files. Requests go through ``smartcity.reports.services``; every page needs ``view_progressreport``."""

import structlog
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from regencies.views import FilteredListView
from smartcity.evaluation import results
from smartcity.reports import jobs, services
from smartcity.reports.choices import NATIONAL, ReportStatus
from smartcity.reports.evaluation import results_file
from smartcity.reports.files import CONTENT_TYPES, file_download
from smartcity.reports.filters import ReportFilterSet
from smartcity.reports.forms import ReportRequestForm, SubscriptionForm
from smartcity.reports.models import ProgressReport, ReportFile, ReportSubscription
from smartcity.reports.sections import sections, title

logger = structlog.get_logger(__name__)


class ReportAccessMixin(PermissionRequiredMixin):
    permission_required = "reports.view_progressreport"


def status_data(report):
    """What the report page's script polls: the state, the progress, and the files once there are any."""
    files = [
        {
            "format": item.format,
            "language": item.language,
            "label": f"{item.get_format_display()} ({item.get_language_display()})",
            "url": reverse("report-file", kwargs={"pk": report.pk, "format": item.format, "language": item.language}),
            "size": item.size,
        }
        for item in report.files.all()
    ]
    return {
        "id": report.pk,
        "status": report.status,
        "status_label": report.get_status_display(),
        "progress": report.progress,
        "finished": report.is_finished,
        "error": report.error,
        "where": where_it_runs(report),
        "overdue": overdue_notice(report),
        "files": files if report.status == ReportStatus.DONE else [],
    }


def where_it_runs(report):
    """Which worker took the running report up, when, and as which task: what to look for if it seems stuck."""
    if report.status != ReportStatus.RUNNING or not report.worker:
        return ""
    return _("Taken up by the worker %(worker)s at %(time)s (task %(task)s, attempt %(attempt)s).") % {
        "worker": report.worker,
        "time": formats.date_format(timezone.localtime(report.started_at), "j F Y H:i"),
        "task": report.task_id,
        "attempt": report.attempts,
    }


def overdue_notice(report):
    """A running report past its time limit has most likely lost its worker: say so, and when it will end."""
    if report.overdue_at is None or timezone.now() < report.overdue_at:
        return ""
    return _(
        "This report has been running longer than any report may: its worker has probably been lost. If no worker "
        "finishes it, it is marked failed at %(time)s and can then be requested again."
    ) % {"time": formats.date_format(timezone.localtime(report.swept_at), "j F Y H:i")}


class ReportListView(ReportAccessMixin, FilteredListView):
    template_name = "reports/report_list.html"
    filterset_class = ReportFilterSet
    context_object_name = "reports"
    request_form = None  # a bound "generate now" form with its errors, when a request was refused

    def get_base_queryset(self):
        return ProgressReport.objects.newest_first().select_related("province", "requested_by")

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = super().get_context_data(**kwargs)
        if user.has_perm("reports.request_progressreport"):
            context["request_form"] = self.request_form or ReportRequestForm()
        context["subscriptions"] = list(user.report_subscriptions.select_related("province").order_by("province__code"))
        context["subscription_form"] = SubscriptionForm()
        # On the page the scope is picked from translated names; the values (``national``, a province code) and the
        # API's text parameter stay as they are. The choices are the subscription form's, already fetched.
        scope = self.filterset.form.fields["scope"]
        scope.label = _("Scope")
        scope.widget = forms.Select(
            choices=[("", _("National and every province")), *context["subscription_form"].fields["scope"].choices]
        )
        return context


class ReportRequestView(PermissionRequiredMixin, View):
    """ "Generate now": queue a report, then show it; bad input stays on the list page with the errors."""

    permission_required = "reports.request_progressreport"
    http_method_names = ["post"]

    def post(self, request):
        form = ReportRequestForm(request.POST)
        if form.is_valid():
            try:
                report = services.request(form.cleaned_data["scope"], form.cleaned_data["period"], user=request.user)
            except jobs.ReportError as error:
                if error.code == jobs.INVALID:
                    form.add_error(error.field, error.message)
                else:
                    messages.error(request, error.message)
                    return redirect(error.report)
            else:
                report.refresh_from_db(fields=["status"])  # done already when tasks run in-process
                if report.status == ReportStatus.DONE:
                    messages.success(request, _("The report is ready."))
                else:
                    messages.success(request, _("The report is queued; this page follows its progress."))
                return redirect(report)
        page = ReportListView(request_form=form)
        page.setup(request)
        response = page.get(request)
        response.status_code = 400
        return response


class ReportDetailView(ReportAccessMixin, TemplateView):
    template_name = "reports/report_detail.html"

    def get_context_data(self, **kwargs):
        report = get_object_or_404(
            ProgressReport.objects.select_related("province", "requested_by").prefetch_related("files"),
            pk=self.kwargs["pk"],
        )
        return super().get_context_data(
            report=report,
            title=title(report),
            sections=sections(report.figures) if report.figures else [],
            status=status_data(report),
            can_request=self.request.user.has_perm("reports.request_progressreport"),
            **kwargs,
        )


class ReportStatusView(ReportAccessMixin, View):
    def get(self, request, pk):
        report = get_object_or_404(ProgressReport.objects.prefetch_related("files"), pk=pk)
        return JsonResponse(status_data(report), headers={"Cache-Control": "no-store"})


class ReportFileView(ReportAccessMixin, View):
    def get(self, request, pk, format, language):
        item = get_object_or_404(
            ReportFile.objects.select_related("report__province"),
            report_id=pk,
            report__status=ReportStatus.DONE,
            format=format,
            language=language,
        )
        try:
            return file_download(item)
        except FileNotFoundError:
            raise Http404(_("The file of this report is missing; generate the report again.")) from None


class EvaluationResultsFileView(View):
    """A published evaluation round's results as a PDF or an XLSX in Indonesian or English, for everyone (published
    results are public); made on request from the stored scores, so it always says what the round's page says."""

    def get(self, request, year, format, language):
        if format not in ("pdf", "xlsx") or language not in dict(settings.LANGUAGES):
            raise Http404(_("There is no such file."))
        round_ = get_object_or_404(
            results.published_by(timezone.localdate()).select_related("weighting").prefetch_related("weighting__parts"),
            year=year,
        )
        with translation.override(language):
            content = results_file(round_, format)
        logger.info("evaluation_results_file", round=year, format=format, language=language, size=len(content))
        return HttpResponse(
            content,
            content_type=CONTENT_TYPES[format],
            headers={"Content-Disposition": f'attachment; filename="hasil-evaluasi-{year}-{language}.{format}"'},
        )


class SubscriptionView(ReportAccessMixin, View):
    """Subscribe to (or, with ``unsubscribe``, leave) the emails of a scope's scheduled reports."""

    http_method_names = ["post"]

    def post(self, request):
        form = SubscriptionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose the national report or a province."))
            return redirect("report-list")
        scope = form.cleaned_data["scope"]
        province = None if scope == NATIONAL else jobs.parse_scope(scope)
        subscriptions = ReportSubscription.objects.filter(user=request.user, province=province)
        if "unsubscribe" in request.POST:
            subscriptions.delete()
            messages.success(request, _("You will no longer get these emails."))
        else:
            ReportSubscription.objects.get_or_create(user=request.user, province=province)
            messages.success(request, _("You will get an email when a scheduled report of this scope is done."))
        return redirect("report-list")
