"""Progress reports in the API, ``/api/v1/reports/``: ministry staff list and read them, download their files, and
request new ones. The work is ``smartcity.reports.services``'s, as for the reports pages; this is only its door.

Reports are staff-only (``reports.view_progressreport``, and ``reports.request_progressreport`` to request
one): anonymous callers get 401 and everyone else 403, partner tokens included, as partners read published data
only.
"""

import logging

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, permissions, renderers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from smartcity.accounts.api.permissions import ReadOrScopedWrite
from smartcity.reports import jobs, services
from smartcity.reports.api.serializers import (
    NewReportSerializer,
    ReportDetailSerializer,
    ReportFileQuerySerializer,
    ReportProblemSerializer,
    ReportSerializer,
    absolute,
)
from smartcity.reports.choices import ReportFormat, ReportStatus
from smartcity.reports.files import CONTENT_TYPES, file_download
from smartcity.reports.filters import ReportFilterSet
from smartcity.reports.models import NEWEST_FIRST, ProgressReport

logger = logging.getLogger(__name__)

LANGUAGES = [code for code, name in settings.LANGUAGES]


# Access, filters, errors -----------------------------------------------------------------------------------------


class ReportAccess(ReadOrScopedWrite):
    """Reading needs ``view_progressreport``; requesting ``request_progressreport`` and, through a token, the
    read-and-write scope. Anonymous callers get 401, everyone else without the permission a 403 saying why."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False  # 401
        reading = request.method in permissions.SAFE_METHODS
        if not user.has_perm("reports.view_progressreport" if reading else "reports.request_progressreport"):
            raise exceptions.PermissionDenied(
                _("Progress reports are for ministry staff.")
                if reading
                else _("Only ministry staff may request a progress report.")
            )
        if not super().has_permission(request, view):
            raise exceptions.PermissionDenied(_("This token is read-only: requesting a report needs a read-write one."))
        return True


class ReportProblem(exceptions.APIException):
    """A refused request about an existing report; the error body names the report."""

    def __init__(self, detail, report):
        super().__init__(detail)
        self.report = report


class ReportRunning(ReportProblem):
    status_code = status.HTTP_409_CONFLICT
    default_code = "report_running"


class QueueUnavailable(ReportProblem):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "queue_unavailable"


def refusal(error):
    """The API's answer to a ``jobs.ReportError``."""
    if error.code == jobs.RUNNING:
        return ReportRunning(error.message, error.report)
    if error.code == jobs.QUEUE_UNAVAILABLE:  # the report is marked failed
        return QueueUnavailable(error.message, error.report)
    return exceptions.ValidationError({error.field: [error.message]})  # bad input: the field it names


class DownloadRenderer(renderers.BaseRenderer):
    """Lets a download through whatever its ``Accept`` header names; the file brings its own content type (and
    errors are JSON all the same)."""

    media_type = "*/*"
    format = "download"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


# The view ----------------------------------------------------------------------------------------------------------

# Errors are JSON whatever the caller asked for (regencies.api.base.handle_exception).
ERROR = {"$ref": "#/components/schemas/Error"}
JSON = "application/json"
STAFF_ONLY = {
    (403, JSON): OpenApiResponse(
        ERROR, description=_("Not ministry staff: progress reports need the permission to view (or request) them.")
    )
}
REPORT_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description=_("The report's id."))
FILE_TYPES = {(200, content_type): OpenApiTypes.BINARY for content_type in CONTENT_TYPES.values()}


