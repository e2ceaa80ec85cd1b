"""Progress reports in the API, ``/api/v1/reports/``: ministry staff list and read them, download their files, and
request new ones. The work is ``smartcity.reports.services``'s, as for the reports pages; this is only its door.

Reports are staff-only (``smartcity.view_progressreport``, and ``smartcity.request_progressreport`` to request
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
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, permissions, renderers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from regencies.api.base import StrictFieldsMixin
from smartcity.api.permissions import ReadOrScopedWrite
from smartcity.filters import ReportFilterSet
from smartcity.models import NEWEST_FIRST, ProgressReport, ReportFormat, ReportStatus
from smartcity.reports import services
from smartcity.reports.files import CONTENT_TYPES, file_download

logger = logging.getLogger(__name__)

LANGUAGES = [code for code, name in settings.LANGUAGES]


def absolute(request, path):
    return request.build_absolute_uri(path) if request is not None else path


# Serializers -----------------------------------------------------------------------------------------------------


class ReportFileSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=ReportFormat.choices)
    language = serializers.ChoiceField(choices=settings.LANGUAGES)
    size = serializers.IntegerField(help_text=_("Bytes."))
    url = serializers.SerializerMethodField(help_text=_("Where the API serves the file."))

    def get_url(self, item) -> str:
        path = reverse("api:report-file", kwargs={"pk": item.report_id, "file_format": item.format})
        return absolute(self.context.get("request"), f"{path}?lang={item.language}")


class ReportSerializer(serializers.ModelSerializer):
    """A report as the list shows it: what, for when, and how far it is; its files once it is done."""

    url = serializers.SerializerMethodField(help_text=_("The report's page in the portal."))
    scope = serializers.CharField(help_text=_("national, or the province's two-digit code."))
    scope_name = serializers.CharField(source="scope_label")
    period = serializers.CharField(source="period.key", help_text=_("A month (2026-10) or a quarter (2026-Q3)."))
    period_label = serializers.CharField(source="period.label")
    progress = serializers.IntegerField(help_text=_("Percent done."))
    error = serializers.CharField(help_text=_("Why the report failed; empty otherwise."))
    has_demo = serializers.BooleanField(help_text=_("The figures include demo data: not a real record."))
    files = serializers.SerializerMethodField(help_text=_("Every format in every language; empty until done."))

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "url",
            "scope",
            "scope_name",
            "period",
            "period_kind",
            "period_label",
            "status",
            "progress",
            "requested_at",
            "started_at",
            "finished_at",
            "scheduled",
            "error",
            "has_demo",
            "files",
        ]
        read_only_fields = fields

    def get_url(self, report) -> str:
        return absolute(self.context.get("request"), report.get_absolute_url())

    @extend_schema_field(ReportFileSerializer(many=True))
    def get_files(self, report):
        if report.status != ReportStatus.DONE:  # a report that runs again keeps its old files until it is done
            return []
        order = {name: index for index, name in enumerate([*ReportFormat.values, *LANGUAGES])}
        items = sorted(report.files.all(), key=lambda item: (order[item.format], order[item.language]))
        return ReportFileSerializer(items, many=True, context=self.context).data


class ReportDetailSerializer(ReportSerializer):
    """A report with its figures."""

    figures = serializers.JSONField(
        help_text=_("The computed figures, free of language, that the page and every file show; empty until done.")
    )

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "figures"]
        read_only_fields = fields


class NewReportSerializer(StrictFieldsMixin, serializers.Serializer):
    """What to report on: a scope and a period."""

    scope = serializers.CharField(max_length=10, help_text=_("national, or a province's two-digit code (e.g. 16)."))
    period = serializers.CharField(
        max_length=10,
        help_text=_("A month as YYYY-MM (e.g. 2026-10) or a quarter as YYYY-Qn (e.g. 2026-Q3) that has begun."),
    )


class ReportProblemSerializer(serializers.Serializer):
    """An error about one report: the usual error body, with the report's id."""

    code = serializers.CharField()
    detail = serializers.CharField()
    report = serializers.IntegerField(help_text=_("The id of the report concerned."))


class ReportFileQuerySerializer(serializers.Serializer):
    lang = serializers.ChoiceField(
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The file's language."),
        error_messages={"invalid_choice": _("There is no language “{input}”: choose id or en.")},
    )


# Access, filters, errors -----------------------------------------------------------------------------------------


class ReportAccess(ReadOrScopedWrite):
    """Reading needs ``view_progressreport``; requesting ``request_progressreport`` and, through a token, the
    read-and-write scope. Anonymous callers get 401, everyone else without the permission a 403 saying why."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False  # 401
        reading = request.method in permissions.SAFE_METHODS
        if not user.has_perm("smartcity.view_progressreport" if reading else "smartcity.request_progressreport"):
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
    """The API's answer to a ``services.ReportError``."""
    if error.code == services.RUNNING:
        return ReportRunning(error.message, error.report)
    if error.code == services.QUEUE_UNAVAILABLE:  # the report is marked failed
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
        except services.ReportError as error:
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
