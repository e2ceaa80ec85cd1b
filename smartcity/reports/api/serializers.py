from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from regencies.api.base import StrictFieldsMixin
from smartcity.reports.choices import ReportFormat, ReportStatus
from smartcity.reports.models import ProgressReport

LANGUAGES = [code for code, name in settings.LANGUAGES]


def absolute(request, path):
    return request.build_absolute_uri(path) if request is not None else path


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
