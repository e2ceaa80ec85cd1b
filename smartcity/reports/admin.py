from django.contrib import admin

from smartcity.reports.models import ProgressReport


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    """Reports are made by the job only; the admin shows them, with their attempts and errors, for support."""

    list_display = ["__str__", "status", "progress", "attempts", "worker", "scheduled", "requested_at", "finished_at"]
    list_filter = ["status", "period_kind", "scheduled"]
    list_select_related = ["province"]
    exclude = ["figures"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