@extend_schema_view(
    list=extend_schema(
        summary="Progress reports, newest period first (ministry staff)",
        responses={200: ReportSerializer(many=True), **STAFF_ONLY},
    ),
    retrieve=extend_schema(
        summary="One progress report with its figures (ministry staff)",
        parameters=[REPORT_ID],
        responses={200: ReportDetailSerializer, **STAFF_ONLY},
    ),
)
class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Progress reports: the programme's figures over a month or a quarter, nationally or for one province, as
    CSV, XLSX and PDF in Indonesian and English. One report per scope and period; requesting it again computes it
    again. Ministry staff only: anonymous callers get 401, everyone else 403 (partner tokens included)."""

    permission_classes = [ReportAccess]
    filterset_class = ReportFilterSet
    ordering_fields = ["id", "requested_at", "finished_at"]
    ordering = NEWEST_FIRST
    lookup_value_regex = r"\d+"
    serializers_by_action = {"list": ReportSerializer, "create": NewReportSerializer}

    def get_serializer_class(self):
        return self.serializers_by_action.get(self.action, ReportDetailSerializer)

    def get_queryset(self):
        queryset = ProgressReport.objects.newest_first().select_related("province").prefetch_related("files")
        return queryset.defer("figures") if self.action == "list" else queryset

    def detail_url(self, report):
        return absolute(self.request, reverse("api:report-detail", kwargs={"pk": report.pk}))

    @extend_schema(
        summary="Request a progress report (ministry staff, read-write token)",
        description=_(
            "Queues the report of a scope and period and answers at once (202) with the report, to follow at its "
            "Location until its status is done or failed. A report already queued or running is a 409; when the "
            "job queue does not answer, the report is marked failed and the answer is a 503: request it again."
        ),
        request=NewReportSerializer,
        responses={
            202: ReportDetailSerializer,
            (403, JSON): OpenApiResponse(ERROR, description=_("A read-only token, or not ministry staff.")),
            (409, JSON): OpenApiResponse(
                ReportProblemSerializer, description=_("The report is already queued or running.")
            ),
            (503, JSON): OpenApiResponse(
                ReportProblemSerializer, description=_("The job queue did not answer; the report is marked failed.")
            ),
        },
        parameters=[
            OpenApiParameter(
                "Location", OpenApiTypes.URI, OpenApiParameter.HEADER, response=[202], description=_("The report.")
            )
        ],
    )
    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            report = services.request(
                serializer.validated_data["scope"], serializer.validated_data["period"], user=request.user
            )
        except jobs.ReportError as error:
            raise refusal(error) from error
        # Read again: the job may have run already (tasks run in-process without a broker).
        report = self.get_queryset().get(pk=report.pk)
        body = ReportDetailSerializer(report, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": self.detail_url(report)})

    @extend_schema(
        summary="Download a file of a done report (ministry staff)",
        parameters=[
            ReportFileQuerySerializer,
            REPORT_ID,
            OpenApiParameter("file_format", str, OpenApiParameter.PATH, enum=ReportFormat.values),
        ],
        responses={
            **FILE_TYPES,
            **STAFF_ONLY,
            (404, JSON): OpenApiResponse(ERROR, description=_("No such report, or it is not done, or no such file.")),
        },
    )
    @action(
        detail=True,
        url_path=r"files/(?P<file_format>[^/.]+)",
        url_name="file",
        renderer_classes=[DownloadRenderer],
    )
    def file(self, request, pk, file_format):
        unknown = sorted(name for name in request.query_params if name != "lang")
        if unknown:
            raise exceptions.ValidationError(
                {name: [_("Unknown parameter: a download takes only lang.")] for name in unknown},
                code="unknown_parameter",
            )
        query = ReportFileQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        language = query.validated_data["lang"]
        if file_format not in ReportFormat.values:
            raise exceptions.NotFound(_("Reports come as csv, xlsx or pdf."))
        report = ProgressReport.objects.select_related("province").filter(pk=pk).first()
        if report is None:
            raise exceptions.NotFound()
        if report.status != ReportStatus.DONE:
            raise exceptions.NotFound(_("This report is not done, so it has no files to download."))
        item = report.files.filter(format=file_format, language=language).first()
        if item is None:
            raise exceptions.NotFound(_("This report has no such file; generate the report again."))
        try:
            return file_download(item)
        except FileNotFoundError:
            logger.error("A file of report %s is missing from storage: %s", report.pk, item.file.name)
            raise exceptions.NotFound(_("This report has no such file; generate the report again.")) from None

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if isinstance(exc, ReportProblem):
            response.data["report"] = exc.report.pk
        return response
